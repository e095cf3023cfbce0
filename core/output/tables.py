"""Writing tables in the input format: xlsx, JSON, or a folder of CSV or Parquet files.

Used by ``kinerja sample-data`` and by tests; :func:`kinerja.input.read.read_tables`
reads the output back. Tables come as rows (``{sheet: [{column: value}]}``) or as
polars frames (``{sheet: DataFrame | LazyFrame}``); a LazyFrame is streamed, so a
table larger than memory can be written to CSV, Parquet or JSON. Every file is written
atomically, and the same tables give byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

import polars as pl

from kinerja.errors import KinerjaError
from kinerja.output.atomic import atomic_path, atomic_write
from kinerja.output.xlsx import workbook_bytes, xlsx_text

__all__ = ["EXCEL_ROWS", "FOLDER_FORMATS", "check_excel_rows", "is_nip_column", "write_tables"]

EXCEL_ROWS = 1_048_576
"""Rows an Excel sheet holds, the header included."""
FOLDER_FORMATS = ("csv", "parquet")
"""File formats of a folder output: one ``<sheet>.csv`` or ``<sheet>.parquet`` per table."""
PARQUET_OPTIONS: dict[str, object] = {
    "compression": "zstd",
    "compression_level": 1,
    "statistics": False,
}
"""Fast to write and still small: input files are read whole, so no column statistics."""
JSON_BATCH = 100_000
"""Rows turned into JSON at a time."""

Rows = list[dict[str, object]]
Table = Rows | pl.DataFrame | pl.LazyFrame


def is_nip_column(name: str) -> bool:
    """True for columns holding NIPs (``nip``, ``atasan_nip``, ``penilai_nip``...)."""
    return name == "nip" or name.endswith("_nip")


def write_tables(tables: Mapping[str, Table], path: str | Path, format: str | None = None) -> None:
    """Write input-format tables to ``.xlsx``, ``.json`` or (any other path) a folder.

    A folder gets one file per table, ``format`` ``csv`` (the default) or ``parquet``.
    The output reads back with :func:`~kinerja.input.read.read_tables`. In xlsx, NIP
    columns are text cells formatted as Text (``@``) so Excel keeps all 18 digits,
    text that looks like a formula stays text, and characters a workbook cannot
    store are dropped (:func:`~kinerja.output.xlsx.xlsx_text`); a table longer than an
    Excel sheet is refused (:data:`EXCEL_ROWS`), naming CSV and Parquet instead. A lone
    surrogate becomes ``?`` in CSV and JSON. CSV files are UTF-8 with a byte-order mark
    and CRLF line ends, the way Excel saves them.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if format not in (None, *FOLDER_FORMATS):
        raise ValueError(f"format must be one of {', '.join(FOLDER_FORMATS)}, got {format!r}")
    if suffix in (".xlsx", ".xlsm"):
        _write_xlsx(tables, path)
    elif suffix == ".json":
        _write_json(tables, path)
    else:
        _write_folder(tables, path, format or "csv")


def _is_rows(table: Table) -> bool:
    return not isinstance(table, pl.DataFrame | pl.LazyFrame)


def _frame(table: Table) -> pl.LazyFrame:
    """A table as a LazyFrame; rows get one type per column (mixed ones become text)."""
    if isinstance(table, pl.LazyFrame):
        return table
    if isinstance(table, pl.DataFrame):
        return table.lazy()
    return pl.from_dicts(table, infer_schema_length=None, strict=False).lazy()


# --------------------------------------------------------------------- xlsx


def check_excel_rows(rows: Mapping[str, int], path: str | Path) -> None:
    """Refuse (:class:`~kinerja.errors.KinerjaError`) a table too long for an Excel sheet."""
    for name, count in rows.items():
        if count >= EXCEL_ROWS:
            raise KinerjaError(
                f"cannot write {path}: table {name} has {count:,} rows, more than an Excel "
                f"sheet holds ({EXCEL_ROWS - 1:,} below the header). Write a folder of CSV "
                "or Parquet files instead."
            )


def _write_xlsx(tables: Mapping[str, Table], path: Path) -> None:
    sheets = {
        name: table.collect() if isinstance(table, pl.LazyFrame) else table
        for name, table in tables.items()
    }
    check_excel_rows({name: len(sheet) for name, sheet in sheets.items()}, path)
    rows = {
        name: sheet.to_dicts() if isinstance(sheet, pl.DataFrame) else sheet
        for name, sheet in sheets.items()
    }
    atomic_write(path, workbook_bytes(_tables_workbook(rows)))


def _header(rows: Rows) -> list[str]:
    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(r))
    return list(cols)


def _tables_workbook(tables: Mapping[str, Rows]) -> object:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for name, rows in tables.items():
        ws = wb.create_sheet(title=name)
        header = _header(rows)
        nip_cols = {c for c in header if is_nip_column(c)}
        ws.append([xlsx_text(str(c)) for c in header])
        for r in rows:
            out: list[object] = []
            for c in header:
                v = r.get(c)
                if c in nip_cols and isinstance(v, int) and not isinstance(v, bool):
                    v = str(v)
                if isinstance(v, str):
                    v = xlsx_text(v)
                formula_like = isinstance(v, str) and v.startswith("=")
                if (c in nip_cols and v is not None) or formula_like:
                    cell = WriteOnlyCell(ws, value=v)
                    if formula_like:
                        cell.data_type = "s"  # text that merely looks like a formula
                    if c in nip_cols:
                        cell.number_format = "@"
                    out.append(cell)
                else:
                    out.append(v)
            ws.append(out)
    if not tables:
        wb.create_sheet(title="pegawai")
    return wb


# --------------------------------------------------------------------- JSON


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _write_json(tables: Mapping[str, Table], path: Path) -> None:
    if all(_is_rows(table) for table in tables.values()):
        doc = {name: [dict(r) for r in rows] for name, rows in tables.items()}  # type: ignore[union-attr]
        text = json.dumps(doc, ensure_ascii=False, indent=2, default=_json_default)
        atomic_write(path, (text + "\n").encode("utf-8", "replace"))
        return
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", errors="replace") as fh:
        fh.write("{")
        for i, (name, table) in enumerate(tables.items()):
            fh.write(f"{',' if i else ''}\n{json.dumps(name, ensure_ascii=False)}: [")
            _json_rows(_frame(table), fh)
            fh.write("]")
        fh.write("\n}\n")


def _json_rows(frame: pl.LazyFrame, fh: IO[str]) -> None:
    """The rows of ``frame`` as JSON objects separated by commas, a batch at a time."""
    first = True
    for batch in frame.collect_batches(chunk_size=JSON_BATCH):
        if not batch.height:
            continue
        lines = batch.with_columns(pl.col(pl.Date).cast(pl.String)).write_ndjson()
        # a line break inside a JSON text is always escaped: each one ends a row
        fh.write(("" if first else ",") + "\n" + lines.rstrip("\n").replace("\n", ",\n"))
        first = False


# --------------------------------------------------------------------- folders


def _write_folder(tables: Mapping[str, Table], path: Path, format: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        target = path / f"{name}.{format}"
        if format == "csv" and _is_rows(table):
            _write_csv_rows(table, target)  # type: ignore[arg-type]
        elif format == "csv":
            with atomic_path(target) as tmp:
                _frame(table).sink_csv(tmp, include_bom=True, line_terminator="\r\n")
        else:
            with atomic_path(target) as tmp:
                _frame(table).sink_parquet(tmp, **PARQUET_OPTIONS)


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_csv_rows(rows: Sequence[dict[str, object]], target: Path) -> None:
    header = _header(list(rows))
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", errors="replace", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for r in rows:
                w.writerow([_csv_text(r.get(c)) for c in header])

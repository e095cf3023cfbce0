"""Writing tables in the input format (xlsx, JSON or a folder of CSV files).

Used by ``kinerja sample-data`` and by tests; :func:`kinerja.input.read.read_tables`
reads the output back. Output is atomic and byte-identical for the same tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from kinerja.output.atomic import atomic_path, atomic_write
from kinerja.output.xlsx import workbook_bytes, xlsx_text

__all__ = ["is_nip_column", "write_tables"]


def is_nip_column(name: str) -> bool:
    """True for columns holding NIPs (``nip``, ``atasan_nip``, ``penilai_nip``...)."""
    return name == "nip" or name.endswith("_nip")


def _header(rows: list[dict[str, object]]) -> list[str]:
    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(r))
    return list(cols)


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def write_tables(tables: dict[str, list[dict[str, object]]], path: Path) -> None:
    """Write input-format tables to ``.xlsx``, ``.json`` or (any other path) a folder of CSVs.

    The output reads back with :func:`~kinerja.input.read.read_tables`. In xlsx, NIP
    columns are text cells formatted as Text (``@``) so Excel keeps all 18 digits,
    text that looks like a formula stays text, and characters a workbook cannot
    store are dropped (:func:`~kinerja.output.xlsx.xlsx_text`). A lone surrogate becomes
    ``?`` in CSV and JSON. Output is atomic and byte-identical for the same tables.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        doc = {name: [dict(r) for r in rows] for name, rows in tables.items()}
        text = json.dumps(doc, ensure_ascii=False, indent=2, default=_json_default)
        atomic_write(path, (text + "\n").encode("utf-8", "replace"))
    elif suffix in (".xlsx", ".xlsm"):
        atomic_write(path, workbook_bytes(_tables_workbook(tables)))
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, rows in tables.items():
            header = _header(rows)
            with atomic_path(path / f"{name}.csv") as tmp:
                with open(tmp, "w", encoding="utf-8-sig", errors="replace", newline="") as fh:
                    w = csv.writer(fh)
                    w.writerow(header)
                    for r in rows:
                        w.writerow([_csv_text(r.get(c)) for c in header])


def _tables_workbook(tables: dict[str, list[dict[str, object]]]) -> object:
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

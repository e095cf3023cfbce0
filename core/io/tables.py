"""Reading the raw input tables (xlsx workbook, folder of CSV files, or JSON) and writing them.

Reading does no validation beyond the file itself: it returns every non-blank row of
the known sheets with normalised headers and the cell values as the file gives them.
:func:`kinerja.dataset.build_dataset` turns those rows into a validated dataset.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kinerja.io.atomic import atomic_path, atomic_write
from kinerja.model import Reject

__all__ = [
    "KNOWN_SHEETS",
    "InputError",
    "Tables",
    "normalise_header",
    "read_tables",
    "workbook_bytes",
    "write_tables",
]

KNOWN_SHEETS = ("pegawai", "capaian", "penilaian", "keberatan")
"""Sheets (or CSV files, or JSON keys) the engine reads; ``pegawai`` is required."""

ACCEPTED_FORMATS = (
    "an Excel workbook (.xlsx) with sheets pegawai, capaian, penilaian, keberatan; "
    "a folder holding pegawai.csv, capaian.csv, penilaian.csv, keberatan.csv; "
    'or a .json file like {"pegawai": [{"nip": "...", ...}], "capaian": [...]}'
)

FIXED_XLSX_TIME = dt.datetime(2000, 1, 1)
"""Creation/modification time written into every workbook, so output is reproducible."""
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_HEADER_SEP = re.compile(r"[\s\-]+")

Row = dict[str, object]


class InputError(Exception):
    """The input file cannot be read at all. The message is meant for the person running it."""


@dataclass(slots=True)
class Tables:
    """The raw rows of the known sheets, as read from one input file or folder."""

    tables: dict[str, list[tuple[int, Row]]]
    """Sheet name -> [(row number, {normalised header: cell value})], blank rows skipped."""
    source: str
    """The input path as given."""
    sha256: str
    """SHA-256 of the file bytes (for a CSV folder: of the known files, see read_tables)."""
    problems: list[Reject]
    """Whole-file problems that are not about one row, e.g. a missing pegawai sheet."""
    columns: dict[str, list[str]] = field(default_factory=dict)
    """Sheet name -> normalised headers found, in file order (for error messages)."""


@lru_cache(maxsize=4096)
def normalise_header(name: object) -> str:
    """``" Unit-Kerja "`` -> ``"unit_kerja"``: trimmed, lower case, spaces/hyphens -> ``_``."""
    return _HEADER_SEP.sub("_", str(name).strip().lower())


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------- reading


def read_tables(path: str | Path) -> Tables:
    """Read the input tables from an ``.xlsx`` workbook, a folder of CSV files or a ``.json`` file.

    Raises :class:`InputError` with a readable message when the path does not exist,
    has an unsupported type, or cannot be parsed.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"Input not found: {path}. Give {ACCEPTED_FORMATS}.")
    if p.is_dir():
        return _read_csv_dir(p, str(path))
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p, str(path))
    if suffix == ".json":
        return _read_json(p, str(path))
    hint = ""
    if suffix == ".xls":
        hint = " The old .xls format is not supported: open it in Excel and Save As .xlsx."
    elif suffix == ".csv":
        hint = " For CSV input give the folder that holds the CSV files, not one file."
    raise InputError(f"Cannot read {path}: unsupported file type.{hint} Give {ACCEPTED_FORMATS}.")


def _rows_from_matrix(
    rows: Iterable[Iterable[object]],
) -> tuple[list[str], list[tuple[int, Row]]]:
    """Turn a grid (first non-blank row = header) into numbered row dicts."""
    header: list[str] | None = None
    positions: list[tuple[int, str]] = []
    out: list[tuple[int, Row]] = []
    for number, cells in enumerate(rows, start=1):
        cells = tuple(cells)
        if header is None:
            if all(_is_blank(c) for c in cells):
                continue
            header = []
            seen: set[str] = set()
            for i, c in enumerate(cells):
                if _is_blank(c):
                    continue
                name = normalise_header(c)
                if name in seen:
                    continue  # a repeated header: the first column wins
                seen.add(name)
                header.append(name)
                positions.append((i, name))
            continue
        width = len(cells)
        row = {name: (cells[i] if i < width else None) for i, name in positions}
        if all(_is_blank(v) for v in row.values()):
            continue
        out.append((number, row))
    return header or [], out


def _missing_pegawai(found: Iterable[str], what: str) -> Reject:
    names = ", ".join(found) or "none"
    return Reject(
        sheet="pegawai",
        row=0,
        nip=None,
        reason=(
            f"The input has no pegawai {what}, so no employee can be appraised "
            f"({what}s found: {names}). Add a {what} named pegawai with the columns "
            "nip, nama, jabatan, unit_kerja, golongan, atasan_nip."
        ),
    )


def _read_xlsx(p: Path, source: str) -> Tables:
    import openpyxl

    data = p.read_bytes()
    tables: dict[str, list[tuple[int, Row]]] = {}
    columns: dict[str, list[str]] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported Excel extensions are irrelevant here
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                names = list(wb.sheetnames)
                for title in names:
                    name = normalise_header(title)
                    if name not in KNOWN_SHEETS or name in tables:
                        continue
                    ws = wb[title]
                    if not hasattr(ws, "iter_rows"):  # a chart sheet
                        continue
                    ws.reset_dimensions()  # some writers store wrong dimensions
                    columns[name], tables[name] = _rows_from_matrix(ws.iter_rows(values_only=True))
            finally:
                wb.close()
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise InputError(
            f"Cannot read {source} as an Excel workbook ({type(exc).__name__}: {exc}). "
            "Check that it is a .xlsx file saved by Excel or LibreOffice, not a renamed "
            "CSV or .xls file, and that it is not damaged or password-protected."
        ) from None
    problems = [] if "pegawai" in tables else [_missing_pegawai(names, "sheet")]
    return Tables(tables, source, hashlib.sha256(data).hexdigest(), problems, columns)


def _sniff_delimiter(first_line: str) -> str:
    """Excel in an Indonesian locale saves CSV with ``;``; pick the likeliest separator."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv_dir(p: Path, source: str) -> Tables:
    files = {f.stem.strip().lower(): f for f in sorted(p.iterdir()) if f.suffix.lower() == ".csv"}
    digest = hashlib.sha256()
    tables: dict[str, list[tuple[int, Row]]] = {}
    columns: dict[str, list[str]] = {}
    for name in sorted(KNOWN_SHEETS):
        f = files.get(name)
        if f is None:
            continue
        data = f.read_bytes()
        canonical = f"{name}.csv".encode()
        digest.update(b"%d:%s%d:" % (len(canonical), canonical, len(data)))
        digest.update(data)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"Cannot read {f}: it is not UTF-8 text (byte {exc.start}). In Excel use "
                "Save As > 'CSV UTF-8 (Comma delimited)'."
            ) from None
        first = text.split("\n", 1)[0]
        try:
            grid = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(first))
            cells = ([c if c != "" else None for c in r] for r in grid)
            columns[name], tables[name] = _rows_from_matrix(cells)
        except csv.Error as exc:
            raise InputError(f"Cannot read {f} as CSV: {exc}.") from None
    problems = [] if "pegawai" in tables else [_missing_pegawai(sorted(files), "CSV file")]
    return Tables(tables, source, digest.hexdigest(), problems, columns)


def _read_json(p: Path, source: str) -> Tables:
    data = p.read_bytes()
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(
            f"Cannot read {source}: it is not UTF-8 text (byte {exc.start})."
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"Cannot read {source}: invalid JSON at line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}."
        ) from None
    if not isinstance(doc, dict):
        raise InputError(
            f"Cannot read {source}: the JSON must be an object whose keys are the tables, "
            'like {"pegawai": [...], "capaian": [...]}; found a ' + type(doc).__name__ + "."
        )
    tables: dict[str, list[tuple[int, Row]]] = {}
    columns: dict[str, list[str]] = {}
    problems: list[Reject] = []
    for key, items in doc.items():
        name = normalise_header(key)
        if name not in KNOWN_SHEETS or name in tables:
            continue
        if not isinstance(items, list):
            problems.append(
                Reject(
                    name,
                    0,
                    None,
                    f"{key} must be a list of row objects, found a "
                    f"{type(items).__name__}; none of its rows were read",
                )
            )
            continue
        rows: list[tuple[int, Row]] = []
        seen: dict[str, None] = {}
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                problems.append(
                    Reject(
                        name,
                        number,
                        None,
                        f"{key} item {number} is not an object "
                        "of column: value pairs; it was skipped",
                    )
                )
                continue
            row: Row = {}
            for k, v in item.items():
                row.setdefault(normalise_header(k), v)
            if all(_is_blank(v) for v in row.values()):
                continue
            seen.update(dict.fromkeys(row))
            rows.append((number, row))
        tables[name], columns[name] = rows, list(seen)
    if "pegawai" not in tables and not any(r.sheet == "pegawai" for r in problems):
        problems.insert(0, _missing_pegawai(doc.keys(), "key"))
    return Tables(tables, source, hashlib.sha256(data).hexdigest(), problems, columns)


# --------------------------------------------------------------------- writing


def is_nip_column(name: str) -> bool:
    """True for columns holding NIPs (``nip``, ``atasan_nip``, ``penilai_nip``...)."""
    return name == "nip" or name.endswith("_nip")


def workbook_bytes(wb: object) -> bytes:
    """Serialise an openpyxl workbook reproducibly: fixed timestamps and zip entry order.

    Workbook properties get :data:`FIXED_XLSX_TIME`; every zip entry gets the date
    1980-01-01 00:00:00 and the entries are stored in a stable order.
    """
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = FIXED_XLSX_TIME  # type: ignore[attr-defined]
    wb.properties.modified = FIXED_XLSX_TIME  # type: ignore[attr-defined]
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    first = {"[Content_Types].xml": 0, "_rels/.rels": 1}
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (first.get(n, 2), n)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


def _header(rows: list[Row]) -> list[str]:
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

    The output reads back with :func:`read_tables`. In xlsx, NIP columns are text cells
    formatted as Text (``@``) so Excel keeps all 18 digits. Output is atomic and
    byte-identical for the same tables.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        doc = {name: [dict(r) for r in rows] for name, rows in tables.items()}
        text = json.dumps(doc, ensure_ascii=False, indent=2, default=_json_default)
        atomic_write(path, (text + "\n").encode("utf-8"))
    elif suffix in (".xlsx", ".xlsm"):
        atomic_write(path, workbook_bytes(_tables_workbook(tables)))
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, rows in tables.items():
            header = _header(rows)
            with atomic_path(path / f"{name}.csv") as tmp:
                with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
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
        ws.append(header)
        for r in rows:
            out: list[object] = []
            for c in header:
                v = r.get(c)
                if c in nip_cols and v is not None:
                    as_text = isinstance(v, int) and not isinstance(v, bool)
                    cell = WriteOnlyCell(ws, value=str(v) if as_text else v)
                    cell.number_format = "@"
                    out.append(cell)
                elif isinstance(v, str) and v.startswith("="):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.data_type = "s"  # text that merely looks like a formula
                    out.append(cell)
                else:
                    out.append(v)
            ws.append(out)
    if not tables:
        wb.create_sheet(title="pegawai")
    return wb

"""Reading the raw input tables (xlsx workbook, folder of CSV files, or JSON) and writing them.

Reading does no validation beyond the file itself: it returns every non-blank row of
the known sheets with normalised headers and the cell values as the file gives them.
:func:`kinerja.input.validate.build_dataset` turns those rows into a validated dataset.

Nothing the reader finds is dropped silently. Two sheets (CSV files, JSON keys) that
read as the same table, and repeated column headers, are whole-file problems
(:attr:`Tables.problems`). A cell with no usable value (a formula that was never
calculated, text with a lone surrogate) is a cell problem (:attr:`Tables.cell_problems`)
that rejects its row.
"""

from __future__ import annotations

import csv
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
from typing import NamedTuple

from kinerja.errors import InputError
from kinerja.model import Reject
from kinerja.output.tables import is_nip_column, write_tables
from kinerja.output.xlsx import FIXED_XLSX_TIME, unsaved_formulas, workbook_bytes, xlsx_text

__all__ = [
    "FIXED_XLSX_TIME",
    "KNOWN_SHEETS",
    "InputError",
    "Tables",
    "is_nip_column",
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

_HEADER_SEP = re.compile(r"[\s\-]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_MAX_INT_DIGITS = 4000
"""Longer JSON integers are read as infinite (Python refuses to convert them to int)."""

Row = dict[str, object]
CellProblems = dict[int, list[tuple[str, str]]]
"""Row number -> [(column, reason)] for cells that have no usable value."""


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
    cell_problems: dict[str, CellProblems] = field(default_factory=dict)
    """Sheet name -> row number -> [(column, reason)]: cells the reader found unusable.

    Validation rejects such a row with these reasons when it reads the column."""


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


class _Grid(NamedTuple):
    """One sheet read from a grid of cells."""

    columns: list[str]
    """Normalised headers, first of each name, in file order."""
    rows: list[tuple[int, Row]]
    repeated: dict[str, list[str]]
    """Normalised name -> every header that reads as it (two or more), as written."""
    cell_problems: CellProblems


def _letter(index: int) -> str:
    """0 -> ``A``, 26 -> ``AA``: the spreadsheet column of a 0-based index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _unsaved_formula(column: str) -> str:
    return (
        f"the {column} cell holds a formula with no saved value; open the workbook in Excel "
        "and save it, or type the value"
    )


def _rows_from_matrix(
    rows: Iterable[Iterable[object]], formulas: set[tuple[int, int]] | None = None
) -> _Grid:
    """Turn a grid (first non-blank row = header) into numbered row dicts.

    ``formulas`` holds the 1-based (row, column) of formula cells without a saved
    value: their row is kept (even when it looks blank) with a cell problem each.
    """
    positions: list[tuple[int, str]] | None = None
    first: dict[str, str] = {}
    repeated: dict[str, list[str]] = {}
    out: list[tuple[int, Row]] = []
    problems: CellProblems = {}
    for number, cells in enumerate(rows, start=1):
        cells = tuple(cells)
        if positions is None:
            if all(_is_blank(c) for c in cells):
                continue
            positions = []
            for i, c in enumerate(cells):
                if _is_blank(c):
                    continue
                name = normalise_header(c)
                shown = f"{str(c).strip()!r} (column {_letter(i)})"
                if name in first:  # a repeated header: the first column wins, and is reported
                    repeated.setdefault(name, [first[name]]).append(shown)
                    continue
                first[name] = shown
                positions.append((i, name))
            continue
        width = len(cells)
        row = {name: (cells[i] if i < width else None) for i, name in positions}
        if formulas and any((number, i + 1) in formulas for i, _ in positions):
            unsaved = [name for i, name in positions if (number, i + 1) in formulas]
            problems[number] = [(name, _unsaved_formula(name)) for name in unsaved]
        elif all(_is_blank(v) for v in row.values()):
            continue
        out.append((number, row))
    return _Grid([name for _, name in positions or []], out, repeated, problems)


def _repeated_columns(
    sheet: str, where: str, repeated: dict[str, list[str]], what: str = "columns"
) -> Reject | None:
    """The whole-sheet problem for headers (or JSON keys) that read as one column, if any."""
    if not repeated:
        return None
    parts = "; ".join(
        f"{' and '.join(shown)} read as {name}" if len(shown) > 1 else f"{shown[0]} repeats"
        for name, shown in repeated.items()
    )
    return Reject(
        sheet,
        0,
        None,
        f"{where} has {what} that name the same column: {parts}. Only the first of each is "
        "read, so the values under the others are ignored; remove or rename them.",
        ", ".join(repeated),
    )


def _same_table(name: str, what: str, first: str, other: str, rows: int | None) -> Reject:
    """The whole-file problem for a second sheet (file, key) that reads as ``name``."""
    count = "its rows were" if rows is None else f"its {rows} row(s) were"
    return Reject(
        name,
        0,
        None,
        f"The input has two {what}s that both read as {name}: {first!r} and {other!r}. Only "
        f"{first!r} was read; {other!r} was not ({count} not used). Merge them into one "
        f"{what} or rename {other!r}.",
    )


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


def _formulas(archive: zipfile.ZipFile, ws: object) -> set[tuple[int, int]]:
    """Formula cells without a saved value in ``ws``; none when the sheet cannot be scanned."""
    path = getattr(ws, "_worksheet_path", None)  # openpyxl's read-only sheet knows its part
    if not path:
        return set()
    try:
        return unsaved_formulas(archive, path)
    except Exception:  # openpyxl reads the sheet itself and reports damage
        return set()


def _read_xlsx(p: Path, source: str) -> Tables:
    import openpyxl

    data = p.read_bytes()
    tables: dict[str, list[tuple[int, Row]]] = {}
    columns: dict[str, list[str]] = {}
    cells: dict[str, CellProblems] = {}
    problems: list[Reject] = []
    titles: dict[str, str] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported Excel extensions are irrelevant here
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            archive = zipfile.ZipFile(io.BytesIO(data))
            try:
                names = list(wb.sheetnames)
                for title in names:
                    name = normalise_header(title)
                    if name not in KNOWN_SHEETS:
                        continue
                    ws = wb[title]
                    if not hasattr(ws, "iter_rows"):  # a chart sheet
                        continue
                    ws.reset_dimensions()  # some writers store wrong dimensions
                    if name in titles:
                        n = len(_rows_from_matrix(ws.iter_rows(values_only=True)).rows)
                        problems.append(_same_table(name, "sheet", titles[name], title, n))
                        continue
                    titles[name] = title
                    grid = _rows_from_matrix(ws.iter_rows(values_only=True), _formulas(archive, ws))
                    columns[name], tables[name] = grid.columns, grid.rows
                    if grid.cell_problems:
                        cells[name] = grid.cell_problems
                    repeated = _repeated_columns(name, f"sheet {title!r}", grid.repeated)
                    problems += [repeated] if repeated else []
            finally:
                wb.close()
                archive.close()
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise InputError(
            f"Cannot read {source} as an Excel workbook ({type(exc).__name__}: {exc}). "
            "Check that it is a .xlsx file saved by Excel or LibreOffice, not a renamed "
            "CSV or .xls file, and that it is not damaged or password-protected."
        ) from None
    if "pegawai" not in tables:
        problems.insert(0, _missing_pegawai(names, "sheet"))
    digest = hashlib.sha256(data).hexdigest()
    return Tables(tables, source, digest, problems, columns, cells)


def _sniff_delimiter(first_line: str) -> str:
    """Excel in an Indonesian locale saves CSV with ``;``; pick the likeliest separator."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_grid(f: Path, data: bytes) -> _Grid:
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
        return _rows_from_matrix([c if c != "" else None for c in r] for r in grid)
    except csv.Error as exc:
        raise InputError(f"Cannot read {f} as CSV: {exc}.") from None


def _read_csv_dir(p: Path, source: str) -> Tables:
    found: dict[str, list[Path]] = {}
    for f in sorted(p.iterdir()):
        if f.suffix.lower() == ".csv" and f.is_file():
            found.setdefault(normalise_header(f.stem), []).append(f)
    digest = hashlib.sha256()
    tables: dict[str, list[tuple[int, Row]]] = {}
    columns: dict[str, list[str]] = {}
    problems: list[Reject] = []
    for name in sorted(KNOWN_SHEETS):
        if name not in found:
            continue
        f, *others = found[name]
        data = f.read_bytes()
        canonical = f"{name}.csv".encode()
        digest.update(b"%d:%s%d:" % (len(canonical), canonical, len(data)))
        digest.update(data)
        grid = _csv_grid(f, data)
        columns[name], tables[name] = grid.columns, grid.rows
        repeated = _repeated_columns(name, f"CSV file {f.name!r}", grid.repeated)
        problems += [repeated] if repeated else []
        for other in others:
            try:
                n: int | None = len(_csv_grid(other, other.read_bytes()).rows)
            except (InputError, OSError):
                n = None
            problems.append(_same_table(name, "CSV file", f.name, other.name, n))
    if "pegawai" not in tables:
        problems.insert(0, _missing_pegawai(sorted(found), "CSV file"))
    return Tables(tables, source, digest.hexdigest(), problems, columns)


class _Pairs(dict):
    """A JSON object that repeats a key: the first value of each key, and every pair."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        super().__init__()
        for key, value in pairs:
            self.setdefault(key, value)
        self.pairs = pairs


def _json_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj = dict(pairs)
    return obj if len(obj) == len(pairs) else _Pairs(pairs)


def _json_int(digits: str) -> int | float:
    """A JSON integer; one too long to convert is infinite (refused later as not finite)."""
    if len(digits) <= _MAX_INT_DIGITS:
        return int(digits)
    return float("-inf") if digits.startswith("-") else float("inf")


def _items(obj: dict) -> Iterable[tuple[str, object]]:
    return obj.pairs if isinstance(obj, _Pairs) else obj.items()


def _bad_text(column: str) -> str:
    return (
        f"{column} holds text that is not valid Unicode (a lone surrogate, e.g. from a broken "
        "\\u escape in the JSON); retype the text"
    )


def _load_json(data: bytes, source: str) -> tuple[dict, bool]:
    """The parsed document, and whether it may hold lone surrogates."""
    try:
        text = data.decode("utf-8-sig")
        doc = json.loads(text, object_pairs_hook=_json_object, parse_int=_json_int)
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
    return doc, bool(_SURROGATE_ESCAPE.search(text))


def _read_json(p: Path, source: str) -> Tables:
    data = p.read_bytes()
    doc, check_text = _load_json(data, source)
    tables: dict[str, list[tuple[int, Row]]] = {}
    columns: dict[str, list[str]] = {}
    cells: dict[str, CellProblems] = {}
    problems: list[Reject] = []
    keys: dict[str, str] = {}
    for key, items in _items(doc):
        name = normalise_header(key)
        if name not in KNOWN_SHEETS:
            continue
        if name in keys:
            n = len(items) if isinstance(items, list) else None
            problems.append(_same_table(name, "key", keys[name], key, n))
            continue
        keys[name] = key
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
        repeated: dict[str, list[str]] = {}
        first_repeat = 0
        bad: CellProblems = {}
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
            written: dict[str, str] = {}
            for k, v in _items(item):
                column = normalise_header(k)
                if column in row:
                    first_repeat = first_repeat or number
                    repeated.setdefault(column, [repr(written[column])]).append(repr(k))
                    continue
                if check_text and type(v) is str and _SURROGATE.search(v):
                    bad.setdefault(number, []).append((column, _bad_text(column)))
                    v = xlsx_text(v)
                written[column] = k
                row[column] = v
            if number not in bad and all(_is_blank(v) for v in row.values()):
                continue
            seen.update(dict.fromkeys(row))
            rows.append((number, row))
        tables[name], columns[name] = rows, list(seen)
        if bad:
            cells[name] = bad
        repeated = {c: list(dict.fromkeys(shown)) for c, shown in repeated.items()}
        where = f"table {key!r} (first in item {first_repeat})"
        problem = _repeated_columns(name, where, repeated, "keys")
        problems += [problem] if problem else []
    if "pegawai" not in tables and not any(r.sheet == "pegawai" for r in problems):
        problems.insert(0, _missing_pegawai(doc.keys(), "key"))
    digest = hashlib.sha256(data).hexdigest()
    return Tables(tables, source, digest, problems, columns, cells)

"""Reading the raw input tables into polars frames: an xlsx workbook, a folder of CSV or
Parquet files, or a JSON object.

Reading does no validation beyond the file itself: each known sheet becomes one frame
of its non-blank rows (see :mod:`kinerja.input.tables` for the columns), with
normalised headers and every cell as the file gives it. Validation
(:mod:`kinerja.input.validate`) reads only these frames.

Nothing the reader finds is dropped silently. Two sheets (files, JSON keys) that read
as the same table, and repeated column headers, are whole-file problems
(:attr:`Tables.problems`). A cell with no usable value (a formula that was never
calculated, text with a lone surrogate) is a cell problem (:attr:`Tables.cell_problems`)
that rejects its row.

Workbooks are read by :mod:`kinerja.input.xlsx_read`; CSV and Parquet files by polars'
own readers (all CSV cells as text, no type inference); JSON with the standard library.

What the reader tells a person (errors, whole-file and cell problems) is in the language
in use (:mod:`kinerja.i18n`); sheet, column and file names stay as they are written.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import polars as pl

from kinerja.errors import InputError
from kinerja.i18n import N_, _
from kinerja.input.csv_quotes import swallowed_rows
from kinerja.input.long_cells import with_long_cells
from kinerja.input.measure import MAX_JSON_DEPTH, json_depth
from kinerja.input.repeated_headers import repeated_columns
from kinerja.input.synonyms import known_columns, sheet_names
from kinerja.input.tables import (
    KIND_SUFFIX,
    CellProblems,
    Tables,
    cell_text,
    frame_from_rows,
    kind_column,
)
from kinerja.model import Reject
from kinerja.output.tables import is_nip_column, write_tables
from kinerja.output.xlsx import FIXED_XLSX_TIME, workbook_bytes, xlsx_text

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
"""Sheets (or CSV/Parquet files, or JSON keys) the engine reads; ``pegawai`` is required."""

ACCEPTED_FORMATS = N_(
    "an Excel workbook (.xlsx) with sheets pegawai, capaian, penilaian, keberatan; "
    "a folder holding pegawai.csv, capaian.csv, penilaian.csv, keberatan.csv; "
    "or a .json file like {example}"
)
"""The inputs kinerja reads, in words (see :func:`accepted_formats`)."""
_JSON_INPUT = '{"pegawai": [{"nip": "...", ...}], "capaian": [...]}'
_JSON_TABLES = '{"pegawai": [{"nip": ...}, ...]}'
_JSON_OBJECT = '{"pegawai": [...], "capaian": [...]}'
_NOUNS = {
    "sheet": (N_("sheet"), N_("sheets")),
    "key": (N_("key"), N_("keys")),
    "CSV file": (N_("CSV file"), N_("CSV files")),
    "Parquet file": (N_("Parquet file"), N_("Parquet files")),
    "file": (N_("file"), N_("files")),
}
"""What a table of the input is (a ``what`` of the functions below): one, and several."""

FOLDER_SUFFIXES = (".csv", ".parquet")
"""The files a folder input may hold, one per sheet."""

_HEADER_SEP = re.compile(r"[\s\-]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_MAX_INT_DIGITS = 4000
"""Longer JSON integers are read as infinite (Python refuses to convert them to int)."""
_BLANK_TEXT = r"^[\s\x1c-\x1f]*$"
"""Text Python's ``str.strip`` leaves empty: whitespace and the ASCII separators."""
_CSV_PREFIX = 1 << 20
"""Bytes of a CSV file read with Python's csv module to find its header and delimiter."""
_HASH_CHUNK = 1 << 24

Row = dict[str, object]


class Sheet(NamedTuple):
    """One worksheet, CSV or Parquet file as read: its frame and what its header said."""

    columns: list[str]
    """Normalised headers, first of each name, in file order."""
    frame: pl.DataFrame
    """``_row``, one String column per header, kind companions (see kinerja.input.tables)."""
    repeated: dict[str, list[str]]
    """Normalised name -> every header that reads as it (two or more), as written."""
    cell_problems: CellProblems


@lru_cache(maxsize=4096)
def normalise_header(name: object) -> str:
    """``" Unit-Kerja "`` -> ``"unit_kerja"``: trimmed, lower case, spaces/hyphens -> ``_``."""
    return _HEADER_SEP.sub("_", str(name).strip().lower())


def is_blank(value: object) -> bool:
    """True for an empty cell: None, or text that is only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def accepted_formats() -> str:
    """The inputs kinerja reads, in the language in use (for an error's "Give ...")."""
    return _(ACCEPTED_FORMATS, example=_JSON_INPUT)


def _noun(what: str, plural: bool = False) -> str:
    """``what`` (a key of :data:`_NOUNS`) in the language in use, one or several."""
    return _(_NOUNS[what][plural])


def letter(index: int) -> str:
    """0 -> ``A``, 26 -> ``AA``: the spreadsheet column of a 0-based index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------- dispatch


def read_tables(path: str | Path) -> Tables:
    """Read the input tables from an ``.xlsx``/``.xlsm`` workbook, a folder of CSV or
    Parquet files (``pegawai.csv``, ``capaian.parquet``, ...) or a ``.json`` file.

    Returns one polars frame per known sheet found (see :mod:`kinerja.input.tables`); a
    cell longer than a spreadsheet cell can be is a cell problem (:mod:`kinerja.input.long_cells`).
    Sheets and headers are matched loosely and through synonyms
    (:mod:`kinerja.input.synonyms`). Raises :class:`InputError` with a readable message
    when the path does not exist, has an unsupported type, or cannot be parsed.
    """
    return known_columns(_read_any(path))


def _read_any(path: str | Path) -> Tables:
    """The tables of ``path`` as its reader gives them (see :func:`read_tables`)."""
    p = Path(path)
    if not p.exists():
        raise InputError(
            _("Input not found: {path}. Give {formats}.", path=path, formats=accepted_formats())
        )
    if p.is_dir():
        return with_long_cells(_read_folder(p, str(path)))
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from kinerja.input.xlsx_read import read_workbook  # it imports this module

        return with_long_cells(read_workbook(p, str(path)))
    if suffix == ".json":
        return with_long_cells(_read_json(p, str(path)))
    hint = ""
    if suffix == ".xls":
        hint = " " + _("The old .xls format is not supported: open it in Excel and Save As .xlsx.")
    elif suffix == ".csv":
        hint = " " + _("For CSV input give the folder that holds the CSV files, not one file.")
    elif suffix == ".parquet":
        hint = " " + _(
            "For Parquet input give the folder that holds the Parquet files, not one file."
        )
    raise InputError(
        # i18n: {hint} is empty, or one more sentence that starts with a space.
        _(
            "Cannot read {path}: unsupported file type.{hint} Give {formats}.",
            path=path,
            hint=hint,
            formats=accepted_formats(),
        )
    )


# --------------------------------------------------------------------- shared words


def header_positions(
    cells: Sequence[object], first_column: int = 0, show_letters: bool = True
) -> tuple[list[tuple[int, str]], dict[str, list[str]]]:
    """``[(index, normalised name)]`` of a header's non-blank cells, first of each name
    (the first column wins), and the repeated names with every header that reads as
    them, as written (``'NIP' (column G)``; without the column for Parquet).
    """
    first: dict[str, str] = {}
    repeated: dict[str, list[str]] = {}
    positions: list[tuple[int, str]] = []
    for i, cell in enumerate(cells):
        if is_blank(cell):
            continue
        name = normalise_header(cell)
        shown = repr(str(cell).strip())
        if show_letters:
            shown = _("{header} (column {letter})", header=shown, letter=letter(first_column + i))
        if name in first:
            repeated.setdefault(name, [first[name]]).append(shown)
            continue
        first[name] = shown
        positions.append((i, name))
    return positions, repeated


def same_table(name: str, what: str, first: str, other: str, rows: int | None) -> Reject:
    """The whole-file problem for a second sheet (file, key) that reads as ``name``;
    ``what`` is ``sheet``, ``key``, ``CSV file``, ``Parquet file`` or ``file``."""
    shown = {
        "name": name,
        "first": repr(first),
        "other": repr(other),
        "thing": _noun(what),
        "things": _noun(what, plural=True),
    }
    if rows is None:
        reason = _(
            "The input has two {things} that both read as {name}: {first} and {other}. Only "
            "{first} was read; {other} was not (its rows were not used). Merge them into one "
            "{thing} or rename {other}.",
            **shown,
        )
    else:
        reason = _(
            "The input has two {things} that both read as {name}: {first} and {other}. Only "
            "{first} was read; {other} was not (its {rows} row(s) were not used). Merge them "
            "into one {thing} or rename {other}.",
            rows=str(rows),
            **shown,
        )
    return Reject(name, 0, None, reason)


def missing_pegawai(found: Iterable[str], what: str) -> Reject:
    """The whole-file problem when the input has no pegawai sheet (file, key); ``what``
    as for :func:`same_table`."""
    return Reject(
        sheet="pegawai",
        row=0,
        nip=None,
        reason=_(
            "The input has no pegawai {thing}, so no employee can be appraised ({things} "
            "found: {names}). Add a {thing} named pegawai with the columns nip, nama, "
            "jabatan, unit_kerja, golongan, atasan_nip.",
            thing=_noun(what),
            things=_noun(what, plural=True),
            names=", ".join(found) or _("none"),
        ),
    )


def sheet_problems(name: str, where: str, sheet: Sheet) -> list[Reject]:
    """The whole-sheet problems of one sheet read: its repeated headers, if any."""
    problem = repeated_columns(name, where, sheet.repeated)
    return [problem] if problem else []


# --------------------------------------------------------------------- frames


def frame_columns(positions: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """The header positions that become frame columns: all but ``_row`` and names with
    ``#kind``, which would clash with the frame's own columns (no rule reads them)."""
    return [(i, n) for i, n in positions if n != "_row" and KIND_SUFFIX not in n]


def empty_frame() -> pl.DataFrame:
    """The frame of a sheet with no header: no columns but ``_row``, no rows."""
    return pl.DataFrame(schema={"_row": pl.Int64})


def _blank_cell(name: str) -> pl.Expr:
    column = pl.col(name)
    return column.is_null() | column.str.contains(_BLANK_TEXT)


def drop_blank_rows(
    frame: pl.DataFrame, names: Sequence[str], keep: Iterable[int] = ()
) -> pl.DataFrame:
    """``frame`` without its blank rows (every cell of ``names`` null or whitespace),
    except the rows numbered in ``keep``; kind columns left all null are dropped.

    Cheap on large frames: only the rows whose first cell is null, or starts with a
    space, a control or a non-ASCII character (text that sorts below ``"!"`` or from
    U+0080 on: a comparison of the bytes a string view holds inline), are looked at
    cell by cell.
    """
    kept = pl.Series(list(keep), dtype=pl.Int64)
    if not names:
        frame = frame.filter(pl.col("_row").is_in(kept.implode()))
    elif frame.height:
        first = pl.col(names[0])
        maybe = first.is_null() | (first < "!") | (first >= "\x80")
        blank = frame.filter(maybe).filter(pl.all_horizontal([_blank_cell(n) for n in names]))
        rows = blank.get_column("_row")
        rows = rows.filter(~rows.is_in(kept.implode()))
        if rows.len():
            frame = frame.filter(~pl.col("_row").is_in(rows.implode()))
    empty_kinds = [
        c
        for c in frame.columns
        if c.endswith(KIND_SUFFIX) and frame.get_column(c).null_count() == frame.height
    ]
    return frame.drop(empty_kinds)


# --------------------------------------------------------------------- folders


def _file_word(files: Iterable[Path]) -> str:
    """``CSV file``, ``Parquet file``, or ``file`` when a folder mixes the two (a key of
    :data:`_NOUNS`)."""
    suffixes = {f.suffix.lower() for f in files}
    if suffixes == {".parquet"}:
        return "Parquet file"
    return "CSV file" if suffixes <= {".csv"} else "file"


def _hash_files(digest: hashlib._Hash, files: Iterable[tuple[str, Path]]) -> None:
    """Add each ``(canonical name, file)`` to ``digest``: the name, the size, the bytes."""
    for canonical, f in files:
        name = canonical.encode()
        digest.update(b"%d:%s%d:" % (len(name), name, f.stat().st_size))
        with f.open("rb") as fh:
            while chunk := fh.read(_HASH_CHUNK):
                digest.update(chunk)


class FolderFiles(NamedTuple):
    """The files of a folder input: every readable file by the sheet it reads as."""

    found: dict[str, list[Path]]
    """Normalised stem -> the CSV and Parquet files that read as it, in name order."""
    chosen: list[tuple[str, list[Path]]]
    """The known sheets found, in sheet-name order, each with its files (the first is read)."""


def folder_files(p: Path) -> FolderFiles:
    """The CSV and Parquet files of the folder ``p``, by sheet."""
    found: dict[str, list[Path]] = {}
    for f in sorted(p.iterdir()):
        if f.suffix.lower() in FOLDER_SUFFIXES and f.is_file():
            found.setdefault(normalise_header(f.stem), []).append(f)
    stems = list(found)
    read_as: dict[str, list[Path]] = {}
    for stem, name in zip(stems, sheet_names(stems, KNOWN_SHEETS), strict=True):
        if name is not None:
            read_as.setdefault(name, []).extend(found[stem])
    return FolderFiles(found, [(n, read_as[n]) for n in sorted(KNOWN_SHEETS) if n in read_as])


def hash_folder(digest: hashlib._Hash, files: FolderFiles) -> None:
    """Add the first file of each known sheet to ``digest`` (see :func:`_read_folder`)."""
    _hash_files(digest, [(n + fs[0].suffix.lower(), fs[0]) for n, fs in files.chosen])


def file_problems(name: str, files: list[Path], sheet: Sheet) -> list[Reject]:
    """The whole-file problems of a sheet's files: repeated headers, a second file."""
    f, *others = files
    problems = sheet_problems(name, f"{_noun(_file_word([f]))} {f.name!r}", sheet)
    return problems + [_other_file(name, f, other, _file_word(files)) for other in others]


def _read_folder(p: Path, source: str) -> Tables:
    """A folder with one CSV or Parquet file per sheet (see :func:`read_tables`).

    The digest covers the first file of each known sheet, in sheet-name order, each
    as its canonical name (``pegawai.csv``), its size and its bytes; a thread computes
    it while polars reads.
    """
    files = folder_files(p)
    digest = hashlib.sha256()
    frames: dict[str, pl.DataFrame] = {}
    columns: dict[str, list[str]] = {}
    cells: dict[str, CellProblems] = {}
    problems: list[Reject] = []
    with ThreadPoolExecutor(1) as pool:
        hashed = pool.submit(hash_folder, digest, files)
        for name, chosen in files.chosen:
            sheet = _read_file(chosen[0])
            frames[name], columns[name] = sheet.frame, sheet.columns
            if sheet.cell_problems:
                cells[name] = sheet.cell_problems
            problems += file_problems(name, chosen, sheet)
        hashed.result()
    if "pegawai" not in frames:
        problems.insert(0, missing_pegawai_file(files))
    return Tables(frames, source, digest.hexdigest(), problems, columns, cells)


def missing_pegawai_file(files: FolderFiles) -> Reject:
    """The problem of a folder without a pegawai file."""
    everything = [f for found in files.found.values() for f in found]
    return missing_pegawai(sorted(files.found), _file_word(everything))


def _other_file(name: str, first: Path, other: Path, word: str) -> Reject:
    """The problem of a second file that reads as ``name``, with its row count."""
    try:
        n: int | None = _read_file(other).frame.height
    except (InputError, OSError):
        n = None
    return same_table(name, word, first.name, other.name, n)


def _read_file(f: Path) -> Sheet:
    """One sheet's CSV or Parquet file."""
    return _read_parquet(f) if f.suffix.lower() == ".parquet" else _read_csv(f)


# --------------------------------------------------------------------- CSV


def _sniff_delimiter(first_line: str) -> str:
    """Excel in an Indonesian locale saves CSV with ``;``; pick the likeliest separator."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _not_utf8(f: Path, data: bytes) -> InputError:
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return InputError(
            _(
                "Cannot read {path}: it is not UTF-8 text (byte {byte}). In Excel use "
                "Save As > 'CSV UTF-8 (Comma delimited)'.",
                path=f,
                byte=exc.start,
            )
        )
    raise AssertionError("valid UTF-8")  # pragma: no cover - callers saw a decoding error


class _CsvHeader(NamedTuple):
    """Where a CSV file's header is, found by Python's csv module on the file's start."""

    delimiter: str
    number: int
    """The header's record number (1-based); 0 when the file has no non-blank record."""
    cells: list[str]


def _csv_header(prefix: bytes, whole: bool) -> _CsvHeader | None:
    """The delimiter and the header of a CSV file from its first bytes; None when they
    cannot be told from them, or when only Python's csv module reads the file as today
    (a carriage return alone ends a line there). Raises UnicodeDecodeError."""
    text = codecs.getincrementaldecoder("utf-8-sig")().decode(prefix, final=whole)
    if re.search("\r(?!\n)", text[:-1] if not whole else text):
        return None
    delimiter = _sniff_delimiter(text.split("\n", 1)[0])
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        with _field_limit(len(text)):
            for number, cells in enumerate(records, start=1):
                if all(is_blank(c) for c in cells):
                    continue
                complete = whole or next(records, None) is not None
                return _CsvHeader(delimiter, number, cells) if complete else None
    except csv.Error:
        return None
    return _CsvHeader(delimiter, 0, []) if whole else None


@contextmanager
def _field_limit(chars: int) -> Iterator[None]:
    """Let Python's csv module read fields of up to ``chars`` characters (the text it
    reads is in memory already; its own 128 KB limit would refuse the whole file for one
    long cell, which the reader names by row instead: :mod:`kinerja.input.long_cells`)."""
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, chars + 1))
    try:
        yield
    finally:
        csv.field_size_limit(before)


def csv_header_of(f: Path) -> _CsvHeader | None:
    """Where a CSV file's header is (see :func:`_csv_header`); None when only Python's
    csv module reads the file as the reader always did.

    :raises InputError: the file is not UTF-8 text.
    """
    with f.open("rb") as fh:
        prefix = fh.read(_CSV_PREFIX + 1)
    whole = len(prefix) <= _CSV_PREFIX
    try:
        return _csv_header(prefix[:_CSV_PREFIX], whole)
    except UnicodeDecodeError:
        raise _not_utf8(f, f.read_bytes()) from None


def _read_csv(f: Path) -> Sheet:
    """One CSV file: polars reads every cell as text; Python's csv module reads the
    files polars cannot read the same way (then its errors are the ones reported)."""
    header = csv_header_of(f)
    if header is None:
        return _csv_python(f)
    if header.number == 0:
        return Sheet([], empty_frame(), {}, {})
    try:
        return _csv_polars(f, header)
    except pl.exceptions.PolarsError:  # not UTF-8, or not as Excel writes CSV
        return _csv_python(f)


def _csv_polars(f: Path, header: _CsvHeader) -> Sheet:
    """A CSV file read by polars, all cells as text, given where its header is."""
    scan, positions, repeated = csv_scan(f, header)
    names = [n for _, n in frame_columns(positions)]
    frame = drop_blank_rows(scan.collect(), names)
    swallowed = swallowed_rows(frame, names, header.delimiter)
    return Sheet([n for _, n in positions], frame, repeated, swallowed)


def csv_scan(
    f: Path, header: _CsvHeader
) -> tuple[pl.LazyFrame, list[tuple[int, str]], dict[str, list[str]]]:
    """A lazy read of a CSV file by polars, all cells as text, given where its header is:
    ``_row`` and the readable columns (blank rows not yet dropped), the header positions
    and the repeated headers. Errors (not UTF-8, not as Excel writes CSV) surface when
    it is collected."""
    positions, repeated = header_positions(header.cells)
    readable = frame_columns(positions)
    scan = pl.scan_csv(
        f,
        has_header=False,
        separator=header.delimiter,
        schema={f"c{i}": pl.String for i in range(len(header.cells))},
        truncate_ragged_lines=True,
        missing_columns="insert",
        raise_if_empty=False,
        row_index_name="_row",
        row_index_offset=1,
    )
    columns = [pl.col(f"c{i}").alias(n) for i, n in readable] or [pl.col("c0")]
    scan = scan.slice(header.number).select(pl.col("_row").cast(pl.Int64), *columns)
    if not readable:
        scan = scan.select("_row")
    return scan, positions, repeated


def _csv_python(f: Path) -> Sheet:
    """A CSV file read with Python's csv module, as the reader always did."""
    from kinerja.input.xlsx_read import grid_sheet  # it imports this module

    data = f.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_utf8(f, data) from None
    delimiter = _sniff_delimiter(text.split("\n", 1)[0])
    try:
        grid = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        with _field_limit(len(text)):
            rows = [[c if c != "" else None for c in r] for r in grid]
    except csv.Error as exc:
        raise InputError(_("Cannot read {path} as CSV: {error}.", path=f, error=exc)) from None
    width = max(map(len, rows), default=0)
    sheet = grid_sheet([r + [None] * (width - len(r)) for r in rows])
    text_columns = [c for c, t in sheet.frame.schema.items() if c != "_row" and t == pl.String]
    swallowed = swallowed_rows(sheet.frame, text_columns, delimiter)
    for row, found in swallowed.items():
        sheet.cell_problems.setdefault(row, []).extend(found)
    return sheet


# --------------------------------------------------------------------- Parquet

_TEXT_TYPES = (pl.String, pl.Categorical, pl.Enum)
_ZERO_FRACTION = r"\.0+$"


def _fraction_text(column: pl.Expr, fmt: str, nanoseconds: bool) -> pl.Expr:
    """Formatted time with a fraction as Python shows it: none when zero, else 6 digits
    (9 when the nanoseconds are not zero)."""
    fraction = "%.9f" if nanoseconds else "%.6f"
    text = column.dt.to_string(fmt + fraction).str.replace(_ZERO_FRACTION, "")
    return text.str.replace(r"(\.\d{6})000$", "${1}") if nanoseconds else text


def _float_text(column: pl.Expr) -> pl.Expr:
    """Floats as Python's ``repr`` shows them. polars writes the same shortest digits,
    but ``1e-7`` for ``1e-07``, ``0.00001`` for ``1e-05`` and ``NaN`` for ``nan``."""
    text = column.cast(pl.String).str.replace(r"e([+-])(\d)$", "e${1}0${2}")
    text = text.str.replace(r"^(-?)0\.0000([1-9])$", "${1}${2}e-05")
    text = text.str.replace(r"^(-?)0\.0000([1-9])(\d+)$", "${1}${2}.${3}e-05")
    return pl.when(column.is_nan()).then(pl.lit("nan")).otherwise(text)


def _parquet_text(column: pl.Series) -> tuple[pl.Series, str | None]:
    """A Parquet column as text and the kind of its cells (None for text)."""
    dtype = column.dtype
    c = pl.col(column.name)
    if isinstance(dtype, _TEXT_TYPES):
        text = column.cast(pl.String)
        empty = text.eq("").any()  # an empty text is an empty cell, as in CSV
        if empty:
            text = text.to_frame().select(pl.when(c != "").then(c)).to_series()
        return text, None
    if dtype == pl.Boolean:
        text, kind = pl.when(c).then(pl.lit("True")).when(c.not_()).then(pl.lit("False")), "bool"
    elif dtype.is_integer():
        text, kind = c.cast(pl.String), "int"
    elif dtype.is_float():
        text, kind = _float_text(c), "float"
    elif dtype == pl.Date:
        text, kind = c.cast(pl.String), "date"
    elif isinstance(dtype, pl.Datetime):
        text = _fraction_text(c, "%Y-%m-%dT%H:%M:%S", dtype.time_unit == "ns")
        if dtype.time_zone:
            text = pl.concat_str([text, c.dt.to_string("%:z")])
        kind = "datetime"
    elif dtype == pl.Time:
        text, kind = _fraction_text(c, "%H:%M:%S", True), "other"
    elif dtype == pl.Null:
        text, kind = c.cast(pl.String), None
    elif isinstance(dtype, pl.Decimal):
        text, kind = c.cast(pl.String), "other"
    else:  # lists, structs, durations, binary: rare; Python shows them
        values = [cell_text(v)[0] for v in column.to_list()]
        return pl.Series(column.name, values, dtype=pl.String), "other"
    return column.to_frame().select(text.alias(column.name)).to_series(), kind


def _read_parquet(f: Path) -> Sheet:
    """One Parquet file, columns of any type; the first record is row 2, as in CSV."""
    positions, repeated = parquet_positions(f)
    try:
        frame = parquet_frame(pl.read_parquet(f), positions, 2)  # no other reference to it
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _not_parquet(f, exc) from None
    names = [n for _, n in frame_columns(positions)]
    return Sheet([n for _, n in positions], drop_blank_rows(frame, names), repeated, {})


def parquet_positions(f: Path) -> tuple[list[tuple[int, str]], dict[str, list[str]]]:
    """A Parquet file's header positions and repeated headers, from its schema alone."""
    try:
        names = list(pl.read_parquet_schema(f))
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _not_parquet(f, exc) from None
    return header_positions(names, show_letters=False)


def _not_parquet(f: Path, exc: Exception) -> InputError:
    return InputError(
        _(
            "Cannot read {path} as Parquet ({kind}: {error}).",
            path=f,
            kind=type(exc).__name__,
            error=exc,
        )
    )


def parquet_frame(raw: pl.DataFrame, positions: list[tuple[int, str]], first: int) -> pl.DataFrame:
    """Rows of a Parquet file as text (see :mod:`kinerja.input.tables`), the first
    numbered ``first``; blank rows not yet dropped. ``raw``'s columns are dropped as they
    are turned into text, so that memory holds a column or its text, not both."""
    sources = list(raw.columns)
    data = {"_row": pl.int_range(first, raw.height + first, dtype=pl.Int64, eager=True)}
    kinds: dict[str, str] = {}
    for i, name in frame_columns(positions):
        column = raw.get_column(sources[i])
        raw = raw.drop(sources[i])
        text, kind = _parquet_text(column)
        del column
        data[name] = text.alias(name)
        if kind is not None:
            kinds[name] = kind
    del raw
    return pl.DataFrame(data).with_columns(
        pl.when(pl.col(name).is_not_null()).then(pl.lit(kind)).alias(kind_column(name))
        for name, kind in kinds.items()
    )


# --------------------------------------------------------------------- JSON


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
    return _(
        "{column} holds text that is not valid Unicode (a lone surrogate, e.g. from a broken "
        "\\u escape in the JSON); retype the text",
        column=column,
    )


def _load_json(data: bytes, source: str) -> tuple[dict, bool]:
    """The parsed document, and whether it may hold lone surrogates."""
    depth = json_depth(data)
    if depth.line:
        raise InputError(
            _(
                "Cannot read {source}: the JSON nests arrays and objects more than {limit} "
                "deep at line {line}, column {column}; an input is an object of tables, each "
                "a list of rows: {example}.",
                source=source,
                limit=MAX_JSON_DEPTH,
                line=depth.line,
                column=depth.column,
                example=_JSON_TABLES,
            )
        )
    try:
        text = data.decode("utf-8-sig")
        doc = json.loads(text, object_pairs_hook=_json_object, parse_int=_json_int)
    except UnicodeDecodeError as exc:
        raise InputError(
            _(
                "Cannot read {source}: it is not UTF-8 text (byte {byte}).",
                source=source,
                byte=exc.start,
            )
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            _(
                "Cannot read {source}: invalid JSON at line {line}, column {column}: {error}.",
                source=source,
                line=exc.lineno,
                column=exc.colno,
                error=exc.msg,
            )
        ) from None
    if not isinstance(doc, dict):
        raise InputError(
            _(
                "Cannot read {source}: the JSON must be an object whose keys are the tables, "
                "like {example}; found a {kind}.",
                source=source,
                example=_JSON_OBJECT,
                kind=type(doc).__name__,
            )
        )
    return doc, bool(_SURROGATE_ESCAPE.search(text))


class _JsonTable(NamedTuple):
    """One JSON table read: its frame, the keys found, the cell and item problems."""

    columns: list[str]
    frame: pl.DataFrame
    cell_problems: CellProblems
    problems: list[Reject]


def _json_row(
    item: dict, check_text: bool, repeats: dict[str, list[str]]
) -> tuple[Row, list[tuple[str, str]], bool]:
    """One JSON item as a row (the first of each normalised key wins; the others go to
    ``repeats``), its cells that are not valid Unicode, and whether a key repeated."""
    row: Row = {}
    written: dict[str, str] = {}
    bad: list[tuple[str, str]] = []
    repeat = False
    for k, v in _items(item):
        column = normalise_header(k)
        if column in row:
            repeats.setdefault(column, [repr(written[column])]).append(repr(k))
            repeat = True
            continue
        if check_text and type(v) is str and _SURROGATE.search(v):
            bad.append((column, _bad_text(column)))
            v = xlsx_text(v)
        written[column] = k
        row[column] = v
    return row, bad, repeat


def _json_table(key: str, name: str, items: list, check_text: bool) -> _JsonTable:
    """The items of one JSON table: the non-blank objects, numbered from 1."""
    rows: list[tuple[int, Row]] = []
    seen: dict[str, None] = {}
    repeated: dict[str, list[str]] = {}
    first_repeat = 0
    bad: CellProblems = {}
    problems: list[Reject] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            reason = _(
                "{key} item {number} is not an object of column: value pairs; it was skipped",
                key=key,
                number=number,
            )
            problems.append(Reject(name, number, None, reason))
            continue
        row, unreadable, repeat = _json_row(item, check_text, repeated)
        if repeat and not first_repeat:
            first_repeat = number
        if unreadable:
            bad[number] = unreadable
        elif all(is_blank(v) for v in row.values()):
            continue
        seen.update(dict.fromkeys(row))
        rows.append((number, row))
    repeated = {c: list(dict.fromkeys(shown)) for c, shown in repeated.items()}
    where = _("table {key} (first in item {item})", key=repr(key), item=first_repeat)
    problem = repeated_columns(name, where, repeated, "keys")
    readable = [n for _, n in frame_columns(enumerate(seen))]
    if len(readable) < len(seen):  # a key the frame has for itself: not a column
        rows = [(n, {k: r[k] for k in readable if k in r}) for n, r in rows]
    frame = frame_from_rows(rows, readable)
    return _JsonTable(list(seen), frame, bad, problems + ([problem] if problem else []))


def _not_a_list(name: str, key: str, items: object) -> Reject:
    return Reject(
        name,
        0,
        None,
        _(
            "{key} must be a list of row objects, found a {kind}; none of its rows were read",
            key=key,
            kind=type(items).__name__,
        ),
    )


def _read_json(p: Path, source: str) -> Tables:
    """A JSON object whose keys are the tables, each a list of row objects."""
    data = p.read_bytes()
    doc, check_text = _load_json(data, source)
    frames: dict[str, pl.DataFrame] = {}
    columns: dict[str, list[str]] = {}
    cells: dict[str, CellProblems] = {}
    problems: list[Reject] = []
    keys: dict[str, str] = {}
    pairs = list(_items(doc))
    names = sheet_names([normalise_header(k) for k, _ in pairs], KNOWN_SHEETS)
    for (key, items), name in zip(pairs, names, strict=True):
        if name is None:
            continue
        if name in keys:
            n = len(items) if isinstance(items, list) else None
            problems.append(same_table(name, "key", keys[name], key, n))
            continue
        keys[name] = key
        if not isinstance(items, list):
            problems.append(_not_a_list(name, key, items))
            continue
        table = _json_table(key, name, items, check_text)
        frames[name], columns[name] = table.frame, table.columns
        if table.cell_problems:
            cells[name] = table.cell_problems
        problems += table.problems
    if "pegawai" not in frames and not any(r.sheet == "pegawai" for r in problems):
        problems.insert(0, missing_pegawai(doc.keys(), "key"))
    digest = hashlib.sha256(data).hexdigest()
    return Tables(frames, source, digest, problems, columns, cells)

"""Reading an ``.xlsx``/``.xlsm`` workbook into the input frames, with python-calamine.

calamine parses the sheets in Rust (without the GIL) and hands each one over as a grid
of Python values; the grid becomes frame columns column by column. What calamine does
not say is read from the sheet XML, in a thread while calamine parses:

- a formula cell without a saved value (a workbook written by a program that does not
  calculate, never opened and saved in Excel) is a cell problem of its row, and keeps
  its row even when the row looks blank;
- an error cell (``#DIV/0!``, ``#N/A``) is its error text, as Excel shows it.

Rows and columns are numbered as the spreadsheet shows them, wherever the data starts;
chart sheets are skipped; a number cell keeps its kind (a NIP typed as a number is
refused by validation). Excel stores every number as a float: an integral one below
2^53 is an ``int`` cell, as in the XML Excel writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import posixpath
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

import polars as pl
from python_calamine import CalamineWorkbook, SheetTypeEnum

from kinerja.errors import InputError
from kinerja.i18n import _
from kinerja.input.measure import check_workbook
from kinerja.input.read import (
    KNOWN_SHEETS,
    Sheet,
    drop_blank_rows,
    empty_frame,
    frame_columns,
    header_positions,
    is_blank,
    missing_pegawai,
    normalise_header,
    same_table,
    sheet_problems,
)
from kinerja.input.synonyms import sheet_names
from kinerja.input.tables import CellProblems, Tables, kind_column
from kinerja.model import Reject

__all__ = ["Marks", "cell_marks", "grid_sheet", "read_workbook", "sheet_parts"]

_EXACT_INT = 2.0**53
"""Integral floats below this are exact integers: such a number cell is an ``int``."""
_KINDS: dict[type, str | None] = {
    str: None,
    type(None): "empty",
    bool: "bool",
    int: "int",
    float: "float",
    dt.date: "date",
    dt.datetime: "datetime",
}
"""The kind of a cell by its Python type; ``empty`` is a placeholder for null."""
_RELATIONSHIPS = "relationships"
"""What the namespace of a relationship id attribute (``r:id``) contains."""


class Marks(NamedTuple):
    """What the sheet XML says that calamine's values do not: both keyed (row, column),
    1-based."""

    formulas: frozenset[tuple[int, int]]
    """Formula cells without a saved value (a saved empty text does not count)."""
    errors: dict[tuple[int, int], str]
    """Error cells and their error text."""


NO_MARKS = Marks(frozenset(), {})


def _unsaved_formula(column: str) -> str:
    return _(
        "the {column} cell holds a formula with no saved value; open the workbook in Excel "
        "and save it, or type the value",
        column=column,
    )


# --------------------------------------------------------------------- the workbook


@contextmanager
def _as_workbook_error(source: str) -> Iterator[None]:
    """Whatever a damaged file raises becomes the one message about workbooks."""
    try:
        yield
    except Exception as exc:  # zipfile, XML and calamine raise many kinds
        raise InputError(
            _(
                "Cannot read {source} as an Excel workbook ({kind}: {error}). Check that it "
                "is a .xlsx file saved by Excel or LibreOffice, not a renamed CSV or .xls "
                "file, and that it is not damaged or password-protected.",
                source=source,
                kind=type(exc).__name__,
                error=exc,
            )
        ) from None


def read_workbook(p: Path, source: str) -> Tables:
    """The known sheets of an xlsx/xlsm workbook (see :func:`kinerja.input.read.read_tables`)."""
    data = p.read_bytes()
    with _as_workbook_error(source):
        archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        check_workbook(archive, source)
    except InputError:
        archive.close()
        raise
    with _as_workbook_error(source):
        parts = sheet_parts(archive)
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        titles = list(book.sheet_names)
        worksheets = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        names = sheet_names([normalise_header(t) for t in worksheets], KNOWN_SHEETS)
        known = [(name, title) for name, title in zip(names, worksheets, strict=True) if name]
        with ThreadPoolExecutor(1) as pool:
            marks = {
                title: pool.submit(cell_marks, archive, parts.get(title)) for _, title in known
            }
            frames, columns, cells, problems = _read_sheets(book, known, marks, source)
    finally:
        book.close()
        archive.close()
    if "pegawai" not in frames:
        problems.insert(0, missing_pegawai(titles, "sheet"))
    digest = hashlib.sha256(data).hexdigest()
    return Tables(frames, source, digest, problems, columns, cells)


def _read_sheets(
    book: CalamineWorkbook,
    known: list[tuple[str, str]],
    marks: dict[str, Future[Marks]],
    source: str,
) -> tuple[dict[str, pl.DataFrame], dict[str, list[str]], dict[str, CellProblems], list[Reject]]:
    """Each known sheet in workbook order; a second sheet of the same name is counted."""
    frames: dict[str, pl.DataFrame] = {}
    columns: dict[str, list[str]] = {}
    cells: dict[str, CellProblems] = {}
    problems: list[Reject] = []
    read: dict[str, str] = {}
    for name, title in known:
        with _as_workbook_error(source):
            sheet = book.get_sheet_by_name(title)
            rows = sheet.to_python()
            start = sheet.start or (0, 0)
        mark = marks[title].result()
        if name in read:  # counted as the first sheet's rows are, but without formula rows
            grid = grid_sheet(rows, start[0] + 1, start[1], Marks(frozenset(), mark.errors))
            problems.append(same_table(name, "sheet", read[name], title, grid.frame.height))
            continue
        grid = grid_sheet(rows, start[0] + 1, start[1], mark)
        del rows
        read[name] = title
        frames[name], columns[name] = grid.frame, grid.columns
        if grid.cell_problems:
            cells[name] = grid.cell_problems
        problems += sheet_problems(name, _("sheet {name}", name=repr(title)), grid)
    return frames, columns, cells, problems


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _targets(archive: zipfile.ZipFile, rels: str, base: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, part path) of one ``.rels`` part; targets are relative
    to the folder ``base``."""
    found: dict[str, tuple[str, str]] = {}
    for el in ElementTree.fromstring(archive.read(rels)):
        target = el.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.join(base, target)
        found[el.get("Id", "")] = (el.get("Type", ""), posixpath.normpath(path))
    return found


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip part of its XML, from the workbook and its relationships.

    Raises KeyError (or an XML error) when the archive is not an Excel workbook.
    """
    office = [
        p for t, p in _targets(archive, "_rels/.rels", "").values() if t.endswith("/officeDocument")
    ]
    workbook = office[0] if office else "xl/workbook.xml"
    folder, name = posixpath.split(workbook)
    rels = _targets(archive, posixpath.join(folder, "_rels", name + ".rels"), folder)
    parts: dict[str, str] = {}
    for el in ElementTree.fromstring(archive.read(workbook)).iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next(
            (v for k, v in el.attrib.items() if _RELATIONSHIPS in k and _local(k) == "id"), ""
        )
        if rid in rels:
            parts[el.get("name", "")] = rels[rid][1]
    return parts


# --------------------------------------------------------------------- the sheet XML


def cell_marks(archive: zipfile.ZipFile, part: str | None) -> Marks:
    """The unsaved formulas and error cells of one worksheet part (none when it cannot
    be read: calamine reads the sheet itself and reports damage).

    The XML is only parsed when a quick byte search finds a formula or an error cell,
    so a sheet of plain values costs one decompression.
    """
    if part is None:
        return NO_MARKS
    try:
        xml = archive.read(part)
        if b"f>" not in xml and b't="e"' not in xml and b"t='e'" not in xml:
            return NO_MARKS
        return _scan(xml)
    except Exception:  # a damaged part: calamine reports it
        return NO_MARKS


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _reference(ref: str | None) -> tuple[int, int] | None:
    """``"AB12"`` -> (12, 28)."""
    if not ref:
        return None
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    letters = ref[: len(ref) - len(digits)]
    if not letters or not digits.isdigit():
        return None
    return int(digits), _column_number(letters)


def _scan(xml: bytes) -> Marks:
    formulas: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    row = col = 0
    for event, el in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                r = el.get("r")
                row, col = (int(r) if r and r.isdigit() else row + 1), 0
            continue
        if tag == "c":
            where = _reference(el.get("r"))
            row, col = where if where else (row, col + 1)
            children = {_local(child.tag): child for child in el}
            value = children.get("v")
            text = (value.text or "") if value is not None else ""
            if "f" in children and not text.strip() and el.get("t") != "str":
                formulas.add((row, col))
            elif el.get("t") == "e" and text:
                errors[(row, col)] = text
            el.clear()
        elif tag == "row":
            el.clear()
    return Marks(frozenset(formulas), errors)


# --------------------------------------------------------------------- grid -> frame


def _header_text(value: object) -> object:
    """A header cell as text; an integral number as its digits (``2024``, not ``2024.0``)."""
    if type(value) is float and value.is_integer() and abs(value) < _EXACT_INT:
        return str(int(value))
    return value if value is None or isinstance(value, str) else str(value)


def _with_marks(rows: list[list[object]], first_row: int, first_column: int, marks: Marks) -> None:
    """Put the error texts in the grid, and add rows for unsaved formulas below it
    (calamine ends the grid at the last value)."""
    for (r, c), text in marks.errors.items():
        i, j = r - first_row, c - 1 - first_column
        if 0 <= i < len(rows) and 0 <= j < len(rows[i]):
            rows[i][j] = text
    if rows and marks.formulas:
        width, last = len(rows[0]), max(r for r, _ in marks.formulas)
        rows.extend([""] * width for _ in range(last - first_row + 1 - len(rows)))


def _values(values: list[object]) -> tuple[pl.Series, pl.Series | None]:
    """One column's cells as text, and their kinds when some are not text (with
    ``empty`` for null, settled by :func:`_settle`)."""
    types = set(map(type, values))
    if types <= {str, type(None)}:
        return pl.Series(values, dtype=pl.String), None
    kinds = list(map(_KINDS.get, map(type, values), repeat("other")))
    return pl.Series(list(map(str, values)), dtype=pl.String), pl.Series(kinds, dtype=pl.String)


def _settle(name: str, with_kind: bool) -> list[pl.Expr]:
    """Text and kind of one column as the contract has them: empty text is null; an
    integral float below 2^53 is an ``int``; a datetime in ISO form (``T``)."""
    text = pl.col(name)
    if not with_kind:
        return [pl.when(text != "").then(text).alias(name)]
    kind = pl.col(kind_column(name))
    number = text.cast(pl.Float64, strict=False)
    whole = (kind == "float") & (number == number.floor()) & (number.abs() < _EXACT_INT)
    settled = (
        pl.when(kind == "empty")
        .then(None)
        .when(whole)
        .then(number.cast(pl.Int64).cast(pl.String))
        .when(kind == "datetime")
        .then(text.str.replace(" ", "T", literal=True))
        .when(text != "")
        .then(text)
    )
    kinds = pl.when(whole).then(pl.lit("int")).when(kind != "empty").then(kind)
    return [settled.alias(name), kinds.alias(kind_column(name))]


def _formula_problems(
    marks: Marks, header_row: int, first_column: int, positions: list[tuple[int, str]]
) -> CellProblems:
    """Row -> [(column, reason)] for the unsaved formulas under the header's columns."""
    by_column = {first_column + j + 1: name for j, name in positions}
    rows: dict[int, set[int]] = {}
    for r, c in marks.formulas:
        if r > header_row and c in by_column:
            rows.setdefault(r, set()).add(c)
    return {
        r: [(by_column[c], _unsaved_formula(by_column[c])) for c in sorted(rows[r])]
        for r in sorted(rows)
    }


def grid_sheet(
    rows: list[list[object]], first_row: int = 1, first_column: int = 0, marks: Marks = NO_MARKS
) -> Sheet:
    """A sheet from a grid of Python cell values (``""`` or None for an empty cell): the
    first non-blank row is the header, the rows after it are records.

    ``rows[i][j]`` is the cell at spreadsheet row ``first_row + i`` and 0-based column
    ``first_column + j``; every row is as long as the first. Works column by column:
    the only loops over rows are C-level (``map``).
    """
    _with_marks(rows, first_row, first_column, marks)
    header = next((i for i, r in enumerate(rows) if not all(map(is_blank, r))), None)
    if header is None:
        return Sheet([], empty_frame(), {}, {})
    cells = [_header_text(c) for c in rows[header]]
    positions, repeated = header_positions(cells, first_column)
    readable = frame_columns(positions)
    body = rows[header + 1 :]
    start = first_row + header + 1
    data: dict[str, pl.Series] = {
        "_row": pl.int_range(start, start + len(body), dtype=pl.Int64, eager=True)
    }
    kinds: dict[str, pl.Series] = {}
    for j, name in readable:
        text, kind = _values(list(map(itemgetter(j), body)))
        data[name] = text
        if kind is not None:
            kinds[kind_column(name)] = kind
    frame = pl.DataFrame({**data, **kinds})
    names = [n for _, n in readable]
    frame = frame.with_columns(e for n in names for e in _settle(n, kind_column(n) in kinds))
    problems = _formula_problems(marks, start - 1, first_column, readable)
    frame = drop_blank_rows(frame, names, problems)
    return Sheet([n for _, n in positions], frame, repeated, problems)

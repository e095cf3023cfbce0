"""The downloads of a published site: the published table as CSV, XLSX and JSON, and
the ``datapackage.json`` that describes them.

Every form holds the same rows and columns (:class:`~kinerja.publish.columns.Column`):

- ``<name>.csv``: UTF-8 with BOM, ``\\r\\n``, as kinerja's other CSVs
  (:func:`~kinerja.output.write_csv.write_table_csv`). The header is the column codes;
  numbers as kinerja shows them (4 decimals at most), nothing for a missing value;
  text a spreadsheet would run as a formula (:data:`~kinerja.output.write_cells.RISKY_START`)
  prefixed with ``'``.
- ``<name>.xlsx``: one sheet, a bold frozen header row of the column titles with a filter,
  widths from the values. Text is always a text cell (never a formula or a link) and is
  prefixed with ``'`` where the CSV's is, so re-saving the sheet as CSV stays safe;
  characters a workbook cannot store are dropped and a text is cut at Excel's 32,767
  characters. Numbers are numbers, to the rules' precision (``round(x, 9)``). The
  same table and ``meta.created`` give the same bytes.
- ``<name>.json``: ``{"columns": [{name, type, title, description}], "rows": [{code:
  value}]}``, UTF-8, numbers as numbers (``round(x, 9)``), missing (or non-finite) as
  null, ``</`` written ``<\\/`` so the text is safe even inlined in a page.
- ``datapackage.json``: :func:`~kinerja.publish.datapackage.descriptor`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from kinerja.numbers import tidy
from kinerja.output.headers import sheet_name
from kinerja.output.write_cells import TEXT_LIMIT, UNSTORABLE, csv_text, number_text
from kinerja.output.write_csv import write_table_csv
from kinerja.publish.columns import Column
from kinerja.publish.datapackage import (
    DESCRIPTOR,
    PackageFile,
    PackageMeta,
    as_utc,
    descriptor,
)

__all__ = [
    "json_bytes",
    "published_table",
    "write_csv",
    "write_downloads",
    "write_json",
    "write_xlsx",
]

_XLSX_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
"""In memory: every zip entry is dated 1980-01-01, so the bytes do not depend on the clock."""
_MIN_WIDTH = 6
_HEADER_WIDTH = 30
"""The most of a title's length a column's width makes room for (a longer one wraps)."""
_TEXT_WIDTH = 50
"""The widest a column gets."""


def write_downloads(
    table: pl.DataFrame, columns: Sequence[Column], folder: Path, *, name: str, meta: PackageMeta
) -> list[Path]:
    """Write ``table``'s ``columns`` into ``folder`` (which exists) as ``<name>.csv``,
    ``<name>.xlsx`` and ``<name>.json``, and the ``datapackage.json`` describing them.

    Returns the four paths written, in that order (``folder / file name``).

    :raises ValueError: ``name`` is not a plain file name (it has a folder, or is empty).
    """
    if not name or Path(name).name != name or name.startswith("."):
        raise ValueError(f"a download name is a plain file name, not {name!r}")
    published = published_table(table, columns)
    paths = [folder / f"{name}.{suffix}" for suffix in ("csv", "xlsx", "json")]
    write_csv(published, columns, paths[0])
    write_xlsx(published, columns, paths[1], meta)
    write_json(published, columns, paths[2])
    files = [PackageFile.of(path, folder) for path in paths]
    package = folder / DESCRIPTOR
    package.write_bytes(json_bytes(descriptor(meta, columns, files), indent=2))
    return [*paths, package]


def published_table(table: pl.DataFrame, columns: Sequence[Column]) -> pl.DataFrame:
    """``table``'s ``columns``, in order, each of its Table Schema type: ``string`` as
    text (a number as kinerja shows it), ``number`` as Float64 rounded as the engine
    rounds (``round(x, 9)``), ``integer`` as Int64; a non-finite number becomes null.

    :raises TypeError: a ``number`` or ``integer`` column does not hold numbers.
    :raises ValueError: an ``integer`` column holds a fraction.
    """
    return pl.DataFrame([_typed(table[c.name], c.type) for c in columns])


def _typed(values: pl.Series, kind: str) -> pl.Series:
    dtype = values.dtype
    if kind == "string":
        if dtype == pl.String:
            return values
        return number_text(values) if dtype.is_numeric() else values.cast(pl.String)
    if not (dtype.is_numeric() or dtype == pl.Null):
        raise TypeError(f"column {values.name} is {kind} but holds {dtype}")
    x = pl.col(values.name).cast(pl.Float64)
    finite = pl.when(x.is_finite()).then(x)
    frame = values.to_frame()
    if kind == "number":
        return frame.select(tidy(finite).alias(values.name)).to_series()
    if dtype.is_integer():
        return values.cast(pl.Int64)
    if frame.select((finite != finite.floor()).any()).item():
        raise ValueError(f"column {values.name} is integer but holds a fraction")
    return frame.select(finite.cast(pl.Int64).alias(values.name)).to_series()


def write_csv(published: pl.DataFrame, columns: Sequence[Column], path: Path) -> None:
    """The published table as CSV: header of column codes, cells as every kinerja CSV's."""
    with path.open("wb") as fh:
        write_table_csv([c.name for c in columns], [published], fh)


def write_json(published: pl.DataFrame, columns: Sequence[Column], path: Path) -> None:
    """The published table as JSON: its columns (code, type and words) and its rows."""
    described = [
        {"name": c.name, "type": c.type, "title": c.title, "description": c.description}
        for c in columns
    ]
    path.write_bytes(json_bytes({"columns": described, "rows": published.to_dicts()}))


def json_bytes(value: Any, *, indent: int | None = None) -> bytes:
    """``value`` as UTF-8 JSON text ending in a newline: non-ASCII as is, ``</`` as
    ``<\\/``; compact unless ``indent`` is given.

    :raises ValueError: ``value`` holds a NaN or infinite number (not JSON).
    """
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(
        value, ensure_ascii=False, allow_nan=False, indent=indent, separators=separators
    )
    # "<" is never JSON syntax, so every "</" is inside a string, where "\/" means "/".
    return (text.replace("</", "<\\/") + "\n").encode("utf-8")


def write_xlsx(
    published: pl.DataFrame, columns: Sequence[Column], path: Path, meta: PackageMeta
) -> None:
    """The published table as a workbook of one sheet: titles, then one row per employee."""
    cells = _xlsx_cells(published)
    titles = _xlsx_cells(pl.DataFrame({"t": [c.title for c in columns]}))["t"].to_list()
    with xlsxwriter.Workbook(str(path), _XLSX_OPTIONS) as book:
        created = as_utc(meta.created).replace(tzinfo=None)
        book.set_properties({"title": meta.title, "comments": meta.description, "created": created})
        sheet = book.add_worksheet(sheet_name("hasil"))
        sheet.add_write_handler(str, _string_cell)
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        sheet.write_row(0, 0, titles, header)
        for j, (name, width) in enumerate(zip(cells.columns, _widths(cells, titles), strict=True)):
            sheet.write_column(1, j, cells[name].to_list())
            sheet.set_column(j, j, width)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, cells.height, max(len(titles) - 1, 0))


def _string_cell(sheet: Any, row: int, col: int, *args: Any) -> int:
    """Every text goes to ``write_string``: a text cell, whatever it looks like."""
    return sheet.write_string(row, col, *args)


def _xlsx_cells(published: pl.DataFrame) -> pl.DataFrame:
    """Text columns as workbook text: without the characters a workbook cannot store,
    prefixed with ``'`` where a spreadsheet would run it (as in CSV), at most
    :data:`TEXT_LIMIT` characters, an empty text as no cell. Numbers stay numbers."""
    text = [c for c, dtype in published.schema.items() if dtype == pl.String]
    return published.with_columns(
        csv_text(published[c].str.replace_all(UNSTORABLE, "")).str.slice(0, TEXT_LIMIT)
        for c in text
    )


def _widths(cells: pl.DataFrame, titles: list[str]) -> list[float]:
    """Each column's width: room for its longest value and for its title (up to
    :data:`_HEADER_WIDTH` characters), between :data:`_MIN_WIDTH` and :data:`_TEXT_WIDTH`."""
    shown = cells.select(
        (number_text(cells[c]) if dtype.is_numeric() else cells[c].cast(pl.String)).alias(c)
        for c, dtype in cells.schema.items()
    )
    longest = (
        shown.select(pl.all().str.len_chars().max().fill_null(0)).row(0) if shown.width else ()
    )
    return [
        float(min(_TEXT_WIDTH, max(_MIN_WIDTH, min(len(title), _HEADER_WIDTH), most) + 2))
        for title, most in zip(titles, longest, strict=True)
    ]

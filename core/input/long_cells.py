"""Cells longer than a spreadsheet cell can be: found after reading, named by row.

Excel stores at most 32,767 characters in a cell, and nothing an appraisal reads
(a NIP, a name, a unit, a rating, a note) comes near it. A longer cell is a damaged
or hostile file: its row is refused with the column and the length, the other rows
are read as usual. Every reader's frames pass through :func:`with_long_cells`, so a
workbook, a CSV or Parquet folder and a JSON file meet the same limit.
"""

from __future__ import annotations

import polars as pl

from kinerja.i18n import _, count
from kinerja.input.tables import KIND_SUFFIX, CellProblems, Tables

__all__ = ["MAX_CELL", "add_problems", "long_cells", "with_long_cells"]

MAX_CELL = 32_767
"""Characters a cell may hold: Excel's own limit for one cell."""


def long_cells(frame: pl.DataFrame) -> CellProblems:
    """Row -> [(column, reason)] for the text cells of ``frame`` over :data:`MAX_CELL`."""
    found: CellProblems = {}
    for column, dtype in frame.schema.items():
        if dtype != pl.String or column == "_row" or column.endswith(KIND_SUFFIX):
            continue
        text = pl.col(column)
        # a character is at least one byte: only cells over the limit in bytes are counted
        over = frame.lazy().filter(text.str.len_bytes() > MAX_CELL)
        hits = over.select("_row", text.str.len_chars().alias("n")).filter(pl.col("n") > MAX_CELL)
        for row, n in hits.collect().iter_rows():  # only the few rows over the limit
            found.setdefault(row, []).append((column, _reason(column, n)))
    return found


def _reason(column: str, length: int) -> str:
    return _(
        "{column} holds {length} characters, more than the {limit} a cell may hold; "
        "shorten the cell (a note or a name is never that long: the file may be damaged)",
        column=column,
        length=count(length),
        limit=count(MAX_CELL),
    )


def add_problems(into: dict[str, CellProblems], sheet: str, found: CellProblems) -> None:
    """Add ``found`` to the cell problems of ``sheet`` in ``into``, after those already there."""
    if not found:
        return
    problems = into.setdefault(sheet, {})
    for row, cells in found.items():
        problems.setdefault(row, []).extend(cells)


def with_long_cells(tables: Tables) -> Tables:
    """``tables`` with a cell problem for each cell over :data:`MAX_CELL` (in place)."""
    for sheet, frame in tables.frames.items():
        add_problems(tables.cell_problems, sheet, long_cells(frame))
    return tables

"""A stray quote in a CSV file: rows swallowed into one cell, found and named.

In CSV a quote at the start of a field opens a quoted field that runs, over line
breaks, to the next quote. One stray quote (``"Budi Kecil`` typed for a name) makes
the reader take the rows after it, up to some later quote, as the text of that one
cell: those employees vanish without a word. A cell whose later lines hold as many
field separators as a row of the file has is such a swallow; its row is refused with
the reason, naming how many rows it swallowed, so that nothing disappears silently.
"""

from __future__ import annotations

import polars as pl

from kinerja.i18n import ngettext
from kinerja.input.tables import CellProblems

__all__ = ["swallowed_rows"]


def swallowed_rows(frame: pl.DataFrame, columns: list[str], delimiter: str) -> CellProblems:
    """Row -> [(column, reason)] for cells that hold rows of the file (see the module doc).

    :param columns: the text columns to look in (each a String column of ``frame``).
    :param delimiter: the file's field separator.
    """
    separators = max(len(columns) - 1, 1)
    found: CellProblems = {}
    for column in columns:
        lines = pl.col(column).str.split("\n").list.slice(1)
        rowlike = lines.list.eval(pl.element().str.count_matches(delimiter, literal=True))
        swallowed = rowlike.list.eval(pl.element() >= separators).list.sum()
        broken = frame.lazy().filter(pl.col(column).str.contains("\n", literal=True))
        hits = broken.select("_row", swallowed.alias("n")).filter(pl.col("n") > 0).collect()
        for row, n in hits.iter_rows():  # only the few rows a stray quote broke
            found.setdefault(row, []).append((column, _reason(column, n)))
    return found


def _reason(column: str, rows: int) -> str:
    return ngettext(
        "{column} starts with a quote that is closed only after {rows} more row of the "
        "file, so those row were read as the text of this cell; remove the stray quote "
        'at the start of the cell (or write it twice, "") and save the file again',
        "{column} starts with a quote that is closed only after {rows} more rows of the "
        "file, so those rows were read as the text of this cell; remove the stray quote "
        'at the start of the cell (or write it twice, "") and save the file again',
        rows,
        column=column,
        rows=str(rows),
    )

"""The published tables as page cells: numbers, ranks and statuses in words.

Pages show what the downloads hold, written as the language in use writes it
(``87,25``, ``3 dari 12``, ``Final``); the downloads keep the stable machine forms.
All of it is column work: a unit's page gets its rows as ready text.
"""

from __future__ import annotations

import polars as pl

from kinerja.i18n.numbers import number_column
from kinerja.i18n.places import rank_words
from kinerja.output.headers import status_labels

__all__ = ["NUMERIC", "page_cells"]

NUMERIC = frozenset({"score", "percentile", "change"})
"""Columns right-aligned as numbers on a page."""


def page_cells(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with every column as the text a page shows (empty for a missing value)."""
    return rows.select(_cell(name, rows.schema[name]).alias(name) for name in rows.columns)


def _cell(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if name == "peer_rank":
        return rank_words(column).fill_null("")
    if name == "status":
        return column.replace_strict(status_labels(), default=column).fill_null("")
    if name == "change":  # with its sign: +1,25, -0,50, 0,00
        text = number_column(column, 2)
        return (
            pl.when(text.str.contains(r"[1-9]") & (column > 0))
            .then("+" + text)
            .otherwise(text)
            .fill_null("")
        )
    if dtype.is_float():
        return number_column(column, 2).fill_null("")
    return column.cast(pl.String).fill_null("")

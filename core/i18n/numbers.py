"""Numbers as people of the language in use write them, for whole columns.

:func:`kinerja.i18n.number` writes one number (``1.234,50`` in Indonesian, ``1,234.50``
in English); :func:`number_column` writes a column of them the same way without
leaving polars: rounded to ``decimals`` places, the digits grouped by thousands, and
no minus sign on a number that rounds to zero. It is for pages that show numbers;
the machine forms keep theirs (:mod:`kinerja.output.write_cells`).
"""

from __future__ import annotations

import polars as pl
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from kinerja.i18n import current

__all__ = ["number_column"]


def number_column(column: pl.Expr, decimals: int = 2) -> pl.Expr:
    """``column`` as text with ``decimals`` places (null stays null; not finite: null)."""
    lang = current()
    value = column.cast(pl.Float64)
    scale = 10**decimals
    scaled = (value.abs() * scale).round(0)
    finite = value.is_finite() & (scaled < 2.0**62)
    whole = (scaled // scale).cast(pl.Int64, strict=False).cast(pl.String)
    grouped = (
        whole.str.reverse()
        .str.replace_all(r"(\d{3})", "${1}" + get_group_symbol(lang))
        .str.strip_suffix(get_group_symbol(lang))
        .str.reverse()
    )
    if decimals:
        part = (scaled % scale).cast(pl.Int64, strict=False).cast(pl.String).str.zfill(decimals)
        grouped = pl.concat_str(grouped, pl.lit(get_decimal_symbol(lang)), part)
    negative = (value < 0) & (scaled > 0)
    signed = (
        pl.when(negative).then(pl.lit(get_minus_sign_symbol(lang)) + grouped).otherwise(grouped)
    )
    return pl.when(finite).then(signed)

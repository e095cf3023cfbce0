"""Date cells as column expressions: ISO text or date cells, and the words for the rest.

The same rules as :func:`kinerja.input.cells._date`: text ``YYYY-MM-DD`` (optionally
followed by a real time of day, ``THH:MM[:SS[.fraction]]`` and a zone), ``DD/MM/YYYY``
(``D/M/YYYY``; the day first, never the month) or ``D Maret 2026`` (Indonesian month
names, whole or short, any case) that is a real date, or a date/datetime cell, in the
years 1950 to 2100. A number cell is refused with a hint to format it as a date;
ambiguous text (a two-digit year, the year first with slashes, a month over 12 in the
day-first form) with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kinerja.i18n import _
from kinerja.input.cells import (
    DATE_DAY_FIRST,
    DATE_IS_NUMBER,
    DATE_TWO_DIGIT_YEAR,
    DATE_YEAR_FIRST,
    DAY_FIRST,
    FIRST_YEAR,
    ISO_TIME,
    LAST_YEAR,
    MONTH_NAMED,
    MONTHS,
    NOT_A_DATE,
    OUT_OF_YEARS,
    TWO_DIGIT_YEAR,
    YEAR_FIRST,
)
from kinerja.input.distinct import per_distinct
from kinerja.input.numbers import fmt
from kinerja.input.texts import Cell, int_text, python_repr, strip

__all__ = ["Date", "date", "valid_date"]

_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}" + ISO_TIME + "$"


@dataclass(frozen=True, slots=True)
class Date:
    """A date column read: working columns to add first, then its ISO text and words."""

    stages: list[list[pl.Expr]]
    """Working columns, stage by stage (add them before using the rest)."""
    value: pl.Expr
    """ISO ``YYYY-MM-DD`` text; null when refused."""
    bad: pl.Expr
    reason: pl.Expr


def valid_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Whether integer columns make a real date (years 1-9999, as Python's ``date``)."""
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = (
        pl.when(month == 2)
        .then(28 + leap.cast(pl.Int32))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )
    return (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)


def _parts(shown: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """Year, month and day of date text in any accepted form (null where it is in none),
    and whether it is in one."""
    iso = shown.str.contains(_ISO_DATE)
    dmy = shown.str.extract_groups(DAY_FIRST)
    named = shown.str.extract_groups(MONTH_NAMED)
    month_name = named.struct.field("2").str.to_lowercase()
    named_month = month_name.replace_strict(MONTHS, default=None, return_dtype=pl.Int32)

    def number(e: pl.Expr) -> pl.Expr:
        return e.cast(pl.Int32, strict=False)

    year = (
        pl.when(iso)
        .then(number(shown.str.slice(0, 4)))
        .otherwise(pl.coalesce(number(dmy.struct.field("3")), number(named.struct.field("3"))))
    )
    month = (
        pl.when(iso)
        .then(number(shown.str.slice(5, 2)))
        .otherwise(pl.coalesce(number(dmy.struct.field("2")), named_month))
    )
    day = (
        pl.when(iso)
        .then(number(shown.str.slice(8, 2)))
        .otherwise(pl.coalesce(number(dmy.struct.field("1")), number(named.struct.field("1"))))
    )
    matched = iso | dmy.struct.field("1").is_not_null() | named_month.is_not_null()
    return year, month, day, matched


def _refusal(shown: pl.Expr, column: str) -> pl.Expr:
    """Why date text in no accepted form, or not a real date, is refused
    (``cells._date_refusal``)."""
    args = pl.lit(column), python_repr(shown)
    month = shown.str.extract(DAY_FIRST, 2)
    return (
        pl.when(shown.str.contains(TWO_DIGIT_YEAR))
        .then(pl.format(_(DATE_TWO_DIGIT_YEAR), *args))
        .when(shown.str.contains(YEAR_FIRST))
        .then(pl.format(_(DATE_YEAR_FIRST), *args))
        .when(month.cast(pl.Int32, strict=False) > 12)
        .then(pl.format(_(DATE_DAY_FIRST), *args, month))
        .otherwise(pl.format(_(NOT_A_DATE), *args))
    )


def _iso(shown: pl.Expr) -> pl.Expr:
    """``YYYY-MM-DD`` for date text in an accepted form that is a real date, else null."""
    year, month, day, matched = _parts(shown)
    ok = (matched & valid_date(year, month, day)).fill_null(False)
    iso = pl.format(
        "{}-{}-{}",
        year.cast(pl.String).str.zfill(4),
        month.cast(pl.String).str.zfill(2),
        day.cast(pl.String).str.zfill(2),
    )
    return pl.when(ok).then(iso)


def _from_text(text: pl.Expr, column: str, prefix: str) -> Date:
    shown_name, iso_name = f"{prefix}.shown", f"{prefix}.iso"
    shown, iso = pl.col(shown_name), pl.col(iso_name)
    stages = [
        [strip(text).fill_null("").alias(shown_name)],
        [per_distinct(shown_name, _iso(shown), pl.String).alias(iso_name)],
    ]
    return Date(stages, iso, iso.is_null(), _refusal(shown, column))


def date(cell: Cell, prefix: str, column: str | None = None) -> Date:
    """Read a non-blank ``cell`` as an ISO date (``cells._date``); reasons name ``column``
    (in the language in use).

    ``prefix`` names the working columns (``{prefix}.shown``: the text, stripped;
    ``{prefix}.iso``: its ISO date, read once per distinct text).
    """
    column = column or cell.name
    if not cell.typed:
        return _in_years(_from_text(cell.text, column, prefix), column)
    kind, text = cell.kind, cell.text
    from_text = _from_text(pl.when(kind.is_null()).then(text), column, prefix)
    number = fmt(text.cast(pl.Float64, strict=False))
    shown = pl.when(kind == "int").then(int_text(text)).otherwise(number)
    value = (
        pl.when(kind.is_null())
        .then(from_text.value)
        .when(kind == "date")
        .then(text)
        .when(kind == "datetime")
        .then(text.str.head(10))
    )
    other = ~kind.is_in(["date", "datetime"])
    bad = pl.when(kind.is_null()).then(from_text.bad).otherwise(other)
    reason = (
        pl.when(kind.is_null())
        .then(from_text.reason)
        .when(kind.is_in(["int", "float"]))
        .then(pl.format(_(DATE_IS_NUMBER), pl.lit(column), shown))
        .otherwise(pl.format(_(NOT_A_DATE), pl.lit(column), text))
    )
    return _in_years(Date(from_text.stages, value, bad, reason), column)


def _in_years(read: Date, column: str) -> Date:
    """``read`` refused too where its year is outside :data:`FIRST_YEAR` to :data:`LAST_YEAR`."""
    year = read.value.str.head(4).cast(pl.Int32, strict=False)
    outside = (~year.is_between(FIRST_YEAR, LAST_YEAR)).fill_null(False)
    years = pl.lit(str(FIRST_YEAR)), pl.lit(str(LAST_YEAR))
    reason = (
        pl.when(outside)
        .then(pl.format(_(OUT_OF_YEARS), pl.lit(column), read.value, *years))
        .otherwise(read.reason)
    )
    return Date(read.stages, pl.when(~outside).then(read.value), read.bad | outside, reason)

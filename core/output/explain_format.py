"""Numbers, dates and yes/no as ``explain`` writes them, in the language in use.

Two kinds of number: a *result* the rules computed (a score, a mean, an achievement) is
shown to two decimals at most, as the results workbook shows it (``86,36``); a number
*written in the rules or the input* (a weight, a band limit, a target, a constant) is
shown exactly as it is (``0,625``, not ``0,62``). Both are written as people of the
language write them: ``1.210,5`` in Indonesian, ``1,210.5`` in English.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from kinerja.i18n import N_, _, current, number

__all__ = ["MISSING", "exact", "long_date", "rounded", "shown", "truth", "value_words"]

MISSING = "-"
"""A missing number or label in a table-like line."""

_DECIMALS = 9
"""The engine keeps numbers to 9 decimals (``kinerja.functions.registry.DECIMALS``)."""

_YES, _NO = N_("yes"), N_("no")


def rounded(value: float | int) -> Decimal:
    """A computed number rounded to two decimals, half up as taught at school (3,625 is
    3,63), from the decimals it is written with."""
    return Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def shown(value: float | int | None) -> str:
    """A computed number to two decimals at most (:func:`rounded`), trailing zeros
    dropped (``86,36``, ``60``); ``-`` when missing."""
    if value is None:
        return MISSING
    return number(_plain(rounded(value)))


def exact(value: float | int | None) -> str:
    """A number as the rules or the input wrote it, every decimal kept (``0,625``);
    ``-`` when missing."""
    if value is None:
        return MISSING
    if isinstance(value, int):
        return number(value)
    return number(_plain(Decimal(repr(round(float(value), _DECIMALS)))))


def _plain(value: Decimal) -> Decimal:
    """``value`` without a minus sign on zero and without trailing zeros."""
    if value == 0:
        return Decimal(0)
    return value.normalize() if value == value.to_integral() else value


def truth(value: bool) -> str:
    """``yes`` or ``no`` in the language in use."""
    return _(_YES) if value else _(_NO)


def value_words(value: object) -> str:
    """Any value of a rule (a number, a label, yes/no) as a person reads it; a computed
    number as :func:`shown` writes it, ``-`` when missing."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return truth(value)
    if isinstance(value, int | float):
        return shown(value)
    return str(value)


def long_date(iso: str | None) -> str:
    """An ISO date as people of the language write it (``27 Januari 2027``,
    ``January 27, 2027``); text that is not an ISO date stays as it is."""
    if not iso:
        return MISSING
    try:
        day = datetime.date.fromisoformat(iso)
    except ValueError:
        return iso
    from babel.dates import format_date

    return format_date(day, format="long", locale=current())

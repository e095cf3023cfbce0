"""Number cells as column expressions: parsing ``.``/``,`` decimals, range, and their words.

The same rules as :func:`kinerja.input.cells._number`, per column: a number typed as
text takes ``.`` or ``,`` as the decimal separator (``1.234,5`` and ``1,234.5`` both
read 1234.5); ``1.500`` (1.5 or 1500?) and ``12.000.000`` are refused as ambiguous;
every number must be finite and within :data:`~kinerja.input.cells.MAX_NUMBER`. A
number cell (kind ``int`` or ``float``) is read as it is; a bool, date or other cell
is not a number.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kinerja.i18n import _
from kinerja.input.cells import (
    COULD_BE,
    GROUPED,
    MAX_NUMBER,
    NOT_A_NUMBER,
    NOT_A_NUMBER_PERCENT,
    NOT_FINITE,
    OUT_OF_RANGE,
    OUT_OF_RANGE_LONG,
    _fmt,
)
from kinerja.input.distinct import by_distinct, on_rows
from kinerja.input.texts import Cell, int_text, python_repr, strip, text_value

__all__ = ["Number", "fmt", "number"]

_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"
_DOT_GROUPS = r"^[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+$"
_PLAIN = r"^[0-9]{1,15}(?:[.,][0-9]{1,15})?$"
"""A plain number: at most 15 digits before the separator, so always within range."""
_ONE_GROUP = r"^[1-9][0-9]{0,2}\.[0-9]{3}$"
"""``1.500``: a plain-looking number that is ambiguous (see :data:`_DOT_GROUPS`)."""
_DECIMAL_COMMA = r",[^.]*$"
"""The last separator is a comma: ``1.234,5`` (Indonesian style)."""
_LIMIT = str(int(MAX_NUMBER))


@dataclass(frozen=True, slots=True)
class Number:
    """A number column read: working columns to add first, then its value and words."""

    stages: list[list[pl.Expr]]
    """Working columns, stage by stage (add them before using the rest)."""
    value: pl.Expr
    """Float64; null for a refused cell."""
    bad: pl.Expr
    """Boolean: the cell is not a usable number."""
    reason: pl.Expr
    """String, for the rows where ``bad`` holds."""


def fmt(x: pl.Expr) -> pl.Expr:
    """A float as ``cells._fmt`` shows it: whole numbers as digits, others as ``{x:g}``."""
    small_whole = x.is_finite() & (x == x.floor()) & (x.abs() < 2.0**63)
    other = by_distinct(_fmt, [pl.when(~small_whole).then(x)], pl.String())
    digits = x.cast(pl.Int64, strict=False).cast(pl.String)
    return pl.when(small_whole).then(digits).otherwise(other)


def _text_stages(text: pl.Expr, prefix: str) -> list[list[pl.Expr]]:
    """The working columns of a number typed as text.

    ``{prefix}.plain?``: the cell is a plain number (digits, at most one ``.`` or ``,``
    that is no thousands dot), the bulk of real input; ``{prefix}.fast``: its value,
    read without the general rules; then, for the other cells only, ``{prefix}.s``
    (the text without spaces) and ``{prefix}.plain`` (with ``.`` as the decimal point).
    """
    plain = (text.str.contains(_PLAIN) & ~text.str.contains(_ONE_GROUP)).fill_null(False)
    fast, dotted = pl.col(f"{prefix}.plain?"), pl.col(f"{prefix}.fast")
    s = pl.col(f"{prefix}.s")

    def decimal_comma(t: pl.Expr) -> pl.Expr:
        return t.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)

    def spaceless(t: pl.Expr) -> pl.Expr:
        return strip(t).str.replace_all(" ", "", literal=True)

    comma = on_rows(decimal_comma, fast & dotted.is_null(), [text], pl.Float64())
    return [
        [plain.alias(f"{prefix}.plain?")],
        [
            pl.when(fast).then(text).cast(pl.Float64, strict=False).alias(f"{prefix}.fast"),
            on_rows(spaceless, ~fast & text.is_not_null(), [text], pl.String()).alias(
                f"{prefix}.s"
            ),
        ],
        [
            pl.coalesce(dotted, comma).alias(f"{prefix}.fast"),
            on_rows(_point, s.is_not_null(), [s], pl.String()).alias(f"{prefix}.plain"),
        ],
    ]


def _point(s: pl.Expr) -> pl.Expr:
    """The text with ``.`` as its decimal point: ``1.234,5`` and ``1,234.5`` give ``1234.5``."""
    with_comma = pl.when(s.str.contains(",", literal=True)).then(s)
    decimal = with_comma.str.replace_all(".", "", literal=True)
    decimal = decimal.str.replace_all(",", ".", literal=True)
    grouped = with_comma.str.replace_all(",", "", literal=True)
    commas = pl.when(s.str.contains(_DECIMAL_COMMA)).then(decimal).otherwise(grouped)
    return pl.coalesce(commas, s)


def _from_text(text: pl.Expr, column: str, prefix: str) -> Number:
    """``cells._number_text``: a number typed as text (null: an empty cell).

    The general rules run on the cells the fast path did not read (``{prefix}.slow``).
    """
    s, plain = pl.col(f"{prefix}.s"), pl.col(f"{prefix}.plain")
    fast, slow = pl.col(f"{prefix}.fast"), pl.col(f"{prefix}.slow")
    general = on_rows(_general, fast.is_null(), [s, plain], pl.Float64())
    stages = [*_text_stages(text, prefix), [general.alias(f"{prefix}.slow")]]
    value = pl.coalesce(fast, slow)
    reason = _text_reason(column, strip(text).fill_null(""), s.fill_null(""), plain.fill_null(""))
    return Number(stages, value, value.is_null(), reason)


def _general(s: pl.Expr, plain: pl.Expr) -> pl.Expr:
    """The number of a text that is not plain (null when refused): ``cells._number_text``."""
    s, plain = s.fill_null(""), plain.fill_null("")
    x = plain.cast(pl.Float64, strict=False)
    ok = ~s.str.contains(_DOT_GROUPS) & plain.str.contains(_NUMBER) & (x.abs() <= MAX_NUMBER)
    return pl.when(ok).then(x)


def _text_reason(column: str, shown: pl.Expr, s: pl.Expr, plain: pl.Expr) -> pl.Expr:
    """The words for a number typed as text that is refused (``cells._number_text``)."""
    quoted, name = python_repr(shown), pl.lit(column)
    ungrouped = s.str.replace_all(".", "", literal=True)
    one_dot = s.str.count_matches(".", literal=True) == 1
    as_decimal = s.str.strip_prefix("+").str.replace(r"0+$", "").str.strip_suffix(".")
    grouped = s.str.contains(_DOT_GROUPS)
    long = pl.format(_(OUT_OF_RANGE_LONG), name, shown.str.head(12), plain.str.len_chars())
    return (
        pl.when(grouped & one_dot)
        .then(pl.format(_(COULD_BE), name, quoted, as_decimal, ungrouped))
        .when(grouped)
        .then(pl.format(_(GROUPED), name, quoted, ungrouped))
        .when(~plain.str.contains(_NUMBER) & plain.str.ends_with("%"))
        .then(pl.format(_(NOT_A_NUMBER_PERCENT), name, quoted))
        .when(~plain.str.contains(_NUMBER))
        .then(pl.format(_(NOT_A_NUMBER), name, quoted))
        .when(shown.str.len_chars() > 24)
        .then(long)
        .otherwise(pl.format(_(OUT_OF_RANGE), name, shown))
    )


def _from_int(cell: Cell, column: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """An integer cell: within range when at most 15 digits, or exactly 10^15."""
    digits = cell.text.str.strip_prefix("-")
    ok = (digits.str.len_bytes() < len(_LIMIT)) | (digits == _LIMIT)
    x = cell.text.cast(pl.Float64, strict=False)
    reason = pl.format(_(OUT_OF_RANGE), pl.lit(column), int_text(cell.text))
    return pl.when(ok).then(x), ~ok, reason


def _from_float(cell: Cell, column: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """A float cell: finite and within range."""
    x = cell.text.cast(pl.Float64, strict=False)
    ok = (x.abs() <= MAX_NUMBER).fill_null(False)
    shown = by_distinct(lambda v: f"{v:g}", [x], pl.String())
    reason = (
        pl.when(x.is_finite())
        .then(pl.format(_(OUT_OF_RANGE), pl.lit(column), shown))
        .otherwise(pl.format(_(NOT_FINITE), pl.lit(column), cell.text))
    )
    return pl.when(ok).then(x), ~ok, reason


def number(cell: Cell, prefix: str, column: str | None = None) -> Number:
    """Read ``cell`` as a number (``cells._number``); reasons name ``column`` (default: the cell's).

    ``prefix`` names the working columns (``{prefix}.s``, ``{prefix}.plain``). A blank
    cell is refused like any other text (``must be a number, found ''``); callers that
    allow a blank test :meth:`Cell.blank` first.
    """
    column = column or cell.name
    if not cell.typed:
        return _from_text(cell.text, column, prefix)
    text = _from_text(pl.when(cell.is_text()).then(cell.text), column, prefix)
    parts = {"int": _from_int(cell, column), "float": _from_float(cell, column)}
    other = pl.format(_(NOT_A_NUMBER), pl.lit(column), python_repr(text_value(cell)))

    def pick(part: int, given: pl.Expr, fallback: pl.Expr | None) -> pl.Expr:
        chosen = pl.when(cell.kind.is_null()).then(given)
        for kind, found in parts.items():
            chosen = chosen.when(cell.kind == kind).then(found[part])
        return chosen if fallback is None else chosen.otherwise(fallback)

    return Number(
        text.stages,
        pick(0, text.value, None),
        pick(1, text.bad, pl.lit(True)),
        pick(2, text.reason, other),
    )

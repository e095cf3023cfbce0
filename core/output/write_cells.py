"""Cell text as column expressions: numbers as people read them, safe spreadsheet text.

Every writer shows a number the same way (:func:`number_text`): rounded half-even to
4 decimals exactly as Python's ``round(x, 4)`` does, an integral value without a
decimal point (``3.0`` -> ``3``), nothing for a missing or non-finite value. The work
is done on whole columns; only the rare value whose rounding the fast path cannot
decide (a near-tie, or a magnitude of 1e11 and more) is rounded by Python.
"""

from __future__ import annotations

import math

import polars as pl

from kinerja.numbers import tidy

__all__ = [
    "RISKY_START",
    "csv_text",
    "escape_formula",
    "number_text",
    "number_text_one",
    "shown_text",
    "tidied",
    "TEXT_LIMIT",
    "UNSTORABLE",
]

RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""Text starting with one of these runs as a formula when a spreadsheet opens a CSV
(the last four are the fullwidth ＝＋－＠, which some spreadsheets read as the others)."""

_RISKY = "^[=+\\-@\t\r\uff1d\uff0b\uff0d\uff20]"
UNSTORABLE = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
"""Characters a workbook cannot store (XML 1.0). Polars text never holds a lone surrogate."""
_FAST_LIMIT = 1e11
"""Below this magnitude x * 10_000 rounds to an exact integer under 2**53."""


def escape_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``
    and the others of :data:`RISKY_START`); NUL characters are dropped.

    For CSV, where a cell has no type. In xlsx such text is a text cell instead.
    """
    text = text.replace("\x00", "")
    return "'" + text if text.startswith(RISKY_START) else text


def number_text_one(x: float | int) -> str:
    """One number as :func:`number_text` shows it (Python's ``round(x, 4)``)."""
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        return ""
    x = round(x, 4)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def number_text(values: pl.Series) -> pl.Series:
    """Numbers as text: 4 decimals at most (half-even, as ``round(x, 4)``), ``3`` for 3.0.

    Integer columns are shown in full. Missing and non-finite values become null.
    """
    if values.dtype.is_integer():
        return values.cast(pl.String)
    x = values.cast(pl.Float64)
    frame = pl.DataFrame({"x": x}).with_columns(_tenthousandths(pl.col("x")))
    text = frame.select(_decimal_text(pl.col("k")))["k"]
    slow = frame["slow"].fill_null(False)
    if slow.any():
        where = slow.arg_true()
        exact = [number_text_one(v) for v in x.gather(where).to_list()]
        text = text.scatter(where, pl.Series(exact, dtype=pl.String))
    return text.alias(values.name)


def _tenthousandths(x: pl.Expr) -> list[pl.Expr]:
    """``k``: x rounded to a whole number of ten-thousandths, half-even; ``slow``: rows
    where the product ``x * 10_000`` is too close to a tie (or too large) to decide."""
    finite = x.is_finite()
    y = x * 10_000.0
    frac = y - y.floor()
    near_tie = (frac - 0.5).abs() <= y.abs() * 1e-15
    slow = finite & ((x.abs() >= _FAST_LIMIT) | near_tie)
    k = pl.when(finite & ~slow).then(y.round(0, mode="half_to_even").cast(pl.Int64))
    return [k.alias("k"), slow.alias("slow")]


def _decimal_text(k: pl.Expr) -> pl.Expr:
    """``k`` ten-thousandths as decimal text: ``123450`` -> ``12.345``, ``30000`` -> ``3``."""
    whole = (k.abs() // 10_000).cast(pl.String)
    frac = (k.abs() % 10_000).cast(pl.String).str.zfill(4).str.strip_chars_end("0")
    sign = pl.when(k < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    dot = pl.when(frac == "").then(pl.lit("")).otherwise(pl.lit("."))
    return pl.concat_str([sign, whole, dot, frac]).alias("k")


def tidied(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every Float64 column tidied to the rules' precision, as the engine
    tidies its results (``round(x, 9)``, see :mod:`kinerja.numbers`): a difference such
    as ``-58.10000000000002`` becomes ``-58.1``. Null, infinite and NaN values stay."""
    floats = [name for name, dtype in frame.schema.items() if dtype == pl.Float64]
    if not floats or frame.height == 0:
        return frame
    return frame.with_columns(tidy(pl.col(name)).alias(name) for name in floats)


def shown_text(values: pl.Series, missing: str = "") -> pl.Series:
    """Any column as text inside a longer text: numbers as :func:`number_text`,
    booleans ``true``/``false``, missing as ``missing``."""
    dtype = values.dtype
    if dtype.is_numeric():
        text = number_text(values)
        if missing:
            text = text.set(values.is_null(), missing)
        return text.fill_null("")
    if dtype == pl.Boolean:
        out = pl.select(
            pl.when(pl.lit(values)).then(pl.lit("true")).otherwise(pl.lit("false"))
        ).to_series()
        return out.set(values.is_null(), missing).alias(values.name)
    if dtype == pl.Null:
        return pl.Series(values.name, [missing] * len(values), dtype=pl.String)
    return values.cast(pl.String).fill_null(missing)


def csv_text(values: pl.Series) -> pl.Series:
    """A column as CSV cell text: :func:`shown_text` without NUL characters, with
    formula-looking text escaped.

    Returns null for an empty cell (written as nothing).
    """
    text = shown_text(values)
    if values.dtype.is_numeric() or values.dtype == pl.Boolean:
        return text.replace("", None)
    if text.str.contains("\x00", literal=True).any():
        text = text.str.replace_all("\x00", "", literal=True)
    risky = text.str.contains(_RISKY)
    escaped = pl.select(
        pl.when(pl.lit(risky)).then(pl.lit("'") + pl.lit(text)).otherwise(pl.lit(text))
    ).to_series()
    return escaped.replace("", None).alias(values.name)


TEXT_LIMIT = 32_767
"""The most characters an Excel cell holds."""

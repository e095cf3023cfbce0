"""Numeric kernels that give, row by row, exactly what Python's float operations give.

Polars' ``//`` and ``%`` on floats, and its sums, differ from Python's in the last
bits; these kernels run CPython's own algorithms on whole numpy columns (loops over
the few terms of a sum, never over rows):

* :func:`floor_divide` and :func:`modulo`: ``float_divmod`` (``fmod``, then the sign
  fix and the snap of the quotient);
* :func:`fsum`: ``math.fsum``, Shewchuk's exact partials and the correctly rounded
  total, with the partials kept in fixed columns (zeros in place of the dropped ones);
* :func:`bit_length`: ``int.bit_length`` of whole numbers held as floats.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

__all__ = ["bit_length", "floor_divide", "fsum", "fsum_overflows", "modulo"]


def _divmod_arrays(vx: np.ndarray, wx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CPython's ``_float_div_mod`` over arrays (``wx`` must not be zero where it matters)."""
    with np.errstate(all="ignore"):
        mod = np.fmod(vx, wx)
        div = (vx - mod) / wx
        fix = (mod != 0) & ((wx < 0) != (mod < 0))
        zero = mod == 0
        mod = np.where(fix, mod + wx, mod)
        div = np.where(fix, div - 1.0, div)
        mod = np.where(zero, np.copysign(0.0, wx), mod)
        floor = np.floor(div)
        floor = np.where(div - floor > 0.5, floor + 1.0, floor)
        floor = np.where(div == 0, np.copysign(0.0, vx / wx), floor)
    return floor, mod


def _pair_kernel(which: int):  # noqa: ANN202 - a map_batches function
    def kernel(series: pl.Series) -> pl.Series:
        left = series.struct.field("l")
        right = series.struct.field("r")
        missing = (left.is_null() | right.is_null()).to_numpy()
        result = _divmod_arrays(left.fill_null(0.0).to_numpy(), right.fill_null(1.0).to_numpy())[
            which
        ]
        out = pl.Series(series.name, result, dtype=pl.Float64)
        return out.scatter(np.flatnonzero(missing), None) if missing.any() else out

    return kernel


def _pair(left: pl.Expr, right: pl.Expr, which: int) -> pl.Expr:
    pair = pl.struct(left.cast(pl.Float64).alias("l"), right.cast(pl.Float64).alias("r"))
    return pair.map_batches(_pair_kernel(which), return_dtype=pl.Float64, is_elementwise=True)


def floor_divide(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """Python's ``left // right`` for floats, per row (null where either is null)."""
    return _pair(left, right, 0)


def modulo(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """Python's ``left % right`` for floats, per row (null where either is null)."""
    return _pair(left, right, 1)


def _fsum_arrays(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``math.fsum`` of each row, and where it raises OverflowError.

    As CPython: an infinite or nan term goes to a special sum (and clears the
    partials); finite terms whose partial sum overflows raise OverflowError.
    """
    rows = columns[0].shape[0] if columns else 0
    partials: list[np.ndarray] = []
    overflow = np.zeros(rows, dtype=bool)
    special = np.zeros(rows)
    has_special = np.zeros(rows, dtype=bool)
    with np.errstate(all="ignore"):
        for column in columns:
            x = column.copy()
            for j, y in enumerate(partials):
                swap = np.abs(x) < np.abs(y)
                big, small = np.where(swap, y, x), np.where(swap, x, y)
                hi = big + small
                partials[j] = small - (hi - big)
                x = hi
            blown = ~np.isfinite(x)
            overflow |= blown & np.isfinite(column)
            term_special = blown & ~np.isfinite(column)
            special = np.where(term_special, special + column, special)
            has_special |= term_special
            partials = [np.where(blown, 0.0, p) for p in partials]  # cleared, as CPython does
            partials.append(np.where(blown, 0.0, x))
        total = _fsum_total(partials, rows)
        return np.where(has_special, special, total), overflow


def _fsum_total(partials: list[np.ndarray], rows: int) -> np.ndarray:
    """The correctly rounded total of exact partials (zeros stand for dropped ones)."""
    if not partials:
        return np.zeros(rows)
    hi = partials[-1].copy()
    lo = np.zeros(rows)
    broke = np.full(rows, -1)
    for j in range(len(partials) - 2, -1, -1):
        live = broke < 0
        x, y = hi, partials[j]
        total = x + y
        low = y - (total - x)
        hi = np.where(live, total, hi)
        lo = np.where(live, low, lo)
        broke = np.where(live & (low != 0), j, broke)
    below_sign = np.zeros(rows)  # sign of the first nonzero partial under the one that broke
    for j in range(len(partials)):
        nonzero = partials[j] != 0
        sign_here = np.sign(partials[j])
        below_sign = np.where((broke > j) & nonzero, sign_here, below_sign)
    half = (broke > 0) & (((lo < 0) & (below_sign < 0)) | ((lo > 0) & (below_sign > 0)))
    y = lo * 2.0
    x = hi + y
    total = np.where(half & (y == x - hi), x, hi)
    return np.where(total == 0, 0.0, total)  # an exact zero is +0.0, as fsum gives


def _fsum_kernel(overflow: bool):  # noqa: ANN202 - a map_batches function
    def kernel(series: pl.Series) -> pl.Series:
        columns = [series.struct.field(f).fill_null(0.0).to_numpy() for f in series.struct.fields]
        total, over = _fsum_arrays(columns)
        return pl.Series(series.name, over if overflow else total)

    return kernel


def _terms(terms: Sequence[pl.Expr]) -> pl.Expr:
    return pl.struct([t.cast(pl.Float64).alias(f"t{i}") for i, t in enumerate(terms)])


def fsum(terms: Sequence[pl.Expr]) -> pl.Expr:
    """``math.fsum`` of the terms per row; a null term counts as 0.0 (terms are finite)."""
    if not terms:
        return pl.lit(0.0)
    return _terms(terms).map_batches(
        _fsum_kernel(False), return_dtype=pl.Float64, is_elementwise=True
    )


def fsum_overflows(terms: Sequence[pl.Expr]) -> pl.Expr:
    """Rows where ``math.fsum`` of the terms raises OverflowError (intermediate overflow)."""
    if not terms:
        return pl.lit(False)
    return _terms(terms).map_batches(
        _fsum_kernel(True), return_dtype=pl.Boolean, is_elementwise=True
    )


def bit_length(whole: pl.Expr) -> pl.Expr:
    """``int(x).bit_length()`` of whole numbers held as floats."""
    a = whole.abs()
    guess = pl.when(a == 0).then(0.0).otherwise(a.log(2).floor() + 1)
    low = pl.lit(2.0).pow(guess - 1)
    guess = pl.when((a > 0) & (low > a)).then(guess - 1).otherwise(guess)
    high = pl.lit(2.0).pow(guess)
    return pl.when((a > 0) & (high <= a)).then(guess + 1).otherwise(guess)

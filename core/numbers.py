"""The engine's number semantics, in one place.

How numbers are tidied, rounded and shown, and in what order sums are taken. Every
function here gives, element by element, exactly what the Python expression named in
its docstring gives for one float; the columnar engine calls these instead of
polars' own ``round``, ``/`` and string casts, which differ from Python on near-ties.

Tidying. A computed number is tidied to :data:`DECIMALS` places, as Python's
``round(x, 9)`` does: the integer ``n`` nearest to the *exact* value of ``x * 10**9``
(ties to even), then ``n / 10**9`` correctly rounded. :func:`round_correct` finds
``n`` exactly (Dekker's TwoProduct gives ``x * 10**d`` as an unevaluated sum
``p + e`` of two doubles); numpy divides exactly (polars divides a column by a
scalar through its reciprocal, which is not correctly rounded).

Rounding half up. The ``round()`` library function rounds the *shortest repr* of a
number half up (``Decimal(repr(x))``), so ``round(2.675, 2)`` is 2.68 although the
double is 2.67499999999999982...; :func:`round_half_up_array` gives the same.

Showing. :func:`format_fixed`, :func:`format_percent`, :func:`format_general` and
:func:`format_repr` give the text of ``format(x, ".2f")``, ``format(x, ".0%")``,
``format(x, "g")`` / ``format(x, "+g")`` and ``str(x)``, built with column
operations on integer parts. :func:`shown` is how the engine shows a value in text:
``str(x)``, except that a whole number is shown without ``.0``.

Where a value lies outside the range a vectorised kernel is exact for (a number so
large or small that its digits are far from the decimal point, or more than 15
decimal places asked for), the kernel hands the *distinct* such values to the Python
expression itself and joins the answers back, so every result is still Python's.

Summation order. Sums over a known list of terms (the weighted groups of an aspect,
the weighted aspects of a score) are added left to right in the rules' order,
``((0.0 + a) + b) + c``, as the engine's Python loops do: :func:`ordered_sum`. Sums
over a variable number of rows (the ratings of one rater group) use polars' group
sum. That is exact, whatever the order, for whole-number ratings (every partial sum
is an integer below 2**53); for ratings with a few decimals the order can change the
last bit of the sum, which the tidying of the group mean absorbs except on exact
near-ties of the ninth decimal.

Nulls (missing values) are polars nulls, never NaN: the polars front ends keep a
null as null; the numpy kernels take plain float64 arrays, where NaN is a float
like any other and behaves as in Python (``round(nan, 9)`` is nan, ``str`` gives
``'nan'``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from functools import reduce

import numpy as np
import polars as pl

from kinerja.functions import DECIMALS

__all__ = [
    "DECIMALS",
    "MAX_DIGITS",
    "fixed",
    "format_fixed",
    "format_general",
    "format_percent",
    "format_repr",
    "general",
    "ordered_sum",
    "percent",
    "round_correct",
    "round_half_up",
    "round_half_up_array",
    "shown",
    "tidy",
    "tidy_array",
]

MAX_DIGITS = 22
"""The most decimal places (either way) the rounding kernels take: 10**22 is the
largest power of ten that is exactly a double."""

_EXACT = 2.0**53  # every integer below this is a double; at or above it x has no fraction
_HALF_UP_SAFE = 2.0**48  # below this, the shortest repr is the only tie candidate (see below)
_INT_SAFE = 2.0**62  # below this, the whole part of x fits an int64 with room to add 10**18
_VELTKAMP = 134217729.0  # 2**27 + 1: splits a double into two 26-bit halves
_MAX_FIXED = 15  # fixed decimals built from integer parts; more go to Python
_NO_EXPONENT = -(10**6)  # marks a 'g' text written without an exponent
_POW10 = np.array([float(10**k) for k in range(MAX_DIGITS + 1)])
_IPOW10 = np.array([10**k for k in range(19)], dtype=np.int64)


# ---------------------------------------------------------------- rounding kernels


def _as_floats(values: object) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def _check_digits(digits: object, low: int, high: int) -> int:
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)):
        raise TypeError(f"digits must be a whole number, got {digits!r}")
    if not low <= digits <= high:
        raise ValueError(f"digits must be between {low} and {high}, got {digits}")
    return int(digits)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp's split: ``a == hi + lo`` exactly, each half with 26 significant bits."""
    t = a * _VELTKAMP
    hi = t - (t - a)
    return hi, a - hi


def _two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dekker's TwoProduct without FMA: ``a * b == p + e`` exactly, ``p = fl(a * b)``."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def _nearest_up(x: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The integer nearest to exact ``x * scale`` (ties to even) for ``scale = 10**d``.

    Returns ``(n, exact)``; ``n`` is right where ``exact`` (``|x * scale| < 2**53``).
    ``n = rint(p)`` with ``p = fl(x * scale)`` is right unless ``p`` is a
    half-integer or ``|p| >= 2**52``: elsewhere ``p - n`` is a multiple of the ulp of
    ``p`` below one half by at least an ulp, and the rounding error of ``p`` is at
    most half an ulp. Those few are corrected with the exact product (:func:`_hard`).
    """
    p = x * scale
    n = np.rint(p)
    hard = np.abs(p - n) == 0.5
    hard |= ~(np.abs(p) < 2.0**52)  # also inf and nan, never exact
    exact = np.abs(p) < _EXACT
    rows = np.flatnonzero(hard & exact)
    if rows.size:
        pick = scale if np.ndim(scale) == 0 else scale[rows]
        n[rows] = _hard(x[rows], pick)
    return n, exact


def _hard(x: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """:func:`_nearest_up` near a tie: ``x * scale = p + e`` exactly (TwoProduct).

    ``n = rint(p)`` is off by one when ``p`` is a half-integer that ``e`` pushes past
    the tie, or (where the ulp of ``p`` is 1) when ``e`` is exactly one half and
    ``p`` is odd.
    """
    p, e = _two_product(x, scale)
    n = np.rint(p)
    d1 = p - n  # exact (Sterbenz), within [-0.5, 0.5]
    n = np.where((d1 == 0.5) & (e > 0), n + 1.0, n)
    n = np.where((d1 == -0.5) & (e < 0), n - 1.0, n)
    odd_tie = (d1 == 0.0) & (np.abs(e) == 0.5) & (np.fmod(n, 2.0) != 0)
    return np.copysign(np.where(odd_tie, n + np.sign(e), n), x)


def _nearest_down(x: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The integer nearest to exact ``x / 10**k`` (ties to even), ``k >= 1``.

    Whole part and remainder in int64: ``|x| = w + f`` (``f`` its fraction) and
    ``w = q * 10**k + r``; ``n = q``, plus one past the half (``2r > 10**k``, or a
    half with a fraction behind it, or an exact half with ``q`` odd).
    """
    exact = np.abs(x / _POW10[k]) < _EXACT
    a = np.where(exact & (np.abs(x) < _INT_SAFE), np.abs(x), 0.0)
    whole = np.floor(a)
    frac = a - whole
    huge = k > 18  # 10**k > 2**62 > a: the nearest multiple is 0
    power = _IPOW10[np.where(huge, 1, k)]
    quo, rem = np.divmod(whole.astype(np.int64), power)
    twice = 2 * rem
    up = (twice > power) | ((twice == power) & ((frac > 0) | (quo % 2 == 1)))
    n = np.where(huge, 0.0, (quo + up).astype(np.float64))
    return np.copysign(n, x), exact


def _exact_nearest(value: float, digits: int) -> float:
    """Python's own answer: the integer nearest to ``value * 10**digits``, ties to even."""
    return float(round(Fraction(value) * Fraction(10) ** digits))


def _nearest(x: np.ndarray, digits: int | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(n, exact)`` for scalar or per-element ``digits``; see :func:`round_correct`."""
    if np.ndim(digits) == 0 and digits >= 0:
        return _nearest_up(x, _POW10[int(digits)])  # rint keeps the sign of x
    if np.ndim(digits) == 0:
        d = np.full(x.shape, int(digits))
        n, exact = _nearest_down(x, -d)
    else:
        d = np.asarray(digits, dtype=np.int64)
        up = d >= 0
        if up.all():
            return _nearest_up(x, _POW10[d])
        n, exact = np.zeros(x.shape), np.zeros(x.shape, dtype=bool)
        n[up], exact[up] = _nearest_up(x[up], _POW10[d[up]])
        n[~up], exact[~up] = _nearest_down(x[~up], -d[~up])
    # Whole parts beyond an int64 with a negative place: Python's answer, per distinct value.
    rest = exact & (d < 0) & (np.abs(x) >= _INT_SAFE)
    if rest.any():
        n[rest] = _on_distinct_pairs(x[rest], d[rest], _exact_nearest)
    return np.copysign(n, x), exact


def _scale(x: np.ndarray, digits: int | np.ndarray) -> np.ndarray:
    """``fl(x * 10**digits)``, correctly rounded (a multiply, or a true division)."""
    if np.ndim(digits) == 0:
        return x * _POW10[digits] if digits >= 0 else x / _POW10[-digits]
    d = np.asarray(digits)
    return np.where(d >= 0, x * _POW10[np.abs(d)], x / _POW10[np.abs(d)])


def _unscale(n: np.ndarray, digits: int | np.ndarray) -> np.ndarray:
    """``fl(n / 10**digits)`` for an integer ``n``: what Python's ``round`` returns."""
    if np.ndim(digits) == 0:
        return n / _POW10[digits] if digits >= 0 else n * _POW10[-digits]
    d = np.asarray(digits)
    return np.where(d >= 0, n / _POW10[np.abs(d)], n * _POW10[np.abs(d)])


def round_correct(x: np.ndarray, digits: int) -> np.ndarray:
    """The integer nearest to the exact value of ``x * 10**digits``, ties to even.

    This is the integer Python's ``round(x, digits)`` divides by ``10**digits``; it
    is returned as float64 (every integer below 2**53 is a double). Where
    ``|x * 10**digits| >= 2**53`` the integer may not be a double: there the entry is
    ``fl(x * 10**digits)``, and ``x`` has no digits left to drop at that place (the
    rounding functions here return ``x`` itself, as Python does). ``inf`` and ``nan``
    pass through. ``digits`` from ``-MAX_DIGITS`` to ``MAX_DIGITS``.
    """
    digits = _check_digits(digits, -MAX_DIGITS, MAX_DIGITS)
    x = _as_floats(x)
    with np.errstate(all="ignore"):
        n, exact = _nearest(x, digits)
        return np.where(exact, n, _scale(x, digits))


def _round_nearest(x: np.ndarray, digits: int | np.ndarray) -> np.ndarray:
    n, exact = _nearest(x, digits)
    rounded = _unscale(n, digits)
    return rounded if exact.all() else np.where(exact, rounded, x)


def tidy_array(x: np.ndarray) -> np.ndarray:
    """Elementwise ``round(x, DECIMALS)`` exactly, for a float64 array.

    ``n / 10**9`` by exact IEEE division; where ``|x| * 10**9 >= 2**53`` (``x`` has
    no ninth decimal to round) and for ``inf``, ``nan`` the value is ``x`` itself;
    ``-0.0`` and negatives that round to zero give ``-0.0``, as in Python.
    """
    x = _as_floats(x)
    with np.errstate(all="ignore"):
        return _round_nearest(x, DECIMALS)


def _python_half_up(value: float, digits: int) -> float:
    """The ``round()`` library function's rounding, for one float (the reference)."""
    with localcontext() as ctx:
        ctx.prec = 400
        step = Decimal(1).scaleb(-digits)
        return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def _is_repr_tie(a: np.ndarray, n: np.ndarray, digits: int) -> np.ndarray:
    """Whether the shortest repr of ``a >= 0`` is exactly ``(n + 1/2) / 10**digits``.

    Below ``_HALF_UP_SAFE`` at that scale the doubles are so dense that at most one
    decimal with ``digits + 1`` places reads back as ``a``; if the tie ``(2n+1)/2``
    does (the double nearest to it, computed exactly, is ``a``), it is the repr.
    """
    if digits >= 0:
        nearest = (2.0 * n + 1.0) / (2.0 * _POW10[digits])
    else:
        nearest = (2.0 * n + 1.0) * (_POW10[-digits] / 2.0)
    return nearest == a


def round_half_up_array(x: np.ndarray, digits: int) -> np.ndarray:
    """Elementwise ``float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))``.

    (With a context precise enough for any float, as the ``round()`` library
    function sets.) Half up rounds the shortest repr, so it differs from the nearest
    to the exact value only on a decimal tie (``2.675`` at 2 places gives 2.68).
    Values between ``2**48`` and ``2**53`` at the scale asked (e.g. from 281,475 to
    9,007,199 for 9 places) are rounded by Python itself, per distinct value.
    ``inf``/``nan`` pass through. ``digits`` from ``-MAX_DIGITS`` to ``MAX_DIGITS``.
    """
    digits = _check_digits(digits, -MAX_DIGITS, MAX_DIGITS)
    x = _as_floats(x)
    with np.errstate(all="ignore"):
        a = np.abs(x)
        n, exact = _nearest(a, digits)
        safe = exact & (_scale(a, digits) < _HALF_UP_SAFE)
        n = np.where(safe & _is_repr_tie(a, n, digits), n + 1.0, n)
        result = np.copysign(np.where(safe, _unscale(n, digits), a), x)
    band = exact & ~safe
    if band.any():
        result[band] = _on_distinct(x[band], lambda v: _python_half_up(v, digits), np.float64)
    return result


# ---------------------------------------------------------------- Python, per distinct value


def _on_distinct(values: np.ndarray, fn: Callable[[float], object], dtype: object) -> np.ndarray:
    """``fn`` of each value, computed once per distinct float (by bit pattern, so -0.0 apart)."""
    bits, inverse = np.unique(values.view(np.int64), return_inverse=True)
    mapped = np.array([fn(float(v)) for v in bits.view(np.float64)], dtype=dtype)
    return mapped[inverse.reshape(-1)]


def _on_distinct_pairs(
    values: np.ndarray, digits: np.ndarray, fn: Callable[[float, int], float]
) -> np.ndarray:
    """``fn(value, digits)`` once per distinct pair."""
    pairs = np.stack([values.view(np.int64), digits], axis=1)
    keys, inverse = np.unique(pairs, axis=0, return_inverse=True)
    floats = keys[:, 0].copy().view(np.float64)
    mapped = np.array([fn(float(v), int(d)) for v, d in zip(floats, keys[:, 1], strict=True)])
    return mapped[inverse.reshape(-1)]


def _patch(text: pl.Series, mask: np.ndarray, values: Sequence[str] | np.ndarray) -> pl.Series:
    """``text`` with the rows of ``mask`` replaced by ``values`` (in row order)."""
    if not mask.any():
        return text
    return text.scatter(np.flatnonzero(mask), pl.Series(values, dtype=pl.String))


def _python_fallback(text: pl.Series, x: np.ndarray, mask: np.ndarray, spec: str) -> pl.Series:
    """Rows of ``mask`` formatted by Python's ``format(value, spec)``, once per distinct value."""
    if not mask.any():
        return text
    return _patch(text, mask, _on_distinct(x[mask], lambda v: format(v, spec), object))


def _specials(text: pl.Series, x: np.ndarray, plus: bool = False) -> pl.Series:
    """inf, -inf and nan as Python writes them (nan has no sign; ``+`` only if asked)."""
    lead = "+" if plus else ""
    for mask, shown in ((np.isnan(x), "nan"), (x == np.inf, "inf")):
        text = _patch(text, mask, [lead + shown] * int(mask.sum()))
    mask = x == -np.inf
    return _patch(text, mask, ["-inf"] * int(mask.sum()))


# ---------------------------------------------------------------- text kernels


def _decimal_text(
    neg: np.ndarray,
    whole: np.ndarray,
    frac: np.ndarray,
    width: int | np.ndarray,
    plus: bool = False,
    exponent: np.ndarray | None = None,
) -> pl.Series:
    """``[sign]whole[.frac][e+XX]`` for each row, built from integer columns.

    ``frac`` is written with ``width`` digits, leading zeros kept (cast as ``frac +
    10**width``, the leading 1 dropped); no point where ``width`` is 0. Where an
    ``exponent`` is given and is not ``_NO_EXPONENT``, ``e+06``/``e-05`` follows.
    """
    columns = {"neg": neg, "whole": whole, "frac": frac + _IPOW10[width], "width": width}
    if exponent is not None:
        columns["exp"] = exponent
    frame = pl.DataFrame(columns)
    sign = pl.when(pl.col("neg")).then(pl.lit("-")).otherwise(pl.lit("+" if plus else ""))
    point = pl.concat_str([pl.lit("."), pl.col("frac").cast(pl.String).str.slice(1)])
    pieces = [sign, pl.col("whole").cast(pl.String)]
    if np.ndim(width):
        pieces.append(pl.when(pl.col("width") > 0).then(point))
    elif width:
        pieces.append(point)
    if exponent is not None:
        e = pl.col("exp")
        digits = (e.abs() + 100).cast(pl.String).str.slice(1)  # |exp| < 100 here
        mark = pl.when(e < 0).then(pl.lit("e-")).otherwise(pl.lit("e+"))
        pieces.append(pl.when(e != _NO_EXPONENT).then(pl.concat_str([mark, digits])))
    return frame.select(pl.concat_str(pieces, ignore_nulls=True)).to_series()


def _fixed_parts(a: np.ndarray, digits: int) -> tuple[np.ndarray, np.ndarray]:
    """Whole part and ``digits`` decimals (as integers) of ``a >= 0``, correctly rounded.

    The fraction is rounded on its own (``a = w + f`` exactly); with ``digits >= 1``
    the tie-to-even parity of ``w * 10**digits + m`` is that of ``m``.
    """
    if digits == 0:
        n, _ = _nearest(a, 0)  # not exact only for a >= 2**53, where n = a, already whole
        whole = np.where(a < _EXACT, n, a)
        return whole.astype(np.int64), np.zeros(a.shape, dtype=np.int64)
    whole = np.floor(a)
    part, _ = _nearest(a - whole, digits)  # below 10**15, always exact
    carry = part == _POW10[digits]
    whole += carry
    part[carry] = 0.0
    return whole.astype(np.int64), part.astype(np.int64)


def format_fixed(x: np.ndarray, digits: int) -> pl.Series:
    """Elementwise ``format(x, f".{digits}f")`` for a float64 array, as a String Series.

    Correctly rounded (ties to even on the exact value), ``-0.00`` for a negative that
    rounds to zero, ``inf``/``-inf``/``nan``. Whole parts of 2**62 and more, and
    more than 15 decimals, are formatted by Python per distinct value.
    """
    digits = _check_digits(digits, 0, 10_000)
    x = _as_floats(x)
    native = np.abs(x) < _INT_SAFE
    if digits > _MAX_FIXED:
        native[:] = False
    with np.errstate(all="ignore"):
        whole, part = _fixed_parts(np.where(native, np.abs(x), 0.0), min(digits, _MAX_FIXED))
    text = _decimal_text(np.signbit(x), whole, part, min(digits, _MAX_FIXED))
    text = _specials(text, x)
    return _python_fallback(text, x, np.isfinite(x) & ~native, f".{digits}f")


def format_percent(x: np.ndarray, digits: int) -> pl.Series:
    """Elementwise ``format(x, f".{digits}%")``: ``format(x * 100, f".{digits}f") + "%"``.

    Python multiplies by 100 in floating point first, and so does this.
    """
    with np.errstate(all="ignore"):
        scaled = _as_floats(x) * 100.0
    return format_fixed(scaled, digits) + "%"


def _significant(a: np.ndarray, places: int) -> tuple[np.ndarray, np.ndarray]:
    """``a > 0`` rounded to ``places`` significant digits: ``(n, exponent)``.

    ``n`` is an integer with exactly ``places`` digits and ``a ~ n * 10**(exponent -
    places + 1)``. The exponent starts from ``log10`` and is corrected (at most a
    couple of steps) until the rounded ``n`` has the right number of digits; a carry
    (999999.5 -> 10**6) moves it up too.
    """
    low, high = 10.0 ** (places - 1), 10.0**places
    exponent = np.floor(np.log10(a)).astype(np.int64)
    n, _ = _nearest(a, places - 1 - exponent)
    for _ in range(4):
        rows = np.flatnonzero((n >= high) | (n < low))
        if not rows.size:
            break
        exponent[rows] += (n[rows] >= high).astype(np.int64) - (n[rows] < low)
        n[rows], _ = _nearest(a[rows], places - 1 - exponent[rows])
    return n.astype(np.int64), exponent


def _trailing_zeros(n: np.ndarray, most: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` without its trailing zero digits (at most ``most``), and how many went."""
    count = np.zeros(n.shape, dtype=np.int64)
    for k in range(1, most + 1):
        count += n % _IPOW10[k] == 0  # 10**k divides n: so does 10**(k-1)
    count[n == 0] = 0
    return n // _IPOW10[count], count


def _general_parts(n: np.ndarray, exponent: np.ndarray) -> tuple[np.ndarray, ...]:
    """Whole part, fraction, fraction width and shown exponent of the ``'g'`` text.

    ``n`` has six digits. Positional (exponent -4 to 5) shows ``n * 10**(exponent -
    5)``, scientific shows ``n / 10**5``; either way without trailing zeros.
    """
    scientific = (exponent < -4) | (exponent >= 6)
    m, zeros = _trailing_zeros(n, 5)
    shift = np.where(scientific, 5, 5 - exponent) - zeros  # decimals left after stripping
    width = np.maximum(shift, 0)
    whole = np.where(shift >= 0, m // _IPOW10[width], m * _IPOW10[np.maximum(-shift, 0)])
    frac = m % _IPOW10[width]
    return whole, frac, width, np.where(scientific, exponent, _NO_EXPONENT)


def format_general(x: np.ndarray, plus: bool = False) -> pl.Series:
    """Elementwise ``format(x, "g")``, or ``format(x, "+g")`` with ``plus``, as a String Series.

    Six significant digits, correctly rounded, trailing zeros dropped; positional for
    exponents from -4 to 5, else ``1.5e+06``; ``0``/``-0``/``+0``, ``inf``, ``nan``.
    Magnitudes below 1e-15 or of 1e26 and above are formatted by Python per distinct value.
    """
    x = _as_floats(x)
    a = np.abs(x)
    native = (a >= 1e-15) & (a < 1e26)  # keeps every place asked for within MAX_DIGITS
    with np.errstate(all="ignore"):
        n, exponent = _significant(np.where(native, a, 1.0), 6)
    zero = a == 0
    n[zero], exponent[zero] = 0, 5  # 0 * 10**0: positional, no fraction, shown as 0
    whole, frac, width, shown_exponent = _general_parts(n, exponent)
    text = _decimal_text(np.signbit(x), whole, frac, width, plus, shown_exponent)
    text = _specials(text, x, plus)
    spec = "+g" if plus else "g"
    return _python_fallback(text, x, np.isfinite(x) & (a > 0) & ~native, spec)


def _repr_fixes(text: pl.Expr) -> pl.Expr:
    """Polars' float text in Python's layout.

    Polars writes the same shortest round-trip digits as Python, but ``NaN``, a
    one-digit exponent (``1e-7``) and positional text down to 1e-5 (``0.00001``),
    where Python writes ``nan``, ``1e-07`` and ``1e-05``.
    """
    return (
        text.str.replace(r"^NaN$", "nan")
        .str.replace(r"e([+-])(\d)$", "e${1}0${2}")
        .str.replace(r"^(-?)0\.0000(\d)$", "${1}${2}e-05")
        .str.replace(r"^(-?)0\.0000(\d)(\d+)$", "${1}${2}.${3}e-05")
    )


def format_repr(x: np.ndarray) -> pl.Series:
    """Elementwise ``str(x)`` (= ``repr(x)``) for a float64 array, as a String Series.

    The shortest text that reads back as the same double: ``0.1``, ``3.0``,
    ``1e+16``, ``1e-05``, ``-0.0``, ``inf``, ``nan``.
    """
    x = _as_floats(x)
    text = pl.Series(x).cast(pl.String)
    odd = np.isnan(x) | ((np.abs(x) < 1e-4) & (x != 0))  # the only rows polars writes otherwise
    if not odd.any():
        return text
    rows = text.filter(pl.Series(odd)).to_frame("t")
    return _patch(text, odd, rows.select(_repr_fixes(pl.col("t"))).to_series())


def _shown_whole(text: pl.Expr) -> pl.Expr:
    """A whole number without ``.0``; ``-0`` as ``0``."""
    return text.str.strip_suffix(".0").str.replace(r"^-0$", "0")


# ---------------------------------------------------------------- polars front ends


def _lifted(
    kernel: Callable[[np.ndarray], object], dtype: pl.DataType
) -> Callable[[pl.Series], pl.Series]:
    """A ``map_batches`` function: the kernel over a Float64 batch, nulls kept as nulls."""

    def batch(series: pl.Series) -> pl.Series:
        if series.len() == 0:  # numpy kernels need at least one value
            return pl.Series(series.name, [], dtype=dtype)
        values = series.cast(pl.Float64)
        missing = values.null_count()
        data = values.fill_null(0.0).to_numpy() if missing else values.to_numpy()
        out = pl.Series(series.name, kernel(data), dtype=dtype)
        if missing:
            out = out.scatter(np.flatnonzero(values.is_null().to_numpy()), None)
        return out

    return batch


def _over(expr: pl.Expr, kernel: Callable[[np.ndarray], object], dtype: pl.DataType) -> pl.Expr:
    return expr.map_batches(_lifted(kernel, dtype), return_dtype=dtype, is_elementwise=True)


def tidy(expr: pl.Expr) -> pl.Expr:
    """``round(x, DECIMALS)`` of each value (as Float64); null stays null."""
    return _over(expr, tidy_array, pl.Float64)


def round_half_up(expr: pl.Expr, digits: int) -> pl.Expr:
    """The ``round(value, digits)`` library function of each value, as Float64.

    Equals ``float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-digits),
    ROUND_HALF_UP))``; for ``digits <= 0`` the library returns that number as an
    int (cast the column if the int type matters). Null stays null.
    """
    digits = _check_digits(digits, -MAX_DIGITS, MAX_DIGITS)
    return _over(expr, lambda x: round_half_up_array(x, digits), pl.Float64)


def fixed(expr: pl.Expr, digits: int) -> pl.Expr:
    """``format(x, f".{digits}f")`` of each value (ints as floats); null stays null."""
    digits = _check_digits(digits, 0, 10_000)
    return _over(expr, lambda x: format_fixed(x, digits), pl.String)


def percent(expr: pl.Expr, digits: int) -> pl.Expr:
    """``format(x, f".{digits}%")`` of each value (ints as floats); null stays null."""
    digits = _check_digits(digits, 0, 10_000)
    return _over(expr, lambda x: format_percent(x, digits), pl.String)


def general(expr: pl.Expr, plus: bool = False) -> pl.Expr:
    """``format(x, "g")``, or ``format(x, "+g")`` with ``plus``, of each value; null stays null.

    As in ``f"{x:g}"`` and ``f"{gap:+g}"`` of the target-gap lines.
    """
    return _over(expr, lambda x: format_general(x, plus), pl.String)


def _shown_batch(series: pl.Series) -> pl.Series:
    if series.dtype.is_integer():
        return series.cast(pl.String)
    text = _lifted(format_repr, pl.String)(series)
    return text.to_frame("t").select(_shown_whole(pl.col("t"))).to_series().alias(series.name)


def shown(expr: pl.Expr) -> pl.Expr:
    """How the engine shows a number in text: ``str(x)``, a whole number without ``.0``.

    Equals ``str(x)`` for a float that is not whole (``0.1``, ``1e-05``, ``inf``,
    ``nan``) and for an integer column; a whole float is shown as ``str(int(x))``
    would show it while it is written positionally (``3.0`` -> ``3``, ``-0.0`` ->
    ``0``, ``1000000000000000.0`` -> ``1000000000000000``), and from 1e16 as
    ``str(x)`` (``1e+16``). Null stays null.
    """
    return expr.map_batches(_shown_batch, return_dtype=pl.String, is_elementwise=True)


def ordered_sum(exprs: Sequence[pl.Expr]) -> pl.Expr:
    """``total = 0.0; for t in exprs: total += t``: added left to right, in the given order.

    The engine's rule: sums over a known list of terms (weighted groups, weighted
    aspects) are added left to right in the rules' order, as here; sums over a
    variable number of rows (the ratings of one group) use polars' group sum. Float
    addition is not associative, so the order is part of the answer: ``0.1 + 0.2 +
    0.3`` is 0.6000000000000001, ``0.3 + 0.2 + 0.1`` is 0.6. A null term makes the
    sum null; an empty list gives 0.0.

    Polars drops a literal ``0.0 +``, so the start at 0.0 is kept by its one visible
    effect: a loop from 0.0 never ends at -0.0 (it gives 0.0 where the terms alone
    give -0.0).
    """
    if not exprs:
        return pl.lit(0.0)
    total = reduce(lambda left, right: left + right, exprs)
    return pl.when(total == 0).then(pl.lit(0.0)).otherwise(total)

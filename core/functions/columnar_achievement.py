"""Vectorised achievement formulas (PP 30/2019) and the PP 46/2011 SKP scores.

Each function mirrors its Python twin in :mod:`kinerja.functions` row by row, fast
path and checks alike (see :mod:`kinerja.functions.columnar`).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from kinerja.functions.columnar_numeric import fsum, fsum_overflows
from kinerja.functions.columnar_shown import (
    check_number,
    show,
)
from kinerja.functions.columnar_values import (
    FUNCTION_ERROR,
    NUMBER,
    OVERFLOW,
    TAG_CODES,
    Checks,
    Cond,
    Val,
    all_of,
    constant,
    exact_divide,
    filled,
    is_plain_number,
    number,
    pick,
    present,
)
from kinerja.i18n import N_, _

__all__ = [
    "achievement",
    "achievement_inverse",
    "achievement_range",
    "pp46_skp",
    "pp46_time_cost",
    "positive",
    "to_float",
    "too_large",
]


def too_large(fn: str) -> str:
    """``_to_float``'s words: ``fn``'s result is not finite."""
    return _(
        "{fn}: the result is too large to represent; "
        "check the inputs for a misplaced decimal point",
        fn=fn,
    )


def _cap_above_zero(checks: Checks, fn: str, cap: Val) -> None:
    """``_positive_cap``: the cap must be above zero."""
    checks.add(
        number(cap).value <= 0,
        FUNCTION_ERROR,
        *filled(
            _("{fn}: cap must be above zero, got {value}; the usual cap is 120"),
            fn=fn,
            value=show(cap),
        ),
    )


def positive(v: Val) -> Cond:
    """Rows whose number is above zero, as Python compares (nan is not)."""
    above = (v.value > 0).fill_null(False)
    return above if v.finite else above & ~v.value.is_nan().fill_null(False)


def _bounded(value: pl.Expr, cap: pl.Expr) -> pl.Expr:
    """``min(cap, max(0.0, value))``."""
    floored = pl.when(value > 0).then(value).otherwise(0.0)
    return pl.when(floored < cap).then(floored).otherwise(cap)


def _ratio_checks(fn: str, realised: Val, target: Val, cap: Val) -> Checks:
    """``_ratio_inputs``: realised, target, cap, cap above zero, target above zero."""
    checks = Checks()
    check_number(checks, fn, N_("realised value"), realised)
    check_number(checks, fn, N_("target value"), target)
    check_number(checks, fn, N_("cap"), cap)
    _cap_above_zero(checks, fn, cap)
    checks.add(
        number(target).value <= 0,
        FUNCTION_ERROR,
        *filled(
            _(
                "{fn}: target must be above zero, got {value}; "
                "set a positive target for this indicator"
            ),
            fn=fn,
            value=show(target),
        ),
    )
    return checks


Ratio = Callable[[pl.Expr, Val], pl.Expr]


def _achievement(fn: str, realised: Val, target: Val, cap: Val, fast: Ratio, slow: Ratio) -> Val:
    r, t, c = number(realised), number(target), number(cap)
    plain = all_of(
        is_plain_number(realised),
        is_plain_number(target),
        is_plain_number(cap),
        positive(t),
        positive(c),
    )
    quick = fast(r.value, t)
    fast_ok = all_of(plain, quick.is_finite().fill_null(False))
    checks = _ratio_checks(fn, realised, target, cap)
    checks.unless(fast_ok)
    capped = all_of(fast_ok, (quick >= c.value).fill_null(False))
    fast_value = pl.when(quick >= c.value).then(c.value).when(quick > 0).then(quick).otherwise(0.0)
    value = pick([(fast_ok, fast_value)], _bounded(slow(r.value, t), c.value))
    tag: str | pl.Expr = "float"
    if not (isinstance(cap.tag, str) and cap.tag == "float"):
        code = cap.tag if isinstance(cap.tag, pl.Expr) else pl.lit(TAG_CODES[cap.tag], pl.UInt8)
        tag = pick([(capped, code)], pl.lit(TAG_CODES["float"], pl.UInt8))
    return checks.give(Val(NUMBER, value, tag, nullable=False))


def _per_target(value: pl.Expr, target: Val) -> pl.Expr:
    return exact_divide(value, target.value)


def achievement(realised: Val, target: Val, cap: Val | None = None) -> Val:
    """``achievement``: realised / target x 100 in [0, cap]."""
    return _achievement(
        "achievement",
        realised,
        target,
        constant(120) if cap is None else cap,
        lambda r, t: _per_target(r * 100, t),
        lambda r, t: _per_target(r * 100, t),
    )


def achievement_inverse(realised: Val, target: Val, cap: Val | None = None) -> Val:
    """``achievement_inverse``: (1 + (1 - realised / target)) x 100 in [0, cap]."""
    return _achievement(
        "achievement_inverse",
        realised,
        target,
        constant(120) if cap is None else cap,
        lambda r, t: (2 - _per_target(r, t)) * 100,
        lambda r, t: (1 + (1 - _per_target(r, t))) * 100,
    )


def achievement_range(realised: Val, low: Val, high: Val, cap: Val | None = None) -> Val:
    """``achievement_range``: 100 inside [low, high], else against the bound passed."""
    fn = "achievement_range"
    cap = constant(120) if cap is None else cap
    checks = Checks()
    check_number(checks, fn, N_("realised value"), realised)
    check_number(checks, fn, N_("lower bound"), low)
    check_number(checks, fn, N_("upper bound"), high)
    check_number(checks, fn, N_("cap"), cap)
    r, lo, hi, c = number(realised), number(low), number(high), number(cap)
    _cap_above_zero(checks, fn, cap)
    checks.add(
        lo.value > hi.value,
        FUNCTION_ERROR,
        *filled(
            _("{fn}: lower bound {low} is above upper bound {high}; swap them"),
            fn=fn,
            low=show(low),
            high=show(high),
        ),
    )
    checks.add(
        (lo.value < 0) | (hi.value <= 0),
        FUNCTION_ERROR,
        *filled(
            _("{fn}: the range must lie above zero (low >= 0, high > 0), got [{low}, {high}]"),
            fn=fn,
            low=show(low),
            high=show(high),
        ),
    )
    above = exact_divide(r.value * 100, hi.value)
    below = exact_divide(r.value * 100, lo.value)
    value = (
        pl.when((lo.value <= r.value) & (r.value <= hi.value))
        .then(pl.lit(100.0))
        .when(r.value > hi.value)
        .then(above)
        .when(lo.value == 0)
        .then(pl.lit(0.0))
        .otherwise(below)
    )
    return checks.give(Val(NUMBER, _bounded(value, c.value), "float", nullable=False))


def to_float(checks: Checks, fn: str, value: pl.Expr) -> None:
    """``_to_float``: fail where ``value`` is not finite."""
    checks.add(~value.is_finite(), FUNCTION_ERROR, too_large(fn))


def pp46_time_cost(realised: Val, target: Val) -> Val:
    """``pp46_time_cost``: the PP 46/2011 time or cost aspect."""
    fn = "pp46_time_cost"
    checks = Checks()
    check_number(checks, fn, N_("realised value"), realised)
    check_number(checks, fn, N_("target value"), target)
    r, t = number(realised), number(target)
    checks.add(
        t.value <= 0,
        FUNCTION_ERROR,
        *filled(
            _(
                "{fn}: target must be above zero, got {value}; for the cost aspect of an "
                "activity without a budget, leave cost out of pp46_skp"
            ),
            fn=fn,
            value=show(target),
        ),
    )
    checks.add(
        r.value < 0,
        FUNCTION_ERROR,
        *filled(
            _("{fn}: realised value cannot be negative, got {value}"),
            fn=fn,
            value=show(realised),
        ),
    )
    efficiency = 100 - _per_target(r.value, target) * 100
    score = _per_target(1.76 * t.value - r.value, target) * 100
    score = pl.when(efficiency > 24).then(76 - (score - 100)).otherwise(score)
    to_float(checks, fn, score)
    return checks.give(Val(NUMBER, score, "float", nullable=False))


def pp46_skp(quantity: Val, quality: Val, time: Val, cost: Val | None = None) -> Val:
    """``pp46_skp``: the fsum mean of quantity, quality, time and (when given) cost."""
    fn = "pp46_skp"
    cost = constant(None) if cost is None else cost
    checks = Checks()
    check_number(checks, fn, N_("quantity score"), quantity)
    check_number(checks, fn, N_("quality score"), quality)
    check_number(checks, fn, N_("time score"), time)
    check_number(checks, fn, N_("cost score"), cost, optional=True)
    aspects = [number(v).value for v in (quantity, quality, time, cost)]
    checks.add(fsum_overflows(aspects), OVERFLOW, "intermediate overflow in fsum")
    size = pick([(present(cost), pl.lit(4.0))], pl.lit(3.0))
    value = exact_divide(fsum(aspects), size)
    to_float(checks, fn, value)
    return checks.give(Val(NUMBER, value, "float", nullable=False))

"""The function library in vectorised form: every registered function, and ``band``.

Each entry of :data:`VECTORISED` takes the call's arguments as
:class:`~kinerja.functions.columnar_values.Val` (a list argument is a ``Val`` of
kind ``list`` whose items are known when compiling) and returns a ``Val``: per row
the same result as the Python function in :mod:`kinerja.functions`, and where that
raises :class:`~kinerja.errors.FunctionError`, a failure with the same words. The
fast paths of the Python functions are followed too where they decide a result's
type (``achievement`` returns its ``cap`` as given when it caps).

This module holds the aggregates and transformations and the registry; the rest
live beside it: :mod:`~kinerja.functions.columnar_achievement` (achievement, PP
46/2011), :mod:`~kinerja.functions.columnar_regulations` (IKM, JPM, predikat),
:mod:`~kinerja.functions.columnar_bands` (``band``); the shared value type and checks
in :mod:`~kinerja.functions.columnar_values`, Python's float kernels in
:mod:`~kinerja.functions.columnar_numeric` and its operators in
:mod:`~kinerja.functions.columnar_operators`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import reduce

import polars as pl

from kinerja.functions.columnar_achievement import (
    achievement,
    achievement_inverse,
    achievement_range,
    pp46_skp,
    pp46_time_cost,
    too_large,
)
from kinerja.functions.columnar_bands import band
from kinerja.functions.columnar_numeric import fsum, fsum_overflows
from kinerja.functions.columnar_regulations import (
    ikm,
    ikm_grade,
    jpm,
    jpm_band,
    predikat_matrix,
)
from kinerja.functions.columnar_shown import (
    check_number,
    int_repr,
    show,
)
from kinerja.functions.columnar_values import (
    FUNCTION_ERROR,
    LIST,
    NONE,
    NUMBER,
    OVERFLOW,
    TAG_CODES,
    Checks,
    Cond,
    Unsupported,
    Val,
    all_of,
    any_of,
    constant,
    exact_divide,
    filled,
    has_tag,
    is_missing,
    is_plain_number,
    negate,
    number,
    pick,
    plus_zero,
    plus_zero_unless,
    present,
    running_sum,
    select,
)
from kinerja.i18n import N_, _
from kinerja.numbers import round_half_up as _round_half_up

__all__ = ["VECTORISED"]


def _spread(values: Sequence[Val]) -> Sequence[Val]:
    """Variadic values, or the items of a single list argument (``_spread``)."""
    if len(values) == 1 and values[0].kind == LIST:
        return values[0].items
    return values


def _present_numbers(fn: str, values: Sequence[Val]) -> tuple[Checks, list[Val]]:
    """``_present_numbers``: each value None (skipped) or a finite number, else a failure."""
    checks = Checks()
    items = _spread(values)
    for position, item in enumerate(items, start=1):
        if item.kind == LIST:
            checks.add(
                True,
                FUNCTION_ERROR,
                _(
                    "{fn}: value {position} is a list; pass either one list "
                    "or several numbers, not a mix",
                    fn=fn,
                    position=position,
                ),
            )
            break
        check_number(checks, fn, N_("value {position}"), item, optional=True, position=position)
    return checks, [v for v in items if v.kind not in (NONE, LIST)]


def _as_float(v: Val) -> pl.Expr:
    return v.value.cast(pl.Float64)


def _count_present(items: Sequence[Val]) -> pl.Expr:
    flags = [present(v) for v in items]
    return pl.sum_horizontal([pl.lit(f) if isinstance(f, bool) else f for f in flags] or [0])


def mean(*values: Val) -> Val:
    """``mean``: the mean of the present numbers, added left to right; None when none."""
    checks, items = _present_numbers("mean", values)
    if not items:
        return checks.give(constant(None))
    raw = reduce(lambda a, b: a + b, [_as_float(v).fill_null(0.0) for v in items])
    spread = _spread(values)
    if any(v.kind == LIST for v in values):
        total = plus_zero(raw)  # the library adds to 0.0
    else:  # the compiled fast path adds the values themselves when all are plain numbers
        plain = all_of(*(is_plain_number(v) for v in spread))
        total = plus_zero_unless(plain, raw)
    count = _count_present(items).cast(pl.Float64)
    result = exact_divide(total, count)
    checks.add(~result.is_finite() & (count > 0), OVERFLOW, "intermediate overflow in fsum")
    value = pl.when(count > 0).then(result)
    return checks.give(Val(NUMBER, value, "float"))


def total(*values: Val) -> Val:
    """``total``: the exact (fsum) sum of the present numbers; an int when every one is."""
    checks, items = _present_numbers("total", values)
    if not items:
        return checks.give(constant(0))
    floats = [
        all_of(present(v), negate(has_tag(v, "int") if v.kind == NUMBER else True)) for v in items
    ]
    any_float = any_of(*floats)
    terms = [_as_float(v) for v in items]
    checks.add(all_of(any_float, fsum_overflows(terms)), OVERFLOW, "intermediate overflow in fsum")
    tag = pick(
        [(any_float, pl.lit(TAG_CODES["float"], pl.UInt8))], pl.lit(TAG_CODES["int"], pl.UInt8)
    )
    if isinstance(any_float, bool):
        tag = "float" if any_float else "int"
    return checks.give(Val(NUMBER, fsum(terms), tag, nullable=False))


def count(*values: Val) -> Val:
    """``count``: how many values are present."""
    items = _spread(values)
    return Val(NUMBER, _count_present(items).cast(pl.Float64), "int", nullable=False)


def coalesce(*values: Val) -> Val:
    """``coalesce``: the first value that is not None, else None."""
    if any(v.kind == LIST for v in values):
        raise Unsupported(_("coalesce() of a list cannot be a column"))
    result = constant(None)
    for v in reversed(values):
        result = select(present(v), v, result)
    return result


def _extreme(fn: str, values: Sequence[Val], better: Callable[[pl.Expr, pl.Expr], pl.Expr]) -> Val:
    checks, items = _present_numbers(fn, values)
    if not items:
        return checks.give(constant(None))
    best = items[0].bare()
    for v in items[1:]:
        take = all_of(present(v), any_of(is_missing(best), better(v.value, best.value)))
        best = select(take.fill_null(False) if isinstance(take, pl.Expr) else take, v, best)
    return checks.give(best)


def minimum(*values: Val) -> Val:
    """``min``: the smallest present number (the first of equals), else None."""
    return _extreme("min", values, lambda x, best: x < best)


def maximum(*values: Val) -> Val:
    """``max``: the largest present number (the first of equals), else None."""
    return _extreme("max", values, lambda x, best: x > best)


_MODES = ("renormalise", "zero", "incomplete")


def _weights(fn: str, weights: Sequence[Val], checks: Checks) -> list[pl.Expr]:
    """Each weight checked (a finite number, zero or above), as Float64."""
    for position, weight in enumerate(weights, start=1):
        check_number(checks, fn, N_("weight {position}"), weight, position=position)
        if weight.kind == NUMBER:
            checks.add(
                weight.value < 0,
                FUNCTION_ERROR,
                *filled(
                    _(
                        "{fn}: weight {position} is negative ({value}); "
                        "weights must be zero or above"
                    ),
                    fn=fn,
                    position=position,
                    value=show(weight),
                ),
            )
    return [number(w).value for w in weights]


def _compiled_fast(values: Sequence[Val], weights: Sequence[Val], mode: Val) -> bool:
    """Whether this call is summed as written arithmetic (written weights of two or more
    values): ``(a * w1 + b * w2) / (w1 + w2)``, products added left to right."""
    written = all(
        w.is_const and type(w.const) in (int, float) and w.const >= 0  # type: ignore[operator]
        for w in weights
    )
    return (
        mode.const in ("renormalise", "incomplete")
        and len(values) == len(weights) > 1
        and written
        and sum(w.const for w in weights) > 0  # type: ignore[misc]
    )


def _renormalised_fast(
    values: Sequence[Val], weights: Sequence[Val], denominator: pl.Expr, result: pl.Expr
) -> Cond:
    """Where ``wmean``'s fast path returns: plain weights >= 0, values None or plain
    numbers, some weight counted, a finite result (an unused weight is not checked)."""
    conditions: list[Cond] = [(denominator > 0).fill_null(False), result.is_finite()]
    for v, w in zip(values, weights, strict=True):
        conditions += [is_plain_number(w), (number(w).value >= 0).fill_null(False)]
        conditions.append(any_of(is_missing(v), is_plain_number(v)))
    return all_of(*conditions)


def wmean(values: Val, weights: Val, missing: Val | None = None) -> Val:
    """``wmean``: the weighted mean under a missing-value policy."""
    fn = "wmean"
    mode = constant("renormalise") if missing is None else missing
    if values.kind != LIST or weights.kind != LIST or not mode.is_const:
        raise Unsupported(_("wmean() needs two written lists and a written policy"))
    checks = Checks()
    if mode.const not in _MODES:
        checks.add(
            True,
            FUNCTION_ERROR,
            *filled(
                _("{fn}: missing must be one of {modes}, got {value}"),
                fn=fn,
                modes=", ".join(repr(m) for m in _MODES),
                value=show(mode),
            ),
        )
    elif len(values.items) != len(weights.items):
        checks.add(
            True,
            FUNCTION_ERROR,
            _(
                "{fn}: {values} values but {weights} weights; give exactly one weight per value",
                fn=fn,
                values=len(values.items),
                weights=len(weights.items),
            ),
        )
    if checks.pairs:
        return checks.give(constant(None))
    wts = _weights(fn, weights.items, checks)
    all_zero = all_of(*((w == 0).fill_null(False) for w in wts)) if wts else True
    checks.add(
        all_zero,
        FUNCTION_ERROR,
        _("{fn}: all weights are zero; give at least one positive weight", fn=fn),
    )
    terms: list[pl.Expr] = []
    counts: list[pl.Expr] = []
    gone: Cond = False  # "incomplete": an earlier value was missing, so the result is None
    for position, (v, w) in enumerate(zip(values.items, wts, strict=True), start=1):
        guarded = Checks()
        check_number(guarded, fn, N_("value {position}"), v, optional=True, position=position)
        checks.pairs += [(all_of(negate(gone), cond), error) for cond, error in guarded.pairs]
        taken: Cond = present(v) if v.kind == NUMBER else False
        if mode.const == "incomplete":
            gone = any_of(gone, is_missing(v))
        if taken is not False:
            terms.append(pick([(taken, number(v).value * w)], pl.lit(0.0)))
        counted = True if mode.const == "zero" else taken
        counts.append(pick([(counted, w)], pl.lit(0.0)))
    raw = reduce(lambda a, b: a + b, terms) if terms else pl.lit(0.0)
    inlined: Cond = False  # rows summed as written arithmetic: the products added in order
    if _compiled_fast(values.items, weights.items, mode):
        inlined = all_of(*(is_plain_number(v) for v in values.items))
    numerator = plus_zero_unless(inlined, raw)
    denominator = running_sum(counts)
    result = exact_divide(numerator, denominator)
    if mode.const == "renormalise":  # the fast path: no checks where it gives a result
        checks.unless(_renormalised_fast(values.items, weights.items, denominator, result))
    empty = any_of(gone, denominator == 0)
    checks.add(all_of(negate(empty), ~result.is_finite()), FUNCTION_ERROR, too_large(fn))
    return checks.give(Val(NUMBER, pick([(empty, pl.lit(None, pl.Float64))], result), "float"))


def clamp(value: Val, low: Val, high: Val) -> Val:
    """``clamp``: the value limited to [low, high]; None stays None."""
    fn = "clamp"
    checks = Checks()
    check_number(checks, fn, N_("lower limit"), low)
    check_number(checks, fn, N_("upper limit"), high)
    lo, hi = number(low), number(high)
    checks.add(
        lo.value > hi.value,
        FUNCTION_ERROR,
        *filled(
            _("{fn}: lower limit {low} is above upper limit {high}; swap them"),
            fn=fn,
            low=show(low),
            high=show(high),
        ),
    )
    check_number(checks, fn, N_("value"), value, optional=True)
    v = number(value)
    clamped = select(
        (v.value < lo.value).fill_null(False),
        lo,
        select((v.value > hi.value).fill_null(False), hi, v),
    )
    return checks.give(select(present(value), clamped, constant(None)))


def abs_value(value: Val) -> Val:
    """``abs``: the absolute value (its type kept); None stays None."""
    checks = Checks()
    check_number(checks, "abs", N_("value"), value, optional=True)
    v = number(value)
    return checks.give(Val(NUMBER, v.value.abs(), v.tag, finite=v.finite, nullable=v.nullable))


def gap(realised: Val, target: Val) -> Val:
    """``gap``: realised - target, or None when either is missing."""
    fn = "gap"
    checks = Checks()
    check_number(checks, fn, N_("realised value"), realised, optional=True)
    check_number(checks, fn, N_("target value"), target, optional=True)
    r, t = number(realised), number(target)
    difference = r.value - t.value
    ints = all_of(has_tag(r, "int"), has_tag(t, "int"))
    both = all_of(present(realised), present(target))
    checks.add(all_of(both, negate(ints), ~difference.is_finite()), FUNCTION_ERROR, too_large(fn))
    tag = pick([(ints, pl.lit(TAG_CODES["int"], pl.UInt8))], pl.lit(TAG_CODES["float"], pl.UInt8))
    if isinstance(ints, bool):
        tag = "int" if ints else "float"
    value = pick([(negate(both), pl.lit(None, pl.Float64))], difference)
    return checks.give(Val(NUMBER, value, tag))


_MAX_DIGITS = 20


def _whole_digits(digits: Val) -> Cond:
    """Rows whose digits are a whole number (an int, or a float that is whole)."""
    if digits.kind != NUMBER:
        return False
    d = digits.value
    whole = all_of(is_plain_number(digits), (d.round(0) == d).fill_null(False))
    return whole if digits.finite else all_of(whole, d.is_finite())


def _rounded(v: Val, digits: Val) -> pl.Expr:
    if digits.is_const:
        places = digits.const
        if isinstance(places, float) and places.is_integer():
            places = int(places)
        if isinstance(places, int) and not isinstance(places, bool) and abs(places) <= _MAX_DIGITS:
            return _round_half_up(v.value, places)
        return v.value  # the call fails for every row
    choices = [(digits.value == k, _round_half_up(v.value, k)) for k in range(-20, 21)]
    return pick(choices, v.value)


def round_half_up(value: Val, digits: Val | None = None) -> Val:
    """``round``: half up on the shortest repr; an int for ``digits <= 0`` or an int value."""
    fn = "round"
    digits = constant(0) if digits is None else digits
    checks = Checks()
    d = number(digits)
    checks.add(
        negate(_whole_digits(digits)),
        FUNCTION_ERROR,
        *filled(_("{fn}: digits must be a whole number, got {value}"), fn=fn, value=show(digits)),
    )
    checks.add(
        d.value.abs() > _MAX_DIGITS,
        FUNCTION_ERROR,
        *filled(
            _("{fn}: digits must be between -{limit} and {limit}, got {value}"),
            fn=fn,
            limit=_MAX_DIGITS,
            value=int_repr(d.value),
        ),
    )
    check_number(checks, fn, N_("value"), value, optional=True)
    v = number(value)
    keep = all_of(has_tag(v, "int"), d.value >= 0)
    int_result = any_of(d.value <= 0, keep)
    if isinstance(int_result, bool):
        tag: str | pl.Expr = "int" if int_result else "float"
    else:
        tag = pick([(int_result, _code("int"))], _code("float"))
    value_out = pick([(keep, v.value)], _rounded(v, digits))
    return checks.give(Val(NUMBER, value_out, tag, nullable=v.nullable))


def _code(tag: str) -> pl.Expr:
    return pl.lit(TAG_CODES[tag], pl.UInt8)


VECTORISED: dict[str, Callable[..., Val]] = {
    "mean": mean,
    "wmean": wmean,
    "total": total,
    "count": count,
    "coalesce": coalesce,
    "min": minimum,
    "max": maximum,
    "clamp": clamp,
    "round": round_half_up,
    "abs": abs_value,
    "gap": gap,
    "achievement": achievement,
    "achievement_inverse": achievement_inverse,
    "achievement_range": achievement_range,
    "predikat_matrix": predikat_matrix,
    "pp46_time_cost": pp46_time_cost,
    "pp46_skp": pp46_skp,
    "ikm": ikm,
    "ikm_grade": ikm_grade,
    "jpm": jpm,
    "jpm_band": jpm_band,
    "band": band,
}
"""Every library function (and ``band``) by the name rule authors type."""

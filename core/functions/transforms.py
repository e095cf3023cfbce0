"""Transformations of one value: clamp, round (half up), abs and gap.

A missing value (``None``) passes through as ``None``; the other arguments
(limits, digits) must be given.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from kinerja.functions.arguments import _exact, _number, _optional_number, _show, _to_float
from kinerja.functions.registry import FunctionError, Param, register
from kinerja.i18n import N_, _

__all__ = ["abs_value", "clamp", "gap", "round_half_up"]


@register(
    "clamp",
    params=(
        Param("value", "number", doc="The value to limit; a missing value stays missing."),
        Param("low", "number", doc="The smallest allowed result."),
        Param("high", "number", doc="The largest allowed result; not below low."),
    ),
    returns="number",
    doc="The value limited to the range [low, high]; a missing value stays missing.",
    example="clamp(130, 0, 120)",
    example_result=120,
)
def clamp(value: object, low: object, high: object) -> int | float | None:
    """Return ``value`` limited to ``[low, high]``; None stays None."""
    fn = "clamp"
    lo = _number(fn, N_("lower limit"), low)
    hi = _number(fn, N_("upper limit"), high)
    if lo > hi:
        raise FunctionError(
            _(
                "{fn}: lower limit {low} is above upper limit {high}; swap them",
                fn=fn,
                low=_show(lo),
                high=_show(hi),
            )
        )
    v = _optional_number(fn, N_("value"), value)
    if v is None:
        return None
    return lo if v < lo else hi if v > hi else v


_MAX_DIGITS = 20


@register(
    "round",
    params=(
        Param("value", "number", doc="The value to round; a missing value stays missing."),
        Param("digits", "number", 0, "Decimal places to keep (negative: tens, hundreds...)."),
    ),
    returns="number",
    doc="Round half up (away from zero) as taught in school: 2.5 -> 3, round(2.45, 1) -> 2.5. "
    "A missing value stays missing.",
    example="round(2.45, 1)",
    example_result=2.5,
)
def round_half_up(value: object, digits: object = 0) -> int | float | None:
    """Round half up on the printed decimal value (no binary-float surprises).

    Returns an int when ``digits <= 0`` (or an int is rounded), else a float.
    ``None`` is returned unchanged.
    """
    fn = "round"
    if isinstance(digits, float) and digits.is_integer():
        digits = int(digits)
    if not isinstance(digits, int) or isinstance(digits, bool):
        raise FunctionError(
            _("{fn}: digits must be a whole number, got {value}", fn=fn, value=_show(digits))
        )
    if abs(digits) > _MAX_DIGITS:
        raise FunctionError(
            _(
                "{fn}: digits must be between -{limit} and {limit}, got {value}",
                fn=fn,
                limit=_MAX_DIGITS,
                value=digits,
            )
        )
    v = _optional_number(fn, N_("value"), value)
    if v is None:
        return None
    if isinstance(v, int) and digits >= 0:
        return v
    with localcontext() as ctx:
        ctx.prec = 400  # enough for any float or sane int at up to 20 digits
        rounded = Decimal(repr(v)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if digits <= 0:
        return int(rounded)
    return float(rounded)


@register(
    "abs",
    params=(Param("value", "number", doc="A number; a missing value stays missing."),),
    returns="number",
    doc="The absolute value (distance from zero); a missing value stays missing.",
    example="abs(-3.5)",
    example_result=3.5,
)
def abs_value(value: object) -> int | float | None:
    """Return ``abs(value)``; None stays None."""
    v = _optional_number("abs", N_("value"), value)
    return None if v is None else abs(v)


@register(
    "gap",
    params=(
        Param("realised", "number", doc="The realised value; may be missing."),
        Param("target", "number", doc="The target; may be missing."),
    ),
    returns="number",
    doc="realised - target: how far a result is above (positive) or below (negative) its "
    "target; missing when either is missing.",
    example="gap(95, 100)",
    example_result=-5,
)
def gap(realised: object, target: object) -> int | float | None:
    """Return ``realised - target``, or None when either is None."""
    fn = "gap"
    r = _optional_number(fn, N_("realised value"), realised)
    t = _optional_number(fn, N_("target value"), target)
    if r is None or t is None:
        return None
    if isinstance(r, int) and isinstance(t, int):
        return r - t
    return _to_float(fn, _exact(r) - _exact(t))

"""Achievement of an indicator against its target (PP 30/2019): normal, inverse, range.

Each function turns a realised value and its target into a percentage floored at
0 and capped at ``cap`` (commonly 120). Plain positive numbers take a fast path;
anything else goes through the checks that explain what is wrong.
"""

from __future__ import annotations

from kinerja.functions.arguments import _NUM, _exact, _number, _show, _to_float
from kinerja.functions.registry import FunctionError, Param, register
from kinerja.i18n import N_, _

__all__ = ["achievement", "achievement_inverse", "achievement_range"]


def _positive_cap(fn: str, cap: object) -> float:
    """Validate the ``cap`` argument of the achievement functions."""
    number = _number(fn, N_("cap"), cap)
    if number <= 0:
        raise FunctionError(
            _(
                "{fn}: cap must be above zero, got {value}; the usual cap is 120",
                fn=fn,
                value=_show(number),
            )
        )
    return _exact(number)


def _capped(fn: str, value: float, cap: float) -> float:
    """An achievement clamped to ``[0, cap]``: the cap itself as given, else tidied."""
    bounded = _bounded(value, cap)
    return bounded if bounded == cap else _to_float(fn, bounded)


def _bounded(value: float, cap: float) -> float:
    """Clamp an achievement percentage to ``[0, cap]``."""
    return min(cap, max(0.0, value))


def _plain(realised: object, target: object, cap: object) -> bool:
    """Whether the fast path applies: plain numbers, a positive target and cap."""
    return (
        type(realised) in _NUM
        and type(target) in _NUM
        and type(cap) in _NUM
        and target > 0  # type: ignore[operator]
        and cap > 0  # type: ignore[operator]
    )


def _clamp_fast(value: float, cap: float) -> float | None:
    """``value`` clamped to ``[0, cap]``; None when it is not finite."""
    if value - value != 0:
        return None
    return cap if value >= cap else (value if value > 0 else 0.0)


def _ratio_inputs(
    fn: str, realised: object, target: object, cap: object
) -> tuple[int | float, int | float, float]:
    """Checked (realised, target, cap) for the achievement functions, or a FunctionError."""
    r = _number(fn, N_("realised value"), realised)
    t = _number(fn, N_("target value"), target)
    limit = _positive_cap(fn, cap)
    if t <= 0:
        raise FunctionError(
            _(
                "{fn}: target must be above zero, got {value}; "
                "set a positive target for this indicator",
                fn=fn,
                value=_show(t),
            )
        )
    return r, t, limit


@register(
    "achievement",
    params=(
        Param("realised", "number", doc="The realised value (realisasi)."),
        Param("target", "number", doc="The target; must be above zero."),
        Param("cap", "number", 120, "Upper limit of the result (commonly 120)."),
    ),
    returns="number",
    doc="Achievement of a normal (higher is better) indicator per PP 30/2019: "
    "realised / target x 100, floored at 0 and capped at `cap`.",
    example="achievement(95, 100)",
    example_result=95.0,
)
def achievement(realised: object, target: object, cap: object = 120) -> float:
    """Return realised / target x 100 clamped to ``[0, cap]`` (higher is better)."""
    if _plain(realised, target, cap):  # fast path
        fast = _clamp_fast(realised * 100 / target, cap)  # type: ignore[operator]
        if fast is not None:
            return fast
    r, t, limit = _ratio_inputs("achievement", realised, target, cap)
    return _capped("achievement", _exact(r) * 100 / _exact(t), limit)


@register(
    "achievement_inverse",
    params=(
        Param("realised", "number", doc="The realised value (realisasi)."),
        Param("target", "number", doc="The target; must be above zero."),
        Param("cap", "number", 120, "Upper limit of the result (commonly 120)."),
    ),
    returns="number",
    doc="Achievement of an inverse (lower is better) indicator per PP 30/2019: "
    "(1 + (1 - realised / target)) x 100, floored at 0 and capped at `cap`.",
    example="achievement_inverse(9, 10)",
    example_result=110.0,
)
def achievement_inverse(realised: object, target: object, cap: object = 120) -> float:
    """Return (1 + (1 - realised / target)) x 100 clamped to ``[0, cap]`` (lower is better)."""
    if _plain(realised, target, cap):  # fast path
        fast = _clamp_fast((2 - realised / target) * 100, cap)  # type: ignore[operator]
        if fast is not None:
            return fast
    r, t, limit = _ratio_inputs("achievement_inverse", realised, target, cap)
    return _capped("achievement_inverse", (1 + (1 - _exact(r) / _exact(t))) * 100, limit)


@register(
    "achievement_range",
    params=(
        Param("realised", "number", doc="The realised value (realisasi)."),
        Param("low", "number", doc="Lower bound of the target range; zero or above."),
        Param("high", "number", doc="Upper bound of the target range; above zero."),
        Param("cap", "number", 120, "Upper limit of the result (commonly 120)."),
    ),
    returns="number",
    doc="Achievement against a target range: 100 inside [low, high]; above it "
    "realised / high x 100, below it realised / low x 100; floored at 0, capped at `cap`.",
    example="achievement_range(12, 5, 10)",
    example_result=120.0,
)
def achievement_range(realised: object, low: object, high: object, cap: object = 120) -> float:
    """Return the achievement of ``realised`` against the target range ``[low, high]``."""
    fn = "achievement_range"
    r = _number(fn, N_("realised value"), realised)
    lo = _number(fn, N_("lower bound"), low)
    hi = _number(fn, N_("upper bound"), high)
    limit = _positive_cap(fn, cap)
    if lo > hi:
        raise FunctionError(
            _(
                "{fn}: lower bound {low} is above upper bound {high}; swap them",
                fn=fn,
                low=_show(lo),
                high=_show(hi),
            )
        )
    if lo < 0 or hi <= 0:
        raise FunctionError(
            _(
                "{fn}: the range must lie above zero (low >= 0, high > 0), got [{low}, {high}]",
                fn=fn,
                low=_show(lo),
                high=_show(hi),
            )
        )
    if lo <= r <= hi:
        value = 100.0
    elif r > hi:
        value = _exact(r) * 100 / _exact(hi)
    else:  # r < lo, and lo > r means lo > 0 unless r is negative
        value = 0.0 if lo == 0 else _exact(r) * 100 / _exact(lo)
    return _capped(fn, value, limit)

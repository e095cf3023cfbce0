"""Aggregates over several values: mean, weighted mean, total, count, coalesce, min, max.

Each takes numbers (or ``None`` for a missing value), either as separate
arguments or as one list, and skips missing values unless told otherwise
(``wmean``'s ``missing`` policy). ``mean`` and ``wmean`` have fast paths for
plain numbers.
"""

from __future__ import annotations

import math

from kinerja.functions.arguments import (
    _NUM,
    _SEQ,
    _exact,
    _items,
    _number,
    _present_numbers,
    _show,
    _spread,
    _to_float,
    _too_many,
)
from kinerja.functions.registry import MAX_ITEMS, FunctionError, Param, register
from kinerja.i18n import N_, _

__all__ = ["coalesce", "count", "maximum", "mean", "minimum", "total", "wmean"]


@register(
    "mean",
    params=(Param("values", "number", doc="Numbers or None; or a single list of them."),),
    returns="number",
    doc="Arithmetic mean of the values, skipping missing ones; missing when none are left.",
    example="mean(80, None, 90)",
    example_result=85.0,
    variadic=True,
)
def mean(*values: object) -> float | None:
    """Return the mean of the non-None values (``mean(a, b, ...)`` or ``mean(list)``)."""
    items = values[0] if len(values) == 1 and type(values[0]) in _SEQ else values
    if len(items) <= MAX_ITEMS:  # fast path: plain numbers and None
        acc, n = 0.0, 0
        for v in items:
            if type(v) in _NUM:
                acc += v
                n += 1
            elif v is not None:
                break
        else:
            if n == 0:
                return None
            result = acc / n
            if result - result == 0:
                return result
    present = _present_numbers("mean", values)
    if not present:
        return None
    return _to_float("mean", math.fsum(present) / len(present))


_MISSING_MODES = ("renormalise", "zero", "incomplete")


@register(
    "wmean",
    params=(
        Param("values", "list", doc="The values; None marks a missing one."),
        Param("weights", "list", doc="One weight per value; zero or above, not all zero."),
        Param(
            "missing",
            "string",
            "renormalise",
            'What a missing value does: "renormalise" (drop it and rescale the other '
            'weights), "zero" (count it as 0) or "incomplete" (the result is missing).',
        ),
    ),
    returns="number",
    doc="Weighted mean sum(value x weight) / sum(weight), with a policy for missing values "
    "(renormalise, zero or incomplete).",
    example="wmean([80, 90], [0.6, 0.4])",
    example_result=84.0,
)
def wmean(values: object, weights: object, missing: object = "renormalise") -> float | None:
    """Return the weighted mean of ``values`` under the ``missing`` policy."""
    if (
        missing == "renormalise"
        and type(values) in _SEQ
        and type(weights) in _SEQ
        and len(values) == len(weights) <= MAX_ITEMS
    ):  # fast path: numbers or None, non-negative numeric weights
        num = den = 0.0
        for v, w in zip(values, weights):  # noqa: B905 - lengths checked above
            if type(w) not in _NUM or w < 0:
                break
            if v is None:
                continue
            if type(v) not in _NUM:
                break
            num += v * w
            den += w
        else:
            if den > 0:
                result = num / den
                if result - result == 0:
                    return result
    fn = "wmean"
    vals = _items(fn, N_("values"), values)
    wts = _items(fn, N_("weights"), weights)
    if missing not in _MISSING_MODES:
        raise FunctionError(
            _(
                "{fn}: missing must be one of {modes}, got {value}",
                fn=fn,
                modes=", ".join(repr(m) for m in _MISSING_MODES),
                value=_show(missing),
            )
        )
    if len(vals) != len(wts):
        raise FunctionError(
            _(
                "{fn}: {values} values but {weights} weights; give exactly one weight per value",
                fn=fn,
                values=len(vals),
                weights=len(wts),
            )
        )
    exact_weights: list[float] = []
    for position, weight in enumerate(wts, start=1):
        w = _number(fn, N_("weight {position}"), weight, position)
        if w < 0:
            raise FunctionError(
                _(
                    "{fn}: weight {position} is negative ({value}); weights must be zero or above",
                    fn=fn,
                    position=position,
                    value=_show(w),
                )
            )
        exact_weights.append(_exact(w))
    if not any(exact_weights):
        raise FunctionError(
            _("{fn}: all weights are zero; give at least one positive weight", fn=fn)
        )
    numerator = 0.0
    denominator = 0.0
    for position, (value, w) in enumerate(zip(vals, exact_weights, strict=True), start=1):
        if value is None:
            if missing == "incomplete":
                return None
            if missing == "zero":
                denominator += w
            continue
        v = _number(fn, N_("value {position}"), value, position)
        numerator += _exact(v) * w
        denominator += w
    if denominator == 0:
        # renormalise, and every value that carried weight is missing
        return None
    return _to_float(fn, numerator / denominator)


@register(
    "total",
    params=(Param("values", "number", doc="Numbers or None; or a single list of them."),),
    returns="number",
    doc="Sum of the values, skipping missing ones (0 when none are left).",
    example="total(10, None, 5)",
    example_result=15,
    variadic=True,
)
def total(*values: object) -> int | float:
    """Return the sum of the non-None values; an int when every value is an int."""
    present = _present_numbers("total", values)
    if all(isinstance(v, int) for v in present):
        return sum(present)  # type: ignore[arg-type]
    return _to_float("total", math.fsum(present))


@register(
    "count",
    params=(Param("values", "any", doc="Any values; or a single list of them."),),
    returns="number",
    doc="How many of the values are present (not missing).",
    example="count(10, None, 5)",
    example_result=2,
    variadic=True,
)
def count(*values: object) -> int:
    """Return the number of non-None values (``count(a, b, ...)`` or ``count(list)``)."""
    return sum(1 for v in _spread("count", values) if v is not None)


@register(
    "coalesce",
    params=(Param("values", "any", doc="Candidate values, in order of preference."),),
    returns="any",
    doc="The first value that is not missing; missing when all are.",
    example="coalesce(None, 70)",
    example_result=70,
    variadic=True,
)
def coalesce(*values: object) -> object:
    """Return the first non-None value, else None (a list result comes back as a tuple)."""
    if len(values) > MAX_ITEMS:
        raise _too_many("coalesce", len(values))
    for value in values:
        if value is not None:
            return tuple(value) if isinstance(value, list) else value
    return None


@register(
    "min",
    params=(Param("values", "number", doc="Numbers or None; or a single list of them."),),
    returns="number",
    doc="The smallest value, skipping missing ones; missing when none are left.",
    example="min(80, None, 75)",
    example_result=75,
    variadic=True,
)
def minimum(*values: object) -> int | float | None:
    """Return the smallest non-None value, or None."""
    present = _present_numbers("min", values)
    return min(present) if present else None


@register(
    "max",
    params=(Param("values", "number", doc="Numbers or None; or a single list of them."),),
    returns="number",
    doc="The largest value, skipping missing ones; missing when none are left.",
    example="max(80, None, 75)",
    example_result=80,
    variadic=True,
)
def maximum(*values: object) -> int | float | None:
    """Return the largest non-None value, or None."""
    present = _present_numbers("max", values)
    return max(present) if present else None

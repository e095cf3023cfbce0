"""The function library that safe rule expressions may call.

Every function a rule author can type is registered in :data:`FUNCTIONS` with a
:class:`Function` descriptor (parameters, types, return type, a short doc and a
worked example). The rule checker reads these descriptors when rules load; the
documentation generator prints them.

Conventions shared by every function here:

* A missing value is ``None``. Scoring formulas (achievement, PP 46/2011, IKM,
  JPM, ...) raise :class:`FunctionError` when a value they need is missing.
  Pure transformations (``round``, ``clamp``, ``abs``, ``gap``) pass a missing
  value through as ``None``; aggregates (``mean``, ``total``, ``min``, ...)
  skip it.
* Numbers are ``int`` or ``float`` (``bool`` is not a number here; NaN and
  infinity are refused). Arithmetic is float arithmetic, fast enough for
  millions of rows; results are tidied to :data:`DECIMALS` places so that a
  hand computation (``0.76 x 100 = 76``) lands in the same band.
* List arguments are tuples or lists, at most :data:`MAX_ITEMS` items. No
  function mutates its arguments or returns a mutable list.

:func:`band_lookup` is deliberately not registered: the rule compiler binds it
to the bands declared in each rules file.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TypeVar

__all__ = [
    "FUNCTIONS",
    "MAX_ITEMS",
    "REQUIRED",
    "TYPES",
    "Function",
    "FunctionError",
    "Param",
    "abs_value",
    "achievement",
    "achievement_inverse",
    "achievement_range",
    "band_lookup",
    "clamp",
    "coalesce",
    "count",
    "gap",
    "ikm",
    "ikm_grade",
    "jpm",
    "jpm_band",
    "maximum",
    "mean",
    "minimum",
    "pp46_skp",
    "pp46_time_cost",
    "predikat_matrix",
    "register",
    "round_half_up",
    "total",
    "wmean",
]

DECIMALS = 9
"""Results are tidied to this many decimal places (see :func:`_to_float`)."""

MAX_ITEMS = 10_000
_NUM = (int, float)
_SEQ = (tuple, list)
"""The most items any list argument (or run of variadic values) may hold."""

TYPES = frozenset({"number", "string", "bool", "list", "any"})
"""The type names a :class:`Param` or a return type may use."""


class _Required:
    """Type of the :data:`REQUIRED` sentinel (a parameter without a default)."""

    _instance: _Required | None = None

    def __new__(cls) -> _Required:
        """Return the single instance, so ``is REQUIRED`` checks always hold."""
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        """Print as the name rule tooling and docs refer to."""
        return "REQUIRED"

    def __reduce__(self) -> str:
        """Pickle/copy as the module-level singleton."""
        return "REQUIRED"


REQUIRED = _Required()
"""Sentinel used as :attr:`Param.default` when a parameter has no default."""


class FunctionError(ValueError):
    """Raised by a library function when its inputs cannot give a result.

    The message says, in plain words, what is wrong and how to fix it.
    """


@dataclass(frozen=True)
class Param:
    """One parameter of a library function, as the rule checker sees it."""

    name: str
    type: str
    default: object = REQUIRED
    doc: str = ""

    @property
    def required(self) -> bool:
        """True when the caller must supply this parameter."""
        return self.default is REQUIRED


@dataclass(frozen=True)
class Function:
    """Descriptor of a function that rule expressions may call."""

    name: str
    impl: Callable[..., object]
    params: tuple[Param, ...]
    returns: str
    doc: str
    example: str
    example_result: object
    variadic: bool = False

    @property
    def min_args(self) -> int:
        """The fewest positional arguments a call may pass."""
        if self.variadic:
            return 0
        return sum(1 for p in self.params if p.required)

    @property
    def max_args(self) -> int | None:
        """The most arguments a call may pass (``None``: no limit, the function is variadic)."""
        return None if self.variadic else len(self.params)

    @property
    def signature(self) -> str:
        """A readable signature for generated docs, e.g. ``achievement(realised, target, cap=120)``.

        Variadic functions show as ``mean(*values)``.
        """
        if self.variadic:
            return f"{self.name}(*{self.params[0].name})"
        parts = [p.name if p.required else f"{p.name}={p.default!r}" for p in self.params]
        return f"{self.name}({', '.join(parts)})"


FUNCTIONS: dict[str, Function] = {}
"""Every function rule expressions may call, by the name rule authors type."""

_F = TypeVar("_F", bound=Callable[..., object])


def _check_signature(
    name: str, impl: Callable[..., object], params: tuple[Param, ...], variadic: bool
) -> None:
    """Make sure the descriptor matches the Python signature, so the checker never lies."""
    sig = list(inspect.signature(impl).parameters.values())
    if variadic:
        if len(params) != 1 or len(sig) != 1 or sig[0].kind is not inspect.Parameter.VAR_POSITIONAL:
            raise TypeError(f"{name}: a variadic function takes only *values and has one Param")
        return
    if [p.name for p in params] != [s.name for s in sig]:
        raise TypeError(f"{name}: Params {[p.name for p in params]} do not match the signature")
    for p, s in zip(params, sig, strict=True):
        if s.kind not in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            raise TypeError(f"{name}: parameter {s.name} must be positional")
        has_default = s.default is not inspect.Parameter.empty
        if has_default != (not p.required) or (has_default and s.default != p.default):
            raise TypeError(f"{name}: default of {p.name} does not match the signature")


def register(
    name: str,
    *,
    params: tuple[Param, ...],
    returns: str,
    doc: str,
    example: str,
    example_result: object,
    variadic: bool = False,
) -> Callable[[_F], _F]:
    """Register the decorated function in :data:`FUNCTIONS` under ``name``.

    The function itself is returned unchanged, so it stays callable from Python.
    Raises ``TypeError``/``ValueError`` at import time when the descriptor is
    inconsistent (unknown type name, duplicate name, params not matching the signature).
    """

    def decorate(impl: _F) -> _F:
        if name in FUNCTIONS:
            raise ValueError(f"function {name!r} is registered twice")
        for type_name in [returns, *(p.type for p in params)]:
            if type_name not in TYPES:
                raise ValueError(f"{name}: unknown type {type_name!r}; use one of {sorted(TYPES)}")
        _check_signature(name, impl, params, variadic)
        FUNCTIONS[name] = Function(
            name=name,
            impl=impl,
            params=params,
            returns=returns,
            doc=doc,
            example=example,
            example_result=example_result,
            variadic=variadic,
        )
        return impl

    return decorate


# --------------------------------------------------------------------------- helpers


def _is_number(value: object) -> bool:
    """True for int and float values (bool excluded)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _show(value: object) -> str:
    """A short printable form of a value for error messages."""
    if _is_number(value):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)} items"
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(value).__name__})"


def _number(fn: str, what: str, value: object) -> int | float:
    """Return ``value`` if it is a finite number; otherwise raise a helpful FunctionError."""
    if value is None:
        raise FunctionError(
            f"{fn}: {what} is missing; fill it in, or give a fallback "
            f"with coalesce(value, fallback)"
        )
    if not _is_number(value):
        raise FunctionError(f"{fn}: {what} must be a number, got {_show(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise FunctionError(f"{fn}: {what} must be a finite number, got {value!r}")
    return value  # type: ignore[return-value]


def _optional_number(fn: str, what: str, value: object) -> int | float | None:
    """Like :func:`_number` but lets ``None`` through."""
    return None if value is None else _number(fn, what, value)


def _exact(value: int | float) -> float:
    """A number as a float, for arithmetic (results are tidied by :func:`_to_float`)."""
    return float(value)


def _to_float(fn: str, value: float) -> float:
    """A float result tidied to 9 decimals, refusing infinities.

    Tidying removes binary-float noise (``0.76 * 100`` gives 76, not 76.00000000000001),
    so a result computed by hand lands in the same band as the engine's.
    """
    if value - value != 0:  # inf or nan
        raise FunctionError(
            f"{fn}: the result is too large to represent; "
            f"check the inputs for a misplaced decimal point"
        )
    return round(value, DECIMALS)


def _items(fn: str, what: str, value: object) -> tuple[object, ...]:
    """Return a list argument as a tuple, checking its type and length."""
    if value is None:
        raise FunctionError(f"{fn}: {what} is missing; give a list such as [80, 90]")
    if not isinstance(value, (list, tuple)):
        raise FunctionError(f"{fn}: {what} must be a list, got {_show(value)}")
    if len(value) > MAX_ITEMS:
        raise FunctionError(
            f"{fn}: {what} has {len(value)} items, more than the limit of "
            f"{MAX_ITEMS}; split the data or aggregate it first"
        )
    return tuple(value)


def _spread(fn: str, values: tuple[object, ...]) -> tuple[object, ...]:
    """Variadic arguments, or the items of a single list argument, length-checked."""
    if len(values) == 1 and isinstance(values[0], (list, tuple)):
        return _items(fn, "the list", values[0])
    if len(values) > MAX_ITEMS:
        raise FunctionError(f"{fn}: {len(values)} values given, more than the limit of {MAX_ITEMS}")
    return values


def _present_numbers(fn: str, values: tuple[object, ...]) -> list[int | float]:
    """The non-None values (variadic or single list), each checked to be a number."""
    present: list[int | float] = []
    for position, value in enumerate(_spread(fn, values), start=1):
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            raise FunctionError(
                f"{fn}: value {position} is a list; pass either one list "
                f"or several numbers, not a mix"
            )
        present.append(_number(fn, f"value {position}", value))
    return present


def _positive_cap(fn: str, cap: object) -> float:
    """Validate the ``cap`` argument of the achievement functions."""
    number = _number(fn, "cap", cap)
    if number <= 0:
        raise FunctionError(
            f"{fn}: cap must be above zero, got {_show(number)}; the usual cap is 120"
        )
    return _exact(number)


def _capped(fn: str, value: float, cap: float) -> float:
    """An achievement clamped to ``[0, cap]``: the cap itself as given, else tidied."""
    bounded = _bounded(value, cap)
    return bounded if bounded == cap else _to_float(fn, bounded)


def _bounded(value: float, cap: float) -> float:
    """Clamp an achievement percentage to ``[0, cap]``."""
    return min(cap, max(0.0, value))


# --------------------------------------------------------------------------- achievement


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
    """``value`` clamped to ``[0, cap]`` and tidied; None when it is not finite."""
    if value - value != 0:
        return None
    return cap if value >= cap else (round(value, DECIMALS) if value > 0 else 0.0)


def _ratio_inputs(
    fn: str, realised: object, target: object, cap: object
) -> tuple[int | float, int | float, float]:
    """Checked (realised, target, cap) for the achievement functions, or a FunctionError."""
    r = _number(fn, "realised value", realised)
    t = _number(fn, "target value", target)
    limit = _positive_cap(fn, cap)
    if t <= 0:
        raise FunctionError(
            f"{fn}: target must be above zero, got {_show(t)}; "
            f"set a positive target for this indicator"
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
    r = _number(fn, "realised value", realised)
    lo = _number(fn, "lower bound", low)
    hi = _number(fn, "upper bound", high)
    limit = _positive_cap(fn, cap)
    if lo > hi:
        raise FunctionError(
            f"{fn}: lower bound {_show(lo)} is above upper bound {_show(hi)}; swap them"
        )
    if lo < 0 or hi <= 0:
        raise FunctionError(
            f"{fn}: the range must lie above zero (low >= 0, high > 0), "
            f"got [{_show(lo)}, {_show(hi)}]"
        )
    if lo <= r <= hi:
        value = 100.0
    elif r > hi:
        value = _exact(r) * 100 / _exact(hi)
    else:  # r < lo, and lo > r means lo > 0 unless r is negative
        value = 0.0 if lo == 0 else _exact(r) * 100 / _exact(lo)
    return _capped(fn, value, limit)


# --------------------------------------------------------------------------- aggregates


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
                return round(result, DECIMALS)
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
                    return round(result, DECIMALS)
    fn = "wmean"
    vals = _items(fn, "values", values)
    wts = _items(fn, "weights", weights)
    if missing not in _MISSING_MODES:
        raise FunctionError(
            f"{fn}: missing must be one of "
            f"{', '.join(repr(m) for m in _MISSING_MODES)}, got {_show(missing)}"
        )
    if len(vals) != len(wts):
        raise FunctionError(
            f"{fn}: {len(vals)} values but {len(wts)} weights; give exactly one weight per value"
        )
    exact_weights: list[float] = []
    for position, weight in enumerate(wts, start=1):
        w = _number(fn, f"weight {position}", weight)
        if w < 0:
            raise FunctionError(
                f"{fn}: weight {position} is negative ({_show(w)}); weights must be zero or above"
            )
        exact_weights.append(_exact(w))
    if not any(exact_weights):
        raise FunctionError(f"{fn}: all weights are zero; give at least one positive weight")
    numerator = 0.0
    denominator = 0.0
    for position, (value, w) in enumerate(zip(vals, exact_weights, strict=True), start=1):
        if value is None:
            if missing == "incomplete":
                return None
            if missing == "zero":
                denominator += w
            continue
        v = _number(fn, f"value {position}", value)
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
        raise FunctionError(
            f"coalesce: {len(values)} values given, more than the limit of {MAX_ITEMS}"
        )
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


# --------------------------------------------------------------------------- transformations


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
    lo = _number(fn, "lower limit", low)
    hi = _number(fn, "upper limit", high)
    if lo > hi:
        raise FunctionError(
            f"{fn}: lower limit {_show(lo)} is above upper limit {_show(hi)}; swap them"
        )
    v = _optional_number(fn, "value", value)
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
        raise FunctionError(f"{fn}: digits must be a whole number, got {_show(digits)}")
    if abs(digits) > _MAX_DIGITS:
        raise FunctionError(
            f"{fn}: digits must be between -{_MAX_DIGITS} and {_MAX_DIGITS}, got {digits}"
        )
    v = _optional_number(fn, "value", value)
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
    v = _optional_number("abs", "value", value)
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
    r = _optional_number(fn, "realised value", realised)
    t = _optional_number(fn, "target value", target)
    if r is None or t is None:
        return None
    if isinstance(r, int) and isinstance(t, int):
        return r - t
    return _to_float(fn, _exact(r) - _exact(t))


# --------------------------------------------------------------------------- PermenPANRB 6/2022

_ATAS, _SESUAI, _BAWAH = "di atas ekspektasi", "sesuai ekspektasi", "di bawah ekspektasi"
_LABELS = {
    _ATAS: _ATAS,
    "di atas": _ATAS,
    _SESUAI: _SESUAI,
    "sesuai": _SESUAI,
    _BAWAH: _BAWAH,
    "di bawah": _BAWAH,
}
# (hasil kerja, perilaku kerja) -> predikat, PermenPANRB 6/2022 (see DOMAIN.md).
_PREDIKAT = {
    (_ATAS, _BAWAH): "Kurang/Misconduct",
    (_ATAS, _SESUAI): "Baik",
    (_ATAS, _ATAS): "Sangat Baik",
    (_SESUAI, _BAWAH): "Kurang/Misconduct",
    (_SESUAI, _SESUAI): "Baik",
    (_SESUAI, _ATAS): "Baik",
    (_BAWAH, _BAWAH): "Sangat Kurang",
    (_BAWAH, _SESUAI): "Butuh Perbaikan",
    (_BAWAH, _ATAS): "Butuh Perbaikan",
}


def _rating(fn: str, what: str, label: object) -> str:
    """Normalise a rating label to its long form, or raise listing the accepted labels."""
    accepted = (
        f"use one of '{_ATAS}', '{_SESUAI}', '{_BAWAH}' "
        f"(or the short forms 'di atas', 'sesuai', 'di bawah'; any letter case)"
    )
    if label is None:
        raise FunctionError(f"{fn}: {what} rating is missing; {accepted}")
    if not isinstance(label, str):
        raise FunctionError(f"{fn}: {what} rating must be text, got {_show(label)}; {accepted}")
    key = " ".join(label.lower().split())
    if key not in _LABELS:
        raise FunctionError(f"{fn}: {what} rating {label!r} is not a known label; {accepted}")
    return _LABELS[key]


@register(
    "predikat_matrix",
    params=(
        Param("hasil", "string", doc="Hasil kerja rating: di atas / sesuai / di bawah ekspektasi."),
        Param(
            "perilaku",
            "string",
            doc="Perilaku kerja rating: di atas / sesuai / di bawah ekspektasi.",
        ),
    ),
    returns="string",
    doc="The PermenPANRB 6/2022 predikat from the hasil kerja and perilaku kerja ratings: "
    "Sangat Baik, Baik, Butuh Perbaikan, Kurang/Misconduct or Sangat Kurang.",
    example='predikat_matrix("di atas ekspektasi", "sesuai ekspektasi")',
    example_result="Baik",
)
def predikat_matrix(hasil: object, perilaku: object) -> str:
    """Return the PermenPANRB 6/2022 predikat for a (hasil kerja, perilaku kerja) pair."""
    found = _PREDIKAT.get((hasil, perilaku))  # fast path: exact long labels
    if found is not None:
        return found
    fn = "predikat_matrix"
    return _PREDIKAT[(_rating(fn, "hasil kerja", hasil), _rating(fn, "perilaku kerja", perilaku))]


# --------------------------------------------------------------------------- PP 46/2011


@register(
    "pp46_time_cost",
    params=(
        Param("realised", "number", doc="Realised time (or cost); zero or above."),
        Param("target", "number", doc="Target time (or cost); above zero."),
    ),
    returns="number",
    doc="PP 46/2011 time or cost aspect: with e = 100 - R/T x 100, (1.76T - R)/T x 100 when "
    "e <= 24, else 76 - ((1.76T - R)/T x 100 - 100); exactly on target scores 76.",
    example="pp46_time_cost(12, 12)",
    example_result=76.0,
)
def pp46_time_cost(realised: object, target: object) -> float:
    """Return the PP 46/2011 score of the time or cost aspect of one activity.

    Applied literally: the result is not floored, so a realisation far over
    target (more than 1.76 x target) scores below zero.
    """
    fn = "pp46_time_cost"
    r = _number(fn, "realised value", realised)
    t = _number(fn, "target value", target)
    if t <= 0:
        raise FunctionError(
            f"{fn}: target must be above zero, got {_show(t)}; for the cost "
            f"aspect of an activity without a budget, leave cost out of pp46_skp"
        )
    if r < 0:
        raise FunctionError(f"{fn}: realised value cannot be negative, got {_show(r)}")
    big_r, big_t = _exact(r), _exact(t)
    efficiency = 100 - big_r / big_t * 100
    score = (1.76 * big_t - big_r) / big_t * 100
    if efficiency > 24:
        score = 76 - (score - 100)
    return _to_float(fn, score)


@register(
    "pp46_skp",
    params=(
        Param("quantity", "number", doc="Quantity aspect score."),
        Param("quality", "number", doc="Quality aspect score."),
        Param("time", "number", doc="Time aspect score (see pp46_time_cost)."),
        Param("cost", "number", None, "Cost aspect score; leave out when there is no budget."),
    ),
    returns="number",
    doc="PP 46/2011 score of one SKP activity: the mean of quantity, quality, time and, "
    "when given, cost.",
    example="pp46_skp(100, 91, 76)",
    example_result=89.0,
)
def pp46_skp(quantity: object, quality: object, time: object, cost: object = None) -> float:
    """Return the mean of the 3 aspects, or of all 4 when ``cost`` is given."""
    fn = "pp46_skp"
    aspects = [
        _number(fn, "quantity score", quantity),
        _number(fn, "quality score", quality),
        _number(fn, "time score", time),
    ]
    c = _optional_number(fn, "cost score", cost)
    if c is not None:
        aspects.append(c)
    return _to_float(fn, math.fsum(aspects) / len(aspects))


# --------------------------------------------------------------------------- IKM


@register(
    "ikm",
    params=(
        Param("nrr_values", "list", doc="The mean score (NRR, 1-4) of each service element."),
        Param(
            "element_weight",
            "number",
            None,
            "Weight per element (the regulation's 0.11); None uses the exact mean.",
        ),
    ),
    returns="number",
    doc="Citizen-satisfaction index (PermenPANRB 14/2017): mean of the NRRs x 25, or "
    "sum(NRR x element_weight) x 25 when a weight such as 0.11 is given.",
    example="ikm([3, 3.5, 3.5, 4])",
    example_result=87.5,
)
def ikm(nrr_values: object, element_weight: object = None) -> float:
    """Return the IKM from the per-element mean scores (NRR)."""
    fn = "ikm"
    items = _items(fn, "NRR values", nrr_values)
    if not items:
        raise FunctionError(f"{fn}: no NRR values given; give one mean score per service element")
    nrrs: list[float] = []
    for position, value in enumerate(items, start=1):
        nrr = _number(fn, f"NRR of element {position}", value)
        if not 1 <= nrr <= 4:
            raise FunctionError(
                f"{fn}: NRR of element {position} is {_show(nrr)}, outside 1..4; "
                f"an NRR is a mean of survey scores from 1 to 4"
            )
        nrrs.append(_exact(nrr))
    weight = _optional_number(fn, "element weight", element_weight)
    if weight is None:
        return _to_float(fn, math.fsum(nrrs) / len(nrrs) * 25)
    if weight <= 0:
        raise FunctionError(
            f"{fn}: element weight must be above zero, got {_show(weight)}; "
            f"the regulation uses 0.11"
        )
    return _to_float(fn, math.fsum(nrrs) * _exact(weight) * 25)


# (lowest value, grade), highest first; values are compared after rounding to 2 decimals.
_IKM_GRADES = (
    (Decimal("88.31"), "A"),
    (Decimal("76.61"), "B"),
    (Decimal("65.00"), "C"),
    (Decimal("25.00"), "D"),
)


@register(
    "ikm_grade",
    params=(Param("ikm_value", "number", doc="An IKM value between 25 and 100."),),
    returns="string",
    doc="IKM grade: A 88.31-100, B 76.61-88.30, C 65.00-76.60, D 25.00-64.99, on the value "
    "rounded half up to 2 decimals.",
    example="ikm_grade(87.5)",
    example_result="B",
)
def ikm_grade(ikm_value: object) -> str:
    """Return the IKM grade letter ("A".."D") for an IKM value."""
    fn = "ikm_grade"
    v = _number(fn, "IKM value", ikm_value)
    rounded = Decimal(repr(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not Decimal(25) <= rounded <= Decimal(100):
        raise FunctionError(
            f"{fn}: IKM value {_show(v)} is outside 25..100; an IKM is the mean "
            f"NRR (1-4) x 25, so check the survey data"
        )
    return next(grade for lowest, grade in _IKM_GRADES if rounded >= lowest)


# --------------------------------------------------------------------------- JPM


@register(
    "jpm",
    params=(
        Param("levels", "list", doc="The person's level per competency (e.g. 1-5)."),
        Param("required", "list", doc="The post's required level per competency, above zero."),
        Param(
            "cap",
            "bool",
            False,
            "Cap each level / required ratio at 1 (no credit above the standard).",
        ),
    ),
    returns="number",
    doc="Job-person match (PermenPANRB 38/2017): 100 x mean(level / required) over the "
    "competencies; with cap each ratio counts at most 1.",
    example="jpm([4, 3], [4, 4])",
    example_result=87.5,
)
def jpm(levels: object, required: object, cap: object = False) -> float:
    """Return the job-person match percentage."""
    if (
        type(levels) in _SEQ
        and type(required) in _SEQ
        and type(cap) is bool
        and 0 < len(levels) == len(required) <= MAX_ITEMS
    ):  # fast path: plain non-negative levels, positive requirements
        acc = 0.0
        for level, standard in zip(levels, required):  # noqa: B905 - lengths checked
            if type(level) not in _NUM or type(standard) not in _NUM or level < 0 or standard <= 0:
                break
            ratio = level / standard
            acc += 1.0 if cap and ratio > 1 else ratio
        else:
            result = 100 * acc / len(levels)
            if result - result == 0:
                return round(result, DECIMALS)
    fn = "jpm"
    have = _items(fn, "levels", levels)
    need = _items(fn, "required levels", required)
    if not isinstance(cap, bool):
        raise FunctionError(f"{fn}: cap must be True or False, got {_show(cap)}")
    if len(have) != len(need):
        raise FunctionError(
            f"{fn}: {len(have)} levels but {len(need)} required levels; "
            f"give one level per required competency"
        )
    if not have:
        raise FunctionError(f"{fn}: no competencies given")
    ratios: list[float] = []
    for position, (level, standard) in enumerate(zip(have, need, strict=True), start=1):
        lv = _number(fn, f"level of competency {position}", level)
        rq = _number(fn, f"required level of competency {position}", standard)
        if rq <= 0:
            raise FunctionError(
                f"{fn}: required level of competency {position} must be above zero, got {_show(rq)}"
            )
        if lv < 0:
            raise FunctionError(
                f"{fn}: level of competency {position} cannot be negative, got {_show(lv)}"
            )
        ratio = _exact(lv) / _exact(rq)
        ratios.append(min(ratio, 1.0) if cap else ratio)
    return _to_float(fn, 100 * math.fsum(ratios) / len(ratios))


@register(
    "jpm_band",
    params=(Param("jpm_value", "number", doc="A JPM percentage."),),
    returns="string",
    doc='JPM band: "optimal" from 90, "cukup optimal" from 78 to under 90, '
    '"kurang optimal" under 78.',
    example="jpm_band(87.5)",
    example_result="cukup optimal",
)
def jpm_band(jpm_value: object) -> str:
    """Return the band label of a JPM percentage."""
    v = jpm_value if type(jpm_value) in _NUM else _number("jpm_band", "JPM value", jpm_value)
    if v >= 90:
        return "optimal"
    if v >= 78:
        return "cukup optimal"
    return "kurang optimal"


# --------------------------------------------------------------------------- band_lookup


def _band_parts(position: int, band: object) -> tuple[object, object, object]:
    """Read (label, min, max) from a tuple/list, a mapping, or an object with attributes."""
    if isinstance(band, (list, tuple)):
        if len(band) != 3:
            raise FunctionError(
                f"band_lookup: band {position} must be (label, min, max), got {len(band)} items"
            )
        return band[0], band[1], band[2]
    if isinstance(band, Mapping):
        try:
            return band["label"], band.get("min"), band.get("max")
        except KeyError:
            raise FunctionError(f"band_lookup: band {position} has no label") from None
    try:
        return band.label, band.min, band.max  # type: ignore[attr-defined]
    except AttributeError:
        raise FunctionError(
            f"band_lookup: band {position} must be (label, min, max) or have "
            f"label, min and max attributes, got {_show(band)}"
        ) from None


def _fmt(value: int | float) -> str:
    """A number as a rule author would write it."""
    return str(value) if isinstance(value, int) else repr(value)


def _coverage(intervals: Sequence[tuple[int | float | None, int | float | None]]) -> str:
    """Describe the union of half-open intervals in plain words, e.g. '0 to under 50'."""

    def lower(item: tuple[int | float | None, int | float | None]) -> float:
        return -math.inf if item[0] is None else item[0]

    merged: list[list[int | float | None]] = []
    for lo, hi in sorted(intervals, key=lower):
        if merged:
            last_hi = merged[-1][1]
            if last_hi is None:
                continue
            if lo is None or lo <= last_hi:
                if hi is None or hi > last_hi:
                    merged[-1][1] = hi
                continue
        merged.append([lo, hi])
    words = []
    for lo, hi in merged:
        if lo is None and hi is None:
            words.append("every value")
        elif lo is None:
            words.append(f"under {_fmt(hi)}")  # type: ignore[arg-type]
        elif hi is None:
            words.append(f"{_fmt(lo)} and above")
        else:
            words.append(f"{_fmt(lo)} to under {_fmt(hi)}")
    return "; ".join(words)


def band_lookup(value: object, bands: object) -> object:
    """Return the label of the first band with ``min <= value < max``.

    ``bands`` is a sequence of ``(label, min, max)`` tuples, mappings with
    ``label``/``min``/``max`` keys, or objects with those attributes. ``min`` is
    inclusive, ``max`` exclusive, and either may be None for an open end. Not
    registered in :data:`FUNCTIONS`: the rule compiler binds it per rules file.
    """
    fn = "band_lookup"
    v = _number(fn, "value", value)
    items = _items(fn, "bands", bands)
    if not items:
        raise FunctionError(f"{fn}: no bands are defined; add bands to the rules file")
    intervals: list[tuple[int | float | None, int | float | None]] = []
    found: object = None
    matched = False
    for position, band in enumerate(items, start=1):
        label, low, high = _band_parts(position, band)
        lo = _optional_number(fn, f"min of band {position}", low)
        hi = _optional_number(fn, f"max of band {position}", high)
        if lo is not None and hi is not None and lo >= hi:
            raise FunctionError(
                f"{fn}: band {position} ({label!r}) has min {_fmt(lo)} not below "
                f"max {_fmt(hi)}, so nothing can fall in it; fix its limits"
            )
        intervals.append((lo, hi))
        if not matched and (lo is None or v >= lo) and (hi is None or v < hi):
            found, matched = label, True
    if matched:
        return found
    raise FunctionError(
        f"value {_fmt(v)} falls in no band; bands cover {_coverage(intervals)}. "
        f"Add a band for this value or correct the value"
    )

"""Run-time guards for compiled rule expressions.

The checker (:mod:`kinerja.expr.check`) refuses what it can see when rules load;
these functions catch what only values reveal: powers, shifts and whole numbers
that would grow too large, text repeated or formatted, a negative number to a
fractional power. Generated code calls them in place of the plain operators.
"""

from __future__ import annotations

from collections.abc import Callable

from kinerja.errors import EvaluationError
from kinerja.expr.check import MAX_EXPONENT, MAX_SHIFT
from kinerja.functions import DECIMALS

MAX_INT_BITS = 4096
MAX_TEXT = 10_000


def _pow(base: object, exponent: object) -> object:
    if isinstance(exponent, (int, float)) and abs(exponent) > MAX_EXPONENT:
        raise EvaluationError(f"exponent {exponent} is above the limit of {MAX_EXPONENT}")
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and base.bit_length() * abs(exponent) > MAX_INT_BITS
    ):
        raise EvaluationError("power result would be too large")
    result = base**exponent  # type: ignore[operator]
    if isinstance(result, complex):
        raise EvaluationError(
            f"{base} ** {exponent} has no real value (a negative number to a fractional power)"
        )
    return result


def _tidy(value: object) -> object:
    """A float rounded to :data:`~kinerja.functions.DECIMALS` places; anything else as is."""
    return round(value, DECIMALS) if type(value) is float else value


def _check_int(value: int, step: str) -> int:
    """A whole-number step result, refused when it has grown past the size limit."""
    if value.bit_length() > MAX_INT_BITS:
        raise EvaluationError(
            f"the value of {step!r} has {value.bit_length()} bits, over the limit of "
            f"{MAX_INT_BITS}; a rule multiplies numbers that keep growing"
        )
    return value


def _shift_amount(amount: object) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount <= MAX_SHIFT:
        raise EvaluationError(f"shift amount must be a whole number from 0 to {MAX_SHIFT}")
    return amount


def _lshift(value: object, amount: object) -> object:
    if not isinstance(value, int) or abs(value).bit_length() > MAX_INT_BITS:
        raise EvaluationError("shifts work on whole numbers only")
    return value << _shift_amount(amount)


def _rshift(value: object, amount: object) -> object:
    if not isinstance(value, int):
        raise EvaluationError("shifts work on whole numbers only")
    return value >> _shift_amount(amount)


def _mul(left: object, right: object) -> object:
    if isinstance(left, (str, tuple)) or isinstance(right, (str, tuple)):
        raise EvaluationError("repeating text or lists with * is not allowed")
    return left * right  # type: ignore[operator]


def _mod(left: object, right: object) -> object:
    if isinstance(left, str):
        raise EvaluationError("text formatting with % is not allowed")
    return left % right  # type: ignore[operator]


def _add(left: object, right: object) -> object:
    result = left + right  # type: ignore[operator]
    if isinstance(result, (str, tuple)) and len(result) > MAX_TEXT:
        raise EvaluationError(f"text longer than {MAX_TEXT} characters")
    return result


_GUARDS: dict[str, Callable[..., object]] = {
    "_pow": _pow,
    "_lshift": _lshift,
    "_rshift": _rshift,
    "_mul": _mul,
    "_mod": _mod,
    "_add": _add,
}

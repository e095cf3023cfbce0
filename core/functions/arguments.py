"""Argument checks and result tidying shared by the library functions.

Private helpers of :mod:`kinerja.functions`: each checks one kind of argument
(a number, an optional number, a list, variadic values) and raises a
:class:`~kinerja.functions.registry.FunctionError` saying what is wrong and how to
fix it, or refuses a result that is not finite. ``_NUM`` and ``_SEQ`` are the
exact types the fast paths accept.
"""

from __future__ import annotations

import math

from kinerja.functions.registry import MAX_ITEMS, FunctionError

_NUM = (int, float)
"""The exact types a fast path takes as a plain number (so ``bool`` is not one)."""
_SEQ = (tuple, list)
"""The exact types a fast path takes as a plain list argument."""


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
    """A float result, refusing infinities (an input with a misplaced decimal point).

    Results keep full float precision: the rule compiler tidies numbers to
    :data:`~kinerja.functions.registry.DECIMALS` places where they are named, compared
    or banded, so rounding here would only add error to later arithmetic.
    """
    if value - value != 0:  # inf or nan
        raise FunctionError(
            f"{fn}: the result is too large to represent; "
            f"check the inputs for a misplaced decimal point"
        )
    return value


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

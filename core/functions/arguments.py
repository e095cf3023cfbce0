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
from kinerja.i18n import N_, _

_NUM = (int, float)
"""The exact types a fast path takes as a plain number (so ``bool`` is not one)."""
_SEQ = (tuple, list)
"""The exact types a fast path takes as a plain list argument."""


def _is_number(value: object) -> bool:
    """True for int and float values (bool excluded)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _named(what: str, position: int | None = None) -> str:
    """The argument ``what`` (a message marked with ``N_``) names, in the language in use,
    its ``{position}`` filled."""
    return _(what) if position is None else _(what, position=position)


def _show(value: object) -> str:
    """A short printable form of a value for error messages."""
    if _is_number(value):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return _("a list of {n} items", n=len(value))
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(value).__name__})"


def _number(fn: str, what: str, value: object, position: int | None = None) -> int | float:
    """Return ``value`` if it is a finite number; otherwise raise a helpful FunctionError.

    ``what`` names the argument (a message marked with ``N_``, its ``{position}`` filled
    from ``position``); it is translated only when the words are needed.
    """
    if value is None:
        raise FunctionError(
            _(
                "{fn}: {what} is missing; fill it in, or give a fallback "
                "with coalesce(value, fallback)",
                fn=fn,
                what=_named(what, position),
            )
        )
    if not _is_number(value):
        raise FunctionError(
            _(
                "{fn}: {what} must be a number, got {value}",
                fn=fn,
                what=_named(what, position),
                value=_show(value),
            )
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise FunctionError(
            _(
                "{fn}: {what} must be a finite number, got {value}",
                fn=fn,
                what=_named(what, position),
                value=repr(value),
            )
        )
    return value  # type: ignore[return-value]


def _optional_number(
    fn: str, what: str, value: object, position: int | None = None
) -> int | float | None:
    """Like :func:`_number` but lets ``None`` through."""
    return None if value is None else _number(fn, what, value, position)


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
            _(
                "{fn}: the result is too large to represent; "
                "check the inputs for a misplaced decimal point",
                fn=fn,
            )
        )
    return value


def _items(fn: str, what: str, value: object) -> tuple[object, ...]:
    """Return a list argument as a tuple, checking its type and length (``what``: the
    argument's name, a message marked with ``N_``)."""
    if value is None:
        raise FunctionError(
            _("{fn}: {what} is missing; give a list such as [80, 90]", fn=fn, what=_(what))
        )
    if not isinstance(value, (list, tuple)):
        raise FunctionError(
            _("{fn}: {what} must be a list, got {value}", fn=fn, what=_(what), value=_show(value))
        )
    if len(value) > MAX_ITEMS:
        raise FunctionError(
            _(
                "{fn}: {what} has {n} items, more than the limit of {limit}; "
                "split the data or aggregate it first",
                fn=fn,
                what=_(what),
                n=len(value),
                limit=MAX_ITEMS,
            )
        )
    return tuple(value)


def _too_many(fn: str, n: int) -> FunctionError:
    """The error of a call given more than :data:`MAX_ITEMS` values."""
    return FunctionError(
        _("{fn}: {n} values given, more than the limit of {limit}", fn=fn, n=n, limit=MAX_ITEMS)
    )


def _spread(fn: str, values: tuple[object, ...]) -> tuple[object, ...]:
    """Variadic arguments, or the items of a single list argument, length-checked."""
    if len(values) == 1 and isinstance(values[0], (list, tuple)):
        return _items(fn, N_("the list"), values[0])
    if len(values) > MAX_ITEMS:
        raise _too_many(fn, len(values))
    return values


def _present_numbers(fn: str, values: tuple[object, ...]) -> list[int | float]:
    """The non-None values (variadic or single list), each checked to be a number."""
    present: list[int | float] = []
    for position, value in enumerate(_spread(fn, values), start=1):
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            raise FunctionError(
                _(
                    "{fn}: value {position} is a list; pass either one list "
                    "or several numbers, not a mix",
                    fn=fn,
                    position=position,
                )
            )
        present.append(_number(fn, N_("value {position}"), value, position))
    return present

"""Python's operators in vectorised form: arithmetic with the guards, and comparisons.

:func:`binary` gives ``left <op> right`` as Python computes it, guards
(:mod:`kinerja.expr.guards`) included: the type of each row's result, Python's
TypeError words, division by zero, the limits on powers and shifts, text joined or
refused. :func:`compare` gives one comparison of a chain (``==`` never raises,
``<`` refuses None and text against numbers, ``in`` looks through a list or text).
Operand failures are the caller's (:mod:`kinerja.expr.columnar`).
"""

from __future__ import annotations

import ast
import math

import polars as pl

from kinerja.expr.check import MAX_EXPONENT, MAX_SHIFT
from kinerja.expr.guards import MAX_INT_BITS, MAX_TEXT
from kinerja.functions.columnar_numeric import bit_length, floor_divide, modulo
from kinerja.functions.columnar_shown import (
    py_str,
    type_name,
)
from kinerja.functions.columnar_values import (
    BOOL,
    EVALUATION_ERROR,
    LIST,
    NUMBER,
    OVERFLOW,
    STRING,
    TAG_CODES,
    TYPE_ERROR,
    ZERO_DIVISION,
    Checks,
    Cond,
    Unsupported,
    Val,
    all_of,
    any_of,
    equal,
    exact_divide,
    filled,
    has_tag,
    is_missing,
    message,
    negate,
    number,
    pick,
    plus_zero,
    present,
)
from kinerja.i18n import _

__all__ = ["binary", "compare"]

_SYMBOLS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "** or pow()",
    ast.LShift: "<<",
    ast.RShift: ">>",
}
_ORDER = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
# ------------------------------------------------------------------ arithmetic


def _unsupported_operands(symbol: str, left: Val, right: Val) -> tuple[str | pl.Expr, ...]:
    return (
        f"unsupported operand type(s) for {symbol}: '",
        type_name(left),
        "' and '",
        type_name(right),
        "'",
    )


def _int_like(v: Val) -> Cond:
    return any_of(has_tag(v, "int"), has_tag(v, "bool"))


def _tag_of(is_int: Cond) -> str | pl.Expr:
    if isinstance(is_int, bool):
        return "int" if is_int else "float"
    return pick(
        [(is_int, pl.lit(TAG_CODES["int"], pl.UInt8))], pl.lit(TAG_CODES["float"], pl.UInt8)
    )


def _positive_zero(v: Val) -> bool:
    """A written ``0``, ``0.0`` or ``false`` (not ``-0.0``)."""
    c = v.const
    return v.is_const and type(c) in (int, float, bool) and c == 0 and math.copysign(1, c) > 0  # type: ignore[arg-type]


def binary(op: type, left: Val, right: Val) -> Val:
    """``left op right`` with the guards; operand failures are the caller's."""
    if op in (ast.LShift, ast.RShift):
        return _shift(op, left, right)
    if op is ast.Pow:
        return _power(left, right)
    symbol = _SYMBOLS[op]
    checks = Checks()
    if STRING in (left.kind, right.kind):
        return _text_op(op, symbol, left, right, checks)
    checks.add(
        any_of(is_missing(left), is_missing(right)),
        TYPE_ERROR,
        *_unsupported_operands(symbol, left, right),
    )
    a, b = number(left), number(right)
    is_int = all_of(_int_like(a), _int_like(b))
    if op is ast.Div:
        checks.add(b.value == 0, ZERO_DIVISION, "float division by zero")
        value, is_int = exact_divide(a.value, b.value), False
    elif op in (ast.FloorDiv, ast.Mod):
        checks.add(b.value == 0, ZERO_DIVISION, "float modulo")
        value = (floor_divide if op is ast.FloorDiv else modulo)(a.value, b.value)
    else:
        value = {
            ast.Add: a.value + b.value,
            ast.Sub: a.value - b.value,
            ast.Mult: a.value * b.value,
        }[op]
        if (_positive_zero(a) and op in (ast.Add, ast.Sub)) or (
            _positive_zero(b) and op is ast.Add
        ):
            value = plus_zero(value)  # polars drops a written "+ 0" and "0 +", keeping -0.0
        checks.add(
            all_of(is_int, ~value.is_finite()), OVERFLOW, "int too large to convert to float"
        )
    return checks.give(Val(NUMBER, value, _tag_of(is_int), finite=False))


def _text_op(op: type, symbol: str, left: Val, right: Val, checks: Checks) -> Val:
    """An operator with text on one side: ``+`` joins text; the guards refuse ``*``, ``%``."""
    both_text = left.kind == right.kind == STRING
    if op is ast.Add and both_text:
        checks.add(
            any_of(is_missing(left), is_missing(right)), TYPE_ERROR, *_concat_words(left, right)
        )
        joined = left.value + right.value
        checks.add(
            joined.str.len_chars() > MAX_TEXT,
            EVALUATION_ERROR,
            _("text longer than {limit} characters", limit=MAX_TEXT),
        )
        return checks.give(Val(STRING, joined, nullable=False))
    if op is ast.Mult:
        text_side = any_of(*(present(v) for v in (left, right) if v.kind == STRING))
        checks.add(text_side, EVALUATION_ERROR, _("repeating text or lists with * is not allowed"))
    if op is ast.Mod and left.kind == STRING:
        checks.add(present(left), EVALUATION_ERROR, _("text formatting with % is not allowed"))
    if op is ast.Add and left.kind == STRING:
        checks.add(present(left), TYPE_ERROR, *_concat_words(left, right))
    checks.add(True, TYPE_ERROR, *_unsupported_operands(symbol, left, right))
    return checks.give(Val(STRING, pl.lit(None, pl.String)))


def _concat_words(left: Val, right: Val) -> tuple[str | pl.Expr, ...]:
    """Python's words for text + something (``str.__add__`` speaks first for text)."""
    unsupported = _unsupported_operands("+", left, right)
    if left.kind != STRING:
        return unsupported
    joining = ('can only concatenate str (not "', type_name(right), '") to str')
    if right.kind != STRING:
        return joining
    # both text columns: only a missing value fails; which side decides the words
    return (pick([(is_missing(left), message("", *unsupported))], message("", *joining)),)


def _shift(op: type, left: Val, right: Val) -> Val:
    """``_lshift`` / ``_rshift``: whole numbers only, amounts from 0 to 64."""
    checks = Checks()
    a, b = number(left), number(right)
    whole = all_of(present(left), _int_like(a)) if left.kind in (NUMBER, BOOL) else False
    if op is ast.LShift and whole is not False:
        whole = all_of(whole, bit_length(a.value) <= MAX_INT_BITS)
    checks.add(negate(whole), EVALUATION_ERROR, _("shifts work on whole numbers only"))
    amount_ok = False
    if right.kind == NUMBER:
        amount_ok = all_of(present(right), has_tag(b, "int"), b.value >= 0, b.value <= MAX_SHIFT)
    checks.add(
        negate(amount_ok),
        EVALUATION_ERROR,
        _("shift amount must be a whole number from 0 to {limit}", limit=MAX_SHIFT),
    )
    scale = pl.lit(2.0).pow(b.value)
    value = a.value * scale if op is ast.LShift else exact_divide(a.value, scale).floor()
    checks.add(~value.is_finite(), OVERFLOW, "int too large to convert to float")
    return checks.give(Val(NUMBER, value, "int", finite=False))


def _power(base: Val, exponent: Val) -> Val:
    """``_pow``: the exponent limit, the size of whole powers, real results only."""
    checks = Checks()
    a, b = number(base), number(exponent)
    if exponent.kind in (NUMBER, BOOL):
        checks.add(
            (b.value.abs() > MAX_EXPONENT) & ~b.value.is_nan(),
            EVALUATION_ERROR,
            *filled(
                _("exponent {amount} is above the limit of {limit}"),
                amount=py_str(exponent),
                limit=MAX_EXPONENT,
            ),
        )
    ints = all_of(_int_like(a), _int_like(b)) if STRING not in (base.kind, exponent.kind) else False
    if ints is not False:
        too_big = bit_length(a.value) * b.value.abs() > MAX_INT_BITS
        checks.add(all_of(ints, too_big), EVALUATION_ERROR, _("power result would be too large"))
    if STRING in (base.kind, exponent.kind):
        checks.add(True, TYPE_ERROR, *_unsupported_operands("** or pow()", base, exponent))
        return checks.give(Val(NUMBER, pl.lit(None, pl.Float64)))
    missing = any_of(is_missing(base), is_missing(exponent))
    checks.add(missing, TYPE_ERROR, *_unsupported_operands("** or pow()", base, exponent))
    checks.add(
        (a.value == 0) & (b.value < 0), ZERO_DIVISION, "0.0 cannot be raised to a negative power"
    )
    fractional = b.value != b.value.floor()
    checks.add(
        (a.value < 0) & fractional & b.value.is_finite(),
        EVALUATION_ERROR,
        *filled(
            _("{base} ** {exponent} has no real value (a negative number to a fractional power)"),
            base=py_str(base),
            exponent=py_str(exponent),
        ),
    )
    value = a.value.pow(b.value)
    finite_in = a.value.is_finite() & b.value.is_finite()
    checks.add(finite_in & ~value.is_finite(), OVERFLOW, "(34, 'Numerical result out of range')")
    is_int = all_of(ints, b.value >= 0) if ints is not False else False
    return checks.give(Val(NUMBER, value, _tag_of(is_int), finite=False))


# ------------------------------------------------------------------ comparisons


def compare(op: type, left: Val, right: Val) -> tuple[Cond, Checks]:
    """One comparison of a chain: its result per row and the TypeErrors it raises."""
    checks = Checks()
    if op in (ast.Eq, ast.NotEq):
        same = equal(left, right)
        return (same if op is ast.Eq else negate(same)), checks
    if op in (ast.In, ast.NotIn):
        found = _contains(left, right, checks)
        return (found if op is ast.In else negate(found)), checks
    if LIST in (left.kind, right.kind):
        raise Unsupported(_("lists cannot be ordered"))
    symbol = _ORDER[op]
    words = (
        f"'{symbol}' not supported between instances of '",
        type_name(left),
        "' and '",
        type_name(right),
        "'",
    )
    numeric = {left.kind, right.kind} <= {NUMBER, BOOL}
    if (left.kind == right.kind == STRING) or numeric:
        checks.add(any_of(is_missing(left), is_missing(right)), TYPE_ERROR, *words)
    else:
        checks.add(True, TYPE_ERROR, *words)
        return False, checks
    x, y = (number(left).value, number(right).value) if numeric else (left.value, right.value)
    result = {ast.Lt: x < y, ast.LtE: x <= y, ast.Gt: x > y, ast.GtE: x >= y}[op]
    if numeric and not (left.finite and right.finite):
        result = result & ~(x.is_nan() | y.is_nan())  # nan compares false, as in Python
    return result.fill_null(False), checks


def _contains(item: Val, container: Val, checks: Checks) -> Cond:
    if container.kind == LIST:
        return any_of(*(equal(item, element) for element in container.items))
    if container.kind == STRING:
        checks.add(is_missing(container), TYPE_ERROR, "argument of type 'NoneType' is not iterable")
        if item.kind != STRING:
            checks.add(
                True,
                TYPE_ERROR,
                "'in <string>' requires string as left operand, not ",
                type_name(item),
            )
            return False
        checks.add(
            is_missing(item),
            TYPE_ERROR,
            "'in <string>' requires string as left operand, not NoneType",
        )
        return container.value.str.contains(item.value, literal=True).fill_null(False)
    checks.add(True, TYPE_ERROR, "argument of type '", type_name(container), "' is not iterable")
    return False

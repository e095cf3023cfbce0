"""Values of the columnar expression backend: one column per rule value, with its failures.

A :class:`Val` is what one piece of a rule expression gives for every row of a
batch: the value as a polars expression (Float64 for numbers, Boolean for true/false,
String for text), which Python type each row's value has (a number may be an ``int``,
a ``float`` or a ``bool`` that joined arithmetic), and where evaluating it raised: a
Boolean ``fail`` and the error (its kind and words) for those rows. Errors are text
``<kind><message>``: the kind is one letter naming the Python exception the same
expression would raise in Python (see :data:`TYPE_ERROR` and the others), from which
the compiler makes the words a person reads.

Static knowledge (a constant, a value that can never be missing or infinite, a type
every row shares) is kept as plain Python values, so the common cases compile to
plain column arithmetic. The helpers here (conditions, the checks a function makes,
truthiness, equality, sums and divisions as Python adds and divides) are shared by
the compiler (:mod:`kinerja.expr.columnar`) and the vectorised library
(:mod:`kinerja.functions.columnar`); what Python shows of a value is in
:mod:`kinerja.functions.columnar_shown`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import reduce

import numpy as np
import polars as pl

from kinerja.i18n.columns import pieces

NUMBER, BOOL, STRING, NONE, LIST = "number", "bool", "string", "none", "list"
DTYPES: dict[str, pl.DataType] = {
    NUMBER: pl.Float64(),
    BOOL: pl.Boolean(),
    STRING: pl.String(),
    NONE: pl.Float64(),
}
TAG_CODES = {"bool": 1, "int": 2, "float": 3}
"""Per-row codes of the Python type of a number's value (a UInt8 column)."""

TYPE_ERROR, FUNCTION_ERROR, ZERO_DIVISION, EVALUATION_ERROR, OVERFLOW = "T", "F", "Z", "E", "O"
"""The exception the row would raise in Python, as the first letter of its error."""
OTHER_ERROR = "X"
"""Any other exception: the words after the letter are ``"<type name>: <message>"``."""

Cond = pl.Expr | bool
"""A per-row condition, or a constant one known when compiling."""

_UNKNOWN = object()


class MixedKinds(Exception):
    """A value would be text in some rows and a number (or a list) in others."""


class Unsupported(Exception):
    """A call the columnar backend cannot hold in columns; the message says why."""


@dataclass(frozen=True)
class Val:
    """One expression's value over a batch, with where it fails (see the module doc)."""

    kind: str
    """:data:`NUMBER`, :data:`BOOL`, :data:`STRING`, :data:`NONE` or :data:`LIST`."""
    value: pl.Expr
    tag: str | pl.Expr = "float"
    """For numbers: ``"int"``, ``"float"``, ``"bool"``, or a UInt8 column of :data:`TAG_CODES`."""
    fail: Cond = False
    error: pl.Expr | None = None
    """``<kind><message>`` where ``fail`` holds; anything elsewhere."""
    items: tuple[Val, ...] = ()
    """A list's items (lists are known when compiling)."""
    finite: bool = True
    """No row holds inf or nan."""
    nullable: bool = True
    """Some row may be missing (None)."""
    const: object = _UNKNOWN
    """The Python value, when it is a constant."""
    bools: bool = False
    """A number some of whose rows are true/false (``x if c else a > b``)."""

    @property
    def is_const(self) -> bool:
        """Whether the value is a constant known when compiling."""
        return self.const is not _UNKNOWN

    def bare(self) -> Val:
        """The value without its failures."""
        return replace(self, fail=False, error=None)


# ------------------------------------------------------------------ conditions


def any_of(*conds: Cond) -> Cond:
    """Row-wise or; constants folded."""
    live = [c for c in conds if c is not False]
    if any(c is True for c in live):
        return True
    if not live:
        return False
    return reduce(lambda a, b: a | b, live)  # type: ignore[arg-type, return-value]


def all_of(*conds: Cond) -> Cond:
    """Row-wise and; constants folded."""
    live = [c for c in conds if c is not True]
    if any(c is False for c in live):
        return False
    if not live:
        return True
    return reduce(lambda a, b: a & b, live)  # type: ignore[arg-type, return-value]


def negate(cond: Cond) -> Cond:
    """Row-wise not."""
    return (not cond) if isinstance(cond, bool) else ~cond


def as_expr(cond: Cond) -> pl.Expr:
    """A condition as a Boolean expression."""
    return pl.lit(cond) if isinstance(cond, bool) else cond


def pick(pairs: Sequence[tuple[Cond, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    """``pairs[0]``'s expression where its condition holds, else the next pair's..."""
    chain = None
    for cond, expr in pairs:
        if cond is False:
            continue
        if cond is True:
            return expr if chain is None else chain.otherwise(expr)
        chain = pl.when(cond).then(expr) if chain is None else chain.when(cond).then(expr)
    return otherwise if chain is None else chain.otherwise(otherwise)


def first_failure(parts: Sequence[tuple[Cond, pl.Expr | None]]) -> tuple[Cond, pl.Expr | None]:
    """The failure of a sequence of evaluations: the first one that fails, per row."""
    live = [(c, e) for c, e in parts if c is not False and e is not None]
    if not live:
        return False, None
    fail = any_of(*(c for c, _ in live))
    return fail, pick(live[:-1], live[-1][1])


def after(parts: Sequence[Val], result: Val) -> Val:
    """``result`` evaluated after ``parts``: their failures come first, in order."""
    fail, error = first_failure([*((p.fail, p.error) for p in parts), (result.fail, result.error)])
    return replace(result, fail=fail, error=error)


def filled(template: str, **values: object) -> tuple[str | pl.Expr, ...]:
    """The parts of an error's words (for :func:`message` and :meth:`Checks.add`):
    ``template``, a message translated already, with each ``{name}`` filled from
    ``values`` (:func:`kinerja.i18n.columns.pieces`)."""
    return tuple(pieces(template, values))


def message(kind: str, *parts: str | pl.Expr) -> pl.Expr:
    """An error of ``kind`` whose words are ``parts`` joined."""
    pieces: list[str | pl.Expr] = [kind, *parts]
    if all(isinstance(p, str) for p in pieces):
        return pl.lit("".join(pieces))  # type: ignore[arg-type]
    return pl.concat_str([pl.lit(p) if isinstance(p, str) else p for p in pieces])


class Checks:
    """The failures a function checks for, in the order it checks them.

    With more than one, the first that holds is found once, as a small code column,
    and the words are picked from the list of them by the code: each condition and
    each message appears once in the expression.
    """

    def __init__(self) -> None:
        self.pairs: list[tuple[Cond, pl.Expr]] = []
        self.guard: Cond = False

    def add(self, cond: Cond, kind: str, *parts: str | pl.Expr) -> None:
        """Fail with ``kind`` and the words ``parts`` where ``cond`` holds (and nothing
        added before does)."""
        if cond is False:
            return
        if isinstance(cond, pl.Expr):
            cond = cond.fill_null(False)
        self.pairs.append((cond, message(kind, *parts)))

    def unless(self, cond: Cond) -> None:
        """No failure where ``cond`` holds (a fast path gave the result there)."""
        self.guard = any_of(self.guard, cond)

    def give(self, value: Val) -> Val:
        """``value`` with these failures as its own."""
        live = [(c, e) for c, e in self.pairs if c is not False]
        if len(live) > 1:
            none = pl.lit(None, pl.UInt16)
            code = pick([(c, pl.lit(i, pl.UInt16)) for i, (c, _) in enumerate(live)], none)
            if self.guard is not False:
                code = pick([(self.guard, none)], code)
            words = pl.concat_list([e for _, e in live]).list.get(code, null_on_oob=True)
            live = [(code.is_not_null(), words)]
        elif live and self.guard is not False:
            live = [(all_of(negate(self.guard), live[0][0]), live[0][1])]
        fail, error = first_failure([*live, (value.fail, value.error)])
        return replace(value, fail=fail, error=error)


# ------------------------------------------------------------------ building values


def constant(value: object) -> Val:
    """A Python constant as a value."""
    if value is None:
        return Val(NONE, pl.lit(None, pl.Float64), nullable=False, const=None)
    if isinstance(value, bool):
        return Val(BOOL, pl.lit(value), nullable=False, const=value)
    if isinstance(value, (int, float)):
        tag = "int" if isinstance(value, int) else "float"
        finite = bool(np.isfinite(float(value)))
        expr = pl.lit(float(value), pl.Float64)
        return Val(NUMBER, expr, tag, nullable=False, const=value, finite=finite)
    if isinstance(value, str):
        return Val(STRING, pl.lit(value, pl.String), nullable=False, const=value)
    raise TypeError(f"no constant of type {type(value).__name__}")


def column(kind: str, expr: pl.Expr, *, finite: bool = True) -> Val:
    """A value read from a column of ``kind`` (a number column holds Python floats)."""
    if kind == NONE:
        return constant(None)
    return Val(kind, expr.cast(DTYPES[kind]), "float", finite=finite)


def number(v: Val) -> Val:
    """``v`` as a number: true/false become a number tagged ``bool``; text and missing, null."""
    if v.kind == NUMBER:
        return v
    if v.kind == BOOL:
        return replace(v, kind=NUMBER, value=v.value.cast(pl.Float64), tag="bool", bools=True)
    empty = pl.lit(None, pl.Float64)  # no row holds a number: every one reads as missing
    return replace(
        v, kind=NUMBER, value=empty, tag="float", items=(), nullable=True, const=_UNKNOWN
    )


def tag_code(v: Val) -> pl.Expr:
    """The per-row type code of a number (see :data:`TAG_CODES`)."""
    if isinstance(v.tag, str):
        return pl.lit(TAG_CODES[v.tag], pl.UInt8)
    return v.tag


def has_tag(v: Val, tag: str) -> Cond:
    """Rows whose number is of the Python type ``tag`` (missing rows included)."""
    if v.kind == BOOL:
        return tag == "bool"
    if v.kind != NUMBER:
        return False
    if isinstance(v.tag, str):
        return v.tag == tag
    return v.tag == TAG_CODES[tag]


def is_missing(v: Val) -> Cond:
    """Rows where the value is None."""
    if v.kind == NONE:
        return True
    if v.kind == LIST or not v.nullable:
        return False
    return v.value.is_null()


def present(v: Val) -> Cond:
    """Rows where the value is not None."""
    return negate(is_missing(v))


def merge_tags(cond: Cond, a: Val, b: Val) -> str | pl.Expr:
    """The type tag of ``a`` where ``cond`` holds, else of ``b``."""
    if isinstance(a.tag, str) and isinstance(b.tag, str) and a.tag == b.tag:
        return a.tag
    return pick([(cond, tag_code(a))], tag_code(b))


def select(cond: Cond, a: Val, b: Val) -> Val:
    """``a`` where ``cond`` holds, else ``b`` (values only; failures are the caller's)."""
    if cond is True:
        return a.bare()
    if cond is False:
        return b.bare()
    if a.kind == NONE and b.kind == NONE:
        return constant(None)
    if a.kind == NONE:
        a = replace(b, value=pl.lit(None, DTYPES[b.kind]), const=_UNKNOWN, nullable=True)
    if b.kind == NONE:
        b = replace(a, value=pl.lit(None, DTYPES[a.kind]), const=_UNKNOWN, nullable=True)
    if {a.kind, b.kind} == {NUMBER, BOOL}:
        a, b = number(a), number(b)
    if a.kind != b.kind or a.kind == LIST:
        raise MixedKinds
    value = pl.when(cond).then(a.value).otherwise(b.value)
    tag = merge_tags(cond, a, b) if a.kind == NUMBER else "float"
    nullable = a.nullable or b.nullable
    finite = a.finite and b.finite
    bools = a.bools or b.bools
    return Val(a.kind, value, tag, finite=finite, nullable=nullable, bools=bools)


def truthy(v: Val) -> Cond:
    """Python's truth of each row's value (None is false, as are 0 and empty text)."""
    if v.is_const:
        return bool(v.const)
    if v.kind == NONE:
        return False
    if v.kind == LIST:
        return bool(v.items)
    if v.kind == BOOL:
        return v.value.fill_null(False)
    if v.kind == STRING:
        return (v.value.str.len_bytes() > 0).fill_null(False)
    return (v.value != 0).fill_null(False)


def equal(a: Val, b: Val) -> Cond:
    """Python's ``a == b`` for each row: never raises; None equals only None."""
    if a.is_const and b.is_const:
        return bool(a.const == b.const)
    if a.kind == LIST or b.kind == LIST:
        if a.kind != b.kind or len(a.items) != len(b.items):
            return False
        return all_of(*(equal(x, y) for x, y in zip(a.items, b.items, strict=True)))
    if NONE in (a.kind, b.kind):
        return all_of(is_missing(a), is_missing(b))
    if a.kind == b.kind == STRING:
        return a.value.eq_missing(b.value)
    if STRING in (a.kind, b.kind):
        return all_of(is_missing(a), is_missing(b))
    x, y = number(a).value, number(b).value
    same = x.eq_missing(y)
    if not (a.finite and b.finite):
        same = same & ~x.is_nan().fill_null(False)  # nan equals nothing, not even nan
    return same


def is_plain_number(v: Val) -> Cond:
    """``type(v) in (int, float)``: present and not true/false (text never is)."""
    if v.kind != NUMBER:
        return False
    return all_of(present(v), negate(has_tag(v, "bool")))


def finite(v: Val) -> Cond:
    """Rows whose number is finite (missing rows count as finite)."""
    return True if v.finite else v.value.is_finite().fill_null(True)


def zeros() -> pl.Expr:
    """A column of 0.0 that polars cannot fold into a literal."""
    return pl.int_range(pl.len()).clip(0, 0).cast(pl.Float64)


def plus_zero(x: pl.Expr) -> pl.Expr:
    """``0.0 + x``: ``x``, but a negative zero made positive (polars drops a literal
    ``+ 0.0``, so a column of zeros is added)."""
    return x + zeros()


def plus_zero_unless(cond: Cond, x: pl.Expr) -> pl.Expr:
    """``x`` where ``cond`` holds, else ``0.0 + x`` (``x`` is read once)."""
    if cond is True:
        return x
    if cond is False:
        return plus_zero(x)
    return x + pl.when(cond).then(pl.lit(-0.0)).otherwise(pl.lit(0.0))  # x + -0.0 is x


def running_sum(terms: Sequence[pl.Expr]) -> pl.Expr:
    """``total = 0.0; for t in terms: total += t``, left to right.

    The terms are added from the first (polars would drop the ``0.0 +``), and a zero
    total is made positive, as adding to ``0.0`` makes it.
    """
    if not terms:
        return pl.lit(0.0)
    return plus_zero(reduce(lambda a, b: a + b, terms))


def exact_divide(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """``numerator / denominator`` correctly rounded, as Python divides.

    Polars divides by a broadcast value through its reciprocal; a divisor that reads
    no column is made a column first by adding a column of zeros, which changes no
    divisor but the sign of a zero.
    """
    if not denominator.meta.root_names():
        denominator = denominator + zeros()
    return numerator / denominator

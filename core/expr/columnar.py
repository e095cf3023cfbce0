"""Compile checked rule expressions to polars expressions, with per-row failure reasons.

The engine's one expression backend: a checked tree (see :mod:`kinerja.expr.check`)
becomes polars expressions over a whole batch, with Python's semantics row by row:

- Python truthiness in ``and``/``or``/``not``/``x if c else y``; only the branch
  taken (and the operands ``and``/``or`` reach) can fail a row;
- ``==``/``!=``/``in`` never raise (None equals only None); ``<`` with None or text
  against a number raises TypeError, as in Python;
- numbers are Float64 columns that remember, per row, whether Python would hold an
  ``int``, a ``float`` or a ``bool``; ``/``, ``//``, ``%`` and ``**`` follow
  Python's float algorithms and the guards of :mod:`kinerja.expr.guards`;
- computed numbers are tidied (:func:`kinerja.numbers.tidy`) where a rule names,
  compares or bands them (compared operands, band arguments, numeric step results);
- a row whose evaluation would raise in Python fails with the reason in words (the
  value missing, division by zero, a number too large...), and the rest of the
  batch goes on.

A value polars cannot hold in one column (text in some rows and a number in others,
a list) is refused when compiling, with an :class:`~kinerja.errors.ExprError`
naming the expression.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import TypeVar

import polars as pl

from kinerja.errors import ExprError
from kinerja.expr.check import Checked
from kinerja.expr.steps import Bands, Step, computed
from kinerja.expr.trace import Tracer
from kinerja.frames import filled, per_count
from kinerja.functions import FUNCTIONS
from kinerja.functions.columnar import VECTORISED
from kinerja.functions.columnar_operators import binary, compare
from kinerja.functions.columnar_shown import (
    type_name,
)
from kinerja.functions.columnar_values import (
    BOOL,
    EVALUATION_ERROR,
    FUNCTION_ERROR,
    LIST,
    NONE,
    NUMBER,
    OTHER_ERROR,
    OVERFLOW,
    STRING,
    TAG_CODES,
    TYPE_ERROR,
    ZERO_DIVISION,
    Checks,
    Cond,
    MixedKinds,
    Unsupported,
    Val,
    after,
    all_of,
    any_of,
    as_expr,
    column,
    constant,
    first_failure,
    is_missing,
    message,
    negate,
    number,
    pick,
    select,
    truthy,
)
from kinerja.i18n import N_, _, ngettext
from kinerja.numbers import shown, tidy

__all__ = [
    "Column",
    "Steps",
    "compile_column",
    "compile_steps",
    "declared_types",
    "truth",
    "without_hidden",
]

_LENIENT = {"mean", "coalesce", "total", "count", "min", "max"}


@dataclass(frozen=True)
class Column:
    """One compiled expression: its value and the reason a row fails, per row."""

    value: pl.Expr
    """The value (null where Python gives None or where the row fails)."""
    error: pl.Expr
    """String: null where the row evaluates, else why it fails, in words."""
    type: str
    """``number``, ``string``, ``bool`` or ``none``."""

    bindings: tuple[tuple[str, pl.Expr], ...] = ()
    """Hidden columns the value and the words read, each computed in turn: every part
    of the expression is one column, so the expression grows with its length, never
    with its depth (an operator reads its operands many times)."""

    @property
    def dtype(self) -> pl.DataType:
        """The value's column type."""
        return _DTYPE[self.type]()

    def prepare(self, frame: F) -> F:
        """``frame`` with the hidden columns :attr:`value` and :attr:`error` read (their
        names start with ``__kinerja_``; :func:`without_hidden` drops them)."""
        for name, expr in self.bindings:
            frame = frame.with_columns(_full(expr).alias(name))
        return frame


F = TypeVar("F", pl.DataFrame, pl.LazyFrame)
Watch = Callable[[Step], AbstractContextManager[object]]
"""Told of each step as it is computed (see :meth:`Steps.apply`)."""


def without_hidden(frame: F) -> F:
    """``frame`` without the hidden working columns of compiled expressions."""
    return frame.drop([c for c in frame.collect_schema().names() if c.startswith(_HIDDEN)])


def _unsupported(node: ast.AST, source: str, message: str, **values: object) -> ExprError:
    """The error of a part of ``source`` that cannot be a column: ``message`` (marked
    with ``N_``) says why, its ``{part}`` filled with the part."""
    part = ast.get_source_segment(source, node) or source
    return ExprError(_(message, part=part, **values), getattr(node, "col_offset", 0))


_MIXED = N_(
    "`{part}` is text for some employees and a number (or true/false) for others; a column "
    "holds one kind of value: convert the branches to one kind"
)
_LISTED = N_("`{part}` is a list; a column holds one value per employee")
_UNSUPPORTED = N_("`{part}` cannot be computed in columns: {why}")


_BOUND = (ast.BinOp, ast.Call, ast.BoolOp, ast.IfExp, ast.UnaryOp, ast.Compare)


class _Compiler:
    """Turns a checked tree into a :class:`Val`; names come from ``env``.

    With ``bind``, each operation's value, failure and type tag are handed to it as
    they are made, and it may put them in columns of their own (see :class:`_Bindings`):
    a parent reads its operands several times (value, checks, words), so inlined
    expressions would grow with every level of nesting.
    """

    def __init__(
        self,
        env: Mapping[str, Val],
        bands: Bands,
        source: str,
        bind: Callable[[Val], Val] | None = None,
        trace: Tracer | None = None,
    ):
        self.env, self.bands, self.source, self.bind = env, bands, source, bind
        self.trace = trace

    def visit(self, node: ast.AST) -> Val:
        method: Callable[[ast.AST], Val] = getattr(self, "visit_" + type(node).__name__)
        try:
            val = method(node)
            if self.bind is not None and isinstance(node, _BOUND):
                val = self.bind(val)
            return val
        except MixedKinds:
            raise _unsupported(node, self.source, _MIXED) from None
        except Unsupported as exc:
            raise _unsupported(node, self.source, _UNSUPPORTED, why=exc) from None

    # leaves -------------------------------------------------------------
    def visit_Constant(self, node: ast.Constant) -> Val:
        return constant(node.value)

    def visit_Name(self, node: ast.Name) -> Val:
        return self.env[node.id]

    def visit_List(self, node: ast.List | ast.Tuple) -> Val:
        items = [self.visit(e) for e in node.elts]
        listed = Val(LIST, pl.lit(None), items=tuple(i.bare() for i in items), nullable=False)
        return after(items, listed)

    visit_Tuple = visit_List

    def tidied(self, node: ast.expr) -> Val:
        """The operand, tidied when it computes a number (see :func:`computed`)."""
        v = self.visit(node)
        wanted = computed(node) and getattr(node, "kinerja_type", None) in (NUMBER, "any")
        if wanted and v.kind == NUMBER:
            return replace(v, value=tidy(v.value))
        return v

    # operators ------------------------------------------------------------
    def visit_UnaryOp(self, node: ast.UnaryOp) -> Val:
        v = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            truth = negate(truthy(v))
            own = constant(truth) if isinstance(truth, bool) else Val(BOOL, truth, nullable=False)
            return after([v], own)
        sign = "-" if isinstance(node.op, ast.USub) else "+"
        checks = Checks()
        bad = _("bad operand type for unary {sign}: '{type}'")
        if v.kind in (NUMBER, BOOL, NONE):
            checks.add(is_missing(v), TYPE_ERROR, bad.format(sign=sign, type="NoneType"))
        else:
            checks.add(True, TYPE_ERROR, filled(bad, sign=sign, type=type_name(v)))
        n = number(v)
        tag = n.tag
        if isinstance(tag, str) and tag == "bool":
            tag = "int"
        elif isinstance(tag, pl.Expr):
            tag = (
                pl.when(tag == TAG_CODES["bool"])
                .then(pl.lit(TAG_CODES["int"], pl.UInt8))
                .otherwise(tag)
            )
        value = -n.value if sign == "-" else n.value
        own = Val(NUMBER, value, tag, finite=n.finite, nullable=n.nullable)
        return after([v], checks.give(own))

    def visit_BinOp(self, node: ast.BinOp) -> Val:
        left, right = self.visit(node.left), self.visit(node.right)
        if LIST in (left.kind, right.kind):
            raise Unsupported(_("lists cannot be used in arithmetic"))
        own = binary(type(node.op), left.bare(), right.bare())
        return after([left, right], own)

    def visit_BoolOp(self, node: ast.BoolOp) -> Val:
        conjunction = isinstance(node.op, ast.And)
        if self.trace is None:
            values = [self.visit(v) for v in node.values]
        else:
            values = self.trace.operands(self.visit, node, conjunction)
        result = values[-1]
        for v in reversed(values[:-1]):
            truth = truthy(v)
            stops = negate(truth) if conjunction else truth
            fail, error = first_failure(
                [(v.fail, v.error), (all_of(negate(stops), result.fail), result.error)]
            )
            merged = select(stops, v, result)
            result = replace(merged, fail=fail, error=error)
        return result

    def visit_IfExp(self, node: ast.IfExp) -> Val:
        test = self.visit(node.test)
        cond = truthy(test)
        if self.trace is None:
            body, orelse = self.visit(node.body), self.visit(node.orelse)
        else:
            body, orelse = self.trace.branches(self.visit, node, cond)
        merged = select(cond, body, orelse)
        fail, error = first_failure(
            [
                (test.fail, test.error),
                (all_of(cond, body.fail), body.error),
                (all_of(negate(cond), orelse.fail), orelse.error),
            ]
        )
        return replace(merged, fail=fail, error=error)

    def visit_Compare(self, node: ast.Compare) -> Val:
        prev = self.tidied(node.left)
        parts: list[tuple[Cond, pl.Expr | None]] = [(prev.fail, prev.error)]
        going: Cond = True  # rows whose chain has not stopped at a false comparison
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.tidied(comparator)
            parts.append((all_of(going, right.fail), right.error))
            result, checks = compare(type(op), prev.bare(), right.bare())
            parts += [(all_of(going, c), e) for c, e in checks.pairs]
            going = all_of(going, result)
            prev = right
        fail, error = first_failure(parts)
        own = constant(going) if isinstance(going, bool) else Val(BOOL, going, nullable=False)
        return replace(own, fail=fail, error=error)

    # calls ----------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> Val:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name == "band":
            value = self.tidied(node.args[0])
            table = node.args[1]
            assert isinstance(table, ast.Constant)
            tidied = computed(node.args[0]) and getattr(node.args[0], "kinerja_type", None) in (
                NUMBER,
                "any",
            )
            rows = self.bands[str(table.value)]
            label = after([value], VECTORISED["band"](value.bare(), rows, tidied=tidied))
            if self.trace is not None:
                self.trace.add("band", str(table.value), node, label.value)
            return label
        alone = _single_weight(node)
        if alone is not None:
            return self.visit(alone)
        args = [self.visit(a) for a in node.args]
        keywords = {str(k.arg): self.visit(k.value) for k in node.keywords}
        function = FUNCTIONS[name]
        bare = [a.bare() for a in args]
        bound = {k: v.bare() for k, v in keywords.items()}
        if function.variadic:
            result = VECTORISED[name](*bare)
        else:
            bound.update({p.name: v for p, v in zip(function.params, bare, strict=False)})
            result = VECTORISED[name](**bound)
        return after([*args, *keywords.values()], result)


def _single_weight(node: ast.Call) -> ast.expr | None:
    """The value of ``wmean([x], [w])``: ``x`` itself (one value with a positive weight)."""
    args = node.args
    if node.func.id != "wmean" or node.keywords or len(args) not in (2, 3):  # type: ignore[attr-defined]
        return None
    if len(args) == 3 and not (
        isinstance(args[2], ast.Constant) and args[2].value in ("renormalise", "incomplete")
    ):
        return None
    values, weights = args[0], args[1]
    if not (
        isinstance(values, (ast.List, ast.Tuple)) and isinstance(weights, (ast.List, ast.Tuple))
    ):
        return None
    if len(values.elts) != 1 or len(weights.elts) != 1:
        return None
    w = weights.elts[0]
    if not (isinstance(w, ast.Constant) and type(w.value) in (int, float) and w.value > 0):
        return None
    return values.elts[0]


# ------------------------------------------------------------------ failures in words


def _explain(
    val: Val,
    checked: Checked,
    missing: Mapping[str, pl.Expr | bool],
    describe: Callable[[str], str] | None,
    failure: pl.Expr | None = None,
) -> pl.Expr:
    """Why each failing row of ``val`` fails, in words (``failure``: ``val``'s error as
    computed already, e.g. a column; the words read it several times)."""
    source = checked.source
    failure = val.error if failure is None else failure
    assert failure is not None
    kind, detail = failure.str.slice(0, 1), failure.str.slice(1)
    flags = [as_expr(missing[n]) for n in checked.names]
    where = _("{detail} (in `{source}`)")
    words = [
        (kind == ZERO_DIVISION, pl.lit(_("division by zero in `{source}`", source=source))),
        (
            kind.is_in([FUNCTION_ERROR, EVALUATION_ERROR]),
            filled(where, detail=detail, source=source),
        ),
        (kind == OVERFLOW, pl.lit(_("number too large in `{source}`", source=source))),
        (kind == OTHER_ERROR, filled(where, detail=detail, source=source)),
    ]
    if flags:
        shown = [
            pl.when(f).then(pl.lit(describe(n) if describe else n))
            for n, f in zip(checked.names, flags, strict=True)
        ]
        count = pl.sum_horizontal([f.cast(pl.Int32) for f in flags])
        names = pl.concat_str(shown, separator=", ", ignore_nulls=True)
        lenient = bool(_LENIENT & set(checked.functions))
        said = per_count(
            _missing_lenient if lenient else _missing, count, names=names, source=source
        )
        gone = kind.is_in([TYPE_ERROR, FUNCTION_ERROR]) & (count > 0)
        words.insert(0, (gone, said))
    generic = filled(_("TypeError: {detail} (in `{source}`)"), detail=detail, source=source)
    return pick(words, generic)


def _missing(n: int, **values: object) -> str:
    """Missing data, where the rule could skip missing values (see :func:`_explain`)."""
    return ngettext(
        "{names} is missing for this employee, so `{source}` cannot be computed; add the data, "
        "or write the rule with coalesce() or mean(), which skip missing values",
        "{names} are missing for this employee, so `{source}` cannot be computed; add the data, "
        "or write the rule with coalesce() or mean(), which skip missing values",
        n,
        **values,
    )


def _missing_lenient(n: int, **values: object) -> str:
    """Missing data, where the rule already uses a function that skips missing values."""
    return ngettext(
        "{names} is missing for this employee, so `{source}` cannot be computed; add the data",
        "{names} are missing for this employee, so `{source}` cannot be computed; add the data",
        n,
        **values,
    )


def _materialise(val: Val, node: ast.AST, source: str) -> tuple[pl.Expr, str]:
    """The value as one column, and its type; refused when it cannot be one."""
    if val.kind == LIST:
        raise _unsupported(node, source, _LISTED)
    if val.kind == NUMBER and val.bools:
        raise _unsupported(node, source, _MIXED)
    if val.kind == NONE:
        return pl.lit(None, pl.Float64), NONE
    return val.value, val.kind


def _full(expr: pl.Expr) -> pl.Expr:
    """``expr`` as a full-length column: a constant's kernels give one value, not a column."""
    if expr.meta.root_names():
        return expr
    return pl.when(pl.int_range(pl.len()) >= 0).then(expr)


def _name_kind(node: ast.AST) -> str:
    """A name's column kind: its checked type; ``any`` (a name such as a component
    written ``coalesce(a, b)``) is read as a number column."""
    kind = getattr(node, "kinerja_type", None)
    if kind == "any":
        return NUMBER
    return kind if kind in (NUMBER, STRING, BOOL, NONE) else ""


def _declared(checked: Checked) -> dict[str, str]:
    """The type the checker gave each name the expression reads."""
    kinds: dict[str, str] = {}
    for node in ast.walk(checked.tree):
        if isinstance(node, ast.Name) and node.id in checked.names:
            kinds[node.id] = _name_kind(node)
    return kinds


def declared_types(checked: Checked) -> dict[str, pl.DataType]:
    """The column type each name the expression reads is expected to have."""
    return {name: _DTYPE.get(kind, pl.Float64)() for name, kind in _declared(checked).items()}


def truth(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Python's ``bool(value)`` for a column: false for missing, zero and empty text."""
    if dtype == pl.Boolean:
        test = value
    elif dtype.is_numeric():
        test = value != 0
    else:
        test = value.cast(pl.String).str.len_chars() > 0
    return test.fill_null(False)


def _input(name: str, kind: str, expr: pl.Expr, source: str) -> Val:
    if not kind:
        raise ExprError(
            _(
                "`{name}` in `{source}` is a list; a column holds one value per employee",
                name=name,
                source=source,
            )
        )
    return column(kind, expr)


def compile_column(
    checked: Checked,
    bands: Bands,
    *,
    column: Callable[[str], pl.Expr] = pl.col,
    describe: Callable[[str], str] | None = None,
    trace: Tracer | None = None,
) -> Column:
    """Compile one checked expression to its value and its failure words, per row.

    The value is tidied when the expression computes a number (not when it names
    one); the words say why a row fails.

    :param column: maps a declared name to the expression holding it (Float64 for
        numbers, String for text, Boolean for true/false; a name the checker typed
        ``any`` is read as a number).
    :param describe: says what a missing name is (e.g. ``komunikasi (no ratings)``).
    :param trace: opt-in, for rule coverage: collects the places each row reaches
        (see :mod:`kinerja.expr.trace`).
    :raises ExprError: when a value cannot be held in one column.
    """
    env = {n: _input(n, k, column(n), checked.source) for n, k in _declared(checked).items()}
    bindings = _Bindings(f"{_HIDDEN}c{next(_COMPILED)}_")
    val = _Compiler(env, bands, checked.source, bindings, trace).visit(checked.tree.body)
    value, kind = _materialise(val, checked.tree.body, checked.source)
    if _tidies(Step("_result", checked), val):
        value = tidy(value)  # a computed number, as a step's result is tidied
    bound = tuple(bindings.columns)
    if val.fail is False:
        return Column(_full(value), pl.lit(None, pl.String), kind, bound)
    missing = {n: is_missing(env[n]) for n in checked.names}
    fail = as_expr(val.fail)
    words = _explain(val, checked, missing, describe)
    return Column(
        _full(pl.when(fail).then(None).otherwise(value)),
        _full(pl.when(fail).then(words).otherwise(pl.lit(None, pl.String))),
        kind,
        bound,
    )


_COMPILED = itertools.count()
"""Numbers each compiled column's hidden columns, so that several can share a frame."""


# ------------------------------------------------------------------ rule programs

_HIDDEN = "__kinerja_"
_FIRST = f"{_HIDDEN}first"
"""The step that failed first on a row (null where none did)."""
_FAILURE = f"{_HIDDEN}failure"
"""A failing step's error (``<kind><message>``), on its failing rows."""


@dataclass(frozen=True)
class _Planned:
    """One compiled step: its value column, failure and (per-row) type tag."""

    step: Step
    val: Val
    value: pl.Expr
    kind: str
    tag: pl.Expr | None
    missing: dict[str, Cond]
    bindings: tuple[tuple[str, pl.Expr], ...]


def _tidies(step: Step, val: Val) -> bool:
    """Whether this step's result is tidied (a computed number, not a plain name)."""
    checked = step.checked
    if val.kind != NUMBER or checked.type in ("string", "bool", "list", "none"):
        return False
    return computed(checked.tree.body) and not isinstance(checked.tree.body, ast.Name)


class _Bindings:
    """Hidden columns that hold the parts of a step, computed in order before it."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.columns: list[tuple[str, pl.Expr]] = []

    def _column(self, expr: pl.Expr) -> pl.Expr:
        if expr.meta.is_column() or expr.meta.is_literal():
            return expr  # a column already, or a plain constant
        # anything else, a computed constant too (a type tag): its parent reads it many times
        name = f"{self.prefix}{len(self.columns)}"
        self.columns.append((name, expr))
        return pl.col(name)

    def __call__(self, val: Val) -> Val:
        if val.kind in (LIST, NONE):
            return val
        value = self._column(val.value.cast(_DTYPE[val.kind]))
        fail = self._column(val.fail) if isinstance(val.fail, pl.Expr) else val.fail
        tag = self._column(val.tag) if isinstance(val.tag, pl.Expr) else val.tag
        return replace(val, value=value, fail=fail, tag=tag)


def _plan(steps: Sequence[Step], bands: Bands, absent: frozenset[str]) -> tuple[_Planned, ...]:
    """Compile the steps in order; each reads the inputs and the earlier steps' columns."""
    produced = {s.name for s in steps}
    env: dict[str, Val] = {}
    planned = []
    for i, step in enumerate(steps):
        bindings = _Bindings(f"{_HIDDEN}b{i}_")
        checked = step.checked
        for name, kind in _declared(checked).items():
            if name not in produced and name not in env:
                expr = (
                    pl.lit(None, _DTYPE.get(kind, pl.Float64)) if name in absent else pl.col(name)
                )
                env[name] = _input(name, kind, expr, checked.source)
        val = _Compiler(env, bands, checked.source, bindings).visit(checked.tree.body)
        value, kind = _materialise(val, checked.tree.body, checked.source)
        if _tidies(step, val):
            value = tidy(value)
        if kind == NUMBER and not val.finite:
            val = _finite(val, value, checked, env)
        tag = val.tag if isinstance(val.tag, pl.Expr) and kind == NUMBER else None
        missing = {n: is_missing(env[n]) for n in checked.names}
        planned.append(_Planned(step, val, value, kind, tag, missing, tuple(bindings.columns)))
        read_tag = pl.col(f"{_HIDDEN}tag_{i}") if tag is not None else val.tag
        env[step.name] = Val(
            kind if kind != NONE else NUMBER,
            pl.col(step.name),
            read_tag if kind == NUMBER else "float",
            finite=val.finite,
        )
    return tuple(planned)


_DTYPE = {NUMBER: pl.Float64, STRING: pl.String, BOOL: pl.Boolean, NONE: pl.Float64}


def _finite(val: Val, value: pl.Expr, checked: Checked, env: Mapping[str, Val]) -> Val:
    """``val`` failing too where its value is infinite or not a number: a step's
    result is always a finite number (the words name the numbers it was made from)."""
    bad = value.is_not_null() & ~value.is_finite()
    numbers = [n for n in checked.names if env[n].kind == NUMBER]
    if not numbers:
        said = filled(_("the result is {value}, not a finite number"), value=shown(value))
    else:
        # i18n: a missing value, in a list of values ("a = 2, b = none")
        none = _("none")
        made = [
            pl.concat_str(pl.lit(f"{name} = "), shown(env[name].value).fill_null(none))
            for name in numbers
        ]
        said = filled(
            _("the result is {value}, not a finite number, from {values}"),
            value=shown(value),
            values=pl.concat_str(made, separator=", "),
        )
    fail, error = first_failure([(val.fail, val.error), (bad, message(EVALUATION_ERROR, said))])
    return replace(val, fail=fail, error=error)


@dataclass(frozen=True)
class Steps:
    """A compiled rule program: :meth:`apply` adds one column per step and ``_error``."""

    steps: tuple[Step, ...]
    bands: Bands
    describe: Callable[[str], str]
    score_weights: Mapping[str, float] | None
    labels: Mapping[str, str]
    plan: tuple[_Planned, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The step names, in order."""
        return tuple(s.name for s in self.steps)

    def _inputs(self) -> set[str]:
        produced = set(self.names)
        return {n for s in self.steps for n in s.checked.names if n not in produced}

    def apply(
        self, frame: pl.DataFrame | pl.LazyFrame, watch: Watch | None = None
    ) -> pl.DataFrame | pl.LazyFrame:
        """``frame`` with a column per step and ``_error`` (null where every step succeeds).

        A row that fails keeps nulls in the failing step and the later ones; ``_error``
        says why in ``engine._why``'s words. Names the frame lacks read as None.

        :param watch: for a DataFrame, each step is computed inside ``watch(step)``, one
            step at a time, so that a run's watchdog can say which rule it was computing
            (:mod:`kinerja.guard`).
        """
        lazy = frame.lazy()
        schema = lazy.collect_schema()
        absent = frozenset(n for n in self._inputs() if n not in schema)
        plan = self.plan if not absent else _plan(self.steps, self.bands, absent)
        failed: Cond = False
        flags: list[tuple[int, pl.Expr]] = []
        for i, p in enumerate(plan):
            for name, expr in p.bindings:
                lazy = lazy.with_columns(_full(expr).alias(name))
            extra = []
            if p.val.fail is not False:
                extra.append(_full(as_expr(p.val.fail)).alias(f"{_HIDDEN}fail_{i}"))
                flags.append((i, pl.col(f"{_HIDDEN}fail_{i}")))
            if p.tag is not None:
                extra.append(_full(p.tag).alias(f"{_HIDDEN}tag_{i}"))
            if extra:
                lazy = lazy.with_columns(extra)
            failed = any_of(failed, *(f for j, f in flags if j == i))
            value = p.value if failed is False else pl.when(failed).then(None).otherwise(p.value)
            lazy = lazy.with_columns(_full(value).cast(_DTYPE[p.kind]).alias(p.step.name))
            if watch is not None and isinstance(frame, pl.DataFrame):
                with watch(p.step):
                    lazy = lazy.collect().lazy()
        first = pick([(f, pl.lit(i, pl.Int32)) for i, f in flags], pl.lit(None, pl.Int32))
        hidden = [c for c in lazy.collect_schema() if c.startswith(_HIDDEN)]
        if isinstance(frame, pl.LazyFrame):
            words = [(first == i, _full(self._words(plan, i))) for i, _ in flags]
            return lazy.with_columns(pick(words, pl.lit(None, pl.String)).alias("_error")).drop(
                hidden
            )
        done = lazy.with_columns(first.alias(_FIRST)).collect()
        return done.drop([*hidden, _FIRST]).with_columns(self._failures(plan, done))

    def _failures(self, plan: Sequence[_Planned], done: pl.DataFrame) -> pl.Series:
        """``_error`` of a computed frame (its :data:`_FIRST` says which step failed first).

        The words of each failing step are made on that step's failing rows alone, with
        its failure read once (as a column), so that a long program's words cost what its
        failing steps say, not what all its steps could say. The loop is over the steps
        that failed somewhere, never over rows.
        """
        error = pl.Series("_error", [None] * done.height, dtype=pl.String)
        firsts = done.get_column(_FIRST)
        for i in firsts.drop_nulls().unique().sort().to_list():
            rows = (firsts == i).fill_null(False)
            failing = done.filter(rows).with_columns(_full(plan[i].val.error).alias(_FAILURE))
            shown = failing.select(self._words(plan, i, pl.col(_FAILURE))).to_series()
            error = error.scatter(rows.arg_true(), shown)
        return error

    def _words(self, plan: Sequence[_Planned], i: int, failure: pl.Expr | None = None) -> pl.Expr:
        """Why step ``i`` failed, in words; ``failure``: its failure, when already computed."""
        p = plan[i]
        why = _explain(p.val, p.step.checked, p.missing, self.describe, failure)
        words = filled(_("not appraised: rule '{rule}' failed: {why}"), rule=p.step.name, why=why)
        names = [q.step.name for q in plan[:i]]
        if not self.score_weights or "score" not in names:
            return words
        return pl.when(pl.col("score").is_null()).then(self._no_weights()).otherwise(words)

    def _no_weights(self) -> pl.Expr:
        """The reason when the score weighs a component that has no value."""
        weights = list(self.score_weights or {})
        gone = [pl.col(c).is_null() for c in weights]
        shown = [
            pl.when(g).then(pl.lit(f"{c} ({self.labels.get(c, c)})"))
            for c, g in zip(weights, gone, strict=True)
        ]
        count = pl.sum_horizontal([g.cast(pl.Int32) for g in gone])
        names = pl.concat_str(shown, separator=", ", ignore_nulls=True)
        return per_count(_unweighed, count, components=names)


def _unweighed(n: int, **values: object) -> str:
    """The score weighs components that have no value (see :meth:`Steps._no_weights`)."""
    return ngettext(
        "not appraised: the score weighs every component, but {components} has no value for "
        "this employee; add the missing data (capaian rows or ratings)",
        "not appraised: the score weighs every component, but {components} have no value for "
        "this employee; add the missing data (capaian rows or ratings)",
        n,
        **values,
    )


def compile_steps(
    steps: Sequence[Step],
    bands: Bands,
    *,
    describe: Callable[[str], str],
    score_weights: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Steps:
    """Compile a rule program (components, score, predikat) for whole batches.

    Each step may read the inputs and the earlier steps' results. Numeric results
    are tidied where they are computed (see :func:`_tidies`).

    :param describe: says what a missing name is (``engine._describer``).
    :param score_weights: the score's weights, for the reason given when a weighed
        component has no value.
    :param labels: component labels by name, for that reason.
    :raises ExprError: when a step's value cannot be held in one column.
    """
    plan = _plan(steps, bands, frozenset())
    return Steps(tuple(steps), bands, describe, score_weights, dict(labels or {}), plan)

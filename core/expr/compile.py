"""Turn checked expressions into one fast Python function per rule set.

Safety comes from :mod:`kinerja.expr.check`: only allow-listed syntax reaches this
module. Here the checked trees are rewritten so that names become local variables,
library calls go to the registered implementations, powers, shifts and possible
text repeats go through guards with caps, and list literals become tuples. The
result is compiled once, with no builtins in reach, and called once per employee.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kinerja.expr.check import NUMBER, Checked
from kinerja.expr.guards import (
    _GUARDS,
    EvaluationError,
    _check_int,
    _tidy,
)
from kinerja.functions import DECIMALS, FUNCTIONS, FunctionError, band_lookup


def _is_number(node: ast.AST) -> bool:
    return getattr(node, "kinerja_type", None) in (NUMBER, "bool")


_PASS_THROUGH = frozenset({"coalesce", "min", "max", "clamp", "abs", "round"})


def computed(node: ast.AST) -> bool:
    """Whether an expression makes a new number (arithmetic or a call), which may carry
    binary-float noise, rather than passing on a named value or a constant."""
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name in _PASS_THROUGH:  # they pick or round a value, adding no float noise
            return any(computed(a) for a in node.args)
        return True
    if isinstance(node, ast.BinOp):
        return True
    if isinstance(node, ast.UnaryOp):
        return computed(node.operand)
    if isinstance(node, ast.IfExp):
        return computed(node.body) or computed(node.orelse)
    if isinstance(node, ast.BoolOp):
        return any(computed(v) for v in node.values)
    return False


class _Rewriter(ast.NodeTransformer):
    """Rewrite a checked tree into guarded, locally-bound Python."""

    def __init__(self, local: Mapping[str, str], helpers: dict[tuple, str] | None = None):
        self.local = local
        self.helpers: dict[tuple, str] = {} if helpers is None else helpers

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.copy_location(ast.Name(id=self.local[node.id], ctx=ast.Load()), node)

    def visit_List(self, node: ast.List) -> ast.AST:
        elts = [self.visit(e) for e in node.elts]
        return ast.copy_location(ast.Tuple(elts=elts, ctx=ast.Load()), node)

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        """Compare computed numbers tidied, as people compare them: ``mean(...) < 3``."""
        operands = [node.left, *node.comparators]
        tidied = [self._tidied(operand) for operand in operands]
        compare = ast.Compare(left=tidied[0], ops=node.ops, comparators=tidied[1:])
        return ast.copy_location(compare, node)

    def _tidied(self, node: ast.expr) -> ast.AST:
        visited = self.visit(node)
        if computed(node) and getattr(node, "kinerja_type", None) in (NUMBER, "any"):
            return ast.Call(func=ast.Name(id="_tidy", ctx=ast.Load()), args=[visited], keywords=[])
        return visited

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        left, right = self.visit(node.left), self.visit(node.right)
        guard = None
        if isinstance(node.op, ast.Pow):
            guard = "_pow"
        elif isinstance(node.op, ast.LShift):
            guard = "_lshift"
        elif isinstance(node.op, ast.RShift):
            guard = "_rshift"
        elif not (_is_number(node.left) and _is_number(node.right)):
            guard = {ast.Mult: "_mul", ast.Mod: "_mod", ast.Add: "_add"}.get(type(node.op))
        if guard is None:
            return ast.copy_location(ast.BinOp(left=left, op=node.op, right=right), node)
        call = ast.Call(func=ast.Name(id=guard, ctx=ast.Load()), args=[left, right], keywords=[])
        return ast.copy_location(call, node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name == "band":
            table = node.args[1]
            assert isinstance(table, ast.Constant)
            func = ast.Name(id=_band_local(str(table.value)), ctx=ast.Load())
            return ast.copy_location(
                ast.Call(func=func, args=[self._tidied(node.args[0])], keywords=[]), node
            )
        intrinsic = self._intrinsic(node)
        if intrinsic is not None:
            return ast.copy_location(intrinsic, node)
        func = ast.Name(id="_f_" + name, ctx=ast.Load())
        args = [self.visit(a) for a in node.args]
        keywords = [ast.keyword(arg=k.arg, value=self.visit(k.value)) for k in node.keywords]
        return ast.copy_location(ast.Call(func=func, args=args, keywords=keywords), node)

    def _intrinsic(self, node: ast.Call) -> ast.AST | None:
        """Fast equivalents for the commonest calls; they fall back to the library.

        ``mean(a, b, ...)`` of numbers and ``wmean([a, b], [0.6, 0.4])`` with constant
        weights become plain arithmetic; when a value is missing (None) or not a
        number, the library function runs instead and gives its usual result or error.
        """
        assert isinstance(node.func, ast.Name)
        name, args = node.func.id, node.args
        if node.keywords:
            return None
        if (
            name == "mean"
            and args
            and not any(
                getattr(a, "kinerja_type", None) == "list" or isinstance(a, (ast.List, ast.Tuple))
                for a in args
            )
        ):
            helper = self.helper("mean", len(args), ())
        elif (
            name == "wmean"
            and len(args) in (2, 3)
            and (
                len(args) == 2
                or (
                    isinstance(args[2], ast.Constant)
                    and args[2].value in ("renormalise", "incomplete")
                )
            )
            and isinstance(args[0], (ast.List, ast.Tuple))
            and isinstance(args[1], (ast.List, ast.Tuple))
            and len(args[0].elts) == len(args[1].elts) > 0
            and all(
                isinstance(w, ast.Constant) and type(w.value) in (int, float) and w.value >= 0
                for w in args[1].elts
            )
            and sum(w.value for w in args[1].elts) > 0  # type: ignore[attr-defined]
        ):
            weights = tuple(w.value for w in args[1].elts)  # type: ignore[attr-defined]
            mode = args[2].value if len(args) == 3 else "renormalise"  # type: ignore[attr-defined]
            if len(weights) == 1:  # the weighted mean of one value is the value
                return self.visit(args[0].elts[0])
            helper = self.helper("wmean", len(weights), (*weights, mode))
            args = list(args[0].elts)
        elif (
            name == "coalesce"
            and len(args) == 2
            and isinstance(args[0], ast.Name)
            and not isinstance(args[1], (ast.List, ast.Tuple))
        ):
            first = self.visit(args[0])
            test = ast.Compare(left=first, ops=[ast.IsNot()], comparators=[ast.Constant(None)])
            return ast.IfExp(test=test, body=self.visit(args[0]), orelse=self.visit(args[1]))
        else:
            return None
        call_args = [self.visit(a) for a in args]
        return ast.Call(func=ast.Name(id=helper, ctx=ast.Load()), args=call_args, keywords=[])

    def helper(self, kind: str, arity: int, weights: tuple) -> str:
        """The name of a generated fast helper, defining it on first use."""
        key = (kind, arity, weights)
        if key not in self.helpers:
            self.helpers[key] = f"_{kind}_{len(self.helpers)}"
        return self.helpers[key]


@dataclass(frozen=True, slots=True)
class TracePoint:
    """What one trace id of a traced program means (see ``compile_program``'s ``trace``)."""

    id: int
    step: str
    kind: str
    """``band`` (the label a band call returned), ``if`` (a condition), ``and``/``or``."""
    detail: str
    """The band table, or the and/or operand's 0-based position (the last is not traced)."""
    start: int
    end: int
    """The node's columns in the step's expression source."""


class _TracingRewriter(_Rewriter):
    """Wraps band calls, ``if`` conditions and and/or operands (but the last) in ``_trace``."""

    def __init__(self, local: Mapping[str, str], helpers: dict | None, step: str, points: list):
        super().__init__(local, helpers)
        self.step, self.points = step, points

    def _wrap(self, kind: str, detail: str, node: ast.expr, value: ast.AST) -> ast.AST:
        end = node.end_col_offset or node.col_offset
        self.points.append(
            TracePoint(len(self.points), self.step, kind, detail, node.col_offset, end)
        )
        args = [ast.Constant(len(self.points) - 1), value]
        return ast.Call(func=ast.Name(id="_trace", ctx=ast.Load()), args=args, keywords=[])

    def visit_Call(self, node: ast.Call) -> ast.AST:
        rewritten = super().visit_Call(node)
        if not (isinstance(node.func, ast.Name) and node.func.id == "band"):
            return rewritten
        return self._wrap("band", str(getattr(node.args[1], "value", "")), node, rewritten)

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        test = self._wrap("if", "", node.test, self.visit(node.test))
        return ast.IfExp(test=test, body=self.visit(node.body), orelse=self.visit(node.orelse))

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        kind = "and" if isinstance(node.op, ast.And) else "or"
        values = [self.visit(v) for v in node.values]
        for i, original in enumerate(node.values[:-1]):
            values[i] = self._wrap(kind, str(i), original, values[i])
        return ast.BoolOp(op=node.op, values=values)


def _helper_source(name: str, kind: str, arity: int, weights: tuple) -> str:
    params = [f"a{i}" for i in range(arity)]
    signature = ", ".join(params)
    if kind == "mean":
        fast = f"({' + '.join(params)}) / {arity}"
        slow = f"_f_mean({signature})"
    else:
        *numbers, mode = weights
        total = sum(numbers)
        fast = "(" + " + ".join(f"{p} * {w!r}" for p, w in zip(params, numbers, strict=True))
        fast += f") / {total!r}"
        slow = f"_f_wmean(({signature},), {tuple(numbers)!r}, {mode!r})"
    # plain numbers take the fast arithmetic, as exact as the library's; anything else
    # (a missing value, text, true/false) goes to the library for its result or error
    checks = " and ".join(f"_type({p}) in _NUM" for p in params)
    return (
        f"    def {name}({signature}):\n"
        f"        if {checks}:\n"
        f"            _r = {fast}\n"
        f"            if _r - _r == 0:\n"
        f"                return _r\n"
        f"        return {slow}\n"
    )


def _band_source(name: str, rows: Sequence[tuple[str, float | None, float | None]]) -> str:
    """An if-chain for a band table: first band with min <= value < max wins."""
    # finite plain numbers take the if-chain; anything else (missing, text, true/false,
    # infinity) goes to band_lookup for its error, so both paths agree
    lines = [
        f"    def {name}(v):",
        "        if _type(v) in _NUM and v - v == 0:",
    ]
    for label, low, high in rows:
        tests = []
        if low is not None:
            tests.append(f"v >= {float(low)!r}")
        if high is not None:
            tests.append(f"v < {float(high)!r}")
        condition = " and ".join(tests) or "True"
        lines.append(f"            if {condition}: return {label!r}")
    lines.append(f"        return _band_lookup(v, _bands[{name!r}])")
    return "\n".join(lines) + "\n"


def _band_local(table: str) -> str:
    return "_band_" + table.encode("utf-8").hex()


def _local(name: str) -> str:
    """The local variable for a declared name; only plain identifiers reach generated code."""
    if not (name.isidentifier() and name.isascii()):
        raise ValueError(f"{name!r} is not a plain name")
    return "_v_" + name


def to_python(
    checked: Checked,
    local: Mapping[str, str] | None = None,
    helpers: dict[tuple, str] | None = None,
    *,
    points: list[TracePoint] | None = None,
    step: str = "",
) -> str:
    """The Python source of a checked expression, with names mapped to ``_v_<name>``.

    With ``points``, traced places are wrapped in ``_trace(id, value)`` (see TracePoint).
    """
    mapping = local or {n: _local(n) for n in checked.names}
    rewriter = _Rewriter(mapping, helpers)
    if points is not None:
        rewriter = _TracingRewriter(mapping, helpers, step, points)
    tree = rewriter.visit(ast.Expression(body=_copy(checked.tree.body)))
    ast.fix_missing_locations(tree)
    return ast.unparse(tree.body)


def _copy(node: ast.AST) -> ast.AST:
    """A deep copy that keeps the checker's type annotations."""
    clone = type(node)()
    for field, value in ast.iter_fields(node):
        if isinstance(value, list):
            setattr(clone, field, [_copy(v) if isinstance(v, ast.AST) else v for v in value])
        elif isinstance(value, ast.AST):
            setattr(clone, field, _copy(value))
        else:
            setattr(clone, field, value)
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset", "kinerja_type"):
        if hasattr(node, attr):
            setattr(clone, attr, getattr(node, attr))
    return clone


Bands = Mapping[str, Sequence[tuple[str, float | None, float | None]]]


@dataclass(frozen=True, slots=True)
class Step:
    """One named result of a program: ``name = expression``."""

    name: str
    checked: Checked


def _namespace(bands: Bands, steps: Sequence[Checked]) -> dict[str, object]:
    """What generated code may call: guards, library functions, band tables. No builtins."""
    namespace: dict[str, object] = {
        "__builtins__": {},
        "_round": round,
        "_type": type,
        "_float": float,
        "_band_lookup": band_lookup,
        "_bands": {_band_local(t): tuple(rows) for t, rows in bands.items()},
        "_f_mean": FUNCTIONS["mean"].impl,
        "_f_wmean": FUNCTIONS["wmean"].impl,
        "_Exception": Exception,
        "_int": int,
        "_NUM": (int, float),
        "_check_int": _check_int,
        "_tidy": _tidy,
        "_TypeError": TypeError,
        "_Failed": Failed,
    }
    namespace.update(_GUARDS)
    for checked in steps:
        for fname in checked.functions:
            if fname != "band":
                namespace["_f_" + fname] = FUNCTIONS[fname].impl
    return namespace


def compile_program(
    steps: Sequence[Step],
    bands: Bands,
    *,
    label: str = "rules",
    trace: Callable[[int, object], object] | None = None,
) -> Program:
    """Compile steps into one function ``values -> (step values, ...)`` and its batch form.

    Each step may read names from ``values`` and the results of earlier steps.
    Missing names read as ``None``. The function does not modify ``values``.
    Numeric step results are tidied to :data:`kinerja.functions.DECIMALS` places,
    so that arithmetic done by hand lands on the same side of a band boundary.

    The generated code is a factory whose closure binds every helper, so the
    per-row function reads them as fast local cells.

    :param steps: the checked expressions, in evaluation order.
    :param bands: band tables by name, as ``(label, min, max)`` rows.
    :param label: a name for tracebacks, such as the region.
    :param trace: opt-in, for coverage: ``trace(point_id, value)`` is called with each
        band call's label, each ``if`` condition and each and/or operand but the last;
        ``Program.points`` says what each id is. Without it nothing is traced.
    """
    points: list[TracePoint] | None = None if trace is None else []
    produced = {s.name for s in steps}
    inputs: dict[str, None] = {}
    for step in steps:
        for name in step.checked.names:
            if name not in produced:
                inputs.setdefault(name, None)
    helpers: dict[tuple, str] = {}
    statements = [f"{_local(name)} = _get({name!r})" for name in inputs]
    for step in steps:
        target = _local(step.name)
        expression = to_python(step.checked, helpers=helpers, points=points, step=step.name)
        statements.append(f"{target} = {expression}")
        if (
            step.checked.type in ("string", "bool", "list", "none")
            or not computed(step.checked.tree.body)
            or expression.isidentifier()
        ):
            continue  # text, or a named value / constant passed on as it is
        # every numeric result is tidied (floats to DECIMALS places) and bounded (whole
        # numbers to MAX_INT_BITS), so no chain of steps can grow a number without limit
        statements.append(f"if _type({target}) is _float: {target} = _round({target}, {DECIMALS})")
        statements.append(
            f"elif _type({target}) is _int: {target} = _check_int({target}, {step.name!r})"
        )
    outputs = ", ".join(_local(s.name) for s in steps) + ("," if len(steps) == 1 else "")
    row = ["    def _evaluate(_values):", "        _get = _values.get"]
    row += [f"        {line}" for line in statements]
    row.append(f"        return ({outputs})")
    # The batch form evaluates every row in one comprehension; only when a row
    # fails does it go row by row, so the failing rows are marked and the rest kept.
    batch = [
        "    def _evaluate_batch(_rows):",
        "        try:",
        "            return [_evaluate(_values) for _values in _rows]",
        "        except _Exception:",
        "            pass",
        "        _out = []",
        "        for _values in _rows:",
        "            try:",
        "                _out.append(_evaluate(_values))",
        "            except _Exception as _error:",
        "                _out.append(_Failed(_error))",
        "        return _out",
    ]
    namespace = _namespace(bands, [s.checked for s in steps])
    if trace is not None:
        namespace["_trace"] = lambda point, value: (trace(point, value), value)[1]
    names = sorted(k for k in namespace if k != "__builtins__")
    source = [f"def _factory({', '.join(names)}):"]
    for (kind, arity, weights), helper in helpers.items():
        source.append(_helper_source(helper, kind, arity, weights))
    for table, rows in bands.items():
        source.append(_band_source(_band_local(table), rows))
    source += row + batch
    source.append("    return _evaluate, _evaluate_batch")
    exec(compile("\n".join(source), f"<{label}>", "exec"), namespace)  # noqa: S102
    factory = namespace["_factory"]
    assert callable(factory)
    function, batch_function = factory(*(namespace[n] for n in names))
    return Program(function, batch_function, tuple(points or ()))


@dataclass(frozen=True, slots=True)
class Failed:
    """Marks a row of a batch whose evaluation raised; keeps the exception."""

    error: Exception


@dataclass(frozen=True, slots=True)
class Program:
    """A compiled rule program: per row, and over a whole batch in one call.

    ``batch(rows)`` returns one tuple of step values per row, or a :class:`Failed`
    for a row whose evaluation raised, so one bad row never stops the batch.
    """

    row: Callable[[Mapping[str, object]], tuple[object, ...]]
    batch: Callable[[Sequence[Mapping[str, object]]], list[tuple[object, ...] | Failed]]
    points: tuple[TracePoint, ...] = ()
    """What each trace id means, when compiled with ``trace`` (else empty)."""

    def __call__(self, values: Mapping[str, object]) -> tuple[object, ...]:
        return self.row(values)


def compile_expression(
    checked: Checked, bands: Bands, *, label: str = "expression"
) -> Callable[[Mapping[str, object]], object]:
    """Compile a single checked expression into ``values -> value``."""
    row = compile_program([Step("_result", checked)], bands, label=label).row

    def evaluate(values: Mapping[str, object]) -> object:
        return row(values)[0]

    return evaluate


def explain_failure(
    exc: BaseException,
    checked: Checked,
    values: Mapping[str, object],
    describe: Callable[[str], str] | None = None,
) -> str:
    """Plain words for why ``checked`` failed on ``values``.

    :param describe: says what a missing name is, e.g. ``"komunikasi (no ratings)"``.
    """
    missing = [n for n in checked.names if values.get(n) is None]
    if isinstance(exc, (TypeError, FunctionError)) and missing:
        names = ", ".join(describe(n) if describe else n for n in missing)
        lenient = {"mean", "coalesce", "total", "count", "min", "max"} & set(checked.functions)
        hint = (
            "add the data"
            if lenient
            else "add the data, or write the rule with coalesce() or mean(), which skip "
            "missing values"
        )
        return (
            f"{names} {'is' if len(missing) == 1 else 'are'} missing for this employee, "
            f"so `{checked.source}` cannot be computed; {hint}"
        )
    if isinstance(exc, ZeroDivisionError):
        return f"division by zero in `{checked.source}`"
    if isinstance(exc, (FunctionError, EvaluationError)):
        return f"{exc} (in `{checked.source}`)"
    if isinstance(exc, OverflowError):
        return f"number too large in `{checked.source}`"
    return f"{type(exc).__name__}: {exc} (in `{checked.source}`)"

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
from kinerja.functions import FUNCTIONS, FunctionError, band_lookup

MAX_EXPONENT = 64
MAX_INT_BITS = 4096
MAX_SHIFT = 64
MAX_TEXT = 10_000


class EvaluationError(ArithmeticError):
    """An expression could not be evaluated for one employee (a guard or a function refused)."""


def _pow(base: object, exponent: object) -> object:
    if isinstance(exponent, (int, float)) and abs(exponent) > MAX_EXPONENT:
        raise EvaluationError(f"exponent {exponent} is above the limit of {MAX_EXPONENT}")
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and base.bit_length() * abs(exponent) > MAX_INT_BITS
    ):
        raise EvaluationError("power result would be too large")
    return base**exponent  # type: ignore[operator]


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


def _is_number(node: ast.AST) -> bool:
    return getattr(node, "kinerja_type", None) in (NUMBER, "bool")


class _Rewriter(ast.NodeTransformer):
    """Rewrite a checked tree into guarded, locally-bound Python."""

    def __init__(self, local: Mapping[str, str]):
        self.local = local

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.copy_location(ast.Name(id=self.local[node.id], ctx=ast.Load()), node)

    def visit_List(self, node: ast.List) -> ast.AST:
        elts = [self.visit(e) for e in node.elts]
        return ast.copy_location(ast.Tuple(elts=elts, ctx=ast.Load()), node)

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
                ast.Call(func=func, args=[self.visit(node.args[0])], keywords=[]), node
            )
        func = ast.Name(id="_f_" + name, ctx=ast.Load())
        args = [self.visit(a) for a in node.args]
        keywords = [ast.keyword(arg=k.arg, value=self.visit(k.value)) for k in node.keywords]
        return ast.copy_location(ast.Call(func=func, args=args, keywords=keywords), node)


def _band_local(table: str) -> str:
    return "_band_" + table.encode("utf-8").hex()


def _local(name: str) -> str:
    return "_v_" + name


def to_python(checked: Checked, local: Mapping[str, str] | None = None) -> str:
    """The Python source of a checked expression, with names mapped to ``_v_<name>``."""
    mapping = local or {n: _local(n) for n in checked.names}
    tree = _Rewriter(mapping).visit(ast.Expression(body=_copy(checked.tree.body)))
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
    namespace: dict[str, object] = {"__builtins__": {}}
    namespace.update(_GUARDS)
    for checked in steps:
        for fname in checked.functions:
            if fname != "band":
                namespace["_f_" + fname] = FUNCTIONS[fname].impl
    for table, rows in bands.items():
        frozen = tuple(rows)

        def lookup(value: object, _rows: tuple = frozen) -> str:
            return band_lookup(value, _rows)

        namespace[_band_local(table)] = lookup
    return namespace


def compile_program(
    steps: Sequence[Step], bands: Bands, *, label: str = "rules"
) -> Callable[[Mapping[str, object]], tuple[object, ...]]:
    """Compile steps into one function ``values -> (step values, ...)``.

    Each step may read names from ``values`` and the results of earlier steps.
    Missing names read as ``None``. The function does not modify ``values``.

    :param steps: the checked expressions, in evaluation order.
    :param bands: band tables by name, as ``(label, min, max)`` rows.
    :param label: a name for tracebacks, such as the region.
    """
    produced = {s.name for s in steps}
    inputs: dict[str, None] = {}
    for step in steps:
        for name in step.checked.names:
            if name not in produced:
                inputs.setdefault(name, None)
    lines = ["def _evaluate(_values):", "    _get = _values.get"]
    for name in inputs:
        lines.append(f"    {_local(name)} = _get({name!r})")
    for step in steps:
        lines.append(f"    {_local(step.name)} = {to_python(step.checked)}")
    outputs = ", ".join(_local(s.name) for s in steps)
    lines.append(f"    return ({outputs}{',' if len(steps) == 1 else ''})")
    source = "\n".join(lines)
    namespace = _namespace(bands, [s.checked for s in steps])
    exec(compile(source, f"<{label}>", "exec"), namespace)  # noqa: S102 - checked trees only
    function = namespace["_evaluate"]
    assert callable(function)
    return function  # type: ignore[return-value]


def compile_expression(
    checked: Checked, bands: Bands, *, label: str = "expression"
) -> Callable[[Mapping[str, object]], object]:
    """Compile a single checked expression into ``values -> value``."""
    program = compile_program([Step("_result", checked)], bands, label=label)

    def evaluate(values: Mapping[str, object]) -> object:
        return program(values)[0]

    return evaluate


def explain_failure(exc: BaseException, checked: Checked, values: Mapping[str, object]) -> str:
    """Plain words for why ``checked`` failed on ``values``."""
    missing = [n for n in checked.names if values.get(n) is None]
    if isinstance(exc, TypeError) and missing:
        names = ", ".join(missing)
        return (
            f"{names} {'is' if len(missing) == 1 else 'are'} missing for this employee, "
            f"so `{checked.source}` cannot be computed; add the data, or write the rule with "
            "coalesce() or mean(), which skip missing values"
        )
    if isinstance(exc, ZeroDivisionError):
        return f"division by zero in `{checked.source}`"
    if isinstance(exc, (FunctionError, EvaluationError)):
        return f"{exc} (in `{checked.source}`)"
    if isinstance(exc, OverflowError):
        return f"number too large in `{checked.source}`"
    return f"{type(exc).__name__}: {exc} (in `{checked.source}`)"

"""The evaluation tree of one expression: each sub-expression with its value.

For ``kinerja eval --explain``. Every node's value comes from the engine itself: the
node's text is checked as an expression of its own and evaluated by
:func:`kinerja.expr.evaluate.evaluate_one` (the columnar compiler on a one-row frame),
so a node shows exactly what ``kinerja eval NODE`` shows, and the root exactly what
``kinerja eval EXPR`` shows. There is no second evaluator to drift from the engine.

A node Python would not evaluate is marked so and not computed: the operands of
``and``/``or`` after the one that decides, the branch of ``x if c else y`` not taken.
A list (an argument of ``mean([a, b])``) is the list of its items' values, as a list
cannot be a column of its own.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

from kinerja.expr.check import Checked, Scope, check_expression
from kinerja.expr.evaluate import evaluate_one
from kinerja.expr.steps import Bands
from kinerja.i18n import _

__all__ = ["Node", "explain_tree", "tree_document", "tree_lines", "shown_value"]


@dataclass
class Node:
    """One sub-expression of the tree and what it evaluates to."""

    expr: str
    """The sub-expression's text, as written."""
    kind: str
    """``and``, ``or``, ``not``, ``negate``, ``arithmetic``, ``compare``, ``if``, ``call``,
    ``list``, ``name`` or ``constant``."""
    value: object = None
    error: str | None = None
    """Why the sub-expression fails, in the engine's words (None: it evaluates)."""
    evaluated: bool = True
    """False where Python stops before this node (``and``/``or``, the other branch)."""
    children: list[Node] = field(default_factory=list)


_KINDS: dict[type, str] = {
    ast.Compare: "compare",
    ast.BinOp: "arithmetic",
    ast.IfExp: "if",
    ast.Call: "call",
    ast.List: "list",
    ast.Tuple: "list",
    ast.Name: "name",
    ast.Constant: "constant",
}


def _kind(node: ast.AST) -> str:
    if isinstance(node, ast.BoolOp):
        return "and" if isinstance(node.op, ast.And) else "or"
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return "not"
        return "constant" if isinstance(node.operand, ast.Constant) else "negate"
    return _KINDS.get(type(node), type(node).__name__.lower())


def _parts(node: ast.AST) -> list[ast.AST]:
    """The sub-expressions shown under ``node`` (a band's table name is not one)."""
    if isinstance(node, ast.Call):
        args = node.args[:1] if _is_band(node) else node.args
        return [*args, *(k.value for k in node.keywords)]
    if isinstance(node, ast.Compare):
        return [node.left, *node.comparators]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.IfExp):
        return [node.test, node.body, node.orelse]  # shown in the order they are evaluated
    if isinstance(node, ast.UnaryOp):
        return [] if _kind(node) == "constant" else [node.operand]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, (ast.List, ast.Tuple)):
        return list(node.elts)
    return []


def _is_band(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Name) and node.func.id == "band"


class _Explainer:
    """Builds the tree of one checked expression under one set of values."""

    def __init__(
        self,
        checked: Checked,
        scope: Scope,
        bands: Bands,
        values: Mapping[str, object],
    ):
        self.source, self.scope, self.bands, self.values = checked.source, scope, bands, values

    def node(self, tree: ast.AST, evaluated: bool = True, text: str | None = None) -> Node:
        text = text or ast.get_source_segment(self.source, tree) or self.source
        found = Node(text, _kind(tree), evaluated=evaluated)
        parts = _parts(tree)
        if not evaluated:
            found.children = [self.node(p, False) for p in parts]
            return found
        found.children = self._children(tree, parts)
        if found.kind == "list":
            found.value = [c.value for c in found.children]
            found.error = next((c.error for c in found.children if c.error), None)
        else:
            found.value, found.error = self._evaluate(text)
        return found

    def _children(self, tree: ast.AST, parts: list[ast.AST]) -> list[Node]:
        """The parts' nodes, each marked evaluated only where Python would reach it."""
        if isinstance(tree, ast.BoolOp):
            stop_at = not isinstance(tree.op, ast.And)  # `and` stops at a false operand
            children, going = [], True
            for part in parts:
                child = self.node(part, going)
                children.append(child)
                going = going and child.error is None and bool(child.value) != stop_at
            return children
        if isinstance(tree, ast.IfExp):
            test = self.node(parts[0])
            taken = test.error is None and bool(test.value)
            ok = test.error is None
            return [test, self.node(parts[1], ok and taken), self.node(parts[2], ok and not taken)]
        return [self.node(p) for p in parts]

    def _evaluate(self, text: str) -> tuple[object, str | None]:
        checked = check_expression(text, self.scope)
        return evaluate_one(checked, self.bands, self.values, self.scope.names)


def explain_tree(
    checked: Checked, scope: Scope, bands: Bands, values: Mapping[str, object]
) -> Node:
    """The evaluation tree of ``checked`` with ``values`` bound to its names.

    :param scope: the scope ``checked`` was checked in (each node is checked in it again).
    :raises ExprError: where the engine refuses a value it cannot hold in a column.
    """
    explainer = _Explainer(checked, scope, bands, values)
    return explainer.node(checked.tree.body, text=checked.source)  # `(a + b)`: with brackets


def shown_value(value: object) -> str:
    """A value as it is written in an expression: ``82.5``, ``'Baik'``, ``True``,
    ``None``; whole numbers without ``.0``."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**64:
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(shown_value(v) for v in value) + "]"
    return repr(value)


def tree_lines(node: Node, depth: int = 0) -> list[str]:
    """The tree for people, two spaces per level: ``score > 70: True``. An ``and``/``or``
    is named by its operator; constants and lists of them are left out (their value is
    their text)."""
    label = node.kind if node.kind in ("and", "or") else node.expr
    if not node.evaluated:
        said = _("not evaluated")
    elif node.error is not None:
        said = _("fails: {why}", why=node.error)
    else:
        said = shown_value(node.value)
    lines = [f"{'  ' * depth}{label}: {said}"]
    for child in node.children:
        if not _literal(child):
            lines += tree_lines(child, depth + 1)
    return lines


def _literal(node: Node) -> bool:
    """A constant, or a list of constants: its value is its text."""
    if node.kind == "list":
        return all(_literal(c) for c in node.children)
    return node.kind == "constant"


def tree_document(node: Node) -> dict[str, object]:
    """The tree for tools, with stable keys: ``expr``, ``kind``, ``value``, ``error``,
    ``evaluated`` and ``children`` (constants included); whole numbers as integers."""
    return {
        "expr": node.expr,
        "kind": node.kind,
        "value": _json_value(node.value),
        "error": node.error,
        "evaluated": node.evaluated,
        "children": [tree_document(c) for c in node.children],
    }


def _json_value(value: object) -> object:
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**64:
        return int(value)
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value

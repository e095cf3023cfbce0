"""Value ranges for `check --strict`: what values an expression can take, and in words.

:func:`value_range` bounds an expression by interval arithmetic (see
:mod:`kinerja.authoring.lint` for what it follows and what it leaves unbounded). The helpers
here cut, compare and describe the closed :data:`Interval` of a domain and the
half-open :data:`Span` of a band, the way findings word them.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Iterator

from kinerja.functions import round_half_up
from kinerja.i18n import _

__all__ = ["EVERYWHERE", "Interval", "Span", "value_range"]

Interval = tuple[float, float]
"""A closed range of values ``[low, high]``; bounds may be infinite."""
Span = tuple[float, float]
"""A half-open range ``[low, high)``, as a band covers."""
EVERYWHERE: Interval = (-math.inf, math.inf)


def _num(value: float) -> str:
    """A number as a rule author writes it: ``76``, ``0.625``."""
    value = round(float(value), 9)
    return str(int(value)) if value.is_integer() else repr(value)


def _words(span: Span) -> str:
    """A band's values in words: ``76 to under 90``, ``90 and above``, ``under 51``."""
    low, high = span
    if low == -math.inf:
        return _("every value") if high == math.inf else _("under {high}", high=_num(high))
    if high == math.inf:
        return _("{low} and above", low=_num(low))
    return _("{low} to under {high}", low=_num(low), high=_num(high))


def _subtract(pieces: list[Span], *cuts: Span) -> list[Span]:
    """``pieces`` without the values in any of ``cuts`` (all half-open)."""
    for cut in cuts:
        out = []
        for low, high in pieces:
            if cut[1] <= low or cut[0] >= high:
                out.append((low, high))
                continue
            out += [(low, cut[0])] if low < cut[0] else []
            out += [(cut[1], high)] if cut[1] < high else []
        pieces = out
    return pieces


def _within(table: str, domain: Interval) -> str:
    """Where the values given to ``band(..., table)`` lie (its domain), in words; one bound
    may be infinite."""
    low, high, quoted = _num(domain[0]), _num(domain[1]), repr(table)
    if math.isinf(domain[0]):
        return _(
            "the values given to band(..., {table}) are {high} or less", table=quoted, high=high
        )
    if math.isinf(domain[1]):
        return _("the values given to band(..., {table}) are {low} or more", table=quoted, low=low)
    return _(
        "the values given to band(..., {table}) lie between {low} and {high}",
        table=quoted,
        low=low,
        high=high,
    )


def _meets(span: Span, domain: Interval) -> bool:
    """Whether a half-open span holds a value of a closed domain."""
    return span[0] <= domain[1] and span[1] > domain[0]


def _hull(intervals: Iterable[Interval]) -> Interval:
    found = list(intervals) or [EVERYWHERE]
    return (min(i[0] for i in found), max(i[1] for i in found))


def _argument(node: ast.Call, name: str, position: int) -> ast.expr | None:
    """The argument passed for parameter ``name`` (at ``position``), or None."""
    for keyword in node.keywords:
        if keyword.arg == name:
            return keyword.value
    return node.args[position] if len(node.args) > position else None


def _items(nodes: Iterable[ast.expr | None]) -> Iterator[ast.expr]:
    """Arguments with list literals spread into their elements."""
    for node in nodes:
        if node is not None:
            yield from node.elts if isinstance(node, (ast.List, ast.Tuple)) else (node,)


def value_range(node: ast.AST, env: dict[str, Interval]) -> Interval:
    """The values an expression can take, unbounded where unknown (interval arithmetic)."""
    if isinstance(node, ast.Constant):
        value = node.value
        return (float(value), float(value)) if isinstance(value, (int, float)) else EVERYWHERE
    if isinstance(node, ast.Name):
        return env.get(node.id, EVERYWHERE)
    if isinstance(node, ast.UnaryOp):
        low, high = value_range(node.operand, env)
        if isinstance(node.op, ast.USub):
            return (-high, -low)
        return (low, high) if isinstance(node.op, ast.UAdd) else (0.0, 1.0)
    if isinstance(node, ast.Compare):
        return (0.0, 1.0)
    if isinstance(node, (ast.BoolOp, ast.IfExp)):
        parts = node.values if isinstance(node, ast.BoolOp) else [node.body, node.orelse]
        return _hull(value_range(p, env) for p in parts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _call_range(node.func.id, node, env)
    if not isinstance(node, ast.BinOp):
        return EVERYWHERE
    a, b = value_range(node.left, env), value_range(node.right, env)
    if isinstance(node.op, ast.Add):
        found = [a[0] + b[0], a[1] + b[1]]
    elif isinstance(node.op, ast.Sub):
        found = [a[0] - b[1], a[1] - b[0]]
    elif isinstance(node.op, ast.Mult) or (isinstance(node.op, ast.Div) and (b[0] > 0 or b[1] < 0)):
        b = (1 / b[1], 1 / b[0]) if isinstance(node.op, ast.Div) else b
        found = [x * y for x in a for y in b]
    else:
        return EVERYWHERE
    return EVERYWHERE if any(map(math.isnan, found)) else (min(found), max(found))


def _call_range(name: str, node: ast.Call, env: dict[str, Interval]) -> Interval:
    def arg(param: str, position: int, default: Interval = EVERYWHERE) -> Interval:
        given = _argument(node, param, position)
        return default if given is None else value_range(given, env)

    if name in ("mean", "min", "max", "coalesce"):
        return _hull(value_range(a, env) for a in _items(node.args))
    if name == "wmean":
        found = _hull(value_range(a, env) for a in _items([_argument(node, "values", 0)]))
        zero = _argument(node, "missing", 2) is not None  # "zero" may count a value as 0
        return (min(found[0], 0.0), max(found[1], 0.0)) if zero else found
    if name in ("achievement", "achievement_inverse", "achievement_range"):
        cap = arg("cap", 3 if name == "achievement_range" else 2, (120.0, 120.0))
        return (0.0, max(cap[1], 0.0))
    if name == "clamp":
        value, low, high = arg("value", 0), arg("low", 1), arg("high", 2)
        return (min(max(value[0], low[0]), high[0]), min(max(value[1], low[1]), high[1]))
    if name == "round":
        digits = _argument(node, "digits", 1)
        places = 0 if digits is None else getattr(digits, "value", None)
        if isinstance(places, int):  # round is monotone: round the bounds
            found = [
                b if math.isinf(b) else round_half_up(b, places) or 0.0 for b in arg("value", 0)
            ]
            return (float(found[0]), float(found[1]))
    return EVERYWHERE

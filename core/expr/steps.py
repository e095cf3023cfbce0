"""What a rule program is made of: named steps over checked expressions, band tables,
and which expressions make a new number (the ones the engine tidies).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kinerja.expr.check import Checked

__all__ = ["Bands", "Step", "computed"]

Bands = Mapping[str, Sequence[tuple[str, float | None, float | None]]]
"""Band tables by name: ``(label, low, high)`` rows, ``low`` inclusive, ``high`` exclusive."""

_PASS_THROUGH = frozenset({"coalesce", "min", "max", "clamp", "abs", "round"})


@dataclass(frozen=True, slots=True)
class Step:
    """One named result of a program: ``name = expression``."""

    name: str
    checked: Checked


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

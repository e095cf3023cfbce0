"""Which places of a rule expression each row reaches: the trace behind rule coverage.

The columnar compiler (:mod:`kinerja.expr.columnar`), given a :class:`Tracer`, marks
three kinds of place as it compiles:

- ``band``: a ``band(...)`` call, with the label it gives;
- ``if``: the condition of ``x if c else y``, with its truth;
- ``and``/``or``: each operand but the last, with its truth (false stops ``and``,
  true stops ``or``).

Each mark carries the rows that reach the place: a branch is reached only where its
condition chose it, an operand only where the operands before it let the evaluation
go on. Places are numbered in the order evaluation finishes them: a place's inner
places first, an ``if`` condition before its branches, every operand of an
``and``/``or`` before the operands' own marks. A normal run compiles with no tracer
and carries no trace at all.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from kinerja.functions.columnar_values import Cond, Val, all_of, as_expr, negate, truthy

__all__ = ["TracePoint", "Traced", "Tracer"]


@dataclass(frozen=True, slots=True)
class TracePoint:
    """One traced place of a program."""

    id: int
    step: str
    kind: str
    """``band`` (the label a band call gives), ``if`` (a condition), ``and``/``or``."""
    detail: str
    """The band table, or the and/or operand's 0-based position (the last is not traced)."""
    start: int
    end: int
    """The node's columns in the step's expression source."""


@dataclass(frozen=True)
class Traced:
    """A traced place and, per row, whether the row reaches it and what it gives there."""

    point: TracePoint
    reached: pl.Expr
    """Boolean: the rows whose evaluation comes to this place."""
    value: pl.Expr
    """The band call's label, or the condition's (operand's) truth."""


Visit = Callable[[ast.AST], Val]


class Tracer:
    """Collects the traced places of one step while the step is compiled.

    :param first: the id of the step's first place (ids run on across a program's steps).
    """

    def __init__(self, step: str, first: int = 0):
        self.step, self.first = step, first
        self.points: list[Traced] = []
        self.reached: Cond = True

    def add(self, kind: str, detail: str, node: ast.AST, value: Cond | pl.Expr) -> None:
        """Mark ``node`` as reached by the rows reaching the compiler's current place."""
        self._mark(kind, detail, node, value, self.reached)

    def branches(self, visit: Visit, node: ast.IfExp, cond: Cond) -> tuple[Val, Val]:
        """Mark the condition of ``node`` (already compiled), then compile each branch
        for the rows that take it."""
        self.add("if", "", node.test, cond)
        outer = self.reached
        self.reached = all_of(outer, cond)
        body = visit(node.body)
        self.reached = all_of(outer, negate(cond))
        orelse = visit(node.orelse)
        self.reached = outer
        return body, orelse

    def operands(self, visit: Visit, node: ast.BoolOp, conjunction: bool) -> list[Val]:
        """Compile each operand of ``node`` for the rows that reach it, then mark all but
        the last with their truth."""
        outer = self.reached
        values, reached = [], []
        for operand in node.values:
            reached.append(self.reached)
            value = visit(operand)
            values.append(value)
            truth = truthy(value)
            self.reached = all_of(self.reached, truth if conjunction else negate(truth))
        self.reached = outer
        kind = "and" if conjunction else "or"
        for i, operand in enumerate(node.values[:-1]):
            self._mark(kind, str(i), operand, truthy(values[i]), reached[i])
        return values

    def _mark(self, kind: str, detail: str, node: ast.AST, value: Cond | pl.Expr, at: Cond) -> None:
        start = getattr(node, "col_offset", 0)
        end = getattr(node, "end_col_offset", None) or start
        point = TracePoint(self.first + len(self.points), self.step, kind, detail, start, end)
        shown = as_expr(value) if isinstance(value, bool) else value
        self.points.append(Traced(point, as_expr(at), shown))

"""Running one sheet's checks: the plan a sheet's module builds, and the whole-sheet problem.

A :class:`SheetPlan` is what a sheet module (:mod:`kinerja.input.pegawai`,
:mod:`kinerja.input.records`) says about a sheet: the columns to add in turn
(parsed values, masks), the checks in today's order, and the typed columns of an
accepted row. :func:`run_chunks` runs it over a working frame, a chunk of rows at a
time (every check but the duplicate ones reads one row), so that the working
columns of only one chunk are in memory at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import polars as pl

from kinerja.i18n import _, ngettext
from kinerja.input.problems import INDEX, Check, Found, find_problems, mark_reader_rows
from kinerja.input.read import normalise_header
from kinerja.input.spec import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, InputSpec
from kinerja.input.synonyms import guesses
from kinerja.input.tables import KIND_SUFFIX, Tables

__all__ = [
    "CHUNK_ROWS",
    "SheetPlan",
    "absent",
    "missing_columns",
    "read_columns",
    "run_chunks",
    "run_plan",
    "working_frame",
]

T = TypeVar("T")

CHUNK_ROWS = 1_000_000
"""Rows checked at a time: bounds the memory of the working columns."""


@dataclass(slots=True)
class SheetPlan:
    """How to check one sheet (see the module doc)."""

    stages: list[list[pl.Expr]] = field(default_factory=list)
    """Columns to add, stage by stage (a stage reads the columns of those before)."""
    checks: list[Check] = field(default_factory=list)
    output: dict[str, pl.Expr] = field(default_factory=dict)
    """Output column -> its value for an accepted row."""
    absent: list[str] = field(default_factory=list)
    """Read columns the sheet lacks: null columns added to each chunk first."""

    def then(self, exprs: Sequence[pl.Expr]) -> None:
        """Add ``exprs`` as a stage of their own, after every stage so far."""
        self.stages.append(list(exprs))

    def add(self, *stages: Sequence[pl.Expr]) -> None:
        """Merge ``stages`` into the plan's, stage by stage."""
        for i, stage in enumerate(stages):
            if i == len(self.stages):
                self.stages.append([])
            self.stages[i].extend(stage)


def working_frame(tables: Tables, sheet: str, spec: InputSpec) -> tuple[pl.DataFrame, list[str]]:
    """The sheet's frame with a row index, and the read columns it lacks (see :func:`absent`).

    An absent sheet is a frame with no rows.
    """
    frame = tables.frames.get(sheet)
    if frame is None:
        frame = pl.DataFrame(schema={"_row": pl.Int64})
    return frame.with_row_index(INDEX), sorted(read_columns(sheet, spec) - set(frame.columns))


def absent(names: Sequence[str]) -> list[pl.Expr]:
    """Null text columns for read columns a sheet lacks (added to a chunk, not the whole sheet)."""
    return [pl.lit(None, pl.String).alias(name) for name in names]


def found_columns(tables: Tables, sheet: str) -> list[str]:
    """The normalised headers of ``sheet`` in file order (for the missing-columns reason)."""
    found = tables.columns.get(sheet)
    if found is not None:
        return list(found)
    frame = tables.frames.get(sheet)
    names = [] if frame is None else frame.columns
    return [c for c in names if c != "_row" and KIND_SUFFIX not in c]


def missing_columns(tables: Tables, sheet: str, spec: InputSpec) -> tuple[str, str] | None:
    """``(columns, reason)`` when the sheet lacks required columns, else None (the reason
    in the language in use)."""
    found = found_columns(tables, sheet)
    required = REQUIRED_COLUMNS[sheet]
    if sheet == "pegawai":
        required += tuple(normalise_header(a.name) for a in spec.attributes if a.required)
    missing = [c for c in required if c not in found]
    if not missing:
        return None
    reason = ngettext(
        "sheet {sheet} is missing the column {missing} (columns found: {found}); "
        "add a column with the header {first}",
        "sheet {sheet} is missing the columns {missing} (columns found: {found}); "
        "add a column with the header {first}",
        len(missing),
        sheet=sheet,
        missing=", ".join(missing),
        found=", ".join(found) or _("none"),
        first=missing[0],
    )
    close = guesses(missing, found)
    if close:
        offered = [_("{header} for {column}", header=h, column=c) for h, c in close]
        # i18n: {reason} is the sentence above; {guesses} lists "<header> for <column>".
        reason = _("{reason}; did you mean {guesses}?", reason=reason, guesses=", ".join(offered))
    return ", ".join(missing), reason


def read_columns(sheet: str, spec: InputSpec) -> set[str]:
    """The columns validation reads in ``sheet`` (a reader's cell problem elsewhere is harmless)."""
    read = set(REQUIRED_COLUMNS[sheet] + OPTIONAL_COLUMNS[sheet])
    if sheet == "pegawai":
        read.update(normalise_header(a.name) for a in spec.attributes)
    return read


def run_plan(work: pl.DataFrame, plan: SheetPlan, reader: pl.DataFrame) -> Found:
    """Add the plan's columns to ``work`` and run its checks (see ``find_problems``)."""
    if plan.absent:
        work = work.with_columns(absent(plan.absent))
    for stage in plan.stages:
        if stage:
            work = work.with_columns(stage)
    return find_problems(mark_reader_rows(work, reader), plan.checks, reader)


def run_chunks(
    work: pl.DataFrame, plan: SheetPlan, reader: pl.DataFrame, collect: Callable[[Found], T]
) -> list[T]:
    """:func:`run_plan` on each chunk of :data:`CHUNK_ROWS` rows; ``collect`` keeps the results."""
    starts = range(0, work.height, CHUNK_ROWS) if work.height else [0]
    return [collect(run_plan(work.slice(start, CHUNK_ROWS), plan, reader)) for start in starts]

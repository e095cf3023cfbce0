"""The record sheets' shared parts, and the checks of capaian, as column expressions.

A record sheet's plan (:class:`~kinerja.input.sheet.SheetPlan`) reads a row's cells
and checks them against the region's rules, in today's order and words: capaian here
(indicator codes, target, realisasi, range and weight), penilaian in
:mod:`kinerja.input.ratings`, keberatan in :mod:`kinerja.input.objections`. Whether
the row's employee exists (the ``nip`` column, :data:`OWNER`) is checked by
:mod:`kinerja.input.validate` before these checks.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from kinerja.i18n import N_, _
from kinerja.input.codes import code_columns
from kinerja.input.nips import OWN
from kinerja.input.numbers import fmt, number
from kinerja.input.problems import Check
from kinerja.input.sheet import SheetPlan
from kinerja.input.spec import InputSpec
from kinerja.input.texts import Cell

__all__ = ["OWNER", "Columns", "add_numbers", "col", "outcome_plan"]

OWNER = OWN
"""The columns of a record's own ``nip`` (added by validation before a plan runs)."""

Columns = Collection[str]


def col(name: str) -> pl.Expr:
    """The working column ``@name``."""
    return pl.col(f"@{name}")


def add_numbers(plan: SheetPlan, cells: dict[str, Cell], optional: Collection[str]) -> None:
    """Number columns ``@name`` (null when refused) and their checks; ``optional`` may be blank."""
    for name, cell in cells.items():
        parsed = number(cell, f"@{name}")
        blank = cell.blank() if name in optional else pl.lit(False)
        value = [parsed.value.alias(f"@{name}"), (parsed.bad & ~blank).alias(f"@{name}.bad")]
        plan.add(*parsed.stages, value)
        plan.checks.append(Check(name, col(f"{name}.bad"), parsed.reason))


def outcome_plan(spec: InputSpec, columns: Columns) -> SheetPlan:
    """capaian: indicator code, target > 0, realisasi, target_maks >= target, bobot > 0."""
    plan = SheetPlan()
    cell = Cell.of(columns, "indikator")
    names = ("@indikator", "@indikator.why")
    plan.add(*code_columns(cell, spec.indicators, N_("indicator"), names))
    plan.checks.append(Check("indikator", col("indikator.why").is_not_null(), col("indikator.why")))
    cells = {n: Cell.of(columns, n) for n in ("target", "realisasi", "target_maks", "bobot")}
    plan.add([cells["bobot"].blank().alias("@bobot.blank")])
    add_numbers(plan, {"target": cells["target"]}, ())
    target = col("target")
    positive = _("target must be positive (achievement is realised / target), found {}")
    plan.checks.append(Check("target", target <= 0, pl.format(positive, fmt(target))))
    add_numbers(plan, {n: cells[n] for n in ("realisasi", "target_maks")}, {"target_maks"})
    below = _("target_maks (upper bound of the range) {} is below target {}")
    tmax = col("target_maks")
    plan.checks.append(
        Check("target_maks", tmax < target, pl.format(below, fmt(tmax), fmt(target)))
    )
    add_numbers(plan, {"bobot": cells["bobot"]}, {"bobot"})
    bobot = pl.when(col("bobot.blank")).then(pl.lit(1.0)).otherwise(col("bobot"))
    plan.then([bobot.alias("@weight")])
    weight = col("weight")
    reason = pl.format(_("bobot (weight) must be positive, found {}"), fmt(weight))
    plan.checks.append(Check("bobot", weight <= 0, reason))
    plan.output = {
        "indikator": col("indikator"),
        "target": target,
        "realisasi": col("realisasi"),
        "target_maks": tmax,
        "bobot": weight,
    }
    return plan

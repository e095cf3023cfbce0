"""The checks of keberatan (objections), as column expressions.

An objection gives the day the result was received and the day it was filed (on or
after it), the deciding official's NIP (not the employee's own), the decision
(``tetap`` or ``ubah``, with the new predikat when changed) and its reason.
"""

from __future__ import annotations

import polars as pl

from kinerja.i18n import N_, _
from kinerja.input.cells import DATE_EMPTY
from kinerja.input.codes import code_columns
from kinerja.input.dates import date
from kinerja.input.nips import NipColumns, nip_columns, nip_reason
from kinerja.input.problems import Check
from kinerja.input.records import OWNER, Columns, col
from kinerja.input.sheet import SheetPlan
from kinerja.input.spec import InputSpec
from kinerja.input.texts import Cell, python_repr, text_value

__all__ = ["DECIDER", "objection_plan"]

DECIDER = NipColumns("pemutus", "pemutus_nip")
"""The columns of an objection's ``pemutus_nip``."""

_OWN_DECISION = N_(
    "pemutus_nip is the employee's own NIP; an employee cannot decide their own objection "
    "(give the deciding official's NIP)"
)
_EARLY = N_(
    "tanggal_ajuan {} is before tanggal_terima {}: the objection was filed before the "
    "result was received; check both dates"
)
_DECISION = N_("keputusan {} must be 'tetap' (keep the result) or 'ubah' (change it)")
_NO_NEW = N_(
    "predikat_baru is empty; it is required when keputusan is ubah (give the changed predikat)"
)


def _required_date(plan: SheetPlan, cell: Cell) -> None:
    """``@name``: an ISO date that must be given (``cells._required_date``)."""
    name, blank = cell.name, cell.blank()
    when = date(cell, f"@{name}")
    plan.add(*when.stages)
    plan.then([blank.alias(f"@{name}.blank"), pl.when(~blank).then(when.value).alias(f"@{name}")])
    empty = pl.lit(_(DATE_EMPTY).format(name))
    plan.checks.append(Check(name, col(f"{name}.blank"), empty))
    plan.checks.append(Check(name, ~col(f"{name}.blank") & when.bad, when.reason))


def _decider(plan: SheetPlan, columns: Columns) -> None:
    cell = Cell.of(columns, "pemutus_nip")
    stages = nip_columns(cell, DECIDER)
    plan.add(*stages)
    reason = pl.concat_str(pl.lit("pemutus_nip: "), nip_reason(cell, DECIDER))
    plan.checks.append(Check("pemutus_nip", ~DECIDER.valid(), reason))
    same = pl.col(DECIDER.key) == pl.col(OWNER.key)
    own = DECIDER.valid() & OWNER.valid() & same
    plan.checks.append(Check("pemutus_nip", own, pl.lit(_(_OWN_DECISION))))


def _decision(plan: SheetPlan, spec: InputSpec, columns: Columns) -> None:
    given = text_value(Cell.of(columns, "keputusan"))
    plan.add([given.alias("@keputusan.text"), given.str.to_lowercase().alias("@keputusan")])
    decision = col("keputusan")
    reason = pl.format(_(_DECISION), python_repr(col("keputusan.text")))
    plan.checks.append(Check("keputusan", ~decision.is_in(["tetap", "ubah"]), reason))
    cell = Cell.of(columns, "predikat_baru")
    names = ("@predikat_baru", "@predikat_baru.why")
    plan.add([cell.blank().alias("@predikat_baru.blank")])
    plan.add(*code_columns(cell, spec.predikat_labels, N_("predikat"), names))
    blank = col("predikat_baru.blank")
    why = col("predikat_baru.why")
    plan.checks.append(Check("predikat_baru", ~blank & why.is_not_null(), why))
    plan.checks.append(Check("predikat_baru", blank & (decision == "ubah"), pl.lit(_(_NO_NEW))))


def objection_plan(spec: InputSpec, columns: Columns) -> SheetPlan:
    """keberatan: dates (filed on or after received), decider, decision, new predikat, reason."""
    plan = SheetPlan()
    _required_date(plan, Cell.of(columns, "tanggal_terima"))
    _required_date(plan, Cell.of(columns, "tanggal_ajuan"))
    terima, ajuan = col("tanggal_terima"), col("tanggal_ajuan")
    early = pl.format(_(_EARLY), ajuan, terima)
    plan.checks.append(Check("tanggal_ajuan", ajuan < terima, early))
    _decider(plan, columns)
    _decision(plan, spec, columns)
    plan.add([text_value(Cell.of(columns, "alasan")).alias("@alasan")])
    empty = pl.lit(_("alasan is empty; every objection decision needs its reason"))
    plan.checks.append(Check("alasan", col("alasan") == "", empty))
    plan.output = {
        "tanggal_terima": terima,
        "tanggal_ajuan": ajuan,
        "pemutus_nip": DECIDER.nip(),
        "keputusan": col("keputusan"),
        "predikat_baru": pl.when(~col("predikat_baru.blank")).then(col("predikat_baru")),
        "alasan": col("alasan"),
    }
    return plan

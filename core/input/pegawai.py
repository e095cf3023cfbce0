"""The checks of the ``pegawai`` sheet, as column expressions.

A row is an employee: a valid NIP seen for the first time (a later row with the same
NIP is refused as a duplicate, whatever else it holds), a name, an optional
supervisor NIP that is not their own, and the extra columns the region's rules
declare (:class:`~kinerja.input.spec.AttributeSpec`: a number within its bounds, a
date, or text; required ones must be given).
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from kinerja.i18n import N_, _
from kinerja.input.cells import ATTRIBUTE_ABOVE, ATTRIBUTE_BELOW, ATTRIBUTE_REQUIRED, _fmt
from kinerja.input.dates import date
from kinerja.input.nips import OWN, NipColumns, nip_columns, nip_reason
from kinerja.input.numbers import fmt, number
from kinerja.input.problems import Check
from kinerja.input.read import normalise_header
from kinerja.input.sheet import SheetPlan
from kinerja.input.spec import AttributeSpec, InputSpec
from kinerja.input.texts import Cell, text_value

__all__ = ["DUPLICATE", "EMPLOYEE", "SUPERVISOR", "attribute_name", "pegawai_plan"]

EMPLOYEE = OWN
SUPERVISOR = NipColumns("atasan", "atasan_nip")
DUPLICATE = "@dup"
"""Boolean column: a later row with a NIP seen before (the first row's number: ``@first``)."""
FIRST = "@first"
_OWN = N_("atasan_nip is the employee's own NIP; leave it empty if none")


def attribute_name(index: int) -> str:
    """The working column of the rules' ``index``-th declared input."""
    return f"@attribute{index}"


def _number_attribute(plan: SheetPlan, cell: Cell, spec: AttributeSpec, out: str) -> None:
    parsed, name = number(cell, out, spec.name), spec.name
    plan.add(*parsed.stages, [parsed.value.alias(out), parsed.bad.alias(f"{out}.bad")])
    blank = pl.col(f"{out}.blank")
    plan.checks.append(Check(name, ~blank & pl.col(f"{out}.bad"), parsed.reason))
    x = pl.col(out)
    below = pl.lit(False) if spec.minimum is None else x < spec.minimum
    if spec.minimum is not None:
        bound = pl.lit(_fmt(spec.minimum))
        reason = pl.format(_(ATTRIBUTE_BELOW), pl.lit(name), fmt(x), bound)
        plan.checks.append(Check(name, below, reason))
    if spec.maximum is not None:
        bound = pl.lit(_fmt(spec.maximum))
        reason = pl.format(_(ATTRIBUTE_ABOVE), pl.lit(name), fmt(x), bound)
        plan.checks.append(Check(name, ~below.fill_null(False) & (x > spec.maximum), reason))


def _attribute(plan: SheetPlan, columns: Collection[str], index: int, spec: AttributeSpec) -> None:
    """``@attributeN``: the input's value (null when blank or refused), with its checks."""
    cell, out = Cell.of(columns, normalise_header(spec.name)), attribute_name(index)
    plan.add([cell.blank().alias(f"{out}.blank")])
    blank = pl.col(f"{out}.blank")
    if spec.required:
        empty = pl.lit(_(ATTRIBUTE_REQUIRED).format(spec.name))
        plan.checks.append(Check(spec.name, blank, empty))
    if spec.type == "number":
        _number_attribute(plan, cell, spec, out)
    elif spec.type == "date":
        when = date(cell, out, spec.name)
        plan.add(*when.stages)
        plan.then([when.value.alias(out)])
        plan.checks.append(Check(spec.name, ~blank & when.bad, when.reason))
    else:
        plan.add([pl.when(~cell.blank()).then(text_value(cell)).alias(out)])


def _supervisor(plan: SheetPlan, columns: Collection[str]) -> None:
    cell = Cell.of(columns, "atasan_nip")
    stages = nip_columns(cell, SUPERVISOR)
    plan.add([cell.blank().alias("@atasan.blank"), *stages[0]], *stages[1:])
    given = ~pl.col("@atasan.blank")
    reason = pl.concat_str(pl.lit("atasan_nip: "), nip_reason(cell, SUPERVISOR))
    plan.checks.append(Check("atasan_nip", given & ~SUPERVISOR.valid(), reason))
    same = pl.col(SUPERVISOR.key) == pl.col(EMPLOYEE.key)
    own = given & SUPERVISOR.valid() & EMPLOYEE.valid() & same
    plan.checks.append(Check("atasan_nip", own, pl.lit(_(_OWN))))


def pegawai_plan(spec: InputSpec, columns: Collection[str]) -> SheetPlan:
    """pegawai, after the NIP and duplicate columns: name, supervisor, declared inputs.

    The NIP's own check and the duplicate one come first (:mod:`kinerja.input.validate`
    adds them, with the employee's NIP columns); every check here skips duplicates.
    """
    plan = SheetPlan()
    nama = Cell.of(columns, "nama")
    plan.add([text_value(nama).alias("@nama")])
    empty = pl.lit(_("nama is empty; fill in the employee's name"))
    plan.checks.append(Check("nama", pl.col("@nama") == "", empty))
    _supervisor(plan, columns)
    for index, attribute in enumerate(spec.attributes):
        _attribute(plan, columns, index, attribute)
    plan.output = {
        "nama": pl.col("@nama"),
        **{n: text_value(Cell.of(columns, n)) for n in ("jabatan", "unit_kerja", "golongan")},
        "atasan_nip": SUPERVISOR.nip(),
        **{a.name: pl.col(attribute_name(i)) for i, a in enumerate(spec.attributes)},
    }
    return plan

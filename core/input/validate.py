"""Validating raw input tables into a :class:`~kinerja.frames.Batch`, as column expressions.

Every row is either used or rejected with a reason a person can act on (what is
wrong, where, how to fix it). A bad row never stops the batch. An employee with any
rejected row in ``capaian``, ``penilaian`` or ``keberatan`` is not appraised at all
(their result would come from partial data): they are rejected too, so that
employees read = employees appraised + employees rejected.

This module holds the whole-batch work: the employees' NIPs and duplicates, the
record sheets' owners and missing columns, and putting the batch together. A sheet's
own checks are :mod:`kinerja.input.pegawai`, :mod:`kinerja.input.records` (capaian),
:mod:`kinerja.input.ratings` and :mod:`kinerja.input.objections`, run a chunk of rows
at a time by :mod:`kinerja.input.sheet` (words numbered by
:mod:`kinerja.input.problems`); the cascade and the rejects frame are
:mod:`kinerja.input.cascade`. A cell is read by :mod:`kinerja.input.texts`,
:mod:`kinerja.input.numbers`, :mod:`kinerja.input.dates`, :mod:`kinerja.input.codes`
and :mod:`kinerja.input.nips`; the few words polars cannot build come from today's
Python (:mod:`kinerja.input.cells`, :mod:`kinerja.input.nip`) once per distinct
value (:mod:`kinerja.input.distinct`). The names this module always offered
(:class:`InputSpec`, :func:`check_nip`, ...) are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kinerja.frames import EMPLOYEES, OBJECTIONS, OUTCOMES, RATINGS, Batch, Schema
from kinerja.i18n import N_, _
from kinerja.input.cascade import cascade, problems_frame, sorted_rejects, without
from kinerja.input.nip import NUMBER_NIP as NUMBER_NIP  # re-exported, as before the split
from kinerja.input.nip import check_nip
from kinerja.input.nips import nip_columns, nip_reason
from kinerja.input.objections import objection_plan
from kinerja.input.pegawai import DUPLICATE, EMPLOYEE, FIRST, pegawai_plan
from kinerja.input.problems import BAD, INDEX, Check, Found, reader_problems
from kinerja.input.ratings import duplicate_ratings, rating_plan
from kinerja.input.read import KNOWN_SHEETS, normalise_header
from kinerja.input.records import OWNER, outcome_plan
from kinerja.input.repeats import repeated_keys
from kinerja.input.sheet import (
    SheetPlan,
    absent,
    missing_columns,
    read_columns,
    run_chunks,
    working_frame,
)
from kinerja.input.spec import GROUP_ALIASES, AttributeSpec, InputSpec
from kinerja.input.synonyms import known_columns
from kinerja.input.tables import Tables, kind_column
from kinerja.input.texts import Cell, raw_nip

__all__ = ["AttributeSpec", "GROUP_ALIASES", "InputSpec", "build_dataset", "check_nip"]

KEY = "@key"
"""An accepted record's owner, or an employee, as the Int64 value of their NIP."""
_SCHEMAS: dict[str, Schema] = {"capaian": OUTCOMES, "penilaian": RATINGS, "keberatan": OBJECTIONS}
_PLANS = {"capaian": outcome_plan, "penilaian": rating_plan, "keberatan": objection_plan}
"""The record sheets, in order, and how each is checked."""
_ROW_LABEL = N_("{} row {}")
"""A record row named in the cascade's reason: the sheet, then the row (``capaian row 7``)."""


@dataclass(slots=True)
class _Sheet:
    """One sheet validated: accepted rows (typed, with :data:`KEY`) and its rejects."""

    accepted: pl.DataFrame
    rejects: pl.DataFrame
    owners: pl.DataFrame
    """Record sheets: rejected rows of appraisable employees, in input order: KEY, the row's
    index and its label (``capaian row 7``)."""


@dataclass(slots=True)
class _Employees:
    """What record sheets need from pegawai: who was accepted, and whose row was rejected."""

    accepted: pl.Series
    """Int64 keys of the accepted employees."""
    refused: pl.DataFrame
    """The rejected first rows of valid NIPs: ``@owner.key``, ``@owner.row``."""
    numbers: pl.DataFrame
    """The pegawai rows whose NIP is a number cell: ``@owner.approx`` (the NIP as a
    number keeps about 15 digits: see :func:`_approx`) and ``@owner.number_row``."""


APPROX = "@owner.approx"


def _approx(nip: pl.Expr) -> pl.Expr:
    """An 18-digit NIP to the thousand, as an Int64: what is left of it once Excel has
    stored it as a number (15 significant digits), so that a record's NIP typed as text
    finds the pegawai row whose NIP was typed as a number."""
    return (nip.cast(pl.Float64, strict=False) / 1000).round(0).cast(pl.Int64, strict=False)


def _number_rows(work: pl.DataFrame, nip: Cell) -> pl.DataFrame:
    """The first pegawai row of each NIP typed as a number cell (see :attr:`_Employees.numbers`)."""
    schema = {APPROX: pl.Int64, "@owner.number_row": pl.Int64}
    if not nip.typed:
        return pl.DataFrame(schema=schema)
    numbers = work.filter(nip.kind.is_in(["int", "float"]).fill_null(False))
    found = numbers.select(
        _approx(nip.text).alias(APPROX), pl.col("_row").alias("@owner.number_row")
    )
    return found.drop_nulls(APPROX).unique(APPROX, keep="first", maintain_order=True)


def _add(work: pl.DataFrame, stages: list[list[pl.Expr]]) -> pl.DataFrame:
    for stage in stages:
        work = work.with_columns(stage)
    return work


def _typed(found: Found, schema: Schema, output: dict[str, pl.Expr]) -> pl.DataFrame:
    """The accepted rows: the schema's columns from ``output`` (null where it has none)."""
    exprs = [
        output.get(name, pl.col(name) if name == "_row" else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in schema.items()
    ]
    typed = found.work.select(*exprs, pl.col(KEY), pl.col(INDEX), pl.col(BAD))
    return (typed if found.bad.is_empty() else typed.filter(~pl.col(BAD))).drop(BAD)


def _rejects(found: Found, sheet: str, nip: pl.Expr) -> pl.DataFrame:
    """The sheet's rejects frame (REJECTS columns) from its rejected rows and their problems."""
    joined = found.bad.join(found.problems, on=INDEX, how="left", maintain_order="left")
    return joined.select(
        pl.lit(sheet).alias("sheet"),
        pl.col("_row").cast(pl.Int64).alias("row"),
        nip.alias("nip"),
        pl.col("reason"),
        pl.col("column"),
    )


def _duplicates(work: pl.DataFrame) -> tuple[pl.DataFrame, Check]:
    """``work`` with :data:`DUPLICATE` (a valid NIP seen before), and the check that says so."""
    work = work.with_columns(EMPLOYEE.valid().alias("@valid"))
    found = repeated_keys(work, "@valid", [EMPLOYEE.key]).rename({"@first": FIRST})
    again = pl.col(INDEX).is_in(found[INDEX].implode()) if found.height else pl.lit(False)
    reason = pl.format(_("duplicate NIP, first seen at pegawai row {}; remove this row"), FIRST)
    return work.with_columns(again.alias(DUPLICATE)), Check(
        "nip", pl.col(DUPLICATE), reason, (found, INDEX)
    )


def _pegawai_plan(
    tables: Tables, spec: InputSpec, work: pl.DataFrame, nip: Cell, first: Check
) -> tuple[SheetPlan, pl.DataFrame]:
    """The pegawai plan (duplicates first, and nothing else on their rows) and reader problems."""
    duplicate = pl.col(DUPLICATE)
    missing = missing_columns(tables, "pegawai", spec)
    if missing is not None:
        whole = Check(missing[0], ~duplicate, pl.lit(missing[1]))
        return SheetPlan(checks=[first, whole]), reader_problems(None, ())
    plan = pegawai_plan(spec, work.columns)
    own = [Check("nip", ~EMPLOYEE.valid(), nip_reason(nip, EMPLOYEE)), *plan.checks]
    plan.checks = [first, *(Check(c.column, c.failed & ~duplicate, c.reason) for c in own)]
    found = reader_problems(tables.cell_problems.get("pegawai"), read_columns("pegawai", spec))
    repeated = work["_row"].filter(work[DUPLICATE])
    return plan, found.filter(~pl.col("_row").is_in(repeated.implode()))


def _pegawai(tables: Tables, spec: InputSpec) -> tuple[_Sheet, _Employees]:
    """Validate pegawai: its accepted employees and rejects, and who the records may name."""
    work, lacking = working_frame(tables, "pegawai", spec)
    work = work.with_columns(absent(lacking))
    nip = Cell.of(work.columns, "nip")
    stages = nip_columns(nip, EMPLOYEE)
    work, first = _duplicates(_add(work, stages))
    plan, reader = _pegawai_plan(tables, spec, work, nip, first)
    schema, output = _employee_schema(spec), {"nip": EMPLOYEE.nip(), **plan.output}
    shown = pl.coalesce(EMPLOYEE.nip(), raw_nip(nip))
    refused = (EMPLOYEE.valid() & ~pl.col(DUPLICATE)).fill_null(False)

    def collect(found: Found) -> _Sheet:
        who = found.bad.filter(refused).select(
            pl.col(EMPLOYEE.key).alias("@owner.key"), pl.col("_row").alias("@owner.row")
        )
        return _Sheet(_typed(found, schema, output), _rejects(found, "pegawai", shown), who)

    work = work.with_columns(pl.col(EMPLOYEE.key).alias(KEY))
    sheet = _joined(run_chunks(work, plan, reader, collect))
    return sheet, _Employees(sheet.accepted[KEY], sheet.owners, _number_rows(work, nip))


def _joined(parts: list[_Sheet]) -> _Sheet:
    """One sheet from its chunks."""
    return _Sheet(
        pl.concat([p.accepted for p in parts]),
        pl.concat([p.rejects for p in parts]),
        pl.concat([p.owners for p in parts]),
    )


def _employee_schema(spec: InputSpec) -> Schema:
    extra = {a.name: (pl.Float64 if a.type == "number" else pl.String) for a in spec.attributes}
    return {**EMPLOYEES, **extra}


def _owner_check(tables: Tables, nip: Cell, employees: _Employees) -> Check:
    """A record's ``nip``: valid, and an employee the pegawai sheet accepted."""
    if "pegawai" in tables.frames:
        unknown = _(
            "NIP not found in pegawai sheet; add the employee to pegawai or correct the NIP"
        )
    else:
        unknown = _(
            "NIP not found in pegawai sheet (the input has no pegawai sheet); add the employee "
            "to pegawai or correct the NIP"
        )
    row, number_row = pl.col("@owner.row"), pl.col("@owner.number_row")
    rejected = _("employee not appraised: their pegawai row {} was rejected")
    as_number = _(
        "employee not appraised: their pegawai row {} was rejected, because the NIP there "
        "is stored as a number; format the nip column of pegawai as Text and type the NIP again"
    )
    reason = (
        pl.when(~OWNER.valid())
        .then(nip_reason(nip, OWNER))
        .when(row.is_not_null())
        .then(pl.format(rejected, row))
        .when(number_row.is_not_null())
        .then(pl.format(as_number, number_row))
        .otherwise(pl.lit(unknown))
    )
    lookup = (employees.refused.rename({"@owner.key": OWNER.key}), OWNER.key)
    return Check("nip", ~pl.col("@owner.ok"), reason, lookup, ((employees.numbers, APPROX),))


def _record_plan(
    tables: Tables, spec: InputSpec, sheet: str, columns: list[str], owner: Check
) -> tuple[SheetPlan, pl.DataFrame]:
    """The sheet's plan (after the owner check) and reader problems; one check if columns lack."""
    missing = missing_columns(tables, sheet, spec)
    if missing is not None:
        whole = Check(missing[0], pl.lit(True), pl.lit(missing[1]))
        return SheetPlan(checks=[whole]), reader_problems(None, ())
    plan = _PLANS[sheet](spec, columns)
    plan.checks = [owner, *plan.checks]
    return plan, reader_problems(tables.cell_problems.get(sheet), read_columns(sheet, spec))


def _known(work: pl.DataFrame, stages: list[list[pl.Expr]], accepted: pl.Series) -> pl.Series:
    """Rows whose owner is an accepted employee, for the whole sheet at once.

    The NIP's key is in the accepted keys only when it is valid (validity depends on
    the digits alone), so the key is enough. One lookup table for the whole sheet:
    building it for every chunk would cost more than the lookups.
    """
    if OWNER.column not in work.columns:  # the sheet is missing its nip column
        return pl.repeat(False, work.height, eager=True)
    keys = work.select(c for c in (OWNER.column, kind_column(OWNER.column)) if c in work.columns)
    for stage in stages[:3]:
        keys = keys.with_columns(stage)
    return keys.select(pl.col(OWNER.key).is_in(accepted.implode()).fill_null(False)).to_series()


def _records(tables: Tables, spec: InputSpec, sheet: str, employees: _Employees) -> _Sheet:
    """Validate one record sheet: accepted records (before the cascade), rejects, bad owners.

    ``owners`` are the rejected rows of accepted employees: KEY and ``capaian row 7``.
    """
    work, lacking = working_frame(tables, sheet, spec)
    columns = [*work.columns, *lacking]
    nip = Cell.of(columns, "nip")
    stages = nip_columns(nip, OWNER)
    work = work.with_columns(_known(work, stages, employees.accepted).alias("@owner.ok"))
    owner = _owner_check(tables, nip, employees)
    plan, reader = _record_plan(tables, spec, sheet, columns, owner)
    plan.stages = [
        *stages,
        [pl.col(OWNER.key).alias(KEY), _approx(pl.col(OWNER.key)).alias(APPROX)],
        *plan.stages,
    ]
    plan.absent = lacking
    output = {"nip": OWNER.nip(), **plan.output}
    shown = pl.coalesce(OWNER.nip(), raw_nip(nip))
    label = pl.format(_(_ROW_LABEL), pl.lit(sheet), pl.col("_row")).alias("label")

    def collect(found: Found) -> _Sheet:
        owners = found.bad.filter(pl.col("@owner.ok")).select(KEY, INDEX, label)
        return _Sheet(_typed(found, _SCHEMAS[sheet], output), _rejects(found, sheet, shown), owners)

    result = _joined(run_chunks(work, plan, reader, collect))
    if sheet != "penilaian":
        return result
    kept, again = duplicate_ratings(result.accepted, KEY)
    label = pl.format(_(_ROW_LABEL), pl.lit("penilaian"), pl.col("row")).alias("label")
    owners = pl.concat([result.owners, again.select(KEY, INDEX, label)]).sort(INDEX)
    return _Sheet(kept, pl.concat([result.rejects, again.drop(KEY, INDEX)]), owners)


def build_dataset(tables: Tables, spec: InputSpec) -> Batch:
    """Validate raw tables into a :class:`Batch`; every unusable row becomes a reject.

    ``rows_in`` counts non-blank data rows per known sheet; whole-file problems from
    reading come first in ``rejects``; records keep input order. An employee with any
    rejected capaian/penilaian/keberatan row is rejected as well (a ``pegawai`` reject
    listing those rows) and their other records are left out.
    """
    attributes = [normalise_header(a.name) for a in spec.attributes]
    tables = known_columns(tables, {"pegawai": attributes}, report=False)
    pegawai, employees = _pegawai(tables, spec)
    sheets = {s: _records(tables, spec, s, employees) for s in _PLANS}
    owners = pl.concat([s.owners for s in sheets.values()])
    unappraised = cascade(pegawai.accepted, owners, KEY)
    gone = owners[KEY].unique()
    rejects = sorted_rejects([pegawai.rejects, *(s.rejects for s in sheets.values()), unappraised])
    return Batch(
        employees=without(pegawai.accepted, gone, KEY),
        outcomes=without(sheets["capaian"].accepted, gone, KEY),
        ratings=without(sheets["penilaian"].accepted, gone, KEY),
        objections=without(sheets["keberatan"].accepted, gone, KEY),
        rejects=pl.concat([problems_frame(tables.problems), rejects]),
        rows_in=_rows_in(tables),
        source=tables.source,
        sha256=tables.sha256,
    )


def _rows_in(tables: Tables) -> dict[str, int]:
    """Data rows read per sheet, counting rows the reader could not parse (row > 0 problems)."""
    counts = {s: tables.row_count(s) for s in KNOWN_SHEETS}
    for problem in tables.problems:
        if problem.row > 0 and problem.sheet in counts:
            counts[problem.sheet] += 1
    return counts

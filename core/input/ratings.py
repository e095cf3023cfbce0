"""The checks of penilaian (ratings), as column expressions.

A rating names its rater group (an alias such as ``atasan`` or ``masyarakat`` is
accepted), the rater's NIP (left empty by a self-rating; a citizen may give any id),
an aspect of the rules and a nilai on that aspect's scale. A rater rating themself
outside the ``self`` group is refused, and so is a second rating of the same aspect
by the same rater in the same group (the first accepted row wins).
"""

from __future__ import annotations

import polars as pl

from kinerja.frames import REJECTS
from kinerja.i18n import N_, _
from kinerja.input.cells import _fmt
from kinerja.input.codes import code_columns, group_columns
from kinerja.input.dates import date
from kinerja.input.distinct import on_rows
from kinerja.input.nips import NipColumns, nip_columns, nip_reason
from kinerja.input.numbers import fmt
from kinerja.input.problems import INDEX, Check
from kinerja.input.records import OWNER, Columns, add_numbers, col
from kinerja.input.repeats import repeated_keys
from kinerja.input.sheet import SheetPlan
from kinerja.input.spec import InputSpec
from kinerja.input.texts import Cell, raw_nip, text_value

__all__ = ["RATER", "duplicate_ratings", "rating_plan"]

RATER = NipColumns("rater", "penilai_nip")
"""The columns of a rating's ``penilai_nip`` as a NIP."""


def _outside(spec: InputSpec) -> pl.Expr:
    """Rows whose nilai is outside their aspect's scale (aspects sharing a scale together)."""
    aspect, nilai = col("aspek"), col("nilai")
    scales: dict[tuple[float, float], list[str]] = {}
    for code, scale in spec.aspects.items():
        scales.setdefault((float(scale[0]), float(scale[1])), []).append(code)
    if len(scales) == 1:
        [(lo, hi)] = scales
        return aspect.is_not_null() & ~nilai.is_between(lo, hi)
    chain = pl.when(pl.lit(False)).then(pl.lit(False))
    for (lo, hi), codes in scales.items():
        chain = chain.when(aspect.is_in(codes)).then(~nilai.is_between(lo, hi))
    return chain.otherwise(pl.lit(False))


def _scale_check(spec: InputSpec) -> Check:
    aspect, nilai = col("aspek"), col("nilai")
    los = {code: _fmt(lo) for code, (lo, _) in spec.aspects.items()}
    his = {code: _fmt(hi) for code, (_, hi) in spec.aspects.items()}
    lo = aspect.replace_strict(los, default=None, return_dtype=pl.String)
    hi = aspect.replace_strict(his, default=None, return_dtype=pl.String)
    reason = pl.format(
        _("nilai {} is outside the scale {}-{} for aspect {}"), fmt(nilai), lo, hi, aspect
    )
    return Check("nilai", _outside(spec), reason)


def _rater(columns: Columns) -> tuple[Cell, list[list[pl.Expr]], pl.Expr, pl.Expr]:
    """The rater's cell, its NIP stages, the rows whose rater is a NIP, and the rater as given."""
    cell = Cell.of(columns, "penilai_nip")
    group = col("kelompok")
    blank_self = (group == "self") & col("rater.blank")
    citizen = group == "citizen"
    checked = group.is_not_null() & ~citizen & ~blank_self
    inputs = [cell.text, cell.kind] if cell.typed else [cell.text]

    def written(text: pl.Expr, kind: pl.Expr | None = None) -> pl.Expr:
        return raw_nip(Cell(cell.name, text, pl.lit(None) if kind is None else kind, cell.typed))

    citizen_id = on_rows(written, citizen, inputs, pl.String())
    rater = (
        pl.when(blank_self)
        .then(OWNER.nip())
        .when(citizen)
        .then(citizen_id.fill_null(""))
        .when(group.is_not_null())
        .then(RATER.nip())
    )
    stages = nip_columns(cell, RATER)
    return cell, stages, checked, rater


def _themself() -> pl.Expr:
    """A rater who is the employee, outside the ``self`` group (``@rater`` is the employee's NIP).

    A NIP rater is compared by key; a citizen's written id by text (only on their rows).
    """
    group = col("kelompok")
    by_key = RATER.valid() & OWNER.valid() & (pl.col(RATER.key) == pl.col(OWNER.key))
    citizen = group == "citizen"
    written = pl.when(citizen).then(col("rater"))
    own = pl.coalesce(pl.when(citizen).then(pl.col(OWNER.slow)), pl.when(citizen).then("nip"))
    by_text = citizen & OWNER.valid() & (written != "") & (written == own)
    return (group != "self") & ((~citizen & by_key) | by_text)


def rating_plan(spec: InputSpec, columns: Columns) -> SheetPlan:
    """penilaian: rater group, rater NIP, aspect code, nilai on its scale, tanggal, catatan."""
    plan = SheetPlan()
    group = Cell.of(columns, "kelompok")
    plan.add(*group_columns(group, spec.groups, ("@kelompok", "@kelompok.why")))
    plan.checks.append(Check("kelompok", col("kelompok.why").is_not_null(), col("kelompok.why")))
    cell, stages, checked, rater = _rater(columns)
    plan.add(*stages)
    for_self = Cell(
        cell.name, pl.when(col("kelompok") == "self").then(cell.text), cell.kind, cell.typed
    )
    plan.then([for_self.blank().alias("@rater.blank")])  # only a self-rating may leave it empty
    reason = pl.concat_str(pl.lit("penilai_nip: "), nip_reason(cell, RATER))
    plan.checks.append(Check("penilai_nip", checked & ~RATER.valid(), reason))
    aspect = Cell.of(columns, "aspek")
    plan.add(*code_columns(aspect, spec.aspects, N_("aspect"), ("@aspek", "@aspek.why")))
    plan.checks.append(Check("aspek", col("aspek.why").is_not_null(), col("aspek.why")))
    add_numbers(plan, {"nilai": Cell.of(columns, "nilai")}, ())
    if spec.aspects:
        plan.checks.append(_scale_check(spec))
    tanggal = Cell.of(columns, "tanggal")
    when, blank = date(tanggal, "@tanggal"), tanggal.blank()
    plan.add(*when.stages)
    plan.then(
        [
            pl.when(~blank).then(when.value).alias("@tanggal"),
            (~blank & when.bad).alias("@tanggal.bad"),
        ]
    )
    plan.checks.append(Check("tanggal", col("tanggal.bad"), when.reason))
    plan.add([text_value(Cell.of(columns, "catatan")).alias("@catatan")])
    plan.then([rater.alias("@rater")])
    group_col, given = col("kelompok"), col("rater")
    plan.checks.append(Check("penilai_nip", _themself(), pl.lit(_(_THEMSELF))))
    plan.output = {
        "penilai_nip": given,
        "kelompok": group_col,
        "aspek": col("aspek"),
        "nilai": col("nilai"),
        "tanggal": col("tanggal"),
        "catatan": col("catatan"),
    }
    return plan


_THEMSELF = N_("penilai_nip is the employee themself; only kelompok self may rate oneself")
_DUPLICATE = N_(
    "duplicate rating: this rater already rated this aspect at penilaian row {}; "
    "remove one of the rows"
)


def duplicate_ratings(accepted: pl.DataFrame, key: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ratings left after refusing a second rating of one aspect by one rater in one group.

    ``accepted`` is the penilaian rows without any other problem, in input order
    (RATINGS columns, the owner's ``key`` and the row index); the first of them wins.
    Citizens without an id (``penilai_nip`` empty) are different people. Returns the
    ratings kept and the rejects of the others, naming the first row (REJECTS columns,
    then ``key`` and the index).
    """
    keys = [key, "penilai_nip", "kelompok", "aspek"]
    rated = accepted.with_columns((pl.col("penilai_nip") != "").alias("@rated"))
    found = repeated_keys(rated, "@rated", keys)
    if not found.height:
        schema = {**REJECTS, key: accepted.schema[key], INDEX: accepted.schema[INDEX]}
        return accepted, pl.DataFrame(schema=schema)
    again = rated.join(found, on=INDEX, how="inner", maintain_order="left").rechunk()
    rejects = again.select(
        pl.lit("penilaian").alias("sheet"),
        pl.col("_row").alias("row"),
        pl.col("nip"),
        pl.format(_(_DUPLICATE), pl.col("@first")).alias("reason"),
        pl.lit("penilai_nip").alias("column"),
        pl.col(key),
        pl.col(INDEX),
    )
    kept = accepted.filter(~pl.col(INDEX).is_in(found[INDEX].implode()))
    return kept, rejects

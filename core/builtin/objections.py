"""Default objections (keberatan): applied with an audit trail, late ones refused."""

from __future__ import annotations

import polars as pl

from kinerja import hookimpl
from kinerja.appraisal import Appraisal
from kinerja.builtin.supervisors import in_loops
from kinerja.frames import Batch, filled
from kinerja.i18n import N_, _
from kinerja.rules import RuleSet


def _deciders(batch: Batch) -> pl.DataFrame:
    """Each employee's expected decider: their supervisor's own supervisor (if known),
    and ``_loop``: whether the chain to that decider goes round a loop (then no one
    can decide)."""
    supervisors = batch.employees.select("nip", "atasan_nip")
    above = supervisors.rename({"nip": "atasan_nip", "atasan_nip": "_expected"})
    chain = supervisors.join(above, on="atasan_nip", how="left")
    looped = in_loops(batch.employees).implode()
    loop = pl.any_horizontal(pl.col(c).is_in(looped) for c in ("nip", "atasan_nip", "_expected"))
    return chain.select("nip", "_expected", loop.fill_null(False).alias("_loop"))


def _sequence(objections: pl.DataFrame, window: int) -> pl.DataFrame:
    """Objections in order with the predikat before and after each one (late ones, and
    ones no one can decide, change nothing; a later decision starts from the earlier
    one's result)."""
    days = (
        pl.col("tanggal_ajuan").str.to_date() - pl.col("tanggal_terima").str.to_date()
    ).dt.total_days()
    framed = objections.with_columns(days.alias("_days"))
    late = (pl.col("_days") > window) | (pl.col("_days") < 0)
    refused = late | pl.col("_loop")
    changed = pl.when(~refused & (pl.col("keputusan") == "ubah")).then(pl.col("predikat_baru"))
    after = changed.forward_fill().over("nip").fill_null(pl.col("predikat"))
    framed = framed.with_columns(late.alias("_late"), after.alias("after"))
    before = pl.col("after").shift(1).over("nip").fill_null(pl.col("predikat"))
    return framed.with_columns(
        before.alias("before"),
        filled(_("keberatan row {row}"), row=pl.col("_row")).alias("source"),
    )


_NO_DECIDER = N_(
    "the supervisor chain goes round a loop (atasan_nip leads back), so no supervisor's "
    "supervisor can decide it; correct atasan_nip and decide the objection again"
)


@hookimpl(trylast=True)
def kinerja_review_batch(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> None:
    """Apply each objection's decision, keeping the original predikat and the reason.

    An objection filed more than the rules' ``window_days`` after the result was
    received is recorded but not applied, as is one whose supervisor chain goes round
    a loop (no one can decide it). A decision by someone other than the supervisor's
    own supervisor (when both are in the input) is flagged.
    """
    window = rules.objection_window_days
    if window is None or batch.objections.height == 0:
        return
    current = appraisal.results.select("nip", "predikat")
    objections = batch.objections.join(current, on="nip", how="inner", maintain_order="left")
    objections = objections.join(_deciders(batch), on="nip", how="left", maintain_order="left")
    seq = _sequence(objections.with_columns(pl.col("_loop").fill_null(False)), window)
    late, loop = pl.col("_late"), pl.col("_loop") & ~pl.col("_late")
    wrong = (
        ~late
        & ~loop
        & pl.col("_expected").is_not_null()
        & (pl.col("pemutus_nip") != pl.col("_expected"))
    )
    source = pl.col("source")
    flags = seq.filter(late | loop | wrong).select(
        "nip",
        pl.when(late)
        .then(pl.lit("objection_late"))
        .when(loop)
        .then(pl.lit("objection_no_decider"))
        .otherwise(pl.lit("objection_decider"))
        .alias("code"),
        pl.when(late)
        .then(
            filled(
                _("objection at {source} filed after {days} days"),
                source=source,
                days=pl.col("_days"),
            )
        )
        .when(loop)
        .then(
            filled(
                _("objection at {source} has no decider: {why}"),
                source=source,
                why=_(_NO_DECIDER),
            )
        )
        .otherwise(
            filled(
                _(
                    "objection at {source} was decided by {by}, "
                    "not the supervisor's supervisor {expected}"
                ),
                source=source,
                by=pl.col("pemutus_nip"),
                expected=pl.col("_expected"),
            )
        )
        .alias("message"),
        pl.lit("warning").alias("severity"),
    )
    action = (
        pl.when(late | loop)
        .then(pl.lit("objection_refused"))
        .when(pl.col("after") != pl.col("before"))
        .then(pl.lit("objection_changed"))
        .otherwise(pl.lit("objection_upheld_result"))
    )
    reason = (
        pl.when(late)
        .then(
            filled(
                _("filed {days} days after the result was received; the limit is {limit}"),
                days=pl.col("_days"),
                limit=str(window),
            )
        )
        .when(loop)
        .then(pl.lit(_(_NO_DECIDER)))
        .otherwise("alasan")
    )
    appraisal.add(
        "audit",
        seq.select(
            "nip",
            action.alias("action"),
            "before",
            "after",
            pl.col("pemutus_nip").alias("by"),
            pl.col("tanggal_ajuan").alias("date"),
            reason.alias("reason"),
            "source",
        ),
    )
    appraisal.add("flags", flags)
    final = seq.group_by("nip", maintain_order=True).agg(pl.col("after").last().alias("predikat"))
    appraisal.update(final)

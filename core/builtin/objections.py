"""Default objections (keberatan): applied with an audit trail, late ones refused."""

from __future__ import annotations

import polars as pl

from kinerja import hookimpl
from kinerja.appraisal import Appraisal
from kinerja.builtin.supervisors import loops_of
from kinerja.frames import Batch, filled
from kinerja.i18n import N_, _
from kinerja.i18n.places import source_words
from kinerja.rules import RuleSet


def _deciders(batch: Batch) -> pl.DataFrame:
    """Each employee's supervisor (``_supervisor``), whether that supervisor is in the
    input (``_known``), the expected decider: the supervisor's own supervisor
    (``_expected``, null when unknown), and ``_loop``: whether the chain to that decider
    goes round a loop (then no one can decide)."""
    people = batch.employees if batch.chain is None else batch.chain
    supervisors = batch.employees.select("nip", pl.col("atasan_nip").alias("_supervisor"))
    above = people.select(
        pl.col("nip").alias("_supervisor"),
        pl.col("atasan_nip").alias("_expected"),
        pl.lit(True).alias("_known"),
    )
    chain = supervisors.join(above, on="_supervisor", how="left")
    looped = loops_of(batch).implode()
    loop = pl.any_horizontal(
        pl.col(c).is_in(looped) for c in ("nip", "_supervisor", "_expected")
    ).fill_null(False)
    return chain.select(
        "nip",
        "_supervisor",
        pl.col("_known").fill_null(False),
        "_expected",
        loop.alias("_loop"),
    )


def _refusal(window: int) -> pl.Expr:
    """Why an objection is refused, as a code (null: it stands), first cause first: filed
    late, a loop in the chain, no known supervisor's supervisor, or a decision by anyone
    but that supervisor's supervisor."""
    days = pl.col("_days")
    return (
        pl.when((days > window) | (days < 0))
        .then(pl.lit("late"))
        .when(pl.col("_loop"))
        .then(pl.lit("loop"))
        .when(pl.col("_supervisor").is_null())
        .then(pl.lit("no_supervisor"))
        .when(~pl.col("_known"))
        .then(pl.lit("supervisor_absent"))
        .when(pl.col("_expected").is_null())
        .then(pl.lit("supervisor_top"))
        .when(pl.col("pemutus_nip").ne_missing(pl.col("_expected")))
        .then(pl.lit("wrong"))
    )


def _sequence(objections: pl.DataFrame, window: int) -> pl.DataFrame:
    """Objections in order with why each is refused (``_refused``, null when it stands)
    and the predikat before and after each one (refused ones change nothing; a later
    decision starts from the earlier one's result)."""
    days = (
        pl.col("tanggal_ajuan").str.to_date() - pl.col("tanggal_terima").str.to_date()
    ).dt.total_days()
    framed = objections.with_columns(days.alias("_days"))
    framed = framed.with_columns(_refusal(window).alias("_refused"))
    stands = pl.col("_refused").is_null() & (pl.col("keputusan") == "ubah")
    changed = pl.when(stands).then(pl.col("predikat_baru"))
    after = changed.forward_fill().over("nip").fill_null(pl.col("predikat"))
    framed = framed.with_columns(after.alias("after"))
    before = pl.col("after").shift(1).over("nip").fill_null(pl.col("predikat"))
    return framed.with_columns(
        before.alias("before"),
        pl.format("keberatan:{}", pl.col("_row")).alias("source"),
    )


_NO_DECIDER = N_(
    "the supervisor chain goes round a loop (atasan_nip leads back), so no supervisor's "
    "supervisor can decide it; correct atasan_nip and decide the objection again"
)


def _unknown_decider(refused: pl.Expr) -> pl.Expr:
    """Why the supervisor's supervisor who decides an objection is not known (null when
    they are known), with what to do."""
    supervisor = pl.col("_supervisor")
    return (
        pl.when(refused == "loop")
        .then(pl.lit(_(_NO_DECIDER)))
        .when(refused == "no_supervisor")
        .then(
            pl.lit(
                _(
                    "the employee has no atasan_nip, so no one knows who the supervisor's "
                    "supervisor is, who decides it; fill in atasan_nip and decide the "
                    "objection again"
                )
            )
        )
        .when(refused == "supervisor_absent")
        .then(
            filled(
                _(
                    "the supervisor {supervisor} is not in the pegawai sheet, so no one knows "
                    "who their supervisor is, who decides it; add them to the pegawai sheet "
                    "with their atasan_nip and decide the objection again"
                ),
                supervisor=supervisor,
            )
        )
        .when(refused == "supervisor_top")
        .then(
            filled(
                _(
                    "the supervisor {supervisor} has no atasan_nip, so no one knows who their "
                    "supervisor is, who decides it; fill in their atasan_nip and decide the "
                    "objection again"
                ),
                supervisor=supervisor,
            )
        )
    )


def _flags(seq: pl.DataFrame) -> pl.DataFrame:
    """A warning for each refused objection: late, without a decider, or decided by the
    wrong official."""
    refused = pl.col("_refused")
    source = source_words(pl.col("source"))
    return seq.filter(refused.is_not_null()).select(
        "nip",
        pl.when(refused == "late")
        .then(pl.lit("objection_late"))
        .when(refused == "wrong")
        .then(pl.lit("objection_decider"))
        .otherwise(pl.lit("objection_no_decider"))
        .alias("code"),
        pl.when(refused == "late")
        .then(
            filled(
                _("objection at {source} filed after {days} days"),
                source=source,
                days=pl.col("_days"),
            )
        )
        .when(refused == "wrong")
        .then(
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
        .otherwise(
            filled(
                _("objection at {source} has no decider: {why}"),
                source=source,
                why=_unknown_decider(refused),
            )
        )
        .alias("message"),
        pl.lit("warning").alias("severity"),
    )


def _audit(seq: pl.DataFrame, window: int) -> pl.DataFrame:
    """One audit entry per objection: refused, changed or upheld, with the reason."""
    refused = pl.col("_refused")
    action = (
        pl.when(refused.is_not_null())
        .then(pl.lit("objection_refused"))
        .when(pl.col("after") != pl.col("before"))
        .then(pl.lit("objection_changed"))
        .otherwise(pl.lit("objection_upheld_result"))
    )
    reason = (
        pl.when(refused == "late")
        .then(
            filled(
                _("filed {days} days after the result was received; the limit is {limit}"),
                days=pl.col("_days"),
                limit=str(window),
            )
        )
        .when(refused == "wrong")
        .then(
            filled(
                _(
                    "decided by {by}, but only the supervisor's supervisor {expected} may "
                    "decide it; the decision is not applied"
                ),
                by=pl.col("pemutus_nip").fill_null("-"),
                expected=pl.col("_expected"),
            )
        )
        .when(refused.is_not_null())
        .then(_unknown_decider(refused))
        .otherwise("alasan")
    )
    return seq.select(
        "nip",
        action.alias("action"),
        "before",
        "after",
        pl.col("pemutus_nip").alias("by"),
        pl.col("tanggal_ajuan").alias("date"),
        reason.alias("reason"),
        "source",
    )


@hookimpl(trylast=True)
def kinerja_review_batch(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> None:
    """Apply each objection's decision, keeping the original predikat and the reason.

    Only the supervisor's own supervisor decides an objection (PP 30/2019). An objection
    is recorded and flagged but not applied when it was filed more than the rules'
    ``window_days`` after the result was received, when that decider cannot be known
    (the supervisor chain goes round a loop, or the supervisor or their own atasan_nip
    is not in the input), or when someone else decided it.
    """
    window = rules.objection_window_days
    if window is None or batch.objections.height == 0:
        return
    current = appraisal.results.select("nip", "predikat")
    objections = batch.objections.join(current, on="nip", how="inner", maintain_order="left")
    objections = objections.join(_deciders(batch), on="nip", how="left", maintain_order="left")
    objections = objections.with_columns(
        pl.col("_loop").fill_null(False), pl.col("_known").fill_null(False)
    )
    seq = _sequence(objections, window)
    appraisal.add("audit", _audit(seq, window))
    appraisal.add("flags", _flags(seq))
    final = seq.group_by("nip", maintain_order=True).agg(pl.col("after").last().alias("predikat"))
    appraisal.update(final)

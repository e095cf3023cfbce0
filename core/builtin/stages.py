"""Default review stages: a stage is done when its records exist, in the right order."""

from __future__ import annotations

import polars as pl

from kinerja import hookimpl
from kinerja.appraisal import Appraisal
from kinerja.frames import Batch, filled, group_word
from kinerja.i18n import _
from kinerja.rules import RuleSet, Stage


def stage_done(rules: RuleSet, stage: Stage, appraisal: Appraisal) -> pl.DataFrame:
    """Per employee: whether the stage's records exist (``done``), and what is missing."""
    results = appraisal.results.select("nip", *([stage.subject] if stage.kind == "input" else []))
    if stage.kind == "outcomes":
        having = appraisal.detail("indicators").select("nip").unique()
        done = pl.col("nip").is_in(having["nip"].implode())
        missing = _("no outcome rows (capaian) yet")
    elif stage.kind == "ratings":
        minimum = rules.rater_groups[stage.subject].min_count
        groups = appraisal.detail("groups").filter(pl.col("group") == stage.subject)
        enough = groups.group_by("nip").agg(pl.col("count").max() >= minimum)
        having = enough.filter(pl.col("count"))
        done = pl.col("nip").is_in(having["nip"].implode())
        missing = _(
            "needs ratings from {minimum} {group} rater(s)",
            minimum=str(minimum),
            group=group_word(stage.subject),
        )
    else:
        value = pl.col(stage.subject)
        done = value.is_not_null() & (value.cast(pl.String) != "")
        missing = _("column {column} is empty", column=repr(stage.subject))
    return results.select("nip", done.alias("done"), pl.lit(missing).alias("missing"))


def stage_dates(stage: Stage, appraisal: Appraisal, batch: Batch) -> pl.DataFrame:
    """Per employee who has them: the first and last date of the records of ``stage``."""
    if stage.kind == "ratings":
        dated = batch.ratings.filter(
            (pl.col("kelompok") == stage.subject) & pl.col("tanggal").is_not_null()
        ).select("nip", pl.col("tanggal").alias("date"))
    elif stage.kind == "input":
        value = pl.col(stage.subject).cast(pl.String)
        dated = appraisal.results.select("nip", value.alias("date")).filter(
            pl.col("date").str.len_chars() == 10
        )
    else:
        dated = pl.DataFrame(schema={"nip": pl.String, "date": pl.String})
    return dated.group_by("nip").agg(
        pl.col("date").min().alias("first"), pl.col("date").max().alias("last")
    )


def _order_check(
    rules: RuleSet, stage: Stage, appraisal: Appraisal, batch: Batch, states: pl.DataFrame
) -> pl.DataFrame:
    """Mark done stages out of order when the stage they follow is not done, or later."""
    earlier = next(s for s in rules.stages if s.id == stage.after)
    before = appraisal.detail("stages").filter(pl.col("id") == earlier.id)
    before = before.select("nip", (pl.col("status") == "done").alias("_before_done"))
    prior = stage_dates(earlier, appraisal, batch).select("nip", pl.col("last").alias("_prior"))
    mine = stage_dates(stage, appraisal, batch).select("nip", pl.col("first").alias("_mine"))
    joined = (
        states.join(before, on="nip", how="left", maintain_order="left")
        .join(prior, on="nip", how="left", maintain_order="left")
        .join(mine, on="nip", how="left", maintain_order="left")
    )
    done = pl.col("status") == "done"
    not_after = done & ~pl.col("_before_done").fill_null(False)
    too_early = done & (pl.col("_mine") < pl.col("_prior")).fill_null(False)
    return joined.with_columns(
        pl.when(not_after | too_early)
        .then(pl.lit("out_of_order"))
        .otherwise("status")
        .alias("status"),
        pl.when(not_after)
        .then(pl.lit(_("done before '{stage}', which must come first", stage=earlier.label)))
        .when(too_early)
        .then(
            filled(
                _("dated {date}, before '{stage}' ({before})"),
                date=pl.col("_mine"),
                stage=earlier.label,
                before=pl.col("_prior"),
            )
        )
        .otherwise("detail")
        .alias("detail"),
    )


def stage_marks(stage: Stage, appraisal: Appraisal, batch: Batch) -> pl.DataFrame:
    """Per employee who has them: when the stage's records were made (``done_on``: the
    last date of them) and by whom (``done_by``: a rating stage's raters, the employee
    for a self-assessment; an input's or the outcomes' authors are not recorded)."""
    dates = stage_dates(stage, appraisal, batch).select("nip", pl.col("last").alias("done_on"))
    if stage.kind != "ratings":
        return dates.with_columns(pl.lit(None, pl.String).alias("done_by"))
    rated = batch.ratings.filter(pl.col("kelompok") == stage.subject)
    rater = pl.when(pl.col("penilai_nip") != "").then(pl.col("penilai_nip"))
    if stage.subject == "self":
        rater = pl.coalesce(rater, pl.col("nip"))
    raters = rated.group_by("nip").agg(
        rater.drop_nulls().unique().sort().str.join(", ").alias("done_by")
    )
    return raters.join(dates, on="nip", how="full", coalesce=True).select(
        "nip", "done_on", "done_by"
    )


@hookimpl(trylast=True)
def kinerja_review_stage(rules: RuleSet, stage: Stage, appraisal: Appraisal, batch: Batch) -> bool:
    """Mark the stage done, pending, or out of order (records dated before the stage it
    follows); a done stage says when and by whom, where its records say so."""
    found = stage_done(rules, stage, appraisal)
    states = found.select(
        "nip",
        pl.lit(stage.id).alias("id"),
        pl.lit(stage.label).alias("label"),
        pl.when("done").then(pl.lit("done")).otherwise(pl.lit("pending")).alias("status"),
        pl.when("done").then(pl.lit("")).otherwise("missing").alias("detail"),
    )
    if stage.after is not None:
        states = _order_check(rules, stage, appraisal, batch, states)
    marks = stage_marks(stage, appraisal, batch)
    states = states.join(marks, on="nip", how="left", maintain_order="left")
    done = pl.col("status") == "done"
    states = states.with_columns(
        pl.when(done).then(pl.col("done_on")).alias("done_on"),
        pl.when(done).then(pl.col("done_by")).alias("done_by"),
    )
    appraisal.add("stages", states)
    return True

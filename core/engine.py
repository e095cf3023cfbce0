"""The appraisal engine: one batch of employees through a region's rules and hooks.

Every step is a frame operation over the whole batch: collection and weighting
give columns, the compiled rules add one column per component with the score and
the predikat, and the review and feedback hooks add detail rows. An employee whose
rules cannot be computed (a division by zero, a missing value) goes to the
rejects with the reason; the rest of the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

import pluggy
import polars as pl

from kinerja import __version__, regions
from kinerja.appraisal import Appraisal
from kinerja.engine_steps import (
    collected_values,
    evaluated,
    hold_until_final,
    rater_group_flags,
    weighed_values,
)
from kinerja.frames import REJECTS, Batch, RunOutput, StepInfo
from kinerja.guard import doing
from kinerja.i18n import _
from kinerja.model import RunInfo
from kinerja.raters import batch_raters
from kinerja.regions import RegionHooks
from kinerja.review.fair import fair_scores
from kinerja.review.touched import review_ratings, touched_flags
from kinerja.rules import RuleSet

Progress = Callable[[int], None]
"""Called with the number of employees just appraised, for progress bars."""


def appraise(
    rules: RuleSet,
    batch: Batch,
    pm: pluggy.PluginManager,
    *,
    progress: Progress | None = None,
) -> RunOutput:
    """Appraise every employee in ``batch`` under ``rules``.

    Every employee ends up in the results or in the rejects with a reason; the
    rejects also carry every input row validation refused.

    :param rules: the region's checked rule set.
    :param batch: validated input (see :func:`kinerja.input.validate.build_dataset`).
    :param pm: the plugin manager (see :func:`kinerja.manager.make_manager`).
    :param progress: optional callback, called with the number of employees done.
    """
    hook = RegionHooks(pm, rules.region)  # other regions' plugins stay out of this run
    if batch.raters is None:  # the batch is the whole run
        batch = replace(batch, raters=batch_raters(rules, batch.ratings))
    if batch.review is None and rules.rater_effects is not None:  # the whole run, too
        with doing(stage=_("estimating the raters' effects")):
            batch = replace(batch, review=review_ratings(rules, batch.ratings))
    with doing(stage=_("collecting the indicators")):
        values, indicators = collected_values(
            batch.employees, hook.kinerja_collect_indicators(rules=rules, batch=batch)
        )
    with doing(stage=_("weighing the ratings")):
        weighed = hook.kinerja_weigh_ratings(rules=rules, batch=batch)
        values = weighed_values(rules, values, weighed)
    computed, failed = evaluated(rules, values)
    appraisal = Appraisal(computed)
    appraisal.add("indicators", indicators)
    if weighed is not None:
        appraisal.add("aspects", weighed.aspects)
        appraisal.add("groups", weighed.groups)
        appraisal.add("notes", weighed.notes)
        appraisal.add("flags", rater_group_flags(rules, weighed))
    predikat = hook.kinerja_assign_predikat(rules=rules, results=appraisal.results)
    if predikat is not None:
        appraisal.results = appraisal.results.with_columns(predikat.alias("predikat"))
    if batch.review is not None and rules.adjust_for_rater_effects:
        with doing(stage=_("computing the fair score")):
            weigh = partial(hook.kinerja_weigh_ratings, rules=rules)
            appraisal.update(fair_scores(rules, batch, values, weigh))
    for stage in rules.stages:
        with doing(stage=_("reviewing: stage {stage}", stage=stage.id)):
            hook.kinerja_review_stage(rules=rules, stage=stage, appraisal=appraisal, batch=batch)
    with doing(stage=_("reviewing the whole batch")):
        hook.kinerja_review_batch(rules=rules, appraisal=appraisal, batch=batch)
        if batch.review is not None:
            appraisal.add("flags", touched_flags(batch.review, batch.ratings))
    # feedback and recommendations come last, on the final result (after objections)
    with doing(stage=_("giving feedback and recommendations")):
        hook.kinerja_give_feedback(rules=rules, appraisal=appraisal, batch=batch)
        status = _status(appraisal)  # final once every stage is done: feedback changes none
        hold_until_final(appraisal, status)
    if progress is not None:
        progress(batch.employees.height)
    return _output(rules, batch, appraisal, failed, status)


def _status(appraisal: Appraisal) -> pl.DataFrame:
    """``final`` once every stage is done and nothing is incomplete, else ``provisional``."""
    open_stage = appraisal.detail("stages").filter(pl.col("status") != "done").select("nip")
    incomplete = appraisal.detail("flags").filter(pl.col("code") == "incomplete").select("nip")
    pending = pl.concat([open_stage, incomplete])["nip"].implode()
    return appraisal.results.select(
        "nip",
        pl.when(pl.col("nip").is_in(pending))
        .then(pl.lit("provisional"))
        .otherwise(pl.lit("final"))
        .alias("status"),
    )


def _output(
    rules: RuleSet,
    batch: Batch,
    appraisal: Appraisal,
    failed: pl.DataFrame,
    status: pl.DataFrame,
) -> RunOutput:
    """The run's output frames and metadata; the employees' failures join the rejects."""
    if "peer_rank" not in appraisal.results.columns:
        appraisal.results = appraisal.results.with_columns(
            pl.lit(None, pl.String).alias("peer_rank")
        )
    appraisal.update(status)
    failures = failed.select(
        pl.lit("pegawai").alias("sheet"),
        pl.col("_row").alias("row"),
        "nip",
        pl.col("_error").alias("reason"),
        pl.lit(None, pl.String).alias("column"),
    )
    rejects = pl.concat([batch.rejects, failures.cast(REJECTS)])  # type: ignore[arg-type]
    # Whole-file problems (row 0, e.g. no pegawai sheet) are no employee: leave them out,
    # so that employees_in = appraised + rejected_employees.
    employee_rejects = rejects.filter((pl.col("sheet") == "pegawai") & (pl.col("row") > 0)).height
    info = RunInfo(
        region=rules.region,
        rules_version=rules.version,
        rules_sha256=rules.sha256,
        input=batch.source,
        input_sha256=batch.sha256,
        engine_version=__version__,
        rows_in=dict(batch.rows_in),
        employees_in=batch.rows_in.get("pegawai", batch.employees.height),
        appraised=appraisal.results.height,
        rejected_employees=employee_rejects,
        rejected_rows=rejects.height,
        run_on=regions.today().isoformat(),
    )
    components = tuple(
        StepInfo(c.name, c.label, c.checked.source, c.checked.names) for c in rules.components
    )
    return RunOutput(info, appraisal.results, rejects, components, **appraisal.details())

"""The fair score: the score again, with the raters' estimated effects taken out of their
ratings, as evidence for reviewers beside the plain score.

Where the rules' ``rater_effects:`` section says ``adjust_for_rater_effects: true``, each
rating becomes ``nilai - effect * (high - low)``, kept within its aspect's scale
``[low, high]``: its rater's fitted effect (:mod:`kinerja.review.effects`, on the 0-1
scale of the aspects) on the rating's own scale. The adjusted ratings go through the same
weighting hooks and the same compiled rules as the plain ones, down to the score, so the
fair score is what the score would be if every rater rated like the run's average
rater; it is right also for rules whose score is not linear in the ratings (a band, a
cap, a condition), since nothing is assumed of the rules.

Left as they are: ratings without a rater id (the model does not read them), ratings of
an aspect the rules do not scale, and ratings whose rater's effect cannot be estimated
(an infinite standard error: every employee they rate is rated by them alone, so a
lenient rater cannot be told from a strong team). The plain ``score`` and ``predikat``
never change: ``fair_score`` is a column of its own, null where the rules cannot be
computed from the adjusted ratings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import polars as pl

from kinerja.engine_steps import evaluated, weighed_values
from kinerja.frames import Batch
from kinerja.regions import Weighed
from kinerja.review.touched import RaterReview
from kinerja.rules import RuleSet

__all__ = ["FAIR_SCORE", "adjusted_ratings", "fair_scores"]

FAIR_SCORE = "fair_score"
"""The results column of the fair score."""

Weigh = Callable[..., Weighed | None]
"""The run's weighting: the weighting hooks, called with ``batch=``."""


def adjusted_ratings(rules: RuleSet, ratings: pl.DataFrame, review: RaterReview) -> pl.DataFrame:
    """``ratings`` (:data:`kinerja.frames.RATINGS`) with each ``nilai`` minus its rater's
    effect on the aspect's scale, kept within the scale (see the module doc)."""
    scales = pl.DataFrame(
        {
            "aspek": list(rules.aspects),
            "_low": [float(a.scale[0]) for a in rules.aspects.values()],
            "_high": [float(a.scale[1]) for a in rules.aspects.values()],
        },
        schema={"aspek": pl.String, "_low": pl.Float64, "_high": pl.Float64},
    )
    effects = review.effects.filter(pl.col("se").is_finite()).select(
        "kelompok", "penilai_nip", pl.col("effect").alias("_effect")
    )
    joined = ratings.join(
        effects, on=["kelompok", "penilai_nip"], how="left", maintain_order="left"
    ).join(scales, on="aspek", how="left", maintain_order="left")
    shifted = pl.col("nilai") - pl.col("_effect") * (pl.col("_high") - pl.col("_low"))
    kept = shifted.clip(pl.col("_low"), pl.col("_high"))
    known = pl.col("_effect").is_not_null() & pl.col("_low").is_not_null()
    nilai = pl.when(known).then(kept).otherwise(pl.col("nilai"))
    return joined.with_columns(nilai.alias("nilai")).select(ratings.columns)


def fair_scores(rules: RuleSet, batch: Batch, values: pl.DataFrame, weigh: Weigh) -> pl.DataFrame:
    """``nip`` and :data:`FAIR_SCORE` of every employee of ``values`` (the batch's values
    as the plain score read them: inputs, indicators, aspects), from the batch's ratings
    adjusted by ``batch.review``, weighed by ``weigh`` and computed by the rules up to the
    score."""
    fair = replace(batch, ratings=adjusted_ratings(rules, batch.ratings, batch.review))
    weighed = weighed_values(rules, values, weigh(batch=fair))
    computed, _failed = evaluated(rules, weighed, upto="score")
    scores = computed.select("nip", pl.col("score").alias(FAIR_SCORE))
    return values.select("nip").join(scores, on="nip", how="left", maintain_order="left")

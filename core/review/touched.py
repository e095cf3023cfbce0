"""Flags on the results a rater finding touches: the rater's role and the evidence, never
the rater.

When the rules have a ``rater_effects:`` section, a run fits the rater-effects model
(:mod:`kinerja.review.effects`) once on every rating of the run (:func:`review_ratings`)
and reads its findings (:mod:`kinerja.review.findings`). A chunked run does it before it
appraises its first chunk and hands the same :class:`RaterReview` to every chunk
(``Batch.review``), so that a chunk flags what the whole run would.

A result is touched by a finding when the rater found rated that employee; it then gets one
``warning`` flag per finding, coded by kind (:data:`CODES`: ``rater_lenient``,
``rater_severe``, ``rater_supervisor_gap``, ``rater_straight_line``,
``rater_self_inflation``, ``rater_halo``). The message names the rater's group in words
(``the peer ratings of this result include a rater whose ratings run 0.58 points above
what the model expects of the same employees (se 0.14, 21 ratings)``) and never a
rater's NIP or name: the employee reads the flag, the rater trainer reads ``kinerja
raters``.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kinerja.frames import FLAGS, empty, filled, group_words
from kinerja.i18n import N_, _
from kinerja.i18n.numbers import number_column
from kinerja.rules import RuleSet

__all__ = ["CODES", "EFFECTS", "RaterReview", "model_rows", "review_ratings", "touched_flags"]

CODES = {
    "leniency": "rater_lenient",
    "severity": "rater_severe",
    "supervisor_gap": "rater_supervisor_gap",
    "straight_line": "rater_straight_line",
    "self_inflation": "rater_self_inflation",
    "halo": "rater_halo",
}
"""The flag code of each kind of finding (:data:`kinerja.review.findings.KINDS`)."""
EFFECTS = {
    "kelompok": pl.String,
    "penilai_nip": pl.String,
    "effect": pl.Float64,
    "se": pl.Float64,
}
"""Each rater's effect on the 0-1 scale of the aspects, and its standard error."""
_RATER = ["kelompok", "penilai_nip"]
_MODEL = ["nip", "kelompok", "penilai_nip", "aspek", "nilai"]

LENIENT = N_(
    "the {group} ratings of this result include a rater whose ratings run {points} points "
    "above what the model expects of the same employees (se {se}, {ratings} ratings)"
)
SEVERE = N_(
    "the {group} ratings of this result include a rater whose ratings run {points} points "
    "below what the model expects of the same employees (se {se}, {ratings} ratings)"
)
GAP_ABOVE = N_(
    "the {group} ratings of this result include a rater whose ratings run {points} points "
    "above the peers' and self-ratings of the same employees on average (se {se}, "
    "{ratings} ratings)"
)
GAP_BELOW = N_(
    "the {group} ratings of this result include a rater whose ratings run {points} points "
    "below the peers' and self-ratings of the same employees on average (se {se}, "
    "{ratings} ratings)"
)
STRAIGHT = N_(
    "the {group} ratings of this result include a rater who gave the same ratings to all "
    "{employees} employees they rated ({ratings} ratings)"
)
SELF = N_(
    "the self-ratings of this result run {points} points above the other raters of the "
    "same employee (se {se}, {ratings} ratings)"
)
HALO = N_(
    "the {group} ratings of this result include a rater who gave each of the {employees} "
    "employees they rated one level for every aspect, a level that differs between "
    "employees ({ratings} ratings)"
)


@dataclass(frozen=True)
class RaterReview:
    """What the rater-effects model found in a whole run's ratings."""

    findings: pl.DataFrame
    """Every finding (:data:`kinerja.review.findings.FINDINGS`), by kind then rater."""
    effects: pl.DataFrame
    """Every rater's effect (:data:`EFFECTS`); ``se`` is infinite where the ratings
    cannot tell the rater from the employees they rate."""

    @classmethod
    def nothing(cls) -> RaterReview:
        """The review of a run without a rating the model can read."""
        from kinerja.review.findings import FINDINGS

        return cls(empty(FINDINGS), empty(EFFECTS))


def model_rows(ratings: pl.DataFrame | pl.LazyFrame, rules: RuleSet) -> pl.DataFrame:
    """The ratings the model reads (a rater id, a value, an aspect of the rules), in one
    order whatever the order of the input or its chunks: the fit, done in floating point,
    then gives the very same numbers for a run read whole or in chunks."""
    rated = (pl.col("penilai_nip").fill_null("") != "") & pl.col("nilai").is_not_null()
    return (
        ratings.lazy()
        .select(_MODEL)
        .filter(rated & pl.col("aspek").is_in(list(rules.aspects)))
        .sort(_MODEL)
        .collect()
    )


def review_ratings(rules: RuleSet, ratings: pl.DataFrame | pl.LazyFrame) -> RaterReview:
    """Fit the rater-effects model on every rating of a run (``ratings``: the
    :data:`kinerja.frames.RATINGS` of the whole run) and find what the rules'
    ``rater_effects:`` thresholds make a finding."""
    rows = model_rows(ratings, rules)
    if rows.is_empty():
        return RaterReview.nothing()
    from kinerja.review.effects import fit_effects  # scipy: only for runs that fit the model
    from kinerja.review.findings import find_biases, thresholds_of

    effects = fit_effects(rows, {code: aspect.scale for code, aspect in rules.aspects.items()})
    findings = find_biases(effects, thresholds_of(rules.rater_effects))
    return RaterReview(findings, effects.raters.select(list(EFFECTS)))


def touched_flags(review: RaterReview, ratings: pl.DataFrame) -> pl.DataFrame:
    """One warning flag (:data:`kinerja.frames.FLAGS`) per result and finding of a rater
    who rated it (``ratings``: the batch's), each employee's in the findings' order."""
    findings = review.findings
    if findings.is_empty():
        return empty(FLAGS)
    raters = (
        ratings.filter((pl.col("penilai_nip").fill_null("") != "") & pl.col("nilai").is_not_null())
        .select("nip", *_RATER)
        .unique(maintain_order=True)
    )
    touched = findings.join(raters, on=_RATER, how="inner", maintain_order="left")
    return touched.select(
        "nip",
        pl.col("kind").replace_strict(CODES, return_dtype=pl.String).alias("code"),
        _message().alias("message"),
        pl.lit("warning").alias("severity"),
    )


def _message() -> pl.Expr:
    """The flag's words for the finding of each row, in the language in use."""
    evidence = {
        "group": group_words(pl.col("kelompok")),
        "points": number_column(pl.col("value").abs(), 2),
        "se": number_column(pl.col("se"), 2).fill_null("–"),
        "ratings": pl.col("ratings").cast(pl.String),
        "employees": pl.col("employees").cast(pl.String),
    }
    kind, above = pl.col("kind"), pl.col("value") > 0
    words = {
        "leniency": LENIENT,
        "severity": SEVERE,
        "straight_line": STRAIGHT,
        "self_inflation": SELF,
        "halo": HALO,
    }
    message = pl.when((kind == "supervisor_gap") & above).then(filled(_(GAP_ABOVE), **evidence))
    message = message.when(kind == "supervisor_gap").then(filled(_(GAP_BELOW), **evidence))
    for name, template in words.items():
        message = message.when(kind == name).then(filled(_(template), **evidence))
    return message.otherwise(pl.lit(None, pl.String))  # every kind has its words above

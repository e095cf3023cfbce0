"""What the rater-effects model finds: per rater, each finding with its evidence.

Every finding is about one rater (a ``kelompok``, ``penilai_nip`` pair), never about an
employee alone, and carries its numbers (``value``, ``se``, ``threshold``, ``ratings``,
``employees``) and a sentence for an HR officer (``words``). Values are in points of
the widest scale (a 1-5 scale has 4), except the counts of straight-lining and halo.

Kinds (``kind``):

- ``leniency`` / ``severity``: a supervisor, peer, subordinate or citizen whose effect
  is at least ``leniency`` points from 0 and ``z`` standard errors, over at least
  ``min_ratings`` ratings (self-raters have their own kind);
- ``supervisor_gap``: a supervisor whose ratings of the same employees, aspect by
  aspect, differ from the mean of their peers' and self-ratings by at least
  ``supervisor_gap`` points on average, ``z`` standard errors (the larger of the
  spread of the per-employee gaps and the model's residual sd, over the employees);
- ``straight_line``: a rater who gave every one of at least ``identical_min``
  employees the same ratings (one number throughout, or one pattern of aspects);
- ``self_inflation``: a self-rater whose effect is at least ``self_inflation`` points
  above the mean effect of the other raters of the same employee, ``z`` standard
  errors (the self-rater's se, which counts that the level is estimated too);
- ``halo``: a rater who gave each of at least ``halo_min`` employees (each rated on at
  least ``halo_aspects`` aspects) one level across all aspects, while the levels differ
  between employees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import polars as pl

from kinerja.frames import Schema, either, empty, filled, group_words
from kinerja.i18n import N_, _
from kinerja.i18n.numbers import number_column
from kinerja.review.effects import RaterEffects

__all__ = ["FINDINGS", "KINDS", "EffectThresholds", "find_biases", "thresholds_of"]

KINDS = ("leniency", "severity", "supervisor_gap", "straight_line", "self_inflation", "halo")
FINDINGS: Schema = {
    "penilai_nip": pl.String,
    "kelompok": pl.String,
    "kind": pl.String,
    "value": pl.Float64,
    "se": pl.Float64,
    "threshold": pl.Float64,
    "ratings": pl.Int64,
    "employees": pl.Int64,
    "words": pl.String,
}
_RATER = ["kelompok", "penilai_nip"]

LENIENT = N_(
    "rater {rater} ({group}) rates {points} points above what the model expects of the "
    "same employees (se {se}, {ratings} ratings of {employees} employees)"
)
SEVERE = N_(
    "rater {rater} ({group}) rates {points} points below what the model expects of the "
    "same employees (se {se}, {ratings} ratings of {employees} employees)"
)
GAP_ABOVE = N_(
    "supervisor {rater} rates {points} points above the peers' and self-ratings of the "
    "same employees on average (se {se}, {ratings} ratings of {employees} employees)"
)
GAP_BELOW = N_(
    "supervisor {rater} rates {points} points below the peers' and self-ratings of the "
    "same employees on average (se {se}, {ratings} ratings of {employees} employees)"
)
STRAIGHT = N_(
    "rater {rater} ({group}) gave the same ratings to all {employees} employees they "
    "rated ({ratings} ratings)"
)
SELF = N_(
    "{rater} rates themself {points} points above the other raters of the same "
    "employee (se {se}, {ratings} ratings)"
)
HALO = N_(
    "rater {rater} ({group}) gave each of the {employees} employees they rated one level "
    "for every aspect, from {low} to {high} between employees ({ratings} ratings)"
)


@dataclass(frozen=True)
class EffectThresholds:
    """When a rater's evidence is a finding. Points are of the widest scale.

    Defaults, for a 1-5 scale (4 points): ``leniency`` 0.5 (an eighth of the scale,
    half a step: below it a rater's drift is within what raters naturally differ by);
    ``z`` 2.5 (about 1 in 80 unbiased raters past it by chance, before the points
    threshold cuts further); ``min_ratings`` 8 (two employees on four aspects: one
    employee's ratings alone are one impression, not a habit); ``supervisor_gap`` 0.75
    (as the regions' leniency); ``self_inflation`` 1.0 (a whole step above the
    others: people rate themselves somewhat higher as a rule, and a shipped region's rules
    already flag 1.0); ``identical_min`` 4 and ``halo_min`` 4 employees (a peer rates
    about four colleagues; by chance an honest rater gives four people the very same
    ratings rarely); ``halo_aspects`` 3 (as the issue says).
    """

    leniency: float = 0.5
    z: float = 2.5
    min_ratings: int = 8
    supervisor_gap: float = 0.75
    self_inflation: float = 1.0
    identical_min: int = 4
    halo_min: int = 4
    halo_aspects: int = 3


def thresholds_of(section: Mapping[str, float] | None) -> EffectThresholds:
    """The thresholds a rule file's ``rater_effects:`` section sets (checked by the
    schema), the defaults for the rest."""
    return replace(EffectThresholds(), **dict(section or {}))


def find_biases(effects: RaterEffects, thresholds: EffectThresholds | None = None) -> pl.DataFrame:
    """Every finding (:data:`FINDINGS`) of the fitted model, by kind then rater."""
    limits = thresholds or EffectThresholds()
    each = per_employee(effects)
    found = [
        leniency(effects, limits),
        supervisor_gap(effects, limits),
        straight_line(effects, limits, each),
        self_inflation(effects, limits),
        halo(effects, limits, each),
    ]
    order = pl.DataFrame({"kind": list(KINDS), "_k": range(len(KINDS))})
    frame = pl.concat(found).join(order, on="kind", how="left")
    return frame.sort("_k", "kelompok", "penilai_nip").drop("_k")


def _finding(
    frame: pl.DataFrame, kind: str | pl.Expr, threshold: float, words: pl.Expr
) -> pl.DataFrame:
    if frame.is_empty():
        return empty(FINDINGS)
    named = kind if isinstance(kind, pl.Expr) else pl.lit(kind)
    return frame.select(
        "penilai_nip",
        "kelompok",
        named.alias("kind"),
        pl.col("value").cast(pl.Float64),
        pl.col("se").cast(pl.Float64),
        pl.lit(float(threshold)).alias("threshold"),
        pl.col("ratings").cast(pl.Int64),
        pl.col("employees").cast(pl.Int64),
        words.alias("words"),
    )


def _evidence() -> dict[str, pl.Expr]:
    """The placeholders every sentence may use."""
    return {
        "rater": pl.col("penilai_nip"),
        "group": group_words(pl.col("kelompok")),
        "points": number_column(pl.col("value").abs(), 2),
        "se": number_column(pl.col("se"), 2).fill_null("–"),
        "ratings": pl.col("ratings").cast(pl.String),
        "employees": pl.col("employees").cast(pl.String),
    }


def _significant(limit: float, z: float) -> pl.Expr:
    return (pl.col("value").abs() >= limit) & (pl.col("value").abs() >= z * pl.col("se"))


def leniency(effects: RaterEffects, limits: EffectThresholds) -> pl.DataFrame:
    """Leniency and severity: a non-self rater's effect, far from 0 and significant."""
    raters = effects.raters.filter(
        (pl.col("kelompok") != "self") & (pl.col("ratings") >= limits.min_ratings)
    ).with_columns(pl.col("points").alias("value"), pl.col("se_points").alias("se"))
    hits = raters.filter(_significant(limits.leniency, limits.z))
    up = pl.col("value") > 0
    words = either(up, _(LENIENT), _(SEVERE), **_evidence())
    kind = pl.when(up).then(pl.lit("leniency")).otherwise(pl.lit("severity"))
    return _finding(hits, kind, limits.leniency, words)


def supervisor_gap(effects: RaterEffects, limits: EffectThresholds) -> pl.DataFrame:
    """Supervisors far from the peers' and self-ratings of the same employees."""
    rated = effects.ratings
    cell = ["_e", "_a"]
    others = (
        rated.filter(pl.col("kelompok").is_in(["peer", "self"]))
        .group_by(cell)
        .agg(pl.col("scaled").mean().alias("_others"), pl.len().alias("_k_o"))
    )
    sup = rated.filter(pl.col("kelompok") == "supervisor").join(others, on=cell, how="inner")
    per_employee = sup.group_by("_r", "_e").agg(
        (pl.col("scaled") - pl.col("_others")).mean().alias("_d"),
        ((1.0 + 1.0 / pl.col("_k_o")).sum() / pl.len() ** 2).alias("_v"),
        pl.len().alias("_n"),
    )
    sd2 = effects.residual_sd**2
    span = effects.span
    model = (sd2 * pl.col("_v").mean() / pl.len()).sqrt()
    spread = (pl.col("_d").var().fill_null(0.0) / pl.len()).sqrt()
    per_rater = per_employee.group_by("_r").agg(
        (pl.col("_d").mean() * span).alias("value"),
        (pl.max_horizontal(model, spread) * span).alias("se"),
        pl.col("_n").sum().alias("ratings"),
        pl.len().alias("employees"),
    )
    who = effects.raters.select("_r", "penilai_nip", "kelompok")
    hits = per_rater.join(who, on="_r").filter(
        (pl.col("ratings") >= limits.min_ratings) & _significant(limits.supervisor_gap, limits.z)
    )
    words = either(pl.col("value") > 0, _(GAP_ABOVE), _(GAP_BELOW), **_evidence())
    return _finding(hits, "supervisor_gap", limits.supervisor_gap, words)


def per_employee(effects: RaterEffects) -> pl.DataFrame:
    """Each rater's ratings of each employee (``_r``, ``_e``): count, pattern (hashes of
    ``aspek=nilai``, sorted), spread and level (0-1), mean nilai, distinct values."""
    each = pl.concat_str(pl.col("aspek"), pl.lit("="), pl.col("nilai").cast(pl.String))
    return effects.ratings.group_by("_r", "_e").agg(
        each.hash().sort().alias("_pattern"),
        pl.len().alias("_n"),
        (pl.col("scaled").max() - pl.col("scaled").min()).alias("_spread"),
        pl.col("scaled").mean().alias("_level"),
        pl.col("nilai").mean().alias("_nilai"),
        pl.col("nilai").n_unique().alias("_values"),
        pl.col("nilai").first().alias("_value"),
    )


def straight_line(
    effects: RaterEffects, limits: EffectThresholds, each: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Raters who gave every employee the same ratings (over ``identical_min`` or more).
    ``each`` is :func:`per_employee` of ``effects``, when already made."""
    per_rater = (
        (per_employee(effects) if each is None else each)
        .with_columns(pl.col("_pattern").hash())
        .group_by("_r")
        .agg(
            pl.len().alias("employees"),
            pl.col("_n").sum().alias("ratings"),
            (pl.col("_pattern").n_unique() == 1).alias("_same"),
            ((pl.col("_values").max() == 1) & (pl.col("_value").n_unique() == 1)).alias("_one"),
        )
    )
    hits = per_rater.filter(
        (pl.col("employees") >= limits.identical_min) & (pl.col("_same") | pl.col("_one"))
    ).with_columns(pl.col("employees").cast(pl.Float64).alias("value"), pl.lit(None).alias("se"))
    who = effects.raters.select("_r", "penilai_nip", "kelompok")
    hits = hits.join(who, on="_r")
    words = filled(_(STRAIGHT), **_evidence())
    return _finding(hits, "straight_line", limits.identical_min, words)


def self_inflation(effects: RaterEffects, limits: EffectThresholds) -> pl.DataFrame:
    """Self-raters far above the other raters of the same employee."""
    effect = effects.raters.select("_r", pl.col("effect").alias("_beta"))
    rated = effects.ratings.join(effect, on="_r", how="left")
    others = (
        rated.filter(pl.col("kelompok") != "self")
        .group_by("_e")
        .agg(pl.col("_beta").mean().alias("_others"))
    )
    base = (
        rated.filter(pl.col("kelompok") == "self")
        .join(others, on="_e", how="inner")
        .group_by("_r")
        .agg(pl.col("_others").mean())
    )
    selves = effects.raters.join(base, on="_r", how="inner").with_columns(
        ((pl.col("effect") - pl.col("_others")) * effects.span).alias("value"),
        pl.col("se_points").alias("se"),
    )
    hits = selves.filter((pl.col("value") > 0) & _significant(limits.self_inflation, limits.z))
    words = filled(_(SELF), **_evidence())
    return _finding(hits, "self_inflation", limits.self_inflation, words)


def halo(
    effects: RaterEffects, limits: EffectThresholds, each: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Raters who give one level across all aspects of each employee, varying between them.
    ``each`` is :func:`per_employee` of ``effects``, when already made."""
    per_rater = (
        (per_employee(effects) if each is None else each)
        .filter(pl.col("_n") >= limits.halo_aspects)
        .group_by("_r")
        .agg(
            pl.len().alias("employees"),
            pl.col("_n").sum().alias("ratings"),
            (pl.col("_spread").max() <= 1e-9).alias("_flat"),
            (pl.col("_level").max() - pl.col("_level").min() > 1e-9).alias("_varies"),
            pl.col("_nilai").min().alias("_low"),
            pl.col("_nilai").max().alias("_high"),
        )
    )
    hits = per_rater.filter(
        (pl.col("employees") >= limits.halo_min) & pl.col("_flat") & pl.col("_varies")
    ).with_columns(pl.col("employees").cast(pl.Float64).alias("value"), pl.lit(None).alias("se"))
    hits = hits.join(effects.raters.select("_r", "penilai_nip", "kelompok"), on="_r")
    low, high = number_column(pl.col("_low"), 2), number_column(pl.col("_high"), 2)
    words = filled(_(HALO), low=low, high=high, **_evidence())
    return _finding(hits, "halo", limits.halo_min, words)

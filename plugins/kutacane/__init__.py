"""The Kutacane region: annual cycle with a review dialogue, objections, role models.

``rules.yaml`` beside this file says nearly everything. What YAML cannot say is
a comparison across employees: the seed holds high scorers up as role models for
their colleagues, so this plugin names the best result in each unit as the
unit's role model (teladan), on top of the rules' own score threshold.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import polars as pl

from kinerja import Appraisal, Batch, RegionSpec, RuleSet, hookimpl

RULES = Path(__file__).with_name("rules.yaml")
ROLE_MODEL_MIN_SCORE = 76.0
"""A unit's best result is held up as a role model only if it is at least 'Baik'."""


@hookimpl
def kinerja_register_regions() -> list[RegionSpec]:
    """Register the Kutacane region: the 2026 rules, and the 2025 rules before them."""
    return [
        RegionSpec(
            "kutacane",
            RULES,
            "annual cycle: data, supervisor evaluation, dialogue; objections; role models",
            history=(RULES.with_name("rules-2025.yaml"),),
        )
    ]


@hookimpl(wrapper=True)
def kinerja_give_feedback(
    rules: RuleSet, appraisal: Appraisal, batch: Batch
) -> Generator[None, list[None], list[None]]:
    """Name the highest score in each unit (at least 'Baik') its role model.

    A wrapper, so it runs after the rules' own recommendations (the built-in
    feedback hook): a result the rules already made a role model is not named twice.
    """
    outcome = yield
    appraisal.add("recommendations", role_models(appraisal))  # only in Kutacane's runs
    return outcome


def role_models(appraisal: Appraisal) -> pl.DataFrame:
    """Each unit's best score (ties share it), if at least 'Baik', as a role_model row."""
    score = pl.col("score")
    eligible = appraisal.results.filter(score >= ROLE_MODEL_MIN_SCORE)
    best = eligible.filter(score == score.max().over("unit_kerja"))
    named = appraisal.detail("recommendations").filter(pl.col("code") == "role_model")
    best = best.join(named.select("nip"), on="nip", how="anti", maintain_order="left")
    text = pl.format("Nilai tertinggi di {}; dijadikan teladan bagi rekan satu unit.", "unit_kerja")
    return best.select("nip", pl.lit("role_model").alias("code"), text.alias("text"))

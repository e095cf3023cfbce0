"""The Kutacane region: annual cycle with a review dialogue, objections, role models.

``rules.yaml`` beside this file says nearly everything. What YAML cannot say is
a comparison across employees: the seed holds high scorers up as role models for
their colleagues, so this plugin names each unit's role models (teladan). Under
the 2026 rules, only final results count, and the rules say how many per unit
(``teladan_per_unit``) and from which score (``nilai_minimal_teladan``); see
below.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import polars as pl

from kinerja import Appraisal, Batch, RegionSpec, RuleSet, hookimpl

RULES = Path(__file__).with_name("rules.yaml")


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
    """Name each unit's role models.

    A wrapper, so it runs after the rules' own recommendations (the built-in
    feedback hook): a result the rules already made a role model is not named twice.
    """
    outcome = yield
    appraisal.add("recommendations", role_models(appraisal))  # only in Kutacane's runs
    return outcome


# ---------------------------------------------------------------- role models
# Kutacane's role models (teladan): the best results of each unit, held up to colleagues.
#
# Under the 2026 rules (which define the components ``teladan_per_unit`` and
# ``nilai_minimal_teladan``), a role model is a **final** result (every stage done,
# nothing incomplete) scoring at least ``nilai_minimal_teladan``, among the
# ``teladan_per_unit`` highest scores of its unit; results with the very same score
# share a place (``rank("min")``), so a tie on the last place names both.
#
# Rules without those components (the 2025 rules) keep the policy they were
# appraised under: the best score of each unit, if at least 76 ('Baik').
#
# Every step is a column expression over the batch; a batch holds whole units, so a
# unit's ranking is the same as over the whole run.

LIMIT = "teladan_per_unit"
"""The component saying how many role models a unit has at most."""
MINIMUM = "nilai_minimal_teladan"
"""The component saying the lowest score a role model may have."""
LEGACY_MINIMUM = 76.0
"""Rules without those components: a unit's best is a role model if at least 'Baik'."""

_BEST = "Nilai tertinggi di {}; dijadikan teladan bagi rekan satu unit."
_PLACED = "Nilai tertinggi ke-{} di {}; dijadikan teladan bagi rekan satu unit."


def final_results(appraisal: Appraisal) -> pl.Series:
    """The NIPs of the results that are final so far: every stage done and no
    ``incomplete`` flag (what the engine calls ``final``)."""
    open_stage = appraisal.detail("stages").filter(pl.col("status") != "done")["nip"]
    flags = appraisal.detail("flags")
    incomplete = flags.filter(pl.col("code") == "incomplete")["nip"]
    waiting = pl.concat([open_stage, incomplete]).implode()
    return appraisal.results.filter(~pl.col("nip").is_in(waiting))["nip"]


def role_models(appraisal: Appraisal) -> pl.DataFrame:
    """One ``role_model`` recommendation row per role model, not for anyone the rules
    already named."""
    results = appraisal.results
    if LIMIT in results.columns and MINIMUM in results.columns:
        named = _placed(results.filter(pl.col("nip").is_in(final_results(appraisal).implode())))
    else:
        named = _unit_best(results)
    already = appraisal.detail("recommendations").filter(pl.col("code") == "role_model")
    named = named.join(already.select("nip"), on="nip", how="anti", maintain_order="left")
    return named.select("nip", pl.lit("role_model").alias("code"), "text")


def _placed(final: pl.DataFrame) -> pl.DataFrame:
    """The final results within their unit's ``teladan_per_unit`` best, from the minimum."""
    score = pl.col("score")
    eligible = final.filter(score.is_not_null() & (score >= pl.col(MINIMUM)))
    place = score.rank("min", descending=True).over("unit_kerja").cast(pl.Int64)
    ranked = eligible.with_columns(place.alias("_place")).filter(pl.col("_place") <= pl.col(LIMIT))
    text = (
        pl.when(pl.col("_place") == 1)
        .then(pl.format(_BEST, "unit_kerja"))
        .otherwise(pl.format(_PLACED, "_place", "unit_kerja"))
    )
    return ranked.select("nip", text.alias("text"))


def _unit_best(results: pl.DataFrame) -> pl.DataFrame:
    """Each unit's best score (ties share it), if at least 'Baik': the 2025 policy."""
    score = pl.col("score")
    eligible = results.filter(score >= LEGACY_MINIMUM)
    best = eligible.filter(score == score.max().over("unit_kerja"))
    return best.select("nip", pl.format(_BEST, "unit_kerja").alias("text"))

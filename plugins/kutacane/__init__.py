"""The Kutacane region: annual cycle with a review dialogue, objections, role models.

``rules.yaml`` beside this file says nearly everything. What YAML cannot say is
a comparison across employees: the seed holds high scorers up as role models for
their colleagues, so this plugin names the best result in each unit as the
unit's role model (teladan), on top of the rules' own score threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator
from pathlib import Path

from kinerja import Dataset, Recommendation, RegionSpec, Result, RuleSet, hookimpl

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
    rules: RuleSet, results: list[Result], dataset: Dataset
) -> Generator[None, list[None], list[None]]:
    """Name the highest score in each unit (at least 'Baik') its role model.

    A wrapper, so it runs after the rules' own recommendations (the built-in
    feedback hook): a result the rules already made a role model is not named twice.
    """
    outcome = yield
    _name_role_models(results)  # called only in Kutacane's runs (see RegionHooks)
    return outcome


def _name_role_models(results: list[Result]) -> None:
    best: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        if result.score is None or result.score < ROLE_MODEL_MIN_SCORE:
            continue
        top = best[result.unit_kerja]
        if not top or result.score > top[0].score:  # type: ignore[operator]
            best[result.unit_kerja] = [result]
        elif result.score == top[0].score:
            top.append(result)
    for unit, winners in best.items():
        for result in winners:
            if any(r.code == "role_model" for r in result.recommendations):
                continue
            result.recommendations.append(
                Recommendation(
                    "role_model",
                    f"Nilai tertinggi di {unit}; dijadikan teladan bagi rekan satu unit.",
                )
            )

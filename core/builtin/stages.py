"""Default review stages: a stage is done when its records exist, in the right order."""

from __future__ import annotations

from kinerja import hookimpl
from kinerja.model import Dataset, Result, StageState
from kinerja.rules import RuleSet, Stage


def stage_dates(stage: Stage, result: Result, dataset: Dataset) -> list[str]:
    """The dates of the records that complete ``stage`` for one employee."""
    kind, _, what = stage.requires.partition(":")
    if kind == "ratings":
        return sorted(
            r.tanggal
            for r in dataset.ratings.get(result.nip, ())
            if r.kelompok == what and r.tanggal
        )
    if kind == "input":
        value = result.values.get(what)
        return [value] if isinstance(value, str) and len(value) == 10 else []
    return []


def stage_done(rules: RuleSet, stage: Stage, result: Result) -> tuple[bool, str]:
    """Whether the stage's required records exist, and what is missing if not."""
    kind, _, what = stage.requires.partition(":")
    if kind == "outcomes":
        return (bool(result.indicators), "no outcome rows (capaian) yet")
    if kind == "ratings":
        minimum = rules.rater_groups[what].min_count
        counts = [g.count for a in result.aspects for g in a.groups if g.group == what]
        done = bool(counts) and max(counts) >= minimum
        return (done, f"needs ratings from {minimum} {what} rater(s)")
    return (result.values.get(what) not in (None, ""), f"column {what!r} is empty")


@hookimpl(trylast=True)
def kinerja_review_stage(
    rules: RuleSet, stage: Stage, results: list[Result], dataset: Dataset
) -> bool:
    """Mark the stage done, pending, or out of order (records dated before the stage it follows)."""
    for result in results:
        done, missing = stage_done(rules, stage, result)
        if not done:
            result.stages.append(StageState(stage.id, stage.label, "pending", missing))
            continue
        if stage.after is not None:
            before = next((s for s in result.stages if s.id == stage.after), None)
            earlier = next(s for s in rules.stages if s.id == stage.after)
            if before is None or before.status != "done":
                result.stages.append(
                    StageState(
                        stage.id,
                        stage.label,
                        "out_of_order",
                        f"done before '{earlier.label}', which must come first",
                    )
                )
                continue
            prior = stage_dates(earlier, result, dataset)
            mine = stage_dates(stage, result, dataset)
            if prior and mine and min(mine) < max(prior):
                result.stages.append(
                    StageState(
                        stage.id,
                        stage.label,
                        "out_of_order",
                        f"dated {min(mine)}, before '{earlier.label}' ({max(prior)})",
                    )
                )
                continue
        result.stages.append(StageState(stage.id, stage.label, "done"))
    return True

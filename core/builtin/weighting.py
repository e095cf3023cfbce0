"""Default weighting: rater-group means combined with the rules' group weights."""

from __future__ import annotations

from collections import defaultdict

from kinerja import hookimpl
from kinerja.functions import DECIMALS
from kinerja.model import AspectResult, Dataset, GroupScore, Rating
from kinerja.rules import Aspect, RuleSet


def weigh_aspect(rules: RuleSet, aspect: Aspect, ratings: list[Rating]) -> AspectResult:
    """Combine one aspect's ratings: mean per group, then the weighted mean of groups.

    A group with fewer distinct raters than its ``min_count`` counts as missing.
    The remaining groups' weights are rescaled to sum to 1; when a missing group's
    ``when_missing`` is ``incomplete`` the aspect is also marked incomplete.
    """
    by_group: dict[str, list[Rating]] = defaultdict(list)
    for rating in ratings:
        by_group[rating.kelompok].append(rating)
    groups: list[GroupScore] = []
    for name in aspect.groups:
        spec = rules.rater_groups[name]
        rows = by_group.get(name, [])
        raters = {r.penilai_nip or f"#{r.source.row}" for r in rows}
        mean = sum(r.nilai for r in rows) / len(rows) if rows else None
        if not rows:
            status = "absent"
        elif len(raters) < spec.min_count:
            status = "below_minimum"
        else:
            status = "used"
        weight = aspect.weight(spec)
        groups.append(GroupScore(name, len(raters), mean, weight, 0.0, status))  # type: ignore[arg-type]
    used = [g for g in groups if g.status == "used" and g.weight > 0]
    total = sum(g.weight for g in used)
    score = None
    if total > 0:
        for g in used:
            g.effective_weight = g.weight / total
        total_score = sum(g.effective_weight * g.mean for g in used if g.mean is not None)
        # tidied like every computed number, so 0.7 * 3 + 0.3 * 3 is 3, not 2.9999999999999996
        score = round(total_score, DECIMALS)
    missing = [g for g in groups if g.status != "used" and g.weight > 0]
    complete = not any(rules.rater_groups[g.group].when_missing == "incomplete" for g in missing)
    notes = [f"{r.kelompok} {r.penilai_nip}: {r.catatan}".strip() for r in ratings if r.catatan]
    return AspectResult(aspect.code, aspect.label, score, groups, notes, complete)


@hookimpl(trylast=True)
def kinerja_weigh_ratings(rules: RuleSet, dataset: Dataset) -> dict[str, list[AspectResult]]:
    """Each employee's rated aspects, combined from the rater groups the rules declare."""
    weighed: dict[str, list[AspectResult]] = {}
    for employee in dataset.employees:
        by_aspect: dict[str, list[Rating]] = defaultdict(list)
        for rating in dataset.ratings.get(employee.nip, ()):
            by_aspect[rating.aspek].append(rating)
        weighed[employee.nip] = [
            weigh_aspect(rules, aspect, by_aspect.get(code, []))
            for code, aspect in rules.aspects.items()
        ]
    return weighed

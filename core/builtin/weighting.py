"""Default weighting: rater-group means combined with the rules' group weights."""

from __future__ import annotations

from collections.abc import Iterable

from kinerja import hookimpl
from kinerja.functions import DECIMALS
from kinerja.model import AspectResult, Dataset, GroupScore, Rating
from kinerja.rules import Aspect, RuleSet

Tallies = dict[tuple[str, str], list]
"""(aspect, group) -> [sum of scores, number of ratings, set of raters]."""


def tally(ratings: Iterable[Rating]) -> tuple[Tallies, dict[str, list[str]]]:
    """One pass over an employee's ratings: sums, counts and raters per aspect and group,
    and the raters' written notes per aspect."""
    tallies: Tallies = {}
    notes: dict[str, list[str]] = {}
    for rating in ratings:
        key = (rating.aspek, rating.kelompok)
        entry = tallies.get(key)
        if entry is None:
            entry = tallies[key] = [0.0, 0, set()]
        entry[0] += rating.nilai
        entry[1] += 1
        entry[2].add(rating.penilai_nip or f"#{rating.source.row}")
        if rating.catatan:
            text = f"{rating.kelompok} {rating.penilai_nip}: {rating.catatan}".strip()
            notes.setdefault(rating.aspek, []).append(text)
    return tallies, notes


def combine(rules: RuleSet, aspect: Aspect, tallies: Tallies, notes: list[str]) -> AspectResult:
    """One aspect's score: mean per group, then the weighted mean of the groups that count.

    A group with fewer distinct raters than its ``min_count`` counts as missing.
    The remaining groups' weights are rescaled to sum to 1; when a missing group's
    ``when_missing`` is ``incomplete`` the aspect is also marked incomplete.
    """
    groups: list[GroupScore] = []
    total_weight = 0.0
    complete = True
    for name in aspect.groups:
        spec = rules.rater_groups[name]
        weight = aspect.weight(spec)
        entry = tallies.get((aspect.code, name))
        if entry is None:
            groups.append(GroupScore(name, 0, None, weight, 0.0, "absent"))
        else:
            raters = len(entry[2])
            status = "used" if raters >= spec.min_count else "below_minimum"
            groups.append(GroupScore(name, raters, entry[0] / entry[1], weight, 0.0, status))
        if groups[-1].status == "used" and weight > 0:
            total_weight += weight
        elif weight > 0 and spec.when_missing == "incomplete":
            complete = False
    if all(g.status == "absent" for g in groups):
        complete = False  # no one has rated this aspect yet: the result cannot be final
    score = None
    if total_weight > 0:
        total = 0.0
        for g in groups:
            if g.status == "used" and g.weight > 0:
                g.effective_weight = g.weight / total_weight
                total += g.effective_weight * g.mean  # type: ignore[operator]
        # tidied like every computed number, so 0.7 * 3 + 0.3 * 3 is 3, not 2.9999999999999996
        score = round(total, DECIMALS)
    return AspectResult(aspect.code, aspect.label, score, groups, notes, complete)


def weigh_aspect(rules: RuleSet, aspect: Aspect, ratings: list[Rating]) -> AspectResult:
    """Combine one aspect's ratings (see :func:`combine`)."""
    tallies, notes = tally(r for r in ratings if r.aspek == aspect.code)
    return combine(rules, aspect, tallies, notes.get(aspect.code, []))


@hookimpl(trylast=True)
def kinerja_weigh_ratings(rules: RuleSet, dataset: Dataset) -> dict[str, list[AspectResult]]:
    """Each employee's rated aspects, combined from the rater groups the rules declare."""
    weighed: dict[str, list[AspectResult]] = {}
    aspects = list(rules.aspects.values())
    for employee in dataset.employees:
        tallies, notes = tally(dataset.ratings.get(employee.nip, ()))
        weighed[employee.nip] = [
            combine(rules, aspect, tallies, notes.get(aspect.code, [])) for aspect in aspects
        ]
    return weighed

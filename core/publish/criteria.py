"""The criteria a site publishes, in words, from the effective rules.

The same words as ``kinerja compare`` and ``kinerja diff`` give each value of a
policy (:func:`kinerja.compare.policy.policy_of`), grouped by section: what is
measured (indicators, aspects), who rates (rater groups), how the score and the
predikat are made (components, bands, predikat), the stages, feedback and
recommendations. Reviewers' checks (bias thresholds) and the publication settings
themselves are left to the index page's own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from kinerja.compare.policy import Row, policy_of
from kinerja.compare.policy_words import title
from kinerja.rules import RuleSet

__all__ = ["CriteriaSection", "Criterion", "criteria"]

SECTIONS = (
    "basis",
    "indicators",
    "aspects",
    "rater_groups",
    "components",
    "score",
    "bands",
    "predikat",
    "stages",
    "feedback",
    "recommendations",
)
"""The policy sections a site shows, in reading order."""


@dataclass(frozen=True, slots=True)
class Criterion:
    """One thing the rules define (an indicator, an aspect, a rater group...) or one
    value of its own: its name, and each fact about it in words."""

    name: str
    facts: tuple[tuple[str, str], ...]
    """``(what, words)``; ``what`` is empty for a value of its own."""


@dataclass(frozen=True, slots=True)
class CriteriaSection:
    """One section of the criteria: its title and what it defines."""

    key: str
    title: str
    items: tuple[Criterion, ...]


def criteria(rules: RuleSet) -> list[CriteriaSection]:
    """The published criteria of ``rules``, section by section (module doc): each thing
    the rules define under its own label, with its code, and its facts beneath."""
    rows = policy_of(rules).rows
    found = []
    for section in SECTIONS:
        mine = [r for r in rows if r.section == section]
        if mine:
            heading = title(section)
            heading = heading[:1].upper() + heading[1:]
            found.append(CriteriaSection(section, heading, tuple(_items(mine))))
    return found


def _items(rows: list[Row]) -> list[Criterion]:
    """The rows of one section, those of one thing (same scope) gathered under its label,
    in the order each first appears."""
    groups: dict[tuple[str, ...], list[Row]] = {}
    for n, row in enumerate(rows):
        key = tuple(map(str, row.scope)) if len(row.scope) >= 2 else (f"@{n}",)
        groups.setdefault(key, []).append(row)
    return [
        _thing(group) if len(group[0].scope) >= 2 else Criterion(group[0].subject,
                                                                  (("", group[0].words),))
        for group in groups.values()
    ]  # fmt: skip


def _thing(rows: list[Row]) -> Criterion:
    """One thing's rows: its label (and code) as the name, the other rows as facts."""
    code = rows[0].scope[-1]
    label = next((r.value for r in rows if r.key.endswith(".label") and r.value), None)
    name = f"{label} ({code})" if label else str(code)
    facts = tuple(
        (r.subject.split(": ", 1)[-1], r.words) for r in rows if not r.key.endswith(".label")
    )
    return Criterion(name, facts)

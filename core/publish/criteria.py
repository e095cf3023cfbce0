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

from kinerja.compare.policy import policy_of
from kinerja.compare.policy_words import title
from kinerja.rules import RuleSet

__all__ = ["CriteriaSection", "criteria"]

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
class CriteriaSection:
    """One section of the criteria: its title and each value's subject and words."""

    key: str
    title: str
    rows: tuple[tuple[str, str], ...]


def criteria(rules: RuleSet) -> list[CriteriaSection]:
    """The published criteria of ``rules``, section by section (module doc)."""
    rows = policy_of(rules).rows
    found = []
    for section in SECTIONS:
        mine = tuple((r.subject, r.words) for r in rows if r.section == section)
        if mine:
            found.append(CriteriaSection(section, title(section), mine))
    return found

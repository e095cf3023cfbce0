"""Default peer comparison: each result's place among peers in the same unit or post."""

from __future__ import annotations

from collections import defaultdict

from kinerja import hookimpl
from kinerja.model import Dataset, Result
from kinerja.rules import RuleSet


@hookimpl(trylast=True)
def kinerja_review_batch(rules: RuleSet, results: list[Result], dataset: Dataset) -> None:
    """Rank scores within each peer group (1 = highest; ties share a rank)."""
    if rules.peer_comparison is None:
        return
    groups: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        if result.score is not None:
            groups[getattr(result, rules.peer_comparison)].append(result)
    for members in groups.values():
        rank_of: dict[float, int] = {}
        ordered = sorted((r.score for r in members), reverse=True)  # type: ignore[misc]
        for position, score in enumerate(ordered, start=1):
            rank_of.setdefault(score, position)
        for result in members:
            result.peer_rank = f"{rank_of[result.score]} of {len(members)}"

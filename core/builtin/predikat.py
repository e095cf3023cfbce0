"""Default final rating: the rules' ``predikat.expr`` on each result's values."""

from __future__ import annotations

from kinerja import hookimpl
from kinerja.model import Result
from kinerja.rules import RuleSet


@hookimpl(trylast=True)
def kinerja_assign_predikat(rules: RuleSet, results: list[Result]) -> list[str | None]:
    """The predikat from the rules' expression (a band lookup or the national matrix)."""
    evaluate = rules.predikat_function
    labels = []
    for result in results:
        value = evaluate(result.values)
        labels.append(None if value is None else str(value))
    return labels

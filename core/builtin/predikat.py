"""Default final rating: the rules' ``predikat.expr``, computed with the score."""

from __future__ import annotations

from kinerja import hookimpl
from kinerja.model import Result
from kinerja.rules import RuleSet


@hookimpl(trylast=True)
def kinerja_assign_predikat(rules: RuleSet, results: list[Result]) -> list[str | None]:
    """The predikat from the rules' ``predikat.expr`` (a band lookup or the national matrix).

    The compiled rules evaluate it together with the score, so this only reads it.
    """
    labels = []
    for result in results:
        value = result.values.get("predikat")
        labels.append(None if value is None else str(value))
    return labels

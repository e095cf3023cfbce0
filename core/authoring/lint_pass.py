"""The shared part of a `check --strict` pass: the :class:`Finding` and the pass's state.

:class:`_Pass` gathers a rule set's expressions and the facts the analyses
(:mod:`kinerja.authoring.lint_bands`, :mod:`kinerja.authoring.lint_labels`,
:mod:`kinerja.authoring.lint_declarations`) compute and read from one another; each analysis
is a mixin over it, and :mod:`kinerja.authoring.lint` runs them in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kinerja.authoring.lint_ranges import Interval
from kinerja.expr.check import Checked
from kinerja.rules import RuleSet
from kinerja.rules.yamlload import Location, Problem

__all__ = ["Finding"]


ERROR_CODES = frozenset({"band-gap", "band-overlap", "weights-sum"})
"""Findings that are errors, not matters of style: a value the rules can give that no
band matches or two bands both match, and rater weights that are rescaled. Rules with
one of them do not load (:func:`kinerja.rules.load_rules`), so a region cannot run on
them; plain ``kinerja check`` reports them."""


@dataclass(frozen=True, slots=True)
class Finding(Problem):
    """A finding of the analyses: a :class:`Problem` with a short code, severity
    ``warning`` (``check --strict``) or ``error`` (:data:`ERROR_CODES`)."""

    severity: str = "warning"
    code: str = ""

    def as_dict(self) -> dict[str, object]:
        """The finding as ``check --json`` prints it."""
        where = {"file": self.location.file, "line": self.location.line, "col": self.location.col}
        return {**where, "severity": self.severity, "code": self.code, "message": self.message}


def _quoted(labels: Iterable[str]) -> str:
    """Labels as a finding lists them: ``'Baik', 'Kurang'``."""
    return ", ".join(repr(label) for label in labels)


class _Pass:
    """The state of one pass over a rule set, shared by the analyses; ``add`` records a finding."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.findings: list[Finding] = []
        score = ("score", "weights" if rules.score_weights is not None else "expr")
        self.expressions: list[tuple[tuple, Checked]] = [
            *((("components", i, "expr"), c.checked) for i, c in enumerate(rules.components)),
            (score, rules.score),
            (("predikat", "expr"), rules.predikat),
            *((("feedback", i, "when"), c.checked) for i, c in enumerate(rules.feedback)),
            *(
                (("recommendations", i, "when"), c.checked)
                for i, c in enumerate(rules.recommendations)
            ),
        ]
        self.env: dict[str, Interval] = {}
        self.domains: dict[str, Interval] = {}
        self.band_labels: dict[str, frozenset[str]] = {}
        self.labels: dict[str, frozenset[str]] = {}
        self.decided: dict[int, bool] = {}
        """Single comparisons made constant by an impossible text, by ``id`` of the node."""

    def add(self, where: Location, code: str, message: str) -> None:
        """Record a finding ``code`` with ``message`` at ``where`` (an error when ``code``
        is one of :data:`ERROR_CODES`)."""
        severity = "error" if code in ERROR_CODES else "warning"
        self.findings.append(Finding(where, message, severity=severity, code=code))

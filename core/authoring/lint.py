"""The analyses of a rule set beyond its schema: errors that keep rules from loading, and
the warnings of `kinerja check --strict` (rules that load but are probably not what was
meant).

:func:`lint_rules` changes nothing the engine computes; it returns :class:`Finding` records,
each at ``file:line:col`` with a short ``code``. ``weights-sum``, ``band-gap`` and
``band-overlap`` are errors (:data:`ERROR_CODES`): :func:`kinerja.rules.load_rules`
refuses rules with them, so plain `kinerja check` reports them and no region runs on
them (an employee would otherwise be rejected for a value the rules themselves can give,
or weighed by weights silently rescaled). The others are warnings:

``unused-input``, ``unused-indicator``, ``unused-aspect``, ``unused-rater-group``, ``unused-band``
    A declaration with no effect on any result. An input is read by an expression, a
    feedback or recommendation text, or a stage ``requires: input:<name>``. Indicators
    are read by name, and all at once through ``achievement_mean``/``indicator_count``,
    a stage ``requires: outcomes`` or ``gap_feedback: true``. An aspect is read when an
    expression or text names it (its ratings are then weighed). A rater group is read
    when it rates an aspect that is read, a stage requires its ratings, or it rates an
    aspect and a configured bias check compares its ratings. A band table is read by
    ``band(x, 'table')``. Components are never reported (every result shows them).
    Region plugins may read more than the rule file says; that cannot be seen here.
``weights-sum`` (an error)
    The weights of the rater groups rating an aspect (``aspects.<a>.groups``, default
    all groups) do not sum to 1, so the engine would rescale them.
``band-gap``, ``band-overlap`` (errors), ``unreachable-band``
    Bands are half-open ``[min, max)`` and the first matching band wins. A table's
    *domain* is the hull of the value ranges of its ``band(x, 'table')`` calls, by
    interval arithmetic: an achievement is ``[0, cap]``, an aspect within its scale, a
    number input within its ``minimum``/``maximum``; components, the score, arithmetic,
    ``mean``/``wmean``/``min``/``max``/``coalesce``, ``clamp``, ``round`` and the
    achievement functions follow; anything else is unbounded. A gap between two bands
    is reported when it meets the domain (always, for a table nothing calls). Values
    below the lowest ``min`` or from the highest ``max`` up are reported only when the
    domain is bounded on that side and reaches them (``values from 0 to under 50`` for
    an achievement; ``the value 100`` when the top band stops at ``max: 100``); an open
    first or last band reaches infinity. Overlaps with an earlier band are reported for
    the shared values; a band that earlier bands cover entirely, or that lies outside
    a known domain, can never match.
``unreachable-label``
    A ``predikat.labels`` entry the predikat expression never gives. The texts an
    expression can give are known for text constants, ``x if c else y``, ``coalesce``,
    ``band()`` (the labels of its reachable bands), ``predikat_matrix``, ``jpm_band``,
    ``ikm_grade`` and the names holding such values; otherwise nothing is reported.
``impossible-comparison``
    ``==``, ``!=``, ``in`` or ``not in`` between such a value and a text it can never
    be (letter case counts), with a "did you mean".
``constant-condition``
    A feedback or recommendation ``when`` always true or always false through constants
    (``true``, ``1 > 2``, ``score > 0 or true``) or impossible comparisons; a ``when``
    that is one impossible comparison is reported once, as that. Value ranges are not
    used to judge conditions.
"""

from __future__ import annotations

from kinerja.authoring.lint_bands import _BandChecks
from kinerja.authoring.lint_declarations import _DeclarationChecks
from kinerja.authoring.lint_labels import _LabelChecks
from kinerja.authoring.lint_pass import ERROR_CODES, Finding
from kinerja.authoring.lint_ranges import EVERYWHERE, value_range
from kinerja.authoring.lint_ranges import Interval as Interval  # re-exported, as before the split
from kinerja.authoring.lint_ranges import Span as Span  # re-exported, as before the split
from kinerja.rules import RuleSet

__all__ = ["ERROR_CODES", "EVERYWHERE", "Finding", "lint_errors", "lint_rules", "value_range"]


def lint_rules(rules: RuleSet) -> list[Finding]:
    """Every finding in a loaded rule set, in file order (see the module doc): warnings,
    and the errors of :data:`ERROR_CODES`."""
    return _Lint(rules).run()


def lint_errors(rules: RuleSet) -> list[Finding]:
    """The findings of ``rules`` that are errors (:data:`ERROR_CODES`), in file order."""
    return [finding for finding in lint_rules(rules) if finding.code in ERROR_CODES]


class _Lint(_BandChecks, _LabelChecks, _DeclarationChecks):
    """One pass over a rule set; ``run`` returns the findings."""

    def run(self) -> list[Finding]:
        """Run every analysis in order and return the findings, sorted by file position."""
        self._ranges()
        for table in self.rules.bands:
            self._band_table(table)
        self._labels()
        self._unused()
        self._weights()
        self._predikat_labels()
        for path, checked in self.expressions:
            self._comparisons(path, checked)
        self._conditions()
        order = lambda f: (f.location.file, f.location.line, f.location.col, f.code, f.message)  # noqa: E731
        return sorted(set(self.findings), key=order)

"""The parts of a checked rule set: indicators, aspects, rater groups, components,
feedback templates, conditions, stages, and the :class:`RuleSet` that holds them.

:func:`kinerja.rules.load_rules` builds these from a rule file.
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kinerja.expr.check import (
    NUMBER,
    Checked,
    Scope,
)
from kinerja.expr.steps import Step
from kinerja.functions import FUNCTIONS
from kinerja.i18n import _
from kinerja.input.validate import AttributeSpec, InputSpec
from kinerja.rules.yamlload import LoadedYaml, Location

BUILTIN_NAMES = {
    "achievement_mean": NUMBER,
    "indicator_count": NUMBER,
}
"""Names every rule set can read: the weighted mean of the employee's indicator
achievements (weights from the ``bobot`` column) and how many indicators they have."""

RESULT_NAMES = ("score", "predikat", "fair_score")
"""The rules' own results: every rule set computes the score and the predikat, and the
fair score where ``rater_effects.adjust_for_rater_effects`` is on; none may declare them."""
CONSTANT_WORDS = ("true", "false", "null", "none")
"""Words that read as constants (in any letter case), in YAML or in expressions."""


def reserved_name(name: str) -> str:
    """Why ``name`` cannot be declared as an input, indicator, aspect or component
    (empty when it can)."""
    if name in RESULT_NAMES:
        return _("the name of a result the rules compute")
    if name.lower() in CONSTANT_WORDS:
        return _("a constant (true, false, null and none read as values)")
    if keyword.iskeyword(name):
        return _("a word of the expression language")
    if name in FUNCTIONS or name == "band":
        return _("the name of a library function")
    return ""


@dataclass(frozen=True, slots=True)
class Indicator:
    """An outcome indicator: achievement against target, by kind."""

    code: str
    label: str
    kind: str
    cap: float
    unit: str


@dataclass(frozen=True, slots=True)
class Aspect:
    """A rated aspect (competency or behaviour) and who rates it."""

    code: str
    label: str
    scale: tuple[float, float]
    groups: tuple[str, ...]
    required_level: float | None
    weights: dict[str, float] = field(default_factory=dict)
    """Group weights for this aspect only, where they differ from ``rater_groups``."""

    def weight(self, group: RaterGroup) -> float:
        """The weight of ``group`` for this aspect."""
        return self.weights.get(group.name, group.weight)


@dataclass(frozen=True, slots=True)
class RaterGroup:
    """A rater group's weight and the number of raters it needs to count."""

    name: str
    weight: float
    min_count: int
    label: str
    when_missing: str
    """``renormalise`` or ``incomplete``: what happens when the group is missing."""
    max_share: float | None = None
    """The most of an aspect the group carries in any result (None: no limit)."""


@dataclass(frozen=True, slots=True)
class Component:
    """A named rule: ``name = expr``."""

    name: str
    label: str
    checked: Checked
    description: str
    location: Location


@dataclass(frozen=True, slots=True)
class Template:
    """Feedback text with ``{name}`` fields, filled from the employee's values."""

    text: str
    fields: tuple[tuple[str, str, str], ...]
    """(field as written, name, format spec)."""

    def render(self, values: Mapping[str, object]) -> str:
        """The text with every field replaced by its value (``-`` when missing)."""
        out = self.text
        for written, name, spec in self.fields:
            value = values.get(name)
            if value is None:
                shown = "-"
            elif spec and isinstance(value, (int, float)) and not isinstance(value, bool):
                try:
                    shown = format(value, spec)
                except (ValueError, OverflowError):
                    shown = str(value)
            else:
                shown = str(value)
            out = out.replace("{" + written + "}", shown)
        return out


@dataclass(frozen=True, slots=True)
class Condition:
    """A ``when`` expression and what it gives: feedback text or a recommendation."""

    checked: Checked
    template: Template
    code: str
    """Recommendation code, or the aspect the feedback is about (may be empty)."""
    location: Location


@dataclass(frozen=True, slots=True)
class Stage:
    """A review stage and what marks it done, parsed once from ``requires``.

    ``requires: outcomes`` (capaian rows exist), ``ratings:<group>`` (the group's
    minimum of raters) or ``input:<name>`` (a pegawai column is filled in, e.g. the
    date of a dialogue).
    """

    id: str
    label: str
    requires: str
    """As written in the rules."""
    after: str | None
    kind: str = ""
    """``outcomes``, ``ratings`` or ``input``."""
    subject: str = ""
    """The rater group or input name the stage needs (empty for ``outcomes``)."""
    dialogue: str | None = None
    """The part of the review dialogue its input records: ``held_on``, ``notes`` or
    ``agreed_actions`` (None: not a dialogue's)."""

    @classmethod
    def parse(
        cls, id: str, label: str, requires: str, after: str | None, dialogue: str | None = None
    ) -> Stage:
        """A stage from its rule-file fields."""
        kind, _colon, subject = requires.partition(":")
        return cls(id, label, requires, after, kind, subject, dialogue)


@dataclass(frozen=True, slots=True)
class Publication:
    """What a region publishes of its results (``publication:``; ``kinerja publish``)."""

    fields: tuple[str, ...]
    """The result fields shown beside each employee's NIP (masked) and unit."""
    nip: str = "masked"
    """``masked`` (first and last four digits) or ``hidden``."""
    flags: tuple[str, ...] = ()
    """The flag codes that may be published."""
    min_unit_size: int = 5
    """A unit with fewer appraised employees shows only its aggregate."""
    show_change: bool = False
    """Whether a site shows each ASN's change since the previous published one."""
    how_to_object: str = ""
    """Where and how to object, in the region's words."""

    @classmethod
    def parse(cls, section: dict[str, Any] | None) -> Publication | None:
        """The ``publication:`` section (already checked by the schema), or None."""
        if section is None:
            return None
        return cls(
            fields=tuple(section["fields"]),
            nip=section.get("nip", "masked"),
            flags=tuple(section.get("flags", ())),
            min_unit_size=int(section.get("min_unit_size", 5)),
            show_change=bool(section.get("show_change", False)),
            how_to_object=section.get("how_to_object", ""),
        )


@dataclass(slots=True)
class RuleSet:
    """One region's rules, checked and compiled."""

    region: str
    title: str
    description: str
    source_doc: str
    version: str
    valid_from: str
    valid_to: str | None
    basis: str
    period: str
    inputs: dict[str, AttributeSpec]
    indicators: dict[str, Indicator]
    aspects: dict[str, Aspect]
    rater_groups: dict[str, RaterGroup]
    when_group_missing: str
    bands: dict[str, tuple[tuple[str, float | None, float | None], ...]]
    components: tuple[Component, ...]
    score_weights: dict[str, float] | None
    score: Checked
    predikat_labels: tuple[str, ...]
    predikat: Checked
    feedback: tuple[Condition, ...]
    gap_feedback: bool
    recommendations: tuple[Condition, ...]
    stages: tuple[Stage, ...]
    objection_window_days: int | None
    bias_checks: dict[str, float]
    peer_comparison: str | None
    path: str
    sha256: str
    data: dict[str, Any] = field(repr=False)
    loaded: LoadedYaml = field(repr=False)
    """The file as loaded, with the location of every value (for messages)."""
    scope: Scope = field(repr=False)
    language: str | None = None
    """The language the rules ask kinerja to speak (``id`` or ``en``; None: the default)."""
    publication: Publication | None = None
    """What the region publishes; None: it does not publish."""
    rater_effects: dict[str, float] | None = None
    """The thresholds of the ``rater_effects:`` section (for
    :func:`kinerja.review.findings.thresholds_of`); None: the rules have no such section,
    and a run fits no rater-effects model."""
    adjust_for_rater_effects: bool = False
    """Whether a run also computes each result's ``fair_score`` (the score with the
    raters' estimated effects taken out of their ratings; :mod:`kinerja.review.fair`)."""

    @property
    def step_names(self) -> tuple[str, ...]:
        """The names of :meth:`steps`, in order: components, ``score``, ``predikat``."""
        return (*(c.name for c in self.components), "score", "predikat")

    def steps(self) -> list[Step]:
        """The rule program in order: each component, then ``score``, then ``predikat``."""
        steps = [Step(c.name, c.checked) for c in self.components]
        return steps + [Step("score", self.score), Step("predikat", self.predikat)]

    def where(self, *path: str | int) -> Location:
        """The location of a value in the rule file, e.g. ``where("bands", "nilai", 0)``."""
        return self.loaded.where(tuple(path))

    def input_spec(self) -> InputSpec:
        """What these rules expect in the input workbook."""
        return InputSpec(
            attributes=tuple(self.inputs.values()),
            indicators=frozenset(self.indicators),
            aspects={a.code: a.scale for a in self.aspects.values()},
            groups=frozenset(self.rater_groups),
            predikat_labels=self.predikat_labels,
        )

    def all_expressions(self) -> list[tuple[str, Checked]]:
        """Every expression in the rules with a name for it, in file order."""
        found = [(f"component {c.name}", c.checked) for c in self.components]
        found.append(("score", self.score))
        found.append(("predikat", self.predikat))
        found += [(f"feedback {i + 1}", c.checked) for i, c in enumerate(self.feedback)]
        found += [(f"recommendation {c.code}", c.checked) for c in self.recommendations]
        return found

"""The rule steps of one result as stories: each component, the score and the predikat
in words with the employee's values, and what each objection did to the predikat.

The text explanation and the JSON document both tell these stories
(:mod:`kinerja.output.explain`, :mod:`kinerja.output.explain_json`).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from kinerja.expr.check import Checked
from kinerja.i18n import N_, _
from kinerja.i18n.places import source_text
from kinerja.model import AuditEntry, Result
from kinerja.output.explain_bands import BandStory
from kinerja.output.explain_format import exact, long_date, shown, value_words
from kinerja.output.explain_words import Narrator, score_label
from kinerja.rules import RuleSet

__all__ = [
    "ACTION_LABELS",
    "Objection",
    "StepStory",
    "Weighted",
    "decider",
    "objection_story",
    "original_predikat",
    "step_stories",
]

ACTION_LABELS = {
    "objection_changed": N_("the objection changed the predikat"),
    "objection_upheld_result": N_("the objection kept the predikat"),
    "objection_refused": N_("the objection was not applied"),
}
"""What each audit action did, as a person reads it (the action is the code)."""

_ACTION_WORDS = {
    "objection_changed": N_(
        "Objection ({source}): {before} → {after}, decided by {by} on {date}; reason: {reason}"
    ),
    "objection_upheld_result": N_(
        "Objection ({source}): {after} stays, decided by {by} on {date}; reason: {reason}"
    ),
    "objection_refused": N_("Objection ({source}) not applied, {before} stays: {reason}"),
}
_OTHER_ACTION = N_("Objection ({source}): {before} → {after}; {reason}")


@dataclass(frozen=True, slots=True)
class Weighted:
    """One term of a weighted score: ``weight × value of name``."""

    name: str
    label: str
    weight: float
    value: object


@dataclass(frozen=True, slots=True)
class StepStory:
    """One rule step (a component, ``score`` or ``predikat``) for one employee."""

    name: str
    kind: str
    """``component``, ``score`` or ``predikat``."""
    label: str
    value: object
    """The step's result (for ``predikat``: as the rules gave it, before any objection)."""
    expression: str
    """The expression as written in the rules (shown with ``--detail``)."""
    words: str
    """How the value came about, in words, the value at the end."""
    band: BandStory | None = None
    weights: tuple[Weighted, ...] = ()
    inputs: tuple[tuple[str, str, object], ...] = ()
    """``(name, label, value)`` of each name the expression reads."""


def original_predikat(result: Result) -> object:
    """The predikat as the rules gave it, before any objection changed it."""
    return result.audit[0].before if result.audit else result.predikat


def step_stories(rules: RuleSet, result: Result) -> list[StepStory]:
    """Every rule step of ``result`` in the order the rules compute them."""
    narrator = Narrator(rules, result.values)
    stories = [
        _story(narrator, c.name, "component", c.label or c.name, c.checked, result.values)
        for c in rules.components
    ]
    stories.append(_score(narrator, rules, result))
    stories.append(
        _story(
            narrator,
            "predikat",
            "predikat",
            _("Predikat"),
            rules.predikat,
            {**result.values, "predikat": original_predikat(result)},
        )
    )
    return stories


def _inputs(narrator: Narrator, checked: Checked) -> tuple[tuple[str, str, object], ...]:
    return tuple((n, narrator.label(n), narrator.values.get(n)) for n in checked.names)


def _story(
    narrator: Narrator,
    name: str,
    kind: str,
    label: str,
    checked: Checked,
    values: Mapping[str, object],
) -> StepStory:
    value = values.get(name)
    band, whole = narrator.step_band(checked)
    if band is not None and whole:
        words = band.sentence()
    elif isinstance(checked.tree.body, ast.Constant):  # a number the rules set
        words = narrator.constant(checked.tree.body.value)
    else:
        words = f"{narrator.describe(checked)} → {value_words(value)}"
    inputs = _inputs(narrator, checked)
    return StepStory(name, kind, label, value, checked.source, words, band, inputs=inputs)


def _score(narrator: Narrator, rules: RuleSet, result: Result) -> StepStory:
    label = score_label(rules)
    if not rules.score_weights:
        return _story(narrator, "score", "score", label, rules.score, result.values)
    weights = tuple(
        Weighted(name, narrator.label(name), weight, result.values.get(name))
        for name, weight in rules.score_weights.items()
    )
    terms = " + ".join(f"{exact(w.weight)} × {narrator.named(w.name)}" for w in weights)
    return StepStory(
        "score",
        "score",
        label,
        result.score,
        rules.score.source,
        f"{terms} = {shown(result.score)}",
        weights=weights,
        inputs=_inputs(narrator, rules.score),
    )


@dataclass(frozen=True, slots=True)
class Objection:
    """What one objection did to the predikat, in words."""

    entry: AuditEntry
    decided_by: str
    """The decider as a person reads it: their name and NIP when known."""
    words: str


def decider(nip: str, names: Mapping[str, str]) -> str:
    """``Nama (NIP …)`` when the decider's name is known, else ``NIP …``."""
    name = names.get(nip)
    return f"{name} (NIP {nip})" if name else f"NIP {nip}"


def objection_story(entry: AuditEntry, names: Mapping[str, str]) -> Objection:
    """One audit entry as the change (or not) of the predikat it made."""
    by = decider(entry.by, names)
    template = _ACTION_WORDS.get(entry.action, _OTHER_ACTION)
    words = _(
        template,
        source=source_text(entry.source),
        before=value_words(entry.before),
        after=value_words(entry.after),
        by=by,
        date=long_date(entry.date),
        reason=entry.reason,
    )
    return Objection(entry, by, words)

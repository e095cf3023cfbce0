"""Declarations for `check --strict`: ``unused-*`` findings and ``weights-sum``.

Reports inputs, indicators, aspects, rater groups and band tables that affect no
result, and aspects whose rater groups' weights do not sum to 1; see
:mod:`kinerja.authoring.lint` for what counts as read.
"""

from __future__ import annotations

from kinerja.authoring.lint_pass import _Pass
from kinerja.authoring.lint_ranges import _num
from kinerja.i18n import N_, _
from kinerja.rules import BUILTIN_NAMES

_RATERS = {"supervisor", "peer", "subordinate", "citizen"}
_BIAS_GROUPS = {
    "leniency": _RATERS,
    "identical_min": _RATERS,
    "disagreement": {"supervisor", "peer"},
    "self_inflation": _RATERS | {"self"},
    "supervisor_self_gap": {"supervisor", "self"},
}
"""The rater groups whose ratings each bias check compares."""
_UNUSED = {
    "inputs": (
        "unused-input",
        N_("input {name} is never read: no expression, text or stage uses it; use it or remove it"),
    ),
    "indicators": (
        "unused-indicator",
        N_(
            "indicator {name} is never read: no expression names it or reads achievement_mean "
            "or indicator_count, no stage requires outcomes and gap_feedback is off; use it or "
            "remove it"
        ),
    ),
    "aspects": (
        "unused-aspect",
        N_(
            "aspect {name} is rated but never read: no expression or text names it, so its "
            "ratings feed no score, predikat, feedback or recommendation; use it or remove it"
        ),
    ),
    "rater_groups": (
        "unused-rater-group",
        N_(
            "rater group {name} is never read: it rates no aspect that an expression reads, no "
            "stage requires its ratings and no bias check compares them; use it or remove it"
        ),
    ),
    "bands": (
        "unused-band",
        N_("band table {name} is never used: no band(..., {name}) call; use it or remove it"),
    ),
}
"""Each section's finding code and message for a declaration nothing reads (``{name}``
is the declared name, quoted)."""
_UNUSED_REQUIRED_INPUT = N_(
    "input {name} is never read: no expression, text or stage uses it; now it only rejects "
    "employees whose {column} is empty; use it or remove it"
)
"""The ``unused-input`` message of a required input (``{column}``: its name, unquoted)."""


class _DeclarationChecks(_Pass):
    """Unused declarations (reads ``domains`` for the band tables) and rater weights."""

    def _unused(self) -> None:
        rules = self.rules
        reads = {name for _path, checked in self.expressions for name in checked.names}
        for condition in (*rules.feedback, *rules.recommendations):
            reads.update(name for _written, name, _spec in condition.template.fields)
        requires = {stage.requires for stage in rules.stages}
        whole = reads & set(BUILTIN_NAMES) or "outcomes" in requires or rules.gap_feedback
        read_aspects = [a for a in rules.aspects.values() if a.code in reads]
        compared = set().union(*(_BIAS_GROUPS[check] for check in rules.bias_checks))
        compared &= {group for aspect in rules.aspects.values() for group in aspect.groups}
        unused = {
            "inputs": [n for n in rules.inputs if n not in reads and f"input:{n}" not in requires],
            "indicators": [] if whole else [c for c in rules.indicators if c not in reads],
            "aspects": [c for c in rules.aspects if c not in reads],
            "rater_groups": [
                g
                for g in rules.rater_groups
                if not any(g in a.groups for a in read_aspects)
                and f"ratings:{g}" not in requires
                and g not in compared
            ],
            "bands": [t for t in rules.bands if t not in self.domains],
        }
        for section, names in unused.items():
            code, message = _UNUSED[section]
            for name in names:
                required = section == "inputs" and rules.inputs[name].required
                text = _(
                    _UNUSED_REQUIRED_INPUT if required else message, name=repr(name), column=name
                )
                self.add(rules.loaded.where_key((section, name)), code, text)

    def _weights(self) -> None:
        rules = self.rules
        for code, aspect in rules.aspects.items():
            weights = [(g, aspect.weight(rules.rater_groups[g])) for g in aspect.groups]
            total = sum(w for _, w in weights)
            if abs(total - 1) <= 1e-9:
                continue
            if "weights" in rules.data["aspects"][code]:
                where = rules.where("aspects", code, "weights")
            elif "groups" in rules.data["aspects"][code]:
                where = rules.where("aspects", code, "groups")
            else:
                where = rules.loaded.where_key(("aspects", code))
            self.add(where, "weights-sum", _weights_words(code, weights, total))


def _weights_words(aspect: str, weights: list[tuple[str, float]], total: float) -> str:
    """The ``weights-sum`` message for an aspect whose groups' ``weights`` sum to ``total``."""
    if total <= 0:
        return _(
            "every rater group rating aspect {aspect} has weight 0, so it never gets a score; "
            "give one of them a weight",
            aspect=repr(aspect),
        )
    values = {
        "aspect": repr(aspect),
        "total": _num(total),
        "parts": " + ".join(f"{g} {_num(w)}" for g, w in weights),
        "scaled": ", ".join(f"{g} {_num(w / total)}" for g, w in weights),
    }
    if total < 1:
        return _(
            "the weights of the rater groups rating aspect {aspect} sum to {total} ({parts}), "
            "not 1, so they are rescaled to {scaled}; make them sum to 1 or let more groups "
            "rate this aspect, or give this aspect its own `weights`",
            **values,
        )
    return _(
        "the weights of the rater groups rating aspect {aspect} sum to {total} ({parts}), not 1, "
        "so they are rescaled to {scaled}; make them sum to 1, or give this aspect its own "
        "`weights`",
        **values,
    )

"""Declarations for `check --strict`: ``unused-*`` findings and ``weights-sum``.

Reports inputs, indicators, aspects, rater groups and band tables that affect no
result, and aspects whose rater groups' weights do not sum to 1; see
:mod:`kinerja.authoring.lint` for what counts as read.
"""

from __future__ import annotations

from kinerja.authoring.lint_pass import _Pass
from kinerja.authoring.lint_ranges import _num
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
        "input {name!r} is never read: no expression, text or stage uses it",
    ),
    "indicators": (
        "unused-indicator",
        "indicator {name!r} is never read: no expression names it or reads achievement_mean or "
        "indicator_count, no stage requires outcomes and gap_feedback is off",
    ),
    "aspects": (
        "unused-aspect",
        "aspect {name!r} is rated but never read: no expression or text names it, so its "
        "ratings feed no score, predikat, feedback or recommendation",
    ),
    "rater_groups": (
        "unused-rater-group",
        "rater group {name!r} is never read: it rates no aspect that an expression reads, no "
        "stage requires its ratings and no bias check compares them",
    ),
    "bands": ("unused-band", "band table {name!r} is never used: no band(..., {name!r}) call"),
}


class _DeclarationChecks(_Pass):
    """Unused declarations (reads ``domains`` for the band tables) and rater weights."""

    def _unused(self) -> None:
        rules = self.rules
        reads = {name for _, checked in self.expressions for name in checked.names}
        for condition in (*rules.feedback, *rules.recommendations):
            reads.update(name for _, name, _ in condition.template.fields)
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
                extra = ""
                if section == "inputs" and rules.inputs[name].required:
                    extra = f"; now it only rejects employees whose {name} is empty"
                where = rules.loaded.where_key((section, name))
                self.add(where, code, f"{message.format(name=name)}{extra}; use it or remove it")

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
            message = (
                f"every rater group rating aspect {code!r} has weight 0, so it never gets a "
                "score; give one of them a weight"
            )
            if total > 0:
                parts = " + ".join(f"{g} {_num(w)}" for g, w in weights)
                scaled = ", ".join(f"{g} {_num(w / total)}" for g, w in weights)
                message = (
                    f"the weights of the rater groups rating aspect {code!r} sum to "
                    f"{_num(total)} ({parts}), not 1, so they are rescaled to {scaled}; make "
                    f"them sum to 1{' or let more groups rate this aspect' * (total < 1)}, "
                    "or give this aspect its own `weights`"
                )
            self.add(where, "weights-sum", message)

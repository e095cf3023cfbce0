"""What was measured for one employee, in words: each outcome indicator against its
target, and each rated aspect from its rater groups (with the weights as the rules
give them, exactly).
"""

from __future__ import annotations

from kinerja.frames import group_word
from kinerja.i18n import N_, _, ngettext
from kinerja.model import AspectResult, GroupScore, IndicatorResult, Result
from kinerja.output.explain_format import exact, shown
from kinerja.rules import RuleSet

__all__ = [
    "GROUP_STATUS_LABELS",
    "KIND_WORDS",
    "aspect_calculation",
    "aspect_lines",
    "group_label",
    "indicator_lines",
    "indicator_words",
]

KIND_WORDS = {
    "normal": N_("higher is better: realised ÷ target × 100"),
    "inverse": N_("lower is better: (2 − realised ÷ target) × 100"),
    "range": N_("inside the range counts 100; outside, against the nearer bound"),
}
"""How each kind of indicator turns a realisation into an achievement."""

GROUP_STATUS_LABELS = {
    "used": N_("counted"),
    "below_minimum": N_("too few raters, left out"),
    "absent": N_("no ratings, left out"),
}
"""What happened to a rater group's ratings of an aspect (the status is the code)."""

_TOLERANCE = 1e-6


def _with_unit(text: str, unit: str) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def indicator_lines(rules: RuleSet, result: Result) -> list[str]:
    """One line per indicator, then the weighted mean of their achievements."""
    lines = [f"   - {indicator_words(rules, ind)}" for ind in result.indicators]
    weights = sum(i.weight for i in result.indicators)
    terms = " + ".join(f"{shown(i.achievement)} × {exact(i.weight)}" for i in result.indicators)
    lines.append(
        "   "
        + _(
            "Weighted mean of the achievements: ({terms}) ÷ {weights} = {mean}",
            terms=terms,
            weights=exact(weights),
            mean=shown(result.values.get("achievement_mean")),  # type: ignore[arg-type]
        )
    )
    return lines


def indicator_words(rules: RuleSet, ind: IndicatorResult) -> str:
    """One indicator against its target, in words."""
    declared = rules.indicators.get(ind.code)
    unit = declared.unit if declared else ""
    target = exact(ind.target)
    if ind.target_max is not None:
        target = f"{target}–{exact(ind.target_max)}"
    how = _(KIND_WORDS[ind.kind]) if ind.kind in KIND_WORDS else ind.kind
    return _(
        "{label}: realised {realised} against target {target} → achievement {achievement}% "
        "({how}; capped at {cap}), weight {weight}",
        label=ind.label,
        realised=_with_unit(exact(ind.realised), unit),
        target=_with_unit(target, unit),
        achievement=shown(ind.achievement),
        how=how,
        cap=exact(declared.cap) if declared else "-",
        weight=exact(ind.weight),
    )


def group_label(rules: RuleSet, code: str) -> str:
    """A rater group's label in the rules (``Atasan langsung``), else its common word."""
    group = rules.rater_groups.get(code)
    return group.label if group and group.label else group_word(code)


def _group(rules: RuleSet, g: GroupScore) -> str:
    label = group_label(rules, g.group)
    if g.status == "used":
        if abs(g.effective_weight - g.weight) > 1e-9:
            return ngettext(
                "{group} {mean} ({n} rater, weight {weight} → {effective} after rescaling)",
                "{group} {mean} ({n} raters, weight {weight} → {effective} after rescaling)",
                g.count,
                group=label,
                mean=shown(g.mean),
                weight=exact(g.weight),
                effective=exact(g.effective_weight),
            )
        return ngettext(
            "{group} {mean} ({n} rater, weight {weight})",
            "{group} {mean} ({n} raters, weight {weight})",
            g.count,
            group=label,
            mean=shown(g.mean),
            weight=exact(g.weight),
        )
    if g.status == "below_minimum":
        group = rules.rater_groups.get(g.group)
        return ngettext(
            "{group}: {n} rater, below the minimum of {minimum}, left out",
            "{group}: {n} raters, below the minimum of {minimum}, left out",
            g.count,
            group=label,
            minimum=group.min_count if group else "-",
        )
    return _("{group}: no ratings, left out", group=label)


def aspect_calculation(aspect: AspectResult) -> str:
    """``4 × 0,625 + 4,75 × 0,375 = 4,28``: the aspect's score from its groups' means
    and weights, when that is how it came about (empty otherwise)."""
    used = [g for g in aspect.groups if g.status == "used" and g.mean is not None]
    if len(used) < 2 or aspect.score is None:
        return ""
    total = sum(g.effective_weight for g in used)
    weighted = sum(g.mean * g.effective_weight for g in used)  # type: ignore[operator]
    if total <= 0 or abs(weighted / total - aspect.score) > _TOLERANCE * max(1, aspect.score):
        return ""
    terms = " + ".join(f"{shown(g.mean)} × {exact(g.effective_weight)}" for g in used)
    if abs(total - 1) > _TOLERANCE:
        terms = f"({terms}) ÷ {exact(total)}"
    return f"{terms} = {shown(aspect.score)}"


def aspect_lines(rules: RuleSet, result: Result) -> list[str]:
    """One line per aspect with its rater groups, the calculation under it."""
    lines = []
    for aspect in result.aspects:
        parts = "; ".join(_group(rules, g) for g in aspect.groups)
        lines.append(f"   - {aspect.label} = {shown(aspect.score)}: {parts}")
        calculation = aspect_calculation(aspect)
        if calculation:
            lines.append("     " + _("calculation: {terms}", terms=calculation))
        if not aspect.complete:
            lines.append("     " + _("(incomplete: the result stays provisional)"))
    return lines

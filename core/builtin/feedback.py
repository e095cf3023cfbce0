"""Default feedback: the rules' conditions, the gap to each target, the raters' notes."""

from __future__ import annotations

from kinerja import hookimpl
from kinerja.expr.compile import explain_failure
from kinerja.model import Dataset, Flag, Recommendation, Result
from kinerja.rules import Condition, RuleSet


def _holds(condition: Condition, result: Result, what: str) -> bool:
    try:
        return bool(condition.evaluate(result.values))
    except Exception as exc:  # noqa: BLE001 - any failure becomes a visible flag
        reason = explain_failure(exc, condition.checked, result.values)
        result.flags.append(Flag("rule_skipped", f"{what} not applied: {reason}", "info"))
        return False


def gap_text(result: Result) -> list[str]:
    """One line per indicator: target, realisation, gap and achievement."""
    lines = []
    for ind in result.indicators:
        target = (
            f"{ind.target:g}-{ind.target_max:g}"
            if ind.target_max is not None
            else f"{ind.target:g}"
        )
        direction = "lower is better" if ind.kind == "inverse" else ""
        lines.append(
            f"{ind.label}: target {target}, realised {ind.realised:g}, gap {ind.gap:+g}"
            f"{' (' + direction + ')' if direction else ''}; achievement {ind.achievement:.1f}%"
        )
    return lines


@hookimpl(trylast=True)
def kinerja_give_feedback(rules: RuleSet, results: list[Result], dataset: Dataset) -> None:
    """Apply the rules' feedback and recommendations; add target gaps and rater notes."""
    for result in results:
        for i, condition in enumerate(rules.feedback):
            if _holds(condition, result, f"feedback rule {i + 1}"):
                result.feedback.append(condition.template.render(result.values))
        if rules.gap_feedback:
            result.feedback.extend(gap_text(result))
        for aspect in result.aspects:
            result.feedback.extend(f"{aspect.label}: {note}" for note in aspect.notes)
        for condition in rules.recommendations:
            if _holds(condition, result, f"recommendation {condition.code}"):
                text = condition.template.render(result.values)
                result.recommendations.append(Recommendation(condition.code, text))

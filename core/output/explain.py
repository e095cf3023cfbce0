"""Step-by-step explanation of one result, in words an HR officer understands.

Each step is told with the employee's values put in, in the language in use: the
indicators against their targets, the rated aspects from their rater groups (weights
exactly as the rules give them), each component, the score, and the predikat as the
band the score fell in ("Nilai kinerja 64 berada pada rentang 61 sampai di bawah 76 →
Cukup", with the band table under it), then what each objection changed. Where the rules
compute a fair score (``rater_effects.adjust_for_rater_effects``), it is told under the
score, beside it, as evidence: it never replaces the score. The rules'
own texts (labels, feedback, recommendations) are shown as the region wrote them. The
expressions themselves, and the codes of flags and recommendations, are shown only
with ``detail``. :mod:`kinerja.output.explain_json` gives the same for tools.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from kinerja.i18n import N_, _
from kinerja.i18n.places import rank_text
from kinerja.model import Result, RunInfo
from kinerja.output.explain_bands import table_lines
from kinerja.output.explain_format import MISSING, shown
from kinerja.output.explain_measures import KIND_WORDS, aspect_lines, indicator_lines
from kinerja.output.explain_steps import (
    StepStory,
    objection_story,
    original_predikat,
    step_stories,
)
from kinerja.rules import RuleSet

__all__ = [
    "KIND_WORDS",
    "STAGE_LABELS",
    "STATUS_LABELS",
    "explain_rejected",
    "explain_result",
    "fmt",
    "reject_line",
]

STATUS_LABELS = {"final": N_("final"), "provisional": N_("provisional")}
"""A result's status as a person reads it (the status is the code)."""
STAGE_LABELS = {"done": N_("done"), "pending": N_("pending"), "out_of_order": N_("out of order")}
"""A review stage's status as a person reads it (the status is the code)."""

Section = tuple[str, list[str]] | None


def fmt(value: object) -> str:
    """A value as people read it: numbers to two decimals at most, missing as '-'."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def explain_result(
    rules: RuleSet,
    result: Result,
    info: RunInfo,
    *,
    detail: bool = False,
    names: Mapping[str, str] | None = None,
) -> list[str]:
    """The lines that explain how ``result`` came about, step by step.

    :param detail: also show each rule's expression, the band tables' names and the
        codes of flags and recommendations.
    :param names: employees' names by NIP, to name who decided an objection.
    """
    stories = step_stories(rules, result)
    sections = [
        _indicators(rules, result),
        _aspects(rules, result),
        _components(stories[:-2], detail),
        (_("Final score"), _score(stories[-2], result, detail)),
        (_("Predikat"), _predikat(stories[-1], result, detail, names or {})),
        _feedback(result, detail),
        _stages(result),
        _flags(result, detail),
    ]
    lines = _header(rules, result, info)
    shown_sections = [section for section in sections if section is not None]
    for step, (heading, body) in enumerate(shown_sections, start=1):
        lines.append(f"{step}. {heading}")
        lines += body
    status = _(STATUS_LABELS.get(result.status, result.status)).upper()
    score, predikat = shown(result.score), result.predikat or MISSING
    lines += [
        "",
        _("Result: {score}, {predikat} — {status}", score=score, predikat=predikat, status=status),
    ]
    return lines


def _header(rules: RuleSet, result: Result, info: RunInfo) -> list[str]:
    """Who, under which rules, from which input: the lines above the steps."""
    return [
        f"{result.nama} (NIP {result.nip}) — {result.jabatan}, {result.unit_kerja}",
        _("Region {region}: {title}", region=rules.region, title=rules.title),
        _(
            "Rules version {version}, sha256 {rules}…; input sha256 {input}…; engine {engine}",
            version=rules.version,
            rules=rules.sha256[:12],
            input=info.input_sha256[:12],
            engine=info.engine_version,
        ),
        "",
    ]


def _indicators(rules: RuleSet, result: Result) -> Section:
    if not result.indicators:
        return None
    heading = _("Outcome indicators (capaian): achievement against each target")
    return heading, indicator_lines(rules, result)


def _aspects(rules: RuleSet, result: Result) -> Section:
    if not result.aspects:
        return None
    heading = _("Rated aspects: each rater group's mean, then the group weights")
    return heading, aspect_lines(rules, result)


def _rule(story: StepStory, detail: bool) -> list[str]:
    return ["     " + _("rule: {expression}", expression=story.expression)] if detail else []


def _components(stories: list[StepStory], detail: bool) -> Section:
    if not stories:
        return None
    lines = []
    for story in stories:
        lines.append(f"   - {story.label}: {story.words}")
        lines += _rule(story, detail)
        if story.band is not None:
            lines += table_lines(story.band, "     ", detail)
    return _("Components, in the order the rules compute them"), lines


def _score(story: StepStory, result: Result, detail: bool) -> list[str]:
    joint = " = " if story.weights else ": "
    lines = [f"   {story.label}{joint}{story.words}", *_rule(story, detail)]
    fair = result.values.get("fair_score")
    if fair is not None:  # the rules' rater_effects.adjust_for_rater_effects is on
        words = _(
            "Fair score, removing the raters' estimated leniency or severity: {fair} "
            "(score {score})",
            fair=shown(fair),  # type: ignore[arg-type]
            score=shown(result.score),
        )
        lines.append(f"   {words}")
    return lines


def _predikat(
    story: StepStory, result: Result, detail: bool, names: Mapping[str, str]
) -> list[str]:
    lines = [f"   {story.words[:1].upper()}{story.words[1:]}", *_rule(story, detail)]
    if story.band is not None:
        lines += table_lines(story.band, "   ", detail)
    lines += [f"   {objection_story(entry, names).words}" for entry in result.audit]
    if result.audit and original_predikat(result) != result.predikat:
        lines.append(
            "   " + _("Predikat after the objections: {predikat}", predikat=result.predikat)
        )
    if result.peer_rank:
        rank = rank_text(result.peer_rank)
        lines.append("   " + _("Place among peers in the same unit: {rank}", rank=rank))
    return lines


def _feedback(result: Result, detail: bool) -> Section:
    if not (result.feedback or result.recommendations):
        return None
    lines = [f"   - {text}" for text in result.feedback]
    for r in result.recommendations:
        if not detail:
            lines.append(f"   * {r.text}")
            continue
        lines.append(f"   * [{r.code}] {r.text}")
        if r.reason:
            lines.append("     " + _("because {reason}", reason=r.reason))
    return _("Feedback and recommendations"), lines


def _stages(result: Result) -> Section:
    if not result.stages:
        return None
    lines = []
    for s in result.stages:
        mark = _(STAGE_LABELS[s.status]) if s.status in STAGE_LABELS else s.status
        mark = mark if s.status == "done" else mark.upper()
        if s.status == "done" and (s.done_on or s.done_by):
            mark = _stage_mark(s.done_on, s.done_by)
        lines.append(f"   - {s.label}: {mark}" + (f" ({s.detail})" if s.detail else ""))
    return _("Review stages"), lines


def _stage_mark(done_on: str | None, done_by: str | None) -> str:
    """When and by whom a stage was done, in words."""
    if done_on and done_by:
        return _("done on {date} by {who}", date=done_on, who=done_by)
    if done_on:
        return _("done on {date}", date=done_on)
    return _("done by {who}", who=done_by)


def _flags(result: Result, detail: bool) -> Section:
    if not result.flags:
        return None
    lines = [
        f"   - [{f.code}] {f.message}" if detail else f"   - {f.message}" for f in result.flags
    ]
    return _("Flags for the reviewer"), lines


def reject_line(sheet: str, row: int, column: str | None, reason: str) -> str:
    """Where a refused row is and why: ``pegawai row 5, column nip: ...`` (row 0, a
    whole-sheet problem: ``sheet pegawai: ...``)."""
    if row == 0:
        return _("sheet {sheet}: {reason}", sheet=sheet, reason=reason)
    if column:
        return _(
            "{sheet} row {row}, column {column}: {reason}",
            sheet=sheet,
            row=row,
            column=column,
            reason=reason,
        )
    return _("{sheet} row {row}: {reason}", sheet=sheet, row=row, reason=reason)


def explain_rejected(nip: str, rejects: pl.DataFrame) -> list[str]:
    """Why an employee has no result: every reject that names them, then what to do."""
    lines = [_("NIP {nip} was not appraised:", nip=nip)]
    for r in rejects.filter(pl.col("nip") == nip).iter_rows(named=True):
        lines.append("   - " + reject_line(r["sheet"], r["row"], r["column"], r["reason"]))
    lines.append(_("Correct these rows in the input and run kinerja again."))
    return lines

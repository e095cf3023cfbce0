"""Step-by-step explanation of one result, in words an HR officer understands."""

from __future__ import annotations

import polars as pl

from kinerja.model import Result, RunInfo
from kinerja.rules import RuleSet

KIND_WORDS = {
    "normal": "higher is better: realised ÷ target × 100",
    "inverse": "lower is better: (2 − realised ÷ target) × 100",
    "range": "inside the range counts 100; outside, against the nearer bound",
}


def fmt(value: object) -> str:
    """A value as people read it: numbers to two decimals at most, missing as '-'."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def explain_result(rules: RuleSet, result: Result, info: RunInfo) -> list[str]:
    """The lines that explain how ``result`` came about, step by step."""
    lines = [
        f"{result.nama} (NIP {result.nip}) — {result.jabatan}, {result.unit_kerja}",
        f"Region {rules.region}: {rules.title}",
        f"Rules version {rules.version}, sha256 {rules.sha256[:12]}…; "
        f"input sha256 {info.input_sha256[:12]}…; engine {info.engine_version}",
        "",
    ]
    step = 0

    def heading(text: str) -> None:
        nonlocal step
        step += 1
        lines.append(f"{step}. {text}")

    if result.indicators:
        heading("Outcome indicators (capaian): achievement against each target")
        for ind in result.indicators:
            target = fmt(ind.target) + (f"–{fmt(ind.target_max)}" if ind.target_max else "")
            lines.append(
                f"   - {ind.label}: realised {fmt(ind.realised)} against target {target} "
                f"→ {fmt(ind.achievement)}% ({KIND_WORDS[ind.kind]}; capped at "
                f"{fmt(rules.indicators[ind.code].cap)}), weight {fmt(ind.weight)}"
            )
        weights = sum(i.weight for i in result.indicators)
        terms = " + ".join(f"{fmt(i.achievement)}×{fmt(i.weight)}" for i in result.indicators)
        lines.append(
            f"   Weighted mean of achievements: ({terms}) ÷ {fmt(weights)} = "
            f"{fmt(result.values.get('achievement_mean'))}"
        )
    if result.aspects:
        heading("Rated aspects: each rater group's mean, then the group weights")
        for aspect in result.aspects:
            parts = []
            for g in aspect.groups:
                group = rules.rater_groups[g.group].label
                if g.status == "used":
                    parts.append(
                        f"{group} {fmt(g.mean)} ({g.count} rater(s), weight {fmt(g.weight)}"
                        + (
                            f" → {fmt(g.effective_weight)} after rescaling)"
                            if abs(g.effective_weight - g.weight) > 1e-9
                            else ")"
                        )
                    )
                elif g.status == "below_minimum":
                    parts.append(
                        f"{group}: {g.count} rater(s), below the minimum of "
                        f"{rules.rater_groups[g.group].min_count}, left out"
                    )
                else:
                    parts.append(f"{group}: no ratings, left out")
            lines.append(f"   - {aspect.label} = {fmt(aspect.score)}: " + "; ".join(parts))
            if not aspect.complete:
                lines.append("     (incomplete: the result stays provisional)")
    if result.components:
        heading("Components, in the order the rules compute them")
        for component in result.components:
            used = ", ".join(f"{k} = {fmt(v)}" for k, v in component.inputs.items())
            lines.append(
                f"   - {component.label}: {component.expr}"
                + (f"  with {used}" if used else "")
                + f"  → {fmt(component.value)}"
            )
    heading("Final score")
    if rules.score_weights:
        terms = " + ".join(
            f"{fmt(w)} × {name} ({fmt(result.values.get(name))})"
            for name, w in rules.score_weights.items()
        )
        lines.append(f"   {terms} = {fmt(result.score)}")
    else:
        lines.append(f"   {rules.score.source} = {fmt(result.score)}")
    heading("Predikat")
    # the rules' own label first (stored once, as the result before any objection)
    original = result.audit[0].before if result.audit else result.predikat
    lines.append(f"   {rules.predikat.source} → {fmt(original)}")
    for entry in result.audit:
        lines.append(
            f"   Changed by objection: {fmt(entry.before)} → {fmt(entry.after)} "
            f"(decided by {entry.by} on {entry.date}: {entry.reason}; {entry.source})"
            if entry.action == "objection_changed"
            else f"   Objection ({entry.source}): {entry.action.replace('_', ' ')} — {entry.reason}"
        )
    if result.peer_rank:
        lines.append(f"   Place among peers in the same unit: {result.peer_rank}")
    if result.feedback or result.recommendations:
        heading("Feedback and recommendations")
        lines += [f"   - {text}" for text in result.feedback]
        lines += [f"   * {r.code}: {r.text}" for r in result.recommendations]
    if result.stages:
        heading("Review stages")
        marks = {"done": "done", "pending": "PENDING", "out_of_order": "OUT OF ORDER"}
        for s in result.stages:
            lines.append(
                f"   - {s.label}: {marks[s.status]}" + (f" ({s.detail})" if s.detail else "")
            )
    if result.flags:
        heading("Flags for the reviewer")
        lines += [f"   - [{f.code}] {f.message}" for f in result.flags]
    lines.append("")
    lines.append(f"Result: {fmt(result.score)}, {result.predikat or '-'} — {result.status.upper()}")
    return lines


def explain_rejected(nip: str, rejects: pl.DataFrame) -> list[str]:
    """Why an employee has no result: every reject that names them."""
    lines = [f"NIP {nip} was not appraised:"]
    for r in rejects.filter(pl.col("nip") == nip).iter_rows(named=True):
        column = f", column {r['column']}" if r["column"] else ""
        lines.append(f"   - {r['sheet']} row {r['row']}{column}: {r['reason']}")
    return lines

"""The appraisal engine: one batch of employees through a region's rules and hooks."""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from kinerja import __version__
from kinerja.expr.compile import Failed, explain_failure
from kinerja.model import ComponentValue, Dataset, Flag, Reject, Result, RunInfo, RunOutput
from kinerja.regions import Collected, RegionHooks
from kinerja.rules import RuleSet

Progress = Callable[[int], None]
"""Called with the number of employees just evaluated, for progress bars."""

CHUNK = 2000


def appraise(
    rules: RuleSet,
    dataset: Dataset,
    pm: pluggy.PluginManager,
    *,
    progress: Progress | None = None,
) -> RunOutput:
    """Appraise every employee in ``dataset`` under ``rules``.

    Every employee ends up in the results or in the rejects with a reason; the
    rejects also carry every input row the dataset refused.

    :param rules: the region's checked rule set.
    :param dataset: validated input (see :func:`kinerja.input.validate.build_dataset`).
    :param pm: the plugin manager (see :func:`kinerja.manager.make_manager`).
    :param progress: optional callback for long batches.
    """
    hook = RegionHooks(pm, rules.region)  # other regions' plugins stay out of this run
    results = {
        e.nip: Result(e.nip, e.nama, e.jabatan, e.unit_kerja, values={}) for e in dataset.employees
    }
    _merge_collected(results, hook.kinerja_collect_indicators(rules=rules, dataset=dataset))
    weighed = hook.kinerja_weigh_ratings(rules=rules, dataset=dataset) or {}
    for nip, aspects in weighed.items():
        result = results.get(nip)
        if result is None:
            continue
        result.aspects = aspects
        for aspect in aspects:
            result.values[aspect.code] = aspect.score
        _note_rater_groups(rules, result)

    rejects = list(dataset.rejects)
    source_row = {e.nip: e.source.row for e in dataset.employees}
    appraised = _evaluate(rules, list(results.values()), rejects, source_row, progress)

    labels = hook.kinerja_assign_predikat(rules=rules, results=appraised)
    if labels is not None:
        for result, label in zip(appraised, labels, strict=True):
            result.predikat = label
            result.values["predikat"] = label
    for stage in rules.stages:
        hook.kinerja_review_stage(rules=rules, stage=stage, results=appraised, dataset=dataset)
    hook.kinerja_review_batch(rules=rules, results=appraised, dataset=dataset)
    # feedback and recommendations come last, on the final result (after objections)
    hook.kinerja_give_feedback(rules=rules, results=appraised, dataset=dataset)

    # Whole-file problems (row 0, e.g. no pegawai sheet) are no employee: leave them out,
    # so that employees_in = appraised + rejected_employees.
    employee_rejects = sum(1 for r in rejects if r.sheet == "pegawai" and r.row > 0)
    info = RunInfo(
        region=rules.region,
        rules_version=rules.version,
        rules_sha256=rules.sha256,
        input=dataset.source,
        input_sha256=dataset.sha256,
        engine_version=__version__,
        rows_in=dict(dataset.rows_in),
        employees_in=dataset.rows_in.get("pegawai", len(dataset.employees)),
        appraised=len(appraised),
        rejected_employees=employee_rejects,
        rejected_rows=len(rejects),
    )
    return RunOutput(info, appraised, rejects)


def _note_rater_groups(rules: RuleSet, result: Result) -> None:
    """Flag aspects left incomplete, and note rater groups left out of the weighting."""
    missing: dict[str, int] = {}
    for aspect in result.aspects:
        if not aspect.complete:
            unrated = all(g.status == "absent" for g in aspect.groups)
            why = "no ratings yet" if unrated else "a rater group is below its minimum"
            result.flags.append(Flag("incomplete", f"{aspect.label}: {why}"))
        for group in aspect.groups:
            # a group with some raters, too few to count, is noted; a group with none
            # (a post without subordinates) only when it keeps the result open
            noted = group.count > 0 or rules.rater_groups[group.group].when_missing != (
                "renormalise"
            )
            if group.status != "used" and group.weight > 0 and noted:
                missing[group.group] = max(missing.get(group.group, 0), group.count)
    for group, count in missing.items():
        spec = rules.rater_groups[group]
        outcome = (
            "left out and the other groups' weights rescaled"
            if spec.when_missing == "renormalise"
            else "the result stays provisional until they are in"
        )
        result.flags.append(
            Flag(
                "group_missing",
                f"{spec.label}: {count} rater(s), fewer than the {spec.min_count} needed; "
                + outcome,
                "info",
            )
        )


def _merge_collected(results: dict[str, Result], collected: list[dict[str, Collected]]) -> None:
    """Merge collection hook results: the first implementation called wins a name."""
    for batch in reversed(collected):
        if not batch:
            continue
        for nip, part in batch.items():
            result = results.get(nip)
            if result is None:
                continue
            result.values.update(part.values)
            if part.indicators:
                known = {i.code for i in part.indicators}
                result.indicators = [
                    i for i in result.indicators if i.code not in known
                ] + part.indicators


def _evaluate(
    rules: RuleSet,
    results: list[Result],
    rejects: list[Reject],
    source_row: dict[str, int],
    progress: Progress | None,
) -> list[Result]:
    """Run the compiled components and score; failures become rejects with reasons."""
    batch = rules.program.batch
    names = rules.step_names
    components = rules.components
    appraised: list[Result] = []
    for start in range(0, len(results), CHUNK):
        chunk = results[start : start + CHUNK]
        for result, outputs in zip(chunk, batch([r.values for r in chunk]), strict=True):
            values = result.values
            if isinstance(outputs, Failed):
                reason = _why(rules, values, outputs.error)
                rejects.append(Reject("pegawai", source_row[result.nip], result.nip, reason))
                continue
            values.update(zip(names, outputs, strict=True))
            result.score = values["score"]  # type: ignore[assignment]
            result.components = [
                ComponentValue(
                    c.name,
                    c.label,
                    values[c.name],
                    c.checked.source,
                    {n: values.get(n) for n in c.checked.names},
                )
                for c in components
            ]
            appraised.append(result)
        if progress is not None:
            progress(len(chunk))
    return appraised


def _describer(rules: RuleSet) -> Callable[[str], str]:
    """Says what a missing name is: an aspect no one rated, an indicator with no row..."""

    def describe(name: str) -> str:
        if name in rules.aspects:
            return f"{name} (no ratings)"
        if name in rules.indicators:
            return f"{name} (no capaian row)"
        if name in ("achievement_mean", "indicator_count"):
            return f"{name} (no capaian rows)"
        if name in rules.inputs:
            return f"{name} (empty column)"
        return name

    return describe


def _why(rules: RuleSet, values: dict, exc: Exception) -> str:
    """Find the first expression that fails on ``values`` and explain it in words."""
    partial = dict(values)
    for name, checked, evaluate in rules.steps():
        try:
            partial[name] = evaluate(partial)
            if name == "score" and partial[name] is None and rules.score_weights:
                missing = [c for c in rules.score_weights if partial.get(c) is None]
                labels = {c.name: c.label for c in rules.components}
                shown = ", ".join(f"{c} ({labels.get(c, c)})" for c in missing)
                return (
                    f"not appraised: the score weighs every component, but {shown} "
                    f"{'has' if len(missing) == 1 else 'have'} no value for this employee; "
                    "add the missing data (capaian rows or ratings)"
                )
        except Exception as inner:  # noqa: BLE001
            why = explain_failure(inner, checked, partial, _describer(rules))
            return f"not appraised: rule '{name}' failed: {why}"
    return f"not appraised: {explain_failure(exc, rules.score, values)}"

"""``kinerja explain --format json``: the explanation of one result as a document for tools.

The structure is stable (``"format": "kinerja-explain"``, ``"version": 1``); keys are
English codes, the same in every language. Where a person reads a value, it is given
as ``{"code": ..., "label": ...}``: the code is stable, the label is in the language
in use (``language``). The rules' own texts (labels, feedback, recommendations) are
as the region wrote them. Numbers are the engine's, to 9 decimals at most; a missing
value is ``null``. ``words`` holds the same sentence the text explanation shows.

An appraised employee::

    {
      "format": "kinerja-explain", "version": 1, "language": "id", "appraised": true,
      "employee": {"nip", "nama", "jabatan", "unit_kerja"},
      "rules": {"region", "title", "version", "sha256"},
      "input": {"sha256"}, "engine": "0.1.0",
      "indicators": [{"code", "label", "kind": {code, label}, "target", "target_max",
                      "realised", "achievement", "cap", "weight", "gap", "words"}],
      "achievement_mean": 109.4,
      "aspects": [{"code", "label", "score", "complete", "calculation",
                   "groups": [{"group": {code, label}, "raters", "mean", "weight",
                               "effective_weight", "status": {code, label}}]}],
      "steps": [{"name", "kind": "component" | "score" | "predikat", "label", "value",
                 "expression", "words",
                 "inputs": [{"name", "label", "value"}],
                 "weights": [{"name", "label", "weight", "value"}],      (score only)
                 "band": {"table", "value", "label",
                          "bands": [{"label", "min", "max", "chosen", "words"}]}
                         | null}],
      "objections": [{"action": {code, label}, "before", "after",
                      "decided_by": {"nip", "nama"}, "date", "reason", "source", "words"}],
      "feedback": ["..."], "recommendations": [{"code", "text", "reason"}],
      "stages": [{"id", "label", "status": {code, label}, "detail", "done_on", "done_by"}],
      "flags": [{"code", "message", "severity": {code, label}}],
      "result": {"score", "predikat", "predikat_before_objections",
                 "status": {code, label}, "peer_rank"}
                 (and "fair_score" after "score" where the rules compute one)
    }

``min`` is inclusive and ``max`` exclusive; null is an open end. An employee who was
not appraised: ``{"format", "version", "language", "appraised": false,
"employee": {"nip"}, "rejects": [{"sheet", "row", "column", "reason", "words"}]}``.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from kinerja.i18n import N_, _, current
from kinerja.model import Result, RunInfo
from kinerja.output.explain import STAGE_LABELS, STATUS_LABELS, reject_line
from kinerja.output.explain_bands import BandStory, range_words
from kinerja.output.explain_measures import (
    GROUP_STATUS_LABELS,
    KIND_WORDS,
    aspect_calculation,
    group_label,
    indicator_words,
)
from kinerja.output.explain_steps import (
    ACTION_LABELS,
    StepStory,
    objection_story,
    original_predikat,
    step_stories,
)
from kinerja.rules import RuleSet

__all__ = ["FORMAT", "SEVERITY_LABELS", "VERSION", "explain_document", "rejected_document"]

SEVERITY_LABELS = {"info": N_("for information"), "warning": N_("to be checked")}
"""How much a flag asks of the reviewer, as a person reads it (the severity is the code)."""
FORMAT = "kinerja-explain"
VERSION = 1
_DECIMALS = 9


def _number(value: object) -> object:
    """A number to the engine's 9 decimals (no binary noise); other values as they are."""
    if isinstance(value, float):
        return round(value, _DECIMALS)
    return value


def _coded(code: str, labels: Mapping[str, str]) -> dict[str, str]:
    return {"code": code, "label": _(labels[code]) if code in labels else code}


def _head(appraised: bool) -> dict[str, object]:
    return {"format": FORMAT, "version": VERSION, "language": current(), "appraised": appraised}


def explain_document(
    rules: RuleSet, result: Result, info: RunInfo, names: Mapping[str, str] | None = None
) -> dict[str, object]:
    """How ``result`` came about, as the document the module doc describes."""
    names = names or {}
    before = original_predikat(result)
    return {
        **_head(True),
        "employee": {
            "nip": result.nip,
            "nama": result.nama,
            "jabatan": result.jabatan,
            "unit_kerja": result.unit_kerja,
        },
        "rules": {
            "region": rules.region,
            "title": rules.title,
            "version": rules.version,
            "sha256": rules.sha256,
        },
        "input": {"sha256": info.input_sha256},
        "engine": info.engine_version,
        "indicators": _indicators(rules, result),
        "achievement_mean": _number(result.values.get("achievement_mean")),
        "aspects": _aspects(rules, result),
        "steps": [_step(s) for s in step_stories(rules, result)],
        "objections": _objections(result, names),
        "feedback": list(result.feedback),
        "recommendations": [
            {"code": r.code, "text": r.text, "reason": r.reason} for r in result.recommendations
        ],
        "stages": [
            {
                "id": s.id,
                "label": s.label,
                "status": _coded(s.status, STAGE_LABELS),
                "detail": s.detail,
                "done_on": s.done_on,
                "done_by": s.done_by,
            }
            for s in result.stages
        ],
        "flags": [
            {"code": f.code, "message": f.message, "severity": _coded(f.severity, SEVERITY_LABELS)}
            for f in result.flags
        ],
        "result": _result(result, before),
    }


def _result(result: Result, before: object) -> dict[str, object]:
    """The result: score (and fair score, where the rules compute one), predikat, status."""
    fair = (
        {"fair_score": _number(result.values["fair_score"])}
        if "fair_score" in result.values
        else {}
    )
    return {
        "score": _number(result.score),
        **fair,
        "predikat": result.predikat,
        "predikat_before_objections": before,
        "status": _coded(result.status, STATUS_LABELS),
        "peer_rank": result.peer_rank,
    }


def _indicators(rules: RuleSet, result: Result) -> list[dict[str, object]]:
    found = []
    for ind in result.indicators:
        declared = rules.indicators.get(ind.code)
        found.append(
            {
                "code": ind.code,
                "label": ind.label,
                "kind": _coded(ind.kind, KIND_WORDS),
                "target": _number(ind.target),
                "target_max": _number(ind.target_max),
                "realised": _number(ind.realised),
                "achievement": _number(ind.achievement),
                "cap": _number(declared.cap) if declared else None,
                "weight": _number(ind.weight),
                "gap": _number(ind.gap),
                "words": indicator_words(rules, ind),
            }
        )
    return found


def _aspects(rules: RuleSet, result: Result) -> list[dict[str, object]]:
    return [
        {
            "code": a.code,
            "label": a.label,
            "score": _number(a.score),
            "complete": a.complete,
            "calculation": aspect_calculation(a) or None,
            "groups": [
                {
                    "group": {"code": g.group, "label": group_label(rules, g.group)},
                    "raters": g.count,
                    "mean": _number(g.mean),
                    "weight": _number(g.weight),
                    "effective_weight": _number(g.effective_weight),
                    "status": _coded(g.status, GROUP_STATUS_LABELS),
                }
                for g in a.groups
            ],
        }
        for a in result.aspects
    ]


def _band(story: BandStory | None) -> dict[str, object] | None:
    if story is None:
        return None
    return {
        "table": story.table,
        "value": _number(story.value),
        "label": story.label,
        "bands": [
            {
                "label": label,
                "min": _number(low),
                "max": _number(high),
                "chosen": index == story.chosen,
                "words": range_words(low, high),
            }
            for index, (label, low, high) in enumerate(story.bands)
        ],
    }


def _step(story: StepStory) -> dict[str, object]:
    found: dict[str, object] = {
        "name": story.name,
        "kind": story.kind,
        "label": story.label,
        "value": _number(story.value),
        "expression": story.expression,
        "words": story.words,
        "inputs": [
            {"name": name, "label": label, "value": _number(value)}
            for name, label, value in story.inputs
        ],
        "band": _band(story.band),
    }
    if story.weights:
        found["weights"] = [
            {
                "name": w.name,
                "label": w.label,
                "weight": _number(w.weight),
                "value": _number(w.value),
            }
            for w in story.weights
        ]
    return found


def _objections(result: Result, names: Mapping[str, str]) -> list[dict[str, object]]:
    found = []
    for entry in result.audit:
        story = objection_story(entry, names)
        found.append(
            {
                "action": _coded(entry.action, ACTION_LABELS),
                "before": entry.before,
                "after": entry.after,
                "decided_by": {"nip": entry.by, "nama": names.get(entry.by)},
                "date": entry.date,
                "reason": entry.reason,
                "source": entry.source,
                "words": story.words,
            }
        )
    return found


def rejected_document(nip: str, rejects: pl.DataFrame) -> dict[str, object]:
    """Why an employee has no result, as the document the module doc describes."""
    rows = rejects.filter(pl.col("nip") == nip).iter_rows(named=True)
    return {
        **_head(False),
        "employee": {"nip": nip},
        "rejects": [
            {
                "sheet": r["sheet"],
                "row": r["row"],
                "column": r["column"],
                "reason": r["reason"],
                "words": reject_line(r["sheet"], r["row"], r["column"], r["reason"]),
            }
            for r in rows
        ],
    }

"""One employee's result as Python objects: a projection of the run's frames.

``explain``, the YAML case runner and tests read a few results at a time; this
module selects their rows from the frames of a :class:`~kinerja.frames.RunOutput`
and returns :class:`~kinerja.model.Result` objects. Nothing is computed again:
every figure is a column the engine already wrote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import polars as pl

from kinerja.appraisal import DETAILS
from kinerja.frames import IDENTITY, RunOutput
from kinerja.model import (
    AspectResult,
    AuditEntry,
    ComponentValue,
    Flag,
    GroupScore,
    IndicatorResult,
    Recommendation,
    Reject,
    Result,
    StageState,
)

__all__ = ["rejects_of", "result_of", "results_of"]

_ENGINE_COLUMNS = frozenset({*IDENTITY, "_row", "peer_rank", "status"})


def _by_nip(frame: pl.DataFrame, nips: pl.Series) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = defaultdict(list)
    for row in frame.filter(pl.col("nip").is_in(nips.implode())).iter_rows(named=True):
        rows[row["nip"]].append(row)
    return rows


def results_of(run: RunOutput, nips: Iterable[str] | None = None) -> list[Result]:
    """The results of ``nips`` (default: every employee; meant for small runs), in run order."""
    results = run.results
    if nips is not None:
        results = results.filter(pl.col("nip").is_in(list(nips)))
    keys = results["nip"]
    parts = {kind: _by_nip(getattr(run, kind), keys) for kind in DETAILS}
    return [_result(run, row, parts) for row in results.iter_rows(named=True)]


def result_of(run: RunOutput, nip: str) -> Result | None:
    """The result of one employee, or None when they were not appraised."""
    found = results_of(run, [nip])
    return found[0] if found else None


def _result(run: RunOutput, row: dict, parts: dict[str, dict[str, list[dict]]]) -> Result:
    nip = row["nip"]
    values = {k: v for k, v in row.items() if k not in _ENGINE_COLUMNS}
    groups: dict[str, list[GroupScore]] = defaultdict(list)
    for g in parts["groups"][nip]:
        groups[g["aspect"]].append(
            GroupScore(
                g["group"], g["count"], g["mean"], g["weight"], g["effective_weight"], g["status"]
            )
        )
    notes: dict[str, list[str]] = defaultdict(list)
    for n in parts["notes"][nip]:
        notes[n["aspect"]].append(n["text"])
    return Result(
        nip=nip,
        nama=row["nama"],
        jabatan=row["jabatan"],
        unit_kerja=row["unit_kerja"],
        values=values,
        indicators=[
            IndicatorResult(**{k: v for k, v in i.items() if k != "nip"})
            for i in parts["indicators"][nip]
        ],
        aspects=[
            AspectResult(
                a["code"],
                a["label"],
                a["score"],
                groups[a["code"]],
                notes[a["code"]],
                a["complete"],
            )
            for a in parts["aspects"][nip]
        ],
        components=[
            ComponentValue(
                c.name, c.label, row.get(c.name), c.expr, {n: row.get(n) for n in c.inputs}
            )
            for c in run.components
        ],
        score=row.get("score"),
        predikat=row.get("predikat"),
        feedback=[f["text"] for f in parts["feedback"][nip]],
        recommendations=[
            Recommendation(r["code"], r["text"], r.get("reason"))
            for r in parts["recommendations"][nip]
        ],
        stages=[
            StageState(
                s["id"],
                s["label"],
                s["status"],
                s["detail"] or "",
                s.get("done_on"),
                s.get("done_by"),
            )
            for s in parts["stages"][nip]
        ],
        flags=[Flag(f["code"], f["message"], f["severity"]) for f in parts["flags"][nip]],
        audit=[
            AuditEntry(**{k: v for k, v in e.items() if k != "nip"}) for e in parts["audit"][nip]
        ],
        peer_rank=row.get("peer_rank"),
    )


def rejects_of(run: RunOutput) -> list[Reject]:
    """The run's rejects as records (for small runs and tests)."""
    return [Reject(**row) for row in run.rejects.iter_rows(named=True)]

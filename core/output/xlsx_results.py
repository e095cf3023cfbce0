"""The workbook's results sheet: one row per employee, as a person reads it.

Its columns are grouped: identity (NIP, name, position, work unit, grade, supervisor's
NIP), the indicators' achievements, the aspects' scores, the components, the score (with
its fair score where the rules compute one, and rank among peers), predikat, status,
feedback, recommendations and the flags for the reviewer. Headers are in the language in
use (:mod:`kinerja.output.headers`); an indicator, aspect or component is named by its
label in the rules. The status is a label (``Final``, ``Sementara``); feedback,
recommendations and flags have one item a line. The values are those of the wide table
(:mod:`kinerja.output.write_wide`), which CSV and Parquet write with the stable column
names.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kinerja.frames import StepInfo
from kinerja.i18n import _
from kinerja.i18n.places import rank_words
from kinerja.output.headers import (
    ASPECT_HEADER,
    INDICATOR_HEADER,
    result_header,
    status_labels,
    unique,
)
from kinerja.output.write_frames import Part
from kinerja.output.write_wide import (
    IDENTITY_EXTRA,
    TAIL_COLUMNS,
    component_columns,
    wide_columns,
    wide_table,
)

__all__ = ["LINES", "ResultsLayout", "results_layout", "results_table"]

LINES = ("feedback", "recommendations", "flags")
"""Columns whose items are shown one a line."""
_IDENTITY = ("nip", "nama", "jabatan", "unit_kerja", *IDENTITY_EXTRA)
_SCORE = ("score", "fair_score", "peer_rank", "predikat", "status")


@dataclass(frozen=True, slots=True)
class ResultsLayout:
    """The results sheet's columns (wide-table names, in the sheet's order) and headers."""

    columns: list[str]
    headers: list[str]


def results_layout(whole: Part) -> ResultsLayout:
    """The columns and headers of the results sheet of ``whole`` (see
    :func:`~kinerja.output.write_wide.with_keys`)."""
    wide = wide_columns(whole)
    steps = {column: step for step, column in _component_steps(whole)}
    results = whole.results
    identity = [
        c
        for c in _IDENTITY
        if c not in IDENTITY_EXTRA or (c in results.columns and results[c].is_not_null().any())
    ]
    keyed = [c for c in wide if c not in steps and c.startswith(("capaian.", "aspek."))]
    indicators = [c for c in keyed if c.startswith("capaian.")]
    aspects = [c for c in keyed if c.startswith("aspek.")]
    components = [c for c in wide if c in steps]
    tail = [c for c in _SCORE if c in wide] + list(TAIL_COLUMNS)
    labels = _labels(whole)
    headers = (
        [result_header(c) for c in identity]
        + [
            _(INDICATOR_HEADER, label=labels.get(c) or c.removeprefix("capaian."))
            for c in indicators
        ]
        + [_(ASPECT_HEADER, label=labels.get(c) or c.removeprefix("aspek.")) for c in aspects]
        + [steps[c].label or steps[c].name for c in components]
        + [result_header(c) for c in tail]
    )
    columns = identity + indicators + aspects + components + tail
    return ResultsLayout(columns, unique(headers))


def _component_steps(whole: Part) -> list[tuple[StepInfo, str]]:
    """Each component's step and its wide-table column."""
    by_name = {step.name: step for step in whole.components}
    return [(by_name[name], column) for name, column in component_columns(whole.components).items()]


def _labels(whole: Part) -> dict[str, str]:
    """Each ``capaian.``/``aspek.`` column's label in the rules (its first employee's)."""
    keyed = pl.concat([whole.details["capaian"], whole.details["aspek"]])
    if keyed.height == 0 or "label" not in keyed.columns:
        return {}
    first = keyed.filter(pl.col("label").is_not_null() & (pl.col("label") != ""))
    first = first.group_by("key", maintain_order=True).agg(pl.col("label").first())
    return dict(first.iter_rows())


def results_table(part: Part, layout: ResultsLayout) -> pl.DataFrame:
    """The results sheet's rows of ``part``: ``layout``'s columns, the status as its label,
    feedback, recommendations and flags one item a line."""
    table = wide_table(part, layout.columns, join="\n")
    if "status" in table.columns:
        labels = status_labels()
        table = table.with_columns(
            pl.col("status").cast(pl.String).replace(list(labels), list(labels.values()))
        )
    if "peer_rank" in table.columns:
        table = table.with_columns(rank_words(pl.col("peer_rank")))
    return table

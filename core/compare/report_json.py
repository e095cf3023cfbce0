"""A comparison as JSON: the machine form, stable keys, the same in every language.

The document (``kinerja compare --format json``)::

    {
      "kinerja_compare": 1,
      "items": [{"label", "spec", "kind": "region|version|file", "region", "version",
                 "valid_from", "valid_to", "sha256", "path"}],
      "policy": [{"section", "key", "values": [{"value", "where", "departs",
                  "default"} | null, ...]}],        # one value per item, in item order
      "impact": null | {
        "input": PATH, "employees": N, "seconds": S,
        "items": [{"label", "employees", "computed",
                   "distribution": [{"predikat", "employees", "share"}],
                   "mean", "median", "statuses": {"final": N, ...},
                   "not_computed": [{"reason", "column", "employees"}],  # every reason
                   "set_aside": [{"sheet", "reason", "rows"}],  # rows of no employee
                   "missing": [TEXT], "unread_rows": {"capaian": N, ...},
                   "guideline": null | {"checked": N, "not_applicable": TEXT | null,
                                        "breaches": [{"unit_kerja", "predikat_unit",
                                          "rule", "labels", "limit_share",
                                          "limit_count", "count", "share", "staff",
                                          "acknowledged", "catatan_pimpinan"}],
                                        "unchecked": {REASON: UNITS}}}],
        "pairs": [{"a", "b", "both", "only_a", "only_b", "neither", "differs",
                   "share_differs", "compared_by": "level|label", "mean_shift",
                   "transitions": [{"a", "b", "employees"}],
                   "movers": [{"nip", "nama", "unit_kerja", "score_a", "score_b",
                               "predikat_a", "predikat_b", "shift"}],
                   "breakdowns": {"unit_kerja"|"jabatan"|"golongan":
                                  [{"value", "employees", "differs", "share_differs",
                                    "mean_shift"}]}}]}
    }

``compared_by`` says how ``differs`` counts: ``level`` when the two items have as many
predikat, compared by their place on each ladder (the fourth of five is the fourth of
five, "Kurang" or "Kurang/Misconduct"), ``label`` when the words must match.
``share`` values are fractions (0..1); scores and shifts are rounded to 9 decimals;
``where`` is ``file:line``. Texts that are words (``reason``, ``missing``) are in the
language of the run; every key and code is English.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from kinerja.builtin.guideline import GuidelineCheck
from kinerja.compare.comparison import Comparison, Impact
from kinerja.compare.impact import BREAKDOWNS, ItemImpact, PairImpact
from kinerja.compare.policy import origin

__all__ = ["FORMAT_VERSION", "json_document", "json_report"]

FORMAT_VERSION = 1
_DECIMALS = 9


def json_report(comparison: Comparison) -> str:
    """The comparison as a JSON text (:func:`json_document`)."""
    return json.dumps(json_document(comparison), ensure_ascii=False, indent=2) + "\n"


def json_document(comparison: Comparison) -> dict[str, Any]:
    """The comparison as the document of the module doc."""
    return {
        "kinerja_compare": FORMAT_VERSION,
        "items": [
            {
                "label": item.label,
                "spec": item.spec,
                "kind": item.kind,
                "region": item.rules.region,
                "version": item.rules.version,
                "valid_from": item.rules.valid_from,
                "valid_to": item.rules.valid_to,
                "sha256": item.rules.sha256,
                "path": item.rules.path,
            }
            for item in comparison.items
        ],
        "policy": [
            {
                "section": side.section,
                "key": side.key,
                "values": [
                    None
                    if cell is None
                    else {
                        "value": cell.value,
                        "where": origin(cell.location, for_people=False),
                        "departs": cell.departs,
                        "default": cell.default,
                    }
                    for cell in side.cells
                ],
            }
            for side in comparison.side
        ],
        "impact": None if comparison.impact is None else _impact(comparison.impact),
    }


def _impact(impact: Impact) -> dict[str, Any]:
    return {
        "input": str(impact.path),
        "employees": impact.employees,
        "seconds": round(impact.seconds, 3),
        "items": [_item(f) for f in impact.items],
        "pairs": [_pair(p) for p in impact.pairs],
    }


def _tidy(value: object) -> object:
    if isinstance(value, float):
        return round(value, _DECIMALS)
    return value


def _rows(frame: pl.DataFrame, rename: dict[str, str] | None = None) -> list[dict[str, Any]]:
    named = frame.rename(rename) if rename else frame
    return [{k: _tidy(v) for k, v in row.items()} for row in named.iter_rows(named=True)]


def _item(f: ItemImpact) -> dict[str, Any]:
    return {
        "label": f.label,
        "employees": f.employees,
        "computed": f.computed,
        "distribution": _rows(f.distribution),
        "mean": _tidy(f.mean),
        "median": _tidy(f.median),
        "statuses": dict(f.statuses.iter_rows()),
        "not_computed": _rows(f.not_computed),
        "set_aside": [] if f.set_aside is None else _rows(f.set_aside),
        "missing": list(f.missing),
        "unread_rows": dict(f.unread),
        "guideline": None if f.guideline is None else _guideline(f.guideline),
    }


def _guideline(found: GuidelineCheck) -> dict[str, Any]:
    breaches = found.breaches.with_columns(pl.col("limit_share").cast(pl.Float64))
    return {
        "checked": found.checked,
        "not_applicable": found.not_applicable,
        "breaches": _rows(breaches.drop("message")),
        "unchecked": dict(found.unchecked.group_by("reason").len().sort("reason").iter_rows()),
    }


def _pair(p: PairImpact) -> dict[str, Any]:
    return {
        "a": p.a,
        "b": p.b,
        "both": p.both,
        "only_a": p.only_a,
        "only_b": p.only_b,
        "neither": p.neither,
        "differs": p.differs,
        "share_differs": _tidy(p.share_differs),
        "compared_by": "level" if p.by_level else "label",
        "mean_shift": _tidy(p.mean_shift),
        "transitions": _rows(p.transitions, {"predikat_a": "a", "predikat_b": "b"}),
        "movers": _rows(
            p.movers.select(
                "nip",
                "nama",
                "unit_kerja",
                "score_a",
                "score_b",
                "predikat_a",
                "predikat_b",
                "shift",
            )
        ),  # fmt: skip
        "breakdowns": {
            column: _rows(
                p.breakdowns[column].select(
                    pl.col(column).alias("value"),
                    "employees",
                    "differs",
                    "share_differs",
                    "mean_shift",
                )
            )  # fmt: skip
            for column in BREAKDOWNS
        },
    }

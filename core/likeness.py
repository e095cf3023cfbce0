"""Which region a workbook was made for: its codes against each region's rules.

A workbook kept for one region and run under another rejects everyone, row by row,
for codes the rules do not know. What the officer needs to hear is one line: "this
looks like a workbook of that other region". A workbook's *codes* are the distinct indicator codes
of its ``capaian`` sheet and aspect codes of its ``penilaian`` sheet; its likeness to
a region is the share of those codes the region's rules declare.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kinerja.i18n import _
from kinerja.input.tables import Tables
from kinerja.rules import RuleSet

__all__ = ["LIKE_ENOUGH", "codes_of", "likeness", "looks_like"]

LIKE_ENOUGH = 0.5
"""The least share of a workbook's codes another region must know to be named."""

_CODE_COLUMNS = {"capaian": "indikator", "penilaian": "aspek"}


def codes_of(tables: Tables) -> frozenset[str]:
    """The distinct indicator and aspect codes of a workbook, trimmed and lower-cased."""
    found: set[str] = set()
    for sheet, column in _CODE_COLUMNS.items():
        frame = tables.frames.get(sheet)
        if frame is None or column not in frame.columns:
            continue
        values = frame.get_column(column).drop_nulls().str.strip_chars().str.to_lowercase()
        found.update(v for v in values.unique().to_list() if v)
    return frozenset(found)


def _declared(rules: RuleSet) -> frozenset[str]:
    spec = rules.input_spec()
    return frozenset(c.lower() for c in (*spec.indicators, *spec.aspects))


def likeness(codes: Iterable[str], rules: RuleSet) -> float:
    """The share of ``codes`` that ``rules`` declare (0 when there are no codes)."""
    wanted = frozenset(codes)
    if not wanted:
        return 0.0
    return len(wanted & _declared(rules)) / len(wanted)


def looks_like(tables: Tables, chosen: RuleSet, others: Mapping[str, RuleSet]) -> str | None:
    """One line naming the region whose rules know the workbook's codes best, when that
    is not ``chosen`` and it knows at least :data:`LIKE_ENOUGH` of them; else None."""
    codes = codes_of(tables)
    mine = likeness(codes, chosen)
    scores = {
        name: likeness(codes, rules) for name, rules in others.items() if name != chosen.region
    }
    if not scores:
        return None
    best = max(sorted(scores), key=lambda name: scores[name])
    if scores[best] < LIKE_ENOUGH or scores[best] <= mine:
        return None
    return _(
        "this looks like a workbook of {other}, not {region}: the rules of {other} know "
        "{theirs} of its {n} indicator and aspect codes, those of {region} {mine}; run it "
        "with --region {other}",
        other=best,
        region=chosen.region,
        theirs=round(scores[best] * len(codes)),
        mine=round(mine * len(codes)),
        n=len(codes),
    )

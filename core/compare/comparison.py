"""A comparison: the items' policies side by side and, given a workforce, their impact.

:func:`compare` is what ``kinerja compare`` and the benchmark call: it resolves
nothing (the items come resolved, :mod:`kinerja.compare.items`), reads the workforce
once (:mod:`kinerja.compare.workforce`), appraises it under each item with the same
chunked engine as ``kinerja run``, and keeps the figures
(:mod:`kinerja.compare.impact`). The reports (:mod:`kinerja.compare.report_text` and
its siblings) only turn a :class:`Comparison` into text, Markdown, JSON, HTML or a
workbook.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pluggy

from kinerja.compare.impact import ItemImpact, PairImpact, item_impact, pair_impact, pairs
from kinerja.compare.items import Item
from kinerja.compare.policy import Policy, SideRow, policy_of, side_by_side
from kinerja.compare.workforce import ItemRun, open_workforce, readers
from kinerja.guard import doing
from kinerja.i18n import _
from kinerja.input.chunks import CHUNK_EMPLOYEES
from kinerja.input.stream import STREAM_BYTES

__all__ = ["Comparison", "Impact", "compare"]

Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Impact:
    """The items' impact on one workforce."""

    path: Path
    employees: int
    items: tuple[ItemImpact, ...]
    pairs: tuple[PairImpact, ...]
    seconds: float
    """How long reading and appraising took."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """What ``kinerja compare`` reports."""

    items: tuple[Item, ...]
    policies: tuple[Policy, ...]
    side: tuple[SideRow, ...]
    impact: Impact | None = None
    notes: tuple[str, ...] = field(default=())


def compare(
    items: Sequence[Item],
    pm: pluggy.PluginManager,
    workforce: str | Path | None = None,
    *,
    chunk_size: int = CHUNK_EMPLOYEES,
    stream_bytes: int = STREAM_BYTES,
    say: Say | None = None,
) -> Comparison:
    """Compare ``items``: their policies, and their impact on ``workforce`` if given.

    :param say: told what the comparison is doing (one line per step).
    :raises kinerja.errors.InputError: the workforce cannot be read at all.
    """
    policies = tuple(policy_of(item.rules, item.label) for item in items)
    side = tuple(side_by_side(policies))
    if workforce is None:
        return Comparison(tuple(items), policies, side)
    impact = _impact(items, pm, Path(workforce), chunk_size, stream_bytes, say or (lambda _m: None))
    return Comparison(tuple(items), policies, side, impact)


def _impact(
    items: Sequence[Item],
    pm: pluggy.PluginManager,
    path: Path,
    chunk_size: int,
    stream_bytes: int,
    say: Say,
) -> Impact:
    """Every item's run over the workforce at ``path``, and the figures of each pair."""
    started = time.perf_counter()
    say(_("Reading {path} ...", path=path))
    rules = readers(pm, [item.rules for item in items])
    runs: dict[str, ItemRun] = {}
    figures = []
    with open_workforce(path, chunk_size, stream_bytes=stream_bytes) as workforce:
        for n, item in enumerate(items, start=1):
            step = _("Appraising under {item} ({n} of {total}) ...", item=item.label, n=n,
                     total=len(items))  # fmt: skip
            say(step)
            with doing(stage=_("appraising under {item}", item=item.label)):
                runs[item.label] = workforce.appraise(item.rules, rules, pm)
            figures.append(
                item_impact(
                    item.label,
                    runs[item.label],
                    workforce.employees,
                    item.rules.predikat_labels,
                    workforce.missing(item.rules),
                    workforce.units,
                )
            )
        employees = workforce.employees
    labels = {item.label: item.rules.predikat_labels for item in items}
    matched = tuple(
        pair_impact(a, b, runs[a], runs[b], employees, (labels[a], labels[b]))
        for a, b in pairs(list(runs))
    )
    seconds = time.perf_counter() - started
    return Impact(path, employees.height, tuple(figures), matched, seconds)

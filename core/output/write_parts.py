"""A run given in parts (:class:`~kinerja.frames.RunParts`), as the writers read it.

A run larger than memory reaches the writers one chunk's output at a time. CSV, JSON
and Parquet are written part by part; an xlsx workbook, which holds at most a few
million rows anyway, is made from the whole run joined in memory.

The wide results table of a stored part is made once, as the part is stored
(:func:`own_wide_table`); the run's header merges every part's columns in the order
they first occur (:func:`merged_columns`), and each part's table is fitted to it
(:func:`fitted`) as it is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

import polars as pl

from kinerja.frames import RunOutput, RunParts, WideParts, joined_outputs
from kinerja.output.write_wide import (
    BASE_COLUMNS,
    FAIR_SCORE,
    TAIL_COLUMNS,
    head_columns,
    wide_columns,
    wide_part,
    wide_table,
)

__all__ = [
    "as_parts",
    "fitted",
    "merged_columns",
    "own_wide_table",
    "wide_scans",
    "wide_tables",
    "whole_run",
]

F = TypeVar("F", pl.DataFrame, pl.LazyFrame)


def as_parts(run: RunOutput | RunParts) -> RunParts:
    """``run`` as parts (a run in memory is one part)."""
    return run if isinstance(run, RunParts) else RunParts.of(run)


def whole_run(parts: RunParts) -> RunOutput:
    """The whole run in memory: the parts' frames joined, with the run's metadata and rejects."""
    return joined_outputs(list(parts.each()), parts.info, parts.rejects)


def own_wide_table(output: RunOutput) -> tuple[list[str], pl.DataFrame]:
    """One chunk's wide table with its own columns (see :func:`wide_columns`)."""
    whole = wide_part(output)
    columns = wide_columns(whole)
    return columns, wide_table(whole, columns)


def merged_columns(each: Sequence[list[str]]) -> list[str]:
    """The wide table's columns over parts whose own columns are ``each``.

    ``fair_score`` when the parts have it, ``peer_rank`` when any part ranks; the
    components, ``capaian.`` and ``aspek.``
    columns in the order they first occur, part after part, as in one whole run.
    """
    fixed = {*BASE_COLUMNS, FAIR_SCORE, "peer_rank", *TAIL_COLUMNS}
    ranked, fair, middle = False, False, {}
    for columns in each:
        ranked = ranked or "peer_rank" in columns
        fair = fair or FAIR_SCORE in columns
        middle.update(dict.fromkeys(c for c in columns if c not in fixed))
    return head_columns(fair, ranked) + list(middle) + list(TAIL_COLUMNS)


def fitted(table: F, columns: list[str]) -> F:
    """``table`` with exactly ``columns``: one it lacks is all missing (of no type, so
    that joining the parts gives the type of the parts that have it)."""
    have = set(table.collect_schema().names())
    return table.select(pl.col(c) if c in have else pl.lit(None).alias(c) for c in columns)


def wide_tables(parts: RunParts, size: int) -> tuple[list[str], Iterator[pl.DataFrame]]:
    """The run's wide columns, and its wide table in pieces of at most ``size`` employees."""
    wide = parts.wide or _wide_in_memory(parts)
    tables = (
        fitted(table.slice(start, size), wide.columns)
        for index in range(parts.count)
        for table in [wide.part(index)]
        for start in range(0, max(table.height, 1), size)
    )
    return wide.columns, tables


def wide_scans(parts: RunParts) -> tuple[list[str], list[pl.LazyFrame]]:
    """The run's wide columns, and each part's wide table as a lazy frame with them."""
    wide = parts.wide or _wide_in_memory(parts)
    return wide.columns, [fitted(scan, wide.columns) for scan in wide.scans()]


def _wide_in_memory(parts: RunParts) -> WideParts:
    """Each part's wide table made now and held in memory (a run in memory)."""
    own = [own_wide_table(output) for output in parts.each()]
    tables = [table for _, table in own]
    return WideParts(
        merged_columns([columns for columns, _ in own]),
        tables.__getitem__,
        lambda: [table.lazy() for table in tables],
    )

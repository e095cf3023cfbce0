"""Parts of a run: its frames numbered by employee, to be written a part at a time.

A large run is written in parts of consecutive employees (:func:`parts`): each part
holds its employees' results rows and the rows of the detail frames that belong to
them, numbered by ``_i`` (the employee's position in ``results``), so a writer never
needs the whole run as text in memory. The tables made from a part are in
:mod:`~kinerja.output.write_wide` (one row per employee) and
:mod:`~kinerja.output.write_detail` (one row per part of a result); the rejects and
the run's metadata are :func:`reject_table` and :func:`info_rows`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from kinerja.appraisal import DETAILS
from kinerja.frames import IDENTITY, RunOutput, StepInfo
from kinerja.input.read import KNOWN_SHEETS
from kinerja.model import RunInfo

__all__ = [
    "DETAIL_FRAMES",
    "JOIN",
    "REJECT_COLUMNS",
    "Part",
    "indexed",
    "info_rows",
    "named_columns",
    "ordered_rejects",
    "parts",
    "reject_table",
]

REJECT_COLUMNS = ("sheet", "row", "nip", "column", "reason")
DETAIL_FRAMES = tuple(DETAILS)
"""The detail frames of a run, in the order they are written."""
JOIN = " | "
"""How texts of one employee are joined in one cell (feedback, notes...)."""
_ENGINE_COLUMNS = frozenset({*IDENTITY, "_row", "peer_rank", "status", "fair_score"})
"""Results columns that hold no named value (the fair score is written beside the score)."""


@dataclass(frozen=True, slots=True)
class Part:
    """Consecutive employees of a run: their results rows and their detail rows.

    Every frame has ``_i``, the employee's position in the run's ``results``; each
    detail frame is in ``_i`` order, an employee's rows in the order they were produced,
    and ``_p`` numbers them (0, 1, ... for each employee).
    """

    results: pl.DataFrame
    details: dict[str, pl.DataFrame]
    components: tuple[StepInfo, ...]


def indexed(run: RunOutput, names: tuple[str, ...] = DETAIL_FRAMES) -> Part:
    """The whole run as one part, with the detail frames ``names`` (``nip`` is unique
    in ``results``)."""
    results = run.results.with_row_index("_i")
    details = {name: _indexed(getattr(run, name), results) for name in names}
    return Part(results, details, run.components)


def _indexed(frame: pl.DataFrame, results: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``_i`` and ``_p``, in ``_i`` order; rows of no appraised employee
    are left out."""
    runs = frame["nip"].rle_id()  # an employee's rows usually come together: look up
    first = (runs != runs.shift(1)).fill_null(True)  # each run of one NIP once, not each row
    found = (
        frame["nip"]
        .filter(first)
        .replace_strict(results["nip"], results["_i"], default=None, return_dtype=pl.UInt32)
    )
    position = found.gather(runs)
    frame = frame.with_columns(position.alias("_i"))
    if position.null_count():
        frame = frame.filter(pl.col("_i").is_not_null())
    if not frame["_i"].is_sorted():
        frame = frame.sort("_i", maintain_order=True)
    first = pl.col("_i").search_sorted(pl.col("_i"), side="left")
    return frame.with_columns((pl.int_range(pl.len(), dtype=pl.UInt32) - first).alias("_p"))


def parts(whole: Part, size: int) -> Iterator[Part]:
    """``whole`` (see :func:`indexed`) in parts of at most ``size`` employees, in order."""
    for start in range(0, whole.results.height, size):
        details = {name: _rows_of(f, start, start + size) for name, f in whole.details.items()}
        yield Part(whole.results.slice(start, size), details, whole.components)


def _rows_of(frame: pl.DataFrame, start: int, stop: int) -> pl.DataFrame:
    """The rows of employees ``start`` to ``stop - 1``."""
    position = frame["_i"]
    lo = int(position.search_sorted(start, "left"))
    hi = int(position.search_sorted(stop, "left"))
    return frame.slice(lo, hi - lo)


def named_columns(results: pl.DataFrame) -> list[str]:
    """The results columns holding named values (inputs, indicators, components...)."""
    return [c for c in results.columns if c not in _ENGINE_COLUMNS and not c.startswith("_")]


def reject_table(rejects: pl.DataFrame) -> pl.DataFrame:
    """The rejects by sheet and row (see :func:`ordered_rejects`): sheet, row, nip,
    column, reason."""
    table = rejects.select(
        pl.col(c) if c in rejects.columns else pl.lit(None, dtype=pl.String).alias(c)
        for c in REJECT_COLUMNS
    )
    return ordered_rejects(table)


def ordered_rejects(rejects: pl.DataFrame) -> pl.DataFrame:
    """``rejects`` by sheet, in the order the engine reads the sheets (pegawai, capaian,
    penilaian, keberatan, then any other by name), then by row; rows of one sheet and
    row keep their order. A problem of a whole sheet (row 0) comes first in its sheet,
    one of no sheet first of all."""
    if rejects.height < 2 or "sheet" not in rejects.columns:
        return rejects
    known = {sheet: i for i, sheet in enumerate(KNOWN_SHEETS)}
    order = (
        pl.when(pl.col("sheet").is_null())
        .then(pl.lit(-1, dtype=pl.Int64))
        .otherwise(pl.col("sheet").replace_strict(known, default=len(known), return_dtype=pl.Int64))
    )
    keys = [order, pl.col("sheet")] + ([pl.col("row")] if "row" in rejects.columns else [])
    return rejects.sort(keys, maintain_order=True)


def info_rows(info: RunInfo) -> list[tuple[str, object]]:
    """The run's metadata as (key, value); ``rows_in`` becomes ``rows_in.<sheet>``."""
    rows: list[tuple[str, object]] = []
    for f in dataclasses.fields(info):
        value = getattr(info, f.name)
        if isinstance(value, dict):
            rows.extend((f"{f.name}.{k}", v) for k, v in value.items())
        else:
            rows.append((f.name, value))
    return rows

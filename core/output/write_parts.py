"""A run given in parts (:class:`~kinerja.frames.RunParts`), as the writers read it.

A run larger than memory reaches the writers one chunk's output at a time. CSV, JSON
and Parquet are written part by part; the header of the wide table is made from
every part first (a column appears in the order it first occurs in the run); an
xlsx workbook, which holds at most a few million rows anyway, is made from the whole
run joined in memory.
"""

from __future__ import annotations

from kinerja.frames import RunOutput, RunParts, joined_outputs
from kinerja.output.write_wide import BASE_COLUMNS, TAIL_COLUMNS, wide_columns, wide_part

__all__ = ["as_parts", "merged_wide_columns", "whole_run"]


def as_parts(run: RunOutput | RunParts) -> RunParts:
    """``run`` as parts (a run in memory is one part)."""
    return run if isinstance(run, RunParts) else RunParts.of(run)


def whole_run(parts: RunParts) -> RunOutput:
    """The whole run in memory: the parts' frames joined, with the run's metadata and rejects."""
    return joined_outputs(list(parts.each()), parts.info, parts.rejects)


def merged_wide_columns(parts: RunParts) -> list[str]:
    """The wide table's columns over every part (see :func:`wide_columns`).

    ``peer_rank`` when any part ranks; the components, ``capaian.`` and ``aspek.``
    columns in the order they first occur, part after part, as in one whole run.
    """
    if parts.count == 1:
        return wide_columns(wide_part(parts.part(0)))
    fixed = {*BASE_COLUMNS, "peer_rank", *TAIL_COLUMNS}
    ranked, middle = False, {}
    for output in parts.each():
        columns = wide_columns(wide_part(output))
        ranked = ranked or "peer_rank" in columns
        middle.update(dict.fromkeys(c for c in columns if c not in fixed))
    head = [*BASE_COLUMNS, "peer_rank"] if ranked else list(BASE_COLUMNS)
    return head + list(middle) + list(TAIL_COLUMNS)

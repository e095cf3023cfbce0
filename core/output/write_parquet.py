"""The run as Parquet: the wide results table typed, and each detail frame beside it.

``hasil.parquet`` has the CSV's columns in the CSV's order, numbers as Float64 in
full (not rounded: this is data for analysis, not a sheet to read), text as it is
(no formula escaping: no spreadsheet runs a Parquet cell). Its key-value metadata
``kinerja.run`` holds the run's metadata as JSON. The detail frames (indicators,
aspects, rater groups, notes, stages, flags, feedback, recommendations, audit) are
written as they are, one file each, ``hasil-<frame>.parquet``: they are what the
wide table leaves out, and Parquet is the format that holds them at national scale.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import polars as pl

from kinerja.frames import RunOutput, RunParts
from kinerja.output.write_frames import DETAIL_FRAMES
from kinerja.output.write_parts import as_parts, wide_scans

__all__ = ["detail_paths", "write_details_parquet", "write_results_parquet"]


def detail_paths(path: Path) -> dict[str, Path]:
    """Where each detail frame goes: ``hasil.parquet`` -> ``hasil-aspects.parquet``..."""
    return {name: path.with_name(f"{path.stem}-{name}.parquet") for name in DETAIL_FRAMES}


def write_results_parquet(run: RunOutput | RunParts, path: Path) -> None:
    """The wide results table, typed, with the run's metadata (part by part when the
    run comes in parts)."""
    run = as_parts(run)
    info = json.dumps(dataclasses.asdict(run.info), ensure_ascii=False)
    metadata = {"kinerja.run": info.encode("utf-8", "replace").decode()}
    _columns, scans = wide_scans(run)
    _write_joined(scans, path, metadata)


def write_details_parquet(run: RunOutput | RunParts, paths: dict[str, Path]) -> None:
    """Each detail frame to its path (see :func:`detail_paths`)."""
    run = as_parts(run)
    for name, path in paths.items():
        _write_joined(run.scans(name), path)


def _write_joined(
    scans: list[pl.LazyFrame], path: Path, metadata: dict[str, str] | None = None
) -> None:
    """``scans`` one after the other as one Parquet file; more than one are joined by
    polars' streaming engine, in bounded memory (a column's type is the one its parts
    share: a part that lacks a column has it missing, of no type)."""
    if len(scans) == 1:
        scans[0].collect().write_parquet(path, metadata=metadata)
    else:
        pl.concat(scans, how="vertical_relaxed").sink_parquet(path, metadata=metadata)

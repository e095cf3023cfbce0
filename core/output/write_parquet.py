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

from kinerja.frames import RunOutput
from kinerja.output.write_frames import DETAIL_FRAMES
from kinerja.output.write_wide import wide_columns, wide_part, wide_table

__all__ = ["detail_paths", "write_details_parquet", "write_results_parquet"]


def detail_paths(path: Path) -> dict[str, Path]:
    """Where each detail frame goes: ``hasil.parquet`` -> ``hasil-aspects.parquet``..."""
    return {name: path.with_name(f"{path.stem}-{name}.parquet") for name in DETAIL_FRAMES}


def write_results_parquet(run: RunOutput, path: Path) -> None:
    """The wide results table, typed, with the run's metadata."""
    whole = wide_part(run)
    table = wide_table(whole, wide_columns(whole))
    info = json.dumps(dataclasses.asdict(run.info), ensure_ascii=False)
    table.write_parquet(path, metadata={"kinerja.run": info.encode("utf-8", "replace").decode()})


def write_details_parquet(run: RunOutput, paths: dict[str, Path]) -> None:
    """Each detail frame to its path (see :func:`detail_paths`)."""
    for name, path in paths.items():
        frame: pl.DataFrame = getattr(run, name)
        frame.write_parquet(path)

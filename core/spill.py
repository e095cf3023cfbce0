"""Validated chunks kept on disk between the passes of a chunked run.

A chunked run validates every chunk before it appraises any (the rater summary needs
all of them), so the validated frames wait on disk, as Parquet, in a temporary folder
that is removed when the run ends, also when it fails. The folder is made where
Python's :mod:`tempfile` makes folders (``TMPDIR`` chooses another place).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from types import TracebackType

import polars as pl

from kinerja.frames import Batch

__all__ = ["BatchStore"]

_FRAMES = ("employees", "outcomes", "ratings", "objections", "rejects")


class BatchStore:
    """Batches by number, their frames on disk and their small fields in memory.

    Use as a context manager: the folder is removed on exit.
    """

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="kinerja-chunks-"))
        self._kept: dict[int, Batch] = {}

    def __enter__(self) -> BatchStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def put(self, index: int, batch: Batch) -> None:
        """Write ``batch``'s frames to disk and keep the rest of it in memory."""
        folder = self._dir / str(index)
        folder.mkdir()
        for name in _FRAMES:
            getattr(batch, name).write_parquet(folder / f"{name}.parquet", compression="lz4")
        empty = {name: getattr(batch, name).clear() for name in _FRAMES}
        self._kept[index] = replace(batch, **empty)

    def get(self, index: int) -> Batch:
        """The batch put under ``index``, read back from disk."""
        folder = self._dir / str(index)
        kept = self._kept[index]
        frames = {
            name: pl.read_parquet(folder / f"{name}.parquet").cast(getattr(kept, name).schema)
            for name in _FRAMES
        }
        return replace(kept, **frames)

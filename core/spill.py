"""Chunks kept on disk between the passes of a chunked run.

A chunked run validates every chunk before it appraises any (the rater summary needs
all of them), and writes its output only once every chunk is appraised (the header
of a results table needs all of them). In between, each chunk's frames wait on disk,
as Parquet, in a temporary folder that is removed when the run ends, also when it
fails. The folder is made where Python's :mod:`tempfile` makes folders (``TMPDIR``
chooses another place).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Generic, TypeVar

import polars as pl

from kinerja.appraisal import DETAILS
from kinerja.frames import Batch, RunOutput
from kinerja.guard import hold, release

__all__ = ["HELD_ROWS", "ROW_GROUP", "BatchStore", "FrameStore", "OutputStore", "sink_by", "sunk"]

T = TypeVar("T", Batch, RunOutput)

ROW_GROUP = 16_384
"""Rows per row group of the files :func:`sink_by` writes, at most."""
HELD_ROWS = 1_000_000
"""About how many rows :func:`sink_by` holds at once: each of its files holds a row group
until the group is full, so the row groups are this many rows over the files (at most
:data:`ROW_GROUP`, at least 1,024)."""


def sink_by(plan: pl.LazyFrame, key: str, folder: Path, values: int) -> None:
    """Write ``plan``'s rows by the streaming engine into ``folder``, one set of files per
    value of the integer column ``key`` (without it), in ``plan``'s order within each
    (read them back with :func:`sunk`). ``values``: how many values ``key`` has."""
    group = max(1_024, min(ROW_GROUP, HELD_ROWS // max(values, 1)))
    target = pl.PartitionBy(folder, key=key, include_key=False, file_path_provider=_value_file)
    plan.sink_parquet(target, compression="lz4", row_group_size=group, mkdir=True)


def _value_file(args: pl.io.partition.FileProviderArgs) -> str:
    """``<value>/<n>.parquet``: the ``n``-th file of a value (a large value has several)."""
    return f"{args.partition_keys.item()}/{args.index_in_partition:06d}.parquet"


def sunk(folder: Path, value: int) -> list[Path]:
    """The files :func:`sink_by` wrote into ``folder`` for ``value``, in order."""
    place = folder / str(value)
    return sorted(place.glob("*.parquet")) if place.is_dir() else []


class FrameStore(Generic[T]):
    """Dataclass values by number: their frame fields on disk, the rest in memory.

    Use as a context manager: the folder is removed on exit.
    """

    def __init__(self, frames: tuple[str, ...], prefix: str) -> None:
        self._frames = frames
        self._dir = hold(Path(tempfile.mkdtemp(prefix=prefix)))
        self._kept: dict[int, T] = {}

    def __enter__(self) -> FrameStore[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)
        release(self._dir)

    def put(self, index: int, value: T) -> None:
        """Write ``value``'s frames to disk and keep the rest of it in memory."""
        folder = self._dir / str(index)
        folder.mkdir()
        for name in self._frames:
            getattr(value, name).write_parquet(folder / f"{name}.parquet", compression="lz4")
        empty = {name: getattr(value, name).clear() for name in self._frames}
        self._kept[index] = replace(value, **empty)

    def keep(self, name: str, index: int, frame: pl.DataFrame) -> None:
        """Write a frame under ``name`` and a number (a chunk's, or a partition's), read
        back alone (:meth:`kept`) or with every frame of that name (:meth:`scan`,
        :meth:`kept_scans`)."""
        frame.write_parquet(self._dir / f"{name}-{index:06d}.parquet", compression="lz4")

    def scan(self, name: str, schema: dict) -> pl.LazyFrame:
        """Every frame kept under ``name``, one after the other, in number order."""
        files = sorted(self._dir.glob(f"{name}-*.parquet"))
        if not files:
            return pl.DataFrame(schema=schema).lazy()
        return pl.scan_parquet(files)

    def folder(self, name: str) -> Path:
        """A folder of the store for files of its own (see :func:`sink_by`), not yet made."""
        return self._dir / name

    def get(self, index: int) -> T:
        """The value put under ``index``, its frames read back from disk."""
        frames = {name: self.frame(name, index) for name in self._frames}
        return replace(self._kept[index], **frames)

    def frame(self, name: str, index: int) -> pl.DataFrame:
        """One frame of the value put under ``index``, read back from disk."""
        path = self._dir / str(index) / f"{name}.parquet"
        return pl.read_parquet(path).cast(getattr(self._kept[index], name).schema)

    def scans(self, name: str) -> list[pl.LazyFrame]:
        """One frame of every value put, in index order, each as a scan of its file."""
        return [
            pl.scan_parquet(self._dir / str(index) / f"{name}.parquet").cast(
                getattr(kept, name).schema
            )
            for index, kept in sorted(self._kept.items())
        ]

    def kept(self, name: str, index: int) -> pl.DataFrame:
        """The frame :meth:`keep` wrote under ``name`` for ``index``."""
        return pl.read_parquet(self._dir / f"{name}-{index:06d}.parquet")

    def kept_scans(self, name: str) -> list[pl.LazyFrame]:
        """Every frame :meth:`keep` wrote under ``name``, each as a scan, in index order
        (unlike :meth:`scan`, their columns may differ)."""
        return [pl.scan_parquet(f) for f in sorted(self._dir.glob(f"{name}-*.parquet"))]


def BatchStore() -> FrameStore[Batch]:  # noqa: N802 - reads as the store it makes
    """A store of validated batches (every frame of a :class:`Batch`)."""
    return FrameStore(
        ("employees", "outcomes", "ratings", "objections", "rejects"), "kinerja-chunks-"
    )


def OutputStore() -> FrameStore[RunOutput]:  # noqa: N802 - reads as the store it makes
    """A store of chunk outputs: results and detail frames (the rejects stay in memory)."""
    return FrameStore(("results", *DETAILS), "kinerja-output-")

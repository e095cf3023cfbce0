"""Reading a large CSV or Parquet folder in row batches, straight into chunks on disk.

The input of a national run does not fit in memory as text: five million employees
with thirty ratings each are some 150 million rows. A large folder (:func:`is_large`)
is therefore read a batch of rows at a time, and each batch is
routed to its chunk (:mod:`kinerja.input.chunks`) and written to a temporary folder
as Parquet. Each chunk is then read back on its own. Memory holds one batch while
reading, and one chunk afterwards.

The chunks hold exactly the rows the in-memory reader gives, with the same row
numbers, so that the run's answer does not depend on how the input was read. A file
that polars cannot read as the in-memory reader would (a CSV file only Python's csv
module reads, a broken file) is left to the in-memory reader, which reports it as
today: :func:`stream_folder` returns None.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import polars as pl

from kinerja.errors import InputError
from kinerja.input.chunks import CHUNK, Chunks, chunk_of, employee_chunks
from kinerja.input.read import (
    FolderFiles,
    Sheet,
    csv_header_of,
    csv_scan,
    drop_blank_rows,
    file_problems,
    folder_files,
    frame_columns,
    hash_folder,
    parquet_frame,
    parquet_positions,
    read_tables,
)
from kinerja.input.tables import Tables
from kinerja.model import Reject

__all__ = ["BATCH_ROWS", "STREAM_BYTES", "STREAM_ROWS", "is_large", "open_chunks", "stream_folder"]

STREAM_BYTES = 256 << 20
"""Folders whose CSV files are larger than this (in bytes) are read in batches."""
STREAM_ROWS = 2_000_000
"""Folders whose Parquet files hold more rows than this are read in batches (Parquet
is compressed: its size on disk says little about its size in memory)."""
BATCH_ROWS = 1_000_000
"""Rows of one file read at a time."""


class _Source(NamedTuple):
    """One sheet's file, ready to be read in batches."""

    name: str
    files: list[Path]
    positions: list[tuple[int, str]]
    repeated: dict[str, list[str]]
    scan: pl.LazyFrame | None
    """A CSV file's lazy read (None for Parquet, read as typed batches)."""

    @property
    def names(self) -> list[str]:
        """The sheet's frame columns (not ``_row``)."""
        return [n for _, n in frame_columns(self.positions)]

    def batches(self) -> Iterator[pl.DataFrame]:
        """The file's rows as text (see :mod:`kinerja.input.tables`), blank rows dropped."""
        if self.scan is not None:
            for frame in self.scan.collect_batches(chunk_size=BATCH_ROWS):
                yield drop_blank_rows(frame, self.names)
            return
        first = 2
        for raw in pl.scan_parquet(self.files[0]).collect_batches(chunk_size=BATCH_ROWS):
            height = raw.height
            yield drop_blank_rows(parquet_frame(raw, self.positions, first), self.names)
            first += height


def _sources(files: FolderFiles) -> list[_Source] | None:
    """Each known sheet's source; None when one of them is for the in-memory reader."""
    sources = []
    for name, chosen in files.chosen:
        f = chosen[0]
        scan = None
        if f.suffix.lower() == ".parquet":
            positions, repeated = parquet_positions(f)
        else:
            header = csv_header_of(f)
            if header is None or header.number == 0:
                return None
            scan, positions, repeated = csv_scan(f, header)
        sources.append(_Source(name, chosen, positions, repeated, scan))
    return sources


def is_large(p: Path, stream_bytes: int = STREAM_BYTES) -> bool:
    """Whether the folder ``p`` is read in batches: its CSV files are over
    ``stream_bytes``, or its Parquet files hold over :data:`STREAM_ROWS` rows (read from
    their metadata), or ``stream_bytes`` is 0."""
    csv_bytes, parquet_rows = 0, 0
    for _, files in folder_files(p).chosen:
        f = files[0]
        if f.suffix.lower() != ".parquet":
            csv_bytes += f.stat().st_size
            continue
        try:
            parquet_rows += pl.scan_parquet(f).select(pl.len()).collect().item()
        except (pl.exceptions.PolarsError, OSError):
            continue  # the reader reports it
    return stream_bytes == 0 or csv_bytes > stream_bytes or parquet_rows > STREAM_ROWS


def open_chunks(path: str | Path, size: int, *, stream_bytes: int = STREAM_BYTES) -> Chunks:
    """A run's input as chunks of about ``size`` employees.

    A large CSV or Parquet folder (:func:`is_large`) is read in batches into chunks on
    disk (:func:`stream_folder`); any other input is read whole and split.

    :raises kinerja.errors.InputError: the input cannot be read at all.
    """
    p = Path(path)
    if p.is_dir() and is_large(p, stream_bytes):
        streamed = stream_folder(p, str(path), size)
        if streamed is not None:
            return streamed
    return Chunks.split(read_tables(path), size, consume=True)


def stream_folder(p: Path, source: str, size: int) -> Chunks | None:
    """The folder ``p`` read in batches into chunks on disk (see the module doc).

    :return: the chunks, or None when the in-memory reader must read this folder.
    """
    files = folder_files(p)
    if "pegawai" not in dict(files.chosen):
        return None
    try:
        sources = _sources(files)
    except InputError:
        return None
    if sources is None:
        return None
    folder = Path(tempfile.mkdtemp(prefix="kinerja-input-"))
    try:
        return _spilled(files, sources, source, size, folder)
    except (pl.exceptions.PolarsError, InputError, UnicodeDecodeError):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _spilled(
    files: FolderFiles, sources: list[_Source], source: str, size: int, folder: Path
) -> Chunks:
    """Every sheet routed to its chunks under ``folder``; the chunks to read them back."""
    digest = hashlib.sha256()
    with ThreadPoolExecutor(1) as pool:
        hashed = pool.submit(hash_folder, digest, files)
        pegawai = next(s for s in sources if s.name == "pegawai")
        routes = employee_chunks(_who(pegawai), size)
        count = int(routes[CHUNK].max() or 0) + 1
        rows = sum(_spill(s, routes, folder) for s in sources)
        hashed.result()
    problems: list[Reject] = []
    for s in sources:
        problems += file_problems(s.name, s.files, Sheet([], pl.DataFrame(), s.repeated, {}))
    columns = {s.name: [n for _, n in s.positions] for s in sources}
    empty = {s.name: {"_row": pl.Int64, **dict.fromkeys(s.names, pl.String)} for s in sources}

    def tables() -> Iterator[Tables]:
        for index in range(count):
            frames = {
                name: _read_back(folder / name / str(index), schema)
                for name, schema in empty.items()
            }
            first = index == 0
            yield Tables(frames, source, digest.hexdigest(), problems if first else [], columns)

    return Chunks(
        count, len(problems), rows, tables(), lambda: shutil.rmtree(folder, ignore_errors=True)
    )


def _who(pegawai: _Source) -> pl.DataFrame:
    """The NIP and unit of every pegawai row, as :func:`employee_chunks` reads them."""
    wanted = [c for c in ("nip", "unit_kerja") if c in pegawai.names]
    parts = [batch.select(wanted) for batch in pegawai.batches()]
    return pl.concat(parts) if parts else pl.DataFrame(schema=dict.fromkeys(wanted, pl.String))


def _spill(sheet: _Source, routes: pl.DataFrame, folder: Path) -> int:
    """Write ``sheet``'s rows to ``folder/<sheet>/<chunk>/<batch>.parquet``; count them."""
    rows = 0
    for number, batch in enumerate(sheet.batches()):
        rows += batch.height
        routed = batch.with_columns(chunk_of(batch, routes))
        for (index,), part in routed.partition_by(CHUNK, as_dict=True, include_key=False).items():
            target = folder / sheet.name / str(index)
            target.mkdir(parents=True, exist_ok=True)
            part.write_parquet(target / f"{number:06d}.parquet", compression="lz4")
    return rows


def _read_back(folder: Path, schema: dict[str, pl.DataType | type[pl.DataType]]) -> pl.DataFrame:
    """One chunk's rows of one sheet, in input order (an empty frame when it has none)."""
    parts = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat([pl.read_parquet(part) for part in parts], how="diagonal_relaxed")

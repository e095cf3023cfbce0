"""Reading a large CSV or Parquet folder in row batches, straight into chunks on disk.

The input of a national run does not fit in memory as text: five million employees
with thirty ratings each are some 150 million rows. A large folder (:func:`is_large`)
is therefore read a batch of rows at a time, each batch turned into text and written
to a temporary folder as Parquet. Then the streaming engine routes each sheet's rows
to their chunks (:mod:`kinerja.input.chunks`), one file per chunk, so that the work
and the number of files grow with the rows, not with rows times chunks. Each chunk is
then read back on its own, and its cells are checked as the in-memory reader checks
a file's (rows swallowed by a stray quote, cells over the length limit). Memory holds
one batch while reading, a few row groups while routing (and the NIP -> chunk map of
every employee), and one chunk afterwards.

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
from kinerja.guard import hold, release
from kinerja.i18n import _
from kinerja.input.chunks import CHUNK, Chunks, employee_chunks, with_chunk
from kinerja.input.csv_quotes import swallowed_rows
from kinerja.input.long_cells import add_problems, with_long_cells
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
from kinerja.input.repeated_headers import repeated_columns
from kinerja.input.synonyms import column_renames, renaming
from kinerja.input.tables import KIND_SUFFIX, Tables
from kinerja.model import Reject
from kinerja.spill import ROW_GROUP, sink_by, sunk

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
    delimiter: str | None
    """A CSV file's field separator (None for Parquet)."""

    @property
    def names(self) -> list[str]:
        """The sheet's frame columns as its file names them (not ``_row``)."""
        return [n for _, n in frame_columns(self.positions)]

    @property
    def renames(self) -> dict[str, str]:
        """Its headers that read as known columns (``nip_baru`` -> ``nip``), as the
        in-memory reader renames them (:func:`~kinerja.input.synonyms.known_columns`)."""
        return column_renames(self.name, self.names)[0]

    @property
    def columns(self) -> list[str]:
        """Its header names once renamed (``_row`` and ``#kind`` names included)."""
        renames = self.renames
        return [renames.get(n, n) for _, n in self.positions]

    def problems(self) -> list[Reject]:
        """Its whole-file problems: repeated headers (written alike or read as one known
        column), a second file."""
        problems = file_problems(
            self.name, self.files, Sheet([], pl.DataFrame(), self.repeated, {})
        )
        repeats = column_renames(self.name, self.names)[1]
        where = _("sheet {name}", name=repr(self.name))
        problem = repeated_columns(self.name, where, repeats)
        return problems + ([problem] if problem is not None else [])

    def batches(self) -> Iterator[pl.DataFrame]:
        """The file's rows as text (see :mod:`kinerja.input.tables`), blank rows dropped,
        known columns under their own names."""
        renames = self.renames
        for frame in self._raw_batches():
            yield frame.rename(renaming(renames, frame.columns))

    def _raw_batches(self) -> Iterator[pl.DataFrame]:
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
        scan, delimiter = None, None
        if f.suffix.lower() == ".parquet":
            positions, repeated = parquet_positions(f)
        else:
            header = csv_header_of(f)
            if header is None or header.number == 0:
                return None
            scan, positions, repeated = csv_scan(f, header)
            delimiter = header.delimiter
        sources.append(_Source(name, chosen, positions, repeated, scan, delimiter))
    return sources


def is_large(p: Path, stream_bytes: int = STREAM_BYTES) -> bool:
    """Whether the folder ``p`` is read in batches: its CSV files are over
    ``stream_bytes``, or its Parquet files hold over :data:`STREAM_ROWS` rows (read from
    their metadata), or ``stream_bytes`` is 0."""
    csv_bytes, parquet_rows = 0, 0
    for _sheet, files in folder_files(p).chosen:
        f = files[0]
        if f.suffix.lower() != ".parquet":
            csv_bytes += f.stat().st_size
            continue
        try:
            parquet_rows += pl.scan_parquet(f).select(pl.len()).collect().item()
        except (pl.exceptions.PolarsError, OSError):
            continue  # the reader reports it
    return stream_bytes == 0 or csv_bytes > stream_bytes or parquet_rows > STREAM_ROWS


def open_chunks(
    path: str | Path, size: int, *, stream_bytes: int = STREAM_BYTES, again: bool = False
) -> Chunks:
    """A run's input as chunks of about ``size`` employees.

    A large CSV or Parquet folder (:func:`is_large`) is read in batches into chunks on
    disk (:func:`stream_folder`); any other input is read whole and split.

    :param again: the chunks will be read more than once (:meth:`Chunks.again`), as a
        comparison of several rule sets on one workforce reads them: in-memory input is
        then kept as it was read, not handed over to the split.
    :raises kinerja.errors.InputError: the input cannot be read at all.
    """
    p = Path(path)
    if p.is_dir() and is_large(p, stream_bytes):
        streamed = stream_folder(p, str(path), size)
        if streamed is not None:
            return streamed
    return Chunks.split(read_tables(path), size, consume=not again)


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
    folder = hold(Path(tempfile.mkdtemp(prefix="kinerja-input-")))
    try:
        return _spilled(files, sources, source, size, folder)
    except (pl.exceptions.PolarsError, InputError, UnicodeDecodeError):
        _remove(folder)
        return None
    except BaseException:
        _remove(folder)
        raise


def _frame_names(columns: list[str]) -> list[str]:
    return [n for n in columns if n != "_row" and KIND_SUFFIX not in n]


def _remove(folder: Path) -> None:
    """Remove the temporary folder of a streamed read."""
    shutil.rmtree(folder, ignore_errors=True)
    release(folder)


def _spilled(
    files: FolderFiles, sources: list[_Source], source: str, size: int, folder: Path
) -> Chunks:
    """Every sheet routed to its chunks under ``folder``; the chunks to read them back."""
    digest = hashlib.sha256()
    with ThreadPoolExecutor(1) as pool:
        hashed = pool.submit(hash_folder, digest, files)
        batches = {s.name: _write_batches(s, folder / s.name) for s in sources}
        routes = employee_chunks(_who(batches["pegawai"]), size)
        count = int(routes[CHUNK].max() or 0) + 1
        for name, written in batches.items():
            _route(written, routes, folder / name, count)
        del routes
        hashed.result()
    rows = sum(b.rows for b in batches.values())
    problems = [problem for s in sources for problem in s.problems()]
    columns = {s.name: s.columns for s in sources}
    empty = {
        s.name: {"_row": pl.Int64, **dict.fromkeys(_frame_names(s.columns), pl.String)}
        for s in sources
    }

    def tables() -> Iterator[Tables]:
        for index in range(count):
            frames = {
                name: _read_back(sunk(folder / name, index), schema)
                for name, schema in empty.items()
            }
            first = index == 0
            chunk = Tables(frames, source, digest.hexdigest(), problems if first else [], columns)
            yield _with_cell_problems(chunk, sources)

    return Chunks(count, len(problems), rows, tables(), lambda: _remove(folder), replay=tables)


class _Batches(NamedTuple):
    """One sheet's rows as text, written a batch at a time (:func:`_write_batches`)."""

    paths: list[Path]
    schema: dict[str, pl.DataType]
    """Every batch's columns, in the order they first occur (a batch may lack a kind
    column that another has)."""
    rows: int

    def scan(self) -> pl.LazyFrame:
        """Every batch, one after the other, with every batch's columns."""
        return pl.scan_parquet(self.paths, schema=self.schema, missing_columns="insert")


def _write_batches(sheet: _Source, folder: Path) -> _Batches:
    """``sheet``'s rows as text, each batch written to ``folder`` as it is read."""
    folder.mkdir(parents=True)
    paths: list[Path] = []
    schema: dict[str, pl.DataType] = {}
    rows = 0
    for number, batch in enumerate(sheet.batches()):
        rows += batch.height
        for name, dtype in batch.schema.items():
            schema.setdefault(name, dtype)
        paths.append(folder / f"batch-{number:06d}.parquet")
        # small row groups: the streaming engine that routes them reads a few at a time
        batch.write_parquet(paths[-1], compression="lz4", row_group_size=ROW_GROUP)
    return _Batches(paths, schema, rows)


def _who(pegawai: _Batches) -> pl.DataFrame:
    """The NIP and unit of every pegawai row, as :func:`employee_chunks` reads them."""
    wanted = [c for c in ("nip", "unit_kerja") if c in pegawai.schema]
    if not pegawai.paths:
        return pl.DataFrame(schema=dict.fromkeys(wanted, pl.String))
    return pegawai.scan().select(wanted).collect()


def _route(batches: _Batches, routes: pl.DataFrame, folder: Path, chunks: int) -> None:
    """Write a sheet's batches again as ``folder/<chunk>/<n>.parquet``, in input order
    within each of the ``chunks``, by the streaming engine; then remove the batches."""
    if not batches.paths:
        return
    sink_by(with_chunk(batches.scan(), routes), CHUNK, folder, chunks)
    for path in batches.paths:
        path.unlink()


def _with_cell_problems(tables: Tables, sources: list[_Source]) -> Tables:
    """One chunk's tables with what the in-memory reader finds in cells: CSV rows
    swallowed by a stray quote, and cells over the length limit."""
    for s in sources:
        frame = tables.frames[s.name]
        if s.delimiter is not None:
            add_problems(
                tables.cell_problems,
                s.name,
                swallowed_rows(frame, _frame_names(s.columns), s.delimiter),
            )
    return with_long_cells(tables)


def _read_back(
    parts: list[Path], schema: dict[str, pl.DataType | type[pl.DataType]]
) -> pl.DataFrame:
    """One chunk's rows of one sheet from its files, in input order (an empty frame when it
    has none), without the kind columns that no row of the chunk fills."""
    if not parts:
        return pl.DataFrame(schema=schema)
    frame = pl.read_parquet(parts)
    empty = [
        name
        for name in frame.columns
        if name.endswith(KIND_SUFFIX) and frame.get_column(name).null_count() == frame.height
    ]
    return frame.drop(empty)

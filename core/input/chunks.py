"""Splitting a run's raw input into chunks of whole units, so that memory stays bounded.

A chunk is a :class:`~kinerja.input.tables.Tables` of its own: some employees' pegawai
rows and every record row (capaian, penilaian, keberatan) that names them. Chunks are
made so that validating and appraising them one at a time gives what one pass over the
whole input gives:

- **all rows of one NIP** are in one chunk (a NIP is compared without its spaces, as
  validation compares it), so duplicates, owners and cascades are found as before;
- **all employees of one unit** (``unit_kerja``) are in one chunk, so unit-wide
  comparisons (peer ranks, a unit's best) see the whole unit. Units are packed in the
  order they first appear: a unit goes to the chunk where its last employee would
  fall if chunks held exactly ``size``, so a chunk holds at most ``size`` plus one
  unit, and a unit larger than ``size`` is a chunk of its own. An input sorted by unit
  keeps its order;
- a record row whose NIP is in no pegawai row goes to the first chunk, where
  validation refuses it as today;
- whole-file problems and the rows the reader could not parse stay with the first
  chunk, so they are reported once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

import polars as pl

from kinerja.input.tables import Tables
from kinerja.input.texts import PY_SPACE, without_spaces

__all__ = [
    "CHUNK_EMPLOYEES",
    "Chunks",
    "chunk_count",
    "chunk_of",
    "employee_chunks",
    "split_tables",
    "with_chunk",
]

CHUNK_EMPLOYEES = 50_000
"""Employees per chunk by default: a multi-rater chunk peaks near 1 GB."""

_ROUTE = "@route"
_KEY = "@key"
CHUNK = "@chunk"
"""The column :func:`employee_chunks` and :func:`chunk_of` give: a row's chunk number."""
_CHUNK = CHUNK


def _route(columns: Collection[str]) -> pl.Expr:
    """The NIP a row of a frame with ``columns`` belongs to, as validation compares it
    (null when there is none)."""
    if "nip" not in columns:
        return pl.lit(None, pl.String)
    return without_spaces(pl.col("nip"))


def employee_chunks(pegawai: pl.DataFrame, size: int) -> pl.DataFrame:
    """``@route`` -> ``@chunk`` for every NIP of pegawai (see the module doc)."""
    # the unit as validation reads it (stripped), so that "Unit " and "Unit" are one unit
    column = pl.col("unit_kerja").cast(pl.String).str.strip_chars(PY_SPACE)
    unit = column if "unit_kerja" in pegawai.columns else pl.lit(None, pl.String)
    rows = pegawai.select(_route(pegawai.columns).alias(_ROUTE), unit.fill_null("").alias("@unit"))
    rows, nip = _keyed(rows)
    # every row of a NIP follows the unit of that NIP's first row
    rows = rows.with_columns(pl.col("@unit").first().over(nip))
    units = rows.group_by("@unit", maintain_order=True).len()
    # a unit joins the chunk its last employee falls in: at most size + one unit each
    end = pl.col("len").cum_sum()
    units = units.select("@unit", ((end - 1) // size).rank("dense").cast(pl.Int64).alias(_CHUNK))
    routes = rows.unique(nip, keep="first", maintain_order=True)
    return routes.join(units, on="@unit", maintain_order="left").select(_ROUTE, pl.col(_CHUNK) - 1)


def _nip_hash(route: pl.Expr) -> pl.Expr:
    """A 64-bit hash of a NIP's text (its route), to group millions of NIPs cheaply."""
    return route.hash()


def _keyed(rows: pl.DataFrame) -> tuple[pl.DataFrame, str]:
    """``rows`` and the column that tells their NIPs apart: ``@key``, the NIP's hash
    (:func:`_nip_hash`), when no two NIPs share one, else ``@route`` itself."""
    hashed = rows.with_columns(_nip_hash(pl.col(_ROUTE)).alias(_KEY))
    one_nip_each = pl.col(_ROUTE).eq_missing(pl.col(_ROUTE).first().over(_KEY)).all()
    if hashed.select(one_nip_each).item():
        return hashed, _KEY
    return rows, _ROUTE


def chunk_of(frame: pl.DataFrame, routes: pl.DataFrame) -> pl.Series:
    """Each row's ``@chunk`` (0 for a row whose NIP is in no pegawai row)."""
    keys = frame.lazy().select(_route(frame.columns).alias(_ROUTE))
    return _joined(keys, routes).collect()[_CHUNK]


def with_chunk(frame: pl.LazyFrame, routes: pl.DataFrame) -> pl.LazyFrame:
    """``frame`` with each row's ``@chunk`` (see :func:`chunk_of`), in its own order."""
    key = _route(frame.collect_schema().names()).alias(_ROUTE)
    return _joined(frame.with_columns(key), routes).drop(_ROUTE)


def _joined(frame: pl.LazyFrame, routes: pl.DataFrame) -> pl.LazyFrame:
    """``frame``'s ``@route`` joined to its ``@chunk`` (0 where it has none)."""
    joined = frame.join(
        routes.lazy(), on=_ROUTE, how="left", maintain_order="left", nulls_equal=True
    )
    return joined.with_columns(pl.col(_CHUNK).fill_null(0))


def chunk_count(tables: Tables, size: int = CHUNK_EMPLOYEES) -> int:
    """How many chunks :func:`split_tables` makes of ``tables``."""
    pegawai = tables.frames.get("pegawai")
    if pegawai is None or pegawai.height <= size:
        return 1
    return int(employee_chunks(pegawai, size)[_CHUNK].max()) + 1  # type: ignore[arg-type]


def split_tables(
    tables: Tables, size: int = CHUNK_EMPLOYEES, *, consume: bool = False
) -> Iterator[Tables]:
    """The chunks of ``tables``, in order (``tables`` itself when it is one chunk).

    Each sheet is reordered once by chunk (input order within a chunk) and the chunks
    are slices of it, so a split costs one copy of the input, or none with ``consume``.

    :param size: about how many employees a chunk holds (a larger unit stays whole).
    :param consume: the caller hands ``tables`` over: its frames are replaced by the
        reordered ones, so the input is not held twice. Only for tables nobody reads again.
    """
    if size < 1:
        raise ValueError("a chunk holds at least one employee")
    pegawai = tables.frames.get("pegawai")
    if pegawai is None or pegawai.height <= size:
        yield tables
        return
    routes = employee_chunks(pegawai, size)
    count = int(routes[_CHUNK].max()) + 1  # type: ignore[arg-type]
    ordered, bounds = {}, {}
    for sheet in list(tables.frames):
        chunk = chunk_of(tables.frames[sheet], routes)
        frame = tables.frames[sheet].with_columns(chunk).sort(_CHUNK, maintain_order=True)
        ends = frame[_CHUNK].search_sorted(pl.Series(range(count)), side="right")
        bounds[sheet] = [0, *ends.to_list()]
        ordered[sheet] = frame.drop(_CHUNK)
        if consume:
            tables.frames[sheet] = ordered[sheet]
    for index in range(count):
        frames = {
            sheet: frame.slice(
                bounds[sheet][index], bounds[sheet][index + 1] - bounds[sheet][index]
            )
            for sheet, frame in ordered.items()
        }
        yield _chunk_tables(tables, frames, first=index == 0)


def _chunk_tables(tables: Tables, frames: dict[str, pl.DataFrame], *, first: bool) -> Tables:
    """One chunk's tables: its frames, and the cell problems of its rows."""
    cell_problems = {}
    for sheet, problems in tables.cell_problems.items():
        frame = frames.get(sheet)
        if frame is None or not problems:
            continue
        rows = set(frame["_row"].to_list())
        cell_problems[sheet] = {row: found for row, found in problems.items() if row in rows}
    return Tables(
        frames,
        tables.source,
        tables.sha256,
        list(tables.problems) if first else [],
        tables.columns,
        cell_problems,
    )


@dataclass(slots=True)
class Chunks:
    """A run's input as chunks: how many, and the chunks themselves, once, in order.

    Use as a context manager: a source that keeps its chunks on disk removes them on
    exit. The first chunk carries the whole-file problems (``problems`` of them lead
    its rejects after validation).
    """

    count: int
    problems: int
    rows: int
    """Rows read, over every sheet (for the progress message)."""
    tables: Iterator[Tables]
    close: Callable[[], None] = lambda: None
    """Remove what the chunks keep on disk; safe to call again (and on exit)."""
    replay: Callable[[], Iterator[Tables]] | None = None
    """The chunks once more, from the start (None: they can be read once only)."""

    @classmethod
    def split(cls, tables: Tables, size: int = CHUNK_EMPLOYEES, *, consume: bool = False) -> Chunks:
        """In-memory tables split by :func:`split_tables` (readable again unless
        ``consume``)."""
        rows = sum(frame.height for frame in tables.frames.values())
        count = chunk_count(tables, size)
        chunks = split_tables(tables, size, consume=consume)
        again = None if consume else lambda: split_tables(tables, size)
        return cls(count, len(tables.problems), rows, chunks, replay=again)

    def again(self, each: Callable[[Tables], Tables] = lambda t: t) -> Chunks:
        """The same chunks from the start, each passed through ``each`` (e.g. to leave out
        rows), for one more run over the same input; closing it leaves this one's files.

        :raises ValueError: these chunks can be read once only.
        """
        if self.replay is None:
            raise ValueError("these chunks can be read once only")
        return Chunks(self.count, self.problems, self.rows, map(each, self.replay()))

    def __enter__(self) -> Chunks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Deterministic synthetic input for any region, made from its rules alone, column by column.

The same region, size and seed always give the same tables, so examples, tests and
benchmarks are reproducible. Nothing here names a region: inputs, indicators, aspects,
rater groups, stages and objections are all read from the rule set.

The tables are generated as columns (numpy arrays seeded from the region and the seed,
turned into polars frames), a fixed number of employees at a time (:data:`CHUNK`), so
that millions of employees and their hundreds of millions of rating rows can be written
with bounded memory: :func:`generate_lazy` gives each table as a ``LazyFrame`` that
generates its chunks while it is written. Each table and each chunk has its own random
stream, so the data does not depend on how, or in what order, it is written.

The model: employees are spread round-robin over work units of about
:data:`UNIT_SIZE` people; the first employee of each unit is its head and supervises
it, and the very first employee, the head of the organisation, supervises the heads.
Every employee has a hidden performance level that their outcomes and ratings follow.
Nobody rates themself outside the ``self`` group: the head of the organisation gets
their supervisor rating from an official outside the data, the regional secretary
(sekretaris daerah), whose NIP comes from its own random stream. Peers are colleagues
of the same unit, subordinates are the people a head supervises, citizens have ids
like ``W0000001``. About 4% of employees get fewer raters of a group than the rules'
minimum, so that rule is exercised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import polars as pl
from polars.io.plugins import register_io_source

from kinerja.authoring.sample.plan import (
    CHUNK,
    FILING_DAYS,
    SPOILT_VALUE,
    TRUNCATED,
    UNIT_SIZE,
    UNITS,
    Plan,
    Tables,
    make_plan,
    stream,
)
from kinerja.authoring.sample.ratings import penilaian_chunks, penilaian_frame, rated_groups
from kinerja.authoring.sample.records import (
    capaian_chunks,
    capaian_frame,
    keberatan_frame,
    pegawai_chunks,
    pegawai_frame,
)
from kinerja.rules import RuleSet

__all__ = [
    "CHUNK",
    "FILING_DAYS",
    "SPOILT_VALUE",
    "TRUNCATED",
    "UNITS",
    "UNIT_SIZE",
    "Tables",
    "cells",
    "generate",
    "generate_frames",
    "generate_lazy",
]

# --------------------------------------------------------------------- the tables


def _sources(plan: Plan) -> dict[str, Callable[[], Iterator[pl.DataFrame]]]:
    """Table name -> a function that generates its chunks, for the tables the rules use."""
    rules = plan.rules
    sources: dict[str, Callable[[], Iterator[pl.DataFrame]]] = {
        "pegawai": lambda: pegawai_chunks(plan)
    }
    if rules.indicators:
        sources["capaian"] = lambda: capaian_chunks(plan)
    if any(len(g.aspects) for g in rated_groups(rules)):
        sources["penilaian"] = lambda: penilaian_chunks(plan)
    if rules.objection_window_days is not None:
        sources["keberatan"] = lambda: iter([keberatan_frame(plan)])
    return sources


def _lazy(
    chunks: Callable[[], Iterator[pl.DataFrame]], schema: pl.Schema, counted: Callable[[int], None]
) -> pl.LazyFrame:
    """A LazyFrame that generates ``chunks`` while it is collected or sunk; ``counted``
    hears the number of rows of each pass (0 first)."""

    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        left, total = n_rows, 0
        counted(0)
        for frame in chunks():
            if predicate is not None:
                frame = frame.filter(predicate)
            if with_columns is not None:
                frame = frame.select(with_columns)
            if left is not None:
                frame = frame.head(left)
                left -= frame.height
            total += frame.height
            counted(total)
            yield frame
            if left is not None and left <= 0:
                return

    return register_io_source(source, schema=schema)


def generate_lazy(
    rules: RuleSet,
    employees: int,
    seed: int = 1,
    bad_rows: int = 0,
    rows: dict[str, int] | None = None,
) -> dict[str, pl.LazyFrame]:
    """The synthetic tables as LazyFrames that generate their rows while they are written.

    Same tables as :func:`generate_frames`, a chunk of employees at a time, for sizes
    that do not fit in memory: sink them (``sink_parquet``, ``sink_csv``) or hand them
    to :func:`kinerja.output.tables.write_tables`. A table the rules use is present
    even when it happens to have no rows.

    :param rows: if given, ``rows[table]`` is kept at the number of rows the table has
        produced in its latest pass (so a writer can say how many it wrote).
    """
    plan = make_plan(rules, employees, seed, bad_rows)
    counts = {} if rows is None else rows
    out = {}
    for name, chunks in _sources(plan).items():
        schema = _empty_schema(plan, name)
        out[name] = _lazy(chunks, schema, lambda n, name=name: counts.__setitem__(name, n))
    return out


def _empty_schema(plan: Plan, name: str) -> pl.Schema:
    none = np.zeros(0, dtype=np.int64)
    if name == "pegawai":
        return pegawai_frame(plan, none).schema
    if name == "capaian":
        return capaian_frame(plan, none, stream(plan.rules, plan.seed, "capaian", 0)).schema
    if name == "penilaian":
        return penilaian_frame(plan, none, stream(plan.rules, plan.seed, "penilaian", 0), 0)[
            0
        ].schema
    return keberatan_frame(plan).schema


def generate_frames(
    rules: RuleSet, employees: int, seed: int = 1, bad_rows: int = 0
) -> dict[str, pl.DataFrame]:
    """Synthetic input tables for ``rules`` as polars frames: sheet name -> frame.

    The tables are pegawai, capaian (when the rules have indicators), penilaian (when
    they have rated aspects) and keberatan (when they have an objection window), with
    the columns of the input sheets; an empty table other than pegawai is left out.
    NIPs and dates are text (``YYYY-MM-DD``). ``realisasi`` is text when a spoilt row
    holds text there.

    :param rules: the region's rules; they decide which columns and records exist.
    :param employees: how many employees.
    :param seed: the random seed; the same region, size and seed give the same tables.
    :param bad_rows: how many deliberately faulty rows to include, to show rejects: in
        turn a repeated employee whose NIP lost its last digit, text in a realisasi
        cell, and an exact duplicate employee row.
    """
    plan = make_plan(rules, employees, seed, bad_rows)
    frames = {}
    for name, chunks in _sources(plan).items():
        parts = list(chunks())
        frame = pl.concat(parts) if parts else pl.DataFrame(schema=_empty_schema(plan, name))
        if frame.height or name == "pegawai":
            frames[name] = frame
    return frames


def generate(rules: RuleSet, employees: int, seed: int = 1, bad_rows: int = 0) -> Tables:
    """Synthetic input tables for ``rules`` as rows: sheet name -> [{column: value}].

    The rows of :func:`generate_frames` (see :func:`cells`).
    """
    return cells(generate_frames(rules, employees, seed=seed, bad_rows=bad_rows))


def cells(frames: dict[str, pl.DataFrame]) -> Tables:
    """Sample frames as rows (None for a blank cell), each cell keeping its own type as
    in a spreadsheet: the realisasi of a spoilt row is text, the others stay numbers."""
    tables = {name: frame.to_dicts() for name, frame in frames.items()}
    capaian = frames.get("capaian")
    if capaian is not None and capaian.schema["realisasi"] == pl.String:
        spoilt = np.flatnonzero((capaian["realisasi"] == SPOILT_VALUE).to_numpy())
        numbers = capaian.with_columns(pl.col("realisasi").cast(pl.Float64, strict=False))
        tables["capaian"] = numbers.to_dicts()
        for row in spoilt.tolist():  # only the few spoilt rows
            tables["capaian"][row]["realisasi"] = SPOILT_VALUE
    return tables

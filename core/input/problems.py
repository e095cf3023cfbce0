"""A sheet's checks as masks, and the reasons of the rows that fail them.

A :class:`Check` is a column named in the reject, a mask (the rows that fail) and a
reason (an expression evaluated only on the failing rows, so words cost nothing for
valid data). :func:`find_problems` runs a sheet's checks in order, puts the reader's
cell problems first (they replace a later check's words on the same column: a formula
without a saved value reads as empty, and "must be a number, found ''" would only
repeat it), and numbers several problems of one row ``(1) ...; (2) ...`` in one
reason, with their columns listed once each, as :mod:`kinerja.input.validate` always did.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import polars as pl

from kinerja.input.tables import CellProblems

__all__ = [
    "BAD",
    "INDEX",
    "READ",
    "Check",
    "Found",
    "find_problems",
    "mark_reader_rows",
    "reader_problems",
]

INDEX = "@i"
"""The working frames' row index (input order)."""
READ = "@read"
"""Boolean column: the reader found an unusable cell in a column this row is checked on."""
BAD = "@bad"
"""Boolean column: the row is rejected."""
_ORDER = "@order"
_READER_FIRST = -(10**9)


@dataclass(frozen=True, slots=True)
class Check:
    """One way a row can be refused: the column it names, which rows, and why."""

    column: str
    failed: pl.Expr
    """Boolean over all rows (null counts as passed)."""
    reason: pl.Expr
    """String, evaluated on the failing rows only."""
    lookup: tuple[pl.DataFrame, str] | None = None
    """``(frame, on)``: columns the reason reads, joined to the failing rows only."""
    more: tuple[tuple[pl.DataFrame, str], ...] = ()
    """Further ``(frame, on)`` lookups, joined after :attr:`lookup`."""


@dataclass(frozen=True, slots=True)
class Found:
    """A sheet's checks run: every row with :data:`BAD`, the rejected rows, their problems."""

    work: pl.DataFrame
    bad: pl.DataFrame
    problems: pl.DataFrame
    """One row per rejected row: :data:`INDEX`, reason, column (null when none)."""


def reader_problems(found: CellProblems | None, read: Collection[str]) -> pl.DataFrame:
    """The reader's cell problems in the columns validation reads: _row, order, column, reason."""
    rows = [
        (number, _READER_FIRST + j, column, reason)
        for number, problems in (found or {}).items()
        for j, (column, reason) in enumerate(problems)
        if column in read
    ]
    schema = {"_row": pl.Int64, _ORDER: pl.Int64, "column": pl.String, "reason": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def mark_reader_rows(work: pl.DataFrame, reader: pl.DataFrame) -> pl.DataFrame:
    """``work`` with :data:`READ`: rows that have a reader problem."""
    if reader.is_empty():
        return work.with_columns(pl.lit(False).alias(READ))
    return work.with_columns(pl.col("_row").is_in(reader["_row"].unique().implode()).alias(READ))


def _failing(bad: pl.DataFrame, mask: str, order: int, check: Check) -> pl.DataFrame:
    """The problems of one check: the failing rows' index, order, column and reason."""
    rows = bad.filter(pl.col(mask))
    for frame, on in (*((check.lookup,) if check.lookup is not None else ()), *check.more):
        rows = rows.join(frame, on=on, how="left", maintain_order="left")
    return rows.select(
        pl.col(INDEX),
        pl.lit(order, pl.Int64).alias(_ORDER),
        pl.lit(check.column).alias("column"),
        check.reason.cast(pl.String).alias("reason"),
    )


def find_problems(work: pl.DataFrame, checks: Sequence[Check], reader: pl.DataFrame) -> Found:
    """Run ``checks`` over ``work`` (which has :data:`INDEX` and :data:`READ`), in order."""
    names = [f"@f{i}" for i in range(len(checks))]
    masks = [c.failed.fill_null(False).alias(n) for n, c in zip(names, checks, strict=True)]
    work = work.with_columns(masks).with_columns(pl.any_horizontal(*names, READ).alias(BAD))
    bad = work.filter(pl.col(BAD)).rechunk()  # polars 2.1 can panic formatting a filtered chunk
    first = reader.join(bad.select("_row", INDEX), on="_row").select(
        INDEX, _ORDER, "column", "reason"
    )
    hits = bad.select(pl.col(names).any()).row(0) if names and bad.height else [False] * len(names)
    pairs = enumerate(zip(names, checks, hits, strict=True))
    later = [_failing(bad, n, i, c) for i, (n, c, hit) in pairs if hit]
    later_frame = pl.concat(later) if later else first.clear()
    later_frame = later_frame.join(first, on=[INDEX, "column"], how="anti")
    problems = _numbered(pl.concat([first, later_frame]))
    return Found(work.drop(names), bad.drop(names), problems)


def _numbered(problems: pl.DataFrame) -> pl.DataFrame:
    """One reason per row: ``(1) a; (2) b`` when several, the columns once each."""
    problems = problems.sort(INDEX, _ORDER)
    count = pl.len().over(INDEX)
    place = pl.int_range(pl.len()).over(INDEX) + 1
    text = pl.when(count == 1).then(pl.col("reason"))
    text = text.otherwise(pl.format("({}) {}", place, pl.col("reason")))
    column = pl.col("column")
    joined = problems.with_columns(text.alias("reason")).group_by(INDEX, maintain_order=True)
    out = joined.agg(
        pl.col("reason").str.join("; "),
        column.filter(column != "").unique(maintain_order=True).str.join(", "),
    )
    return out.with_columns(pl.when(column != "").then(column).alias("column"))

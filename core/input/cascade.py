"""The cascade, and the batch's rejects frame.

An employee with a rejected capaian, penilaian or keberatan row is not appraised on
partial data: their pegawai row is rejected too, listing those rows, and their other
records are left out. The rejects frame lists whole-file problems first, then every
refused row by sheet (pegawai, capaian, penilaian, keberatan) and row.
"""

from __future__ import annotations

import polars as pl

from kinerja.frames import REJECTS
from kinerja.i18n import _
from kinerja.input.problems import INDEX
from kinerja.input.read import KNOWN_SHEETS
from kinerja.model import Reject

__all__ = ["cascade", "problems_frame", "sorted_rejects", "without"]

_SHEET_ORDER = {s: i for i, s in enumerate(KNOWN_SHEETS)}


def cascade(employees: pl.DataFrame, owners: pl.DataFrame, key: str) -> pl.DataFrame:
    """The pegawai rejects of ``employees`` with a rejected record row.

    ``owners`` has one row per rejected record row of an accepted employee, in the
    order they are listed (capaian rows, then penilaian, then keberatan): the
    employee's ``key`` and a label (``capaian row 7``).
    """
    bad = owners.group_by(key, maintain_order=True).agg(
        pl.len().alias("n"), pl.col("label").head(10).str.join(", ").alias("listed")
    )
    n, listed = pl.col("n"), pl.col("listed")
    reason = (
        pl.when(n == 1)
        .then(pl.format(_("not appraised: {} of their rows was rejected ({})"), n, listed))
        .when(n <= 10)
        .then(pl.format(_("not appraised: {} of their rows were rejected ({})"), n, listed))
        .otherwise(
            pl.format(
                _("not appraised: {} of their rows were rejected ({}, and {} more)"),
                n,
                listed,
                n - 10,
            )
        )
    )
    return employees.join(bad, on=key, how="inner", maintain_order="left").select(
        pl.lit("pegawai").alias("sheet"),
        pl.col("_row").alias("row"),
        pl.col("nip"),
        reason.alias("reason"),
        pl.lit(None, pl.String).alias("column"),
    )


def problems_frame(problems: list[Reject]) -> pl.DataFrame:
    """Whole-file problems (and rows the reader could not parse) as a rejects frame."""
    rows = [(p.sheet, p.row, p.nip, p.reason, p.column) for p in problems]
    return pl.DataFrame(rows, schema=REJECTS, orient="row")


def sorted_rejects(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Every sheet's rejects by sheet order, then row (stable: input order on ties)."""
    order = pl.col("sheet").replace_strict(
        _SHEET_ORDER, default=len(_SHEET_ORDER), return_dtype=pl.Int64
    )
    frame = pl.concat([p.cast(REJECTS) for p in parts])  # type: ignore[arg-type]
    return frame.sort(order, pl.col("row"), maintain_order=True)


def without(frame: pl.DataFrame, keys: pl.Series, key: str) -> pl.DataFrame:
    """``frame`` without the rows of employees ``keys``, and without the working columns."""
    if not keys.is_empty():
        frame = frame.filter(~pl.col(key).is_in(keys.implode()))
    return frame.drop(key, INDEX)

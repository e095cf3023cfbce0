"""The appraisal in progress: the results frame and the detail rows hooks add to it.

The engine builds one :class:`Appraisal` per run and hands it to the review and
feedback hooks. A hook reads ``appraisal.results`` (one row per appraised employee,
every named value a column), adds detail rows with :meth:`Appraisal.add` (flags,
stages, feedback, recommendations, audit entries), and may replace result columns
with :meth:`Appraisal.update` (an objection's predikat, a peer rank). Each detail
frame keeps, per employee, the order in which the rows were added.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from kinerja.frames import (
    ASPECTS,
    AUDIT,
    FEEDBACK,
    FLAGS,
    GROUPS,
    INDICATORS,
    NOTES,
    RECOMMENDATIONS,
    STAGES,
    Schema,
)
from kinerja.i18n import _

DETAILS: dict[str, Schema] = {
    "indicators": INDICATORS,
    "aspects": ASPECTS,
    "groups": GROUPS,
    "notes": NOTES,
    "stages": STAGES,
    "flags": FLAGS,
    "feedback": FEEDBACK,
    "recommendations": RECOMMENDATIONS,
    "audit": AUDIT,
}
"""The detail frames of a run, by name, and their columns."""
OPTIONAL: dict[str, tuple[str, ...]] = {
    "stages": ("done_on", "done_by"),
    "recommendations": ("reason",),
}
"""Columns a plugin's rows may leave out (null then): a stage known done, not when or by
whom; a recommendation without its reason."""

__all__ = ["DETAILS", "Appraisal"]


class Appraisal:
    """One run's results and detail rows, as hooks see and extend them."""

    def __init__(self, results: pl.DataFrame):
        self.results = results
        self._parts: dict[str, list[pl.DataFrame]] = {kind: [] for kind in DETAILS}
        self._done: dict[str, pl.DataFrame] = {}

    def add(self, kind: str, rows: pl.DataFrame) -> None:
        """Add detail rows of ``kind`` (a key of :data:`DETAILS`) for some employees.

        ``rows`` must have that frame's columns (extra columns are ignored; those of
        :data:`OPTIONAL` may be left out); rows for employees who are not in the results
        are dropped.
        """
        schema = DETAILS[kind]
        optional = [c for c in OPTIONAL.get(kind, ()) if c not in rows.columns]
        rows = rows.with_columns(pl.lit(None, schema[c]).alias(c) for c in optional)
        missing = [c for c in schema if c not in rows.columns]
        if missing:
            raise ValueError(
                _("{kind} rows need the columns {columns}", kind=kind, columns=", ".join(missing))
            )
        if rows.height:
            self._parts[kind].append(rows.select([pl.col(c).cast(t) for c, t in schema.items()]))
            self._done.pop(kind, None)

    def detail(self, kind: str) -> pl.DataFrame:
        """Every row of ``kind`` added so far, each employee's in the order added."""
        if kind not in self._done:
            parts = self._parts[kind]
            frame = pl.concat(parts) if parts else pl.DataFrame(schema=DETAILS[kind])
            order = self.results.select("nip", pl.int_range(pl.len()).alias("_i"))
            frame = frame.join(order, on="nip", how="inner", maintain_order="left")
            frame = frame.sort("_i", maintain_order=True)
            self._done[kind] = frame.drop("_i")
            self._parts[kind] = [self._done[kind]]
        return self._done[kind]

    def drop(self, kind: str, rows: pl.Expr) -> pl.DataFrame:
        """Remove the rows of ``kind`` where ``rows`` holds; return them."""
        frame = self.detail(kind)
        self._done[kind] = frame.filter(~rows.fill_null(False))
        self._parts[kind] = [self._done[kind]]
        return frame.filter(rows.fill_null(False))

    def update(self, values: pl.DataFrame, columns: Iterable[str] | None = None) -> None:
        """Replace result columns for the employees in ``values`` (keyed by ``nip``).

        ``columns`` (default: all of ``values`` but nip) are set where ``values`` has a
        row for the employee and left as they were elsewhere. A column the results do
        not have yet is added (null for the others).
        """
        names = [c for c in (columns or values.columns) if c != "nip"]
        incoming = values.select("nip", *[pl.col(c).alias(f"_new_{c}") for c in names])
        joined = self.results.join(incoming, on="nip", how="left", maintain_order="left")
        marked = joined.with_columns(pl.col("nip").is_in(values["nip"].implode()).alias("_matched"))
        self.results = marked.with_columns(
            [
                (
                    pl.when("_matched").then(pl.col(f"_new_{c}")).otherwise(pl.col(c))
                    if c in self.results.columns
                    else pl.col(f"_new_{c}")
                ).alias(c)
                for c in names
            ]
        ).drop([f"_new_{c}" for c in names] + ["_matched"])

    def details(self) -> dict[str, pl.DataFrame]:
        """Every detail frame, complete."""
        return {kind: self.detail(kind) for kind in DETAILS}

"""What every rater did across the whole run: the evidence the rater-bias checks compare.

A chunked run appraises employees a chunk at a time, but a rater's leniency is judged
against every other rater of their group in the run, and "the same scores to every
employee" means every employee they rated. So each chunk's ratings are summarised per
rater (:func:`rater_partials`), the summaries of all chunks are combined
(:func:`rater_summary`), and every chunk is appraised with the run-wide summary in
``Batch.raters``. A run of one chunk gives the same summary in one step.

Only raters identified by a NIP outside the ``self`` group are summarised. Ratings are
on a 0-1 scale of their aspect (``scaled``), so aspects with different scales compare.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from kinerja.frames import Schema, empty
from kinerja.rules import RuleSet

__all__ = ["RATERS", "rated_by_colleagues", "rater_partials", "rater_summary", "scaled"]

RATERS: Schema = {
    "kelompok": pl.String,
    "penilai_nip": pl.String,
    "ratings": pl.Int64,
    "total": pl.Float64,
    "employees": pl.Int64,
    "pattern": pl.String,
    "same": pl.Boolean,
}
"""Per rater: ratings given, their sum on the 0-1 scale, employees rated, the first
employee's pattern of ``aspek=nilai``, and whether every employee got that pattern."""

_KEY = ["kelompok", "penilai_nip"]


def scaled(rules: RuleSet, ratings: pl.DataFrame) -> pl.DataFrame:
    """``ratings`` with ``scaled``: the nilai on a 0-1 scale of its aspect."""
    scales = pl.DataFrame(
        {
            "aspek": list(rules.aspects),
            "_low": [a.scale[0] for a in rules.aspects.values()],
            "_high": [a.scale[1] for a in rules.aspects.values()],
        },
        schema={"aspek": pl.String, "_low": pl.Float64, "_high": pl.Float64},
    )
    joined = ratings.join(scales, on="aspek", how="left", maintain_order="left")
    value = (pl.col("nilai") - pl.col("_low")) / (pl.col("_high") - pl.col("_low"))
    return joined.with_columns(value.alias("scaled")).drop("_low", "_high")


def rated_by_colleagues(ratings: pl.DataFrame) -> pl.DataFrame:
    """The ratings given by a rater with a NIP, outside the ``self`` group."""
    return ratings.filter((pl.col("penilai_nip") != "") & (pl.col("kelompok") != "self"))


def pattern() -> pl.Expr:
    """One employee's ratings by one rater as text: ``aspek=nilai`` sorted, joined by ``|``."""
    each = pl.concat_str(pl.col("aspek"), pl.lit("="), pl.col("nilai").cast(pl.String))
    return each.sort().str.join("|").alias("pattern")


def rater_partials(rules: RuleSet, ratings: pl.DataFrame) -> pl.DataFrame:
    """One chunk's ratings summarised per rater (:data:`RATERS`)."""
    rated = scaled(rules, rated_by_colleagues(ratings))
    per_employee = rated.group_by([*_KEY, "nip"], maintain_order=True).agg(
        pattern(), pl.len().alias("ratings"), pl.col("scaled").sum().alias("total")
    )
    summary = per_employee.group_by(_KEY, maintain_order=True).agg(
        pl.col("ratings").sum(),
        pl.col("total").sum(),
        pl.len().alias("employees"),
        pl.col("pattern").first(),
        (pl.col("pattern").n_unique() == 1).alias("same"),
    )
    return summary.cast(RATERS).select(list(RATERS))  # type: ignore[arg-type]


def rater_summary(partials: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """The chunks' summaries combined into the run's (:data:`RATERS`), in first-seen order."""
    parts = [p for p in partials if p.height]
    if not parts:
        return empty(RATERS)
    if len(parts) == 1:
        return parts[0]
    combined = (
        pl.concat(parts)
        .group_by(_KEY, maintain_order=True)
        .agg(
            pl.col("ratings").sum(),
            pl.col("total").sum(),
            pl.col("employees").sum(),
            pl.col("pattern").first(),
            (pl.col("same").all() & (pl.col("pattern").n_unique() == 1)).alias("same"),
        )
    )
    return combined.select(list(RATERS))

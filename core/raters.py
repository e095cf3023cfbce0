"""What every rater did across the whole run: the evidence the rater-bias checks compare.

A chunked run appraises employees a chunk at a time, but a rater's leniency is judged
against every other rater of their group in the run, and "the same scores to every
employee" means every employee they rated. So each chunk's ratings are summarised per
rater (:func:`rater_partials`), the partials of all chunks are combined into the
run's summary (:func:`summary_plan`, written to disk by the streaming engine), and
every chunk is appraised with the summary rows of its own raters in ``Batch.raters``
(:func:`raters_of`). A run of one chunk gives the same summary in one step
(:func:`rater_summary`).

Only raters identified by a NIP outside the ``self`` group are summarised. Ratings are
on a 0-1 scale of their aspect (``scaled``), so aspects with different scales compare.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from kinerja.frames import Schema, empty
from kinerja.rules import RuleSet

__all__ = [
    "PARTIALS",
    "RATERS",
    "batch_raters",
    "rated_by_colleagues",
    "rater_partials",
    "rater_summary",
    "raters_of",
    "scaled",
    "summary_plan",
]

PARTIALS: Schema = {
    "kelompok": pl.String,
    "penilai_nip": pl.String,
    "ratings": pl.Int64,
    "total": pl.Float64,
    "employees": pl.Int64,
    "pattern": pl.UInt64,
    "same": pl.Boolean,
}
"""One chunk's raters: ratings given, their sum on the 0-1 scale, employees rated, the
first employee's pattern of ``aspek=nilai`` (as a 64-bit hash, so that a summary of
millions of raters stays small), and whether every employee got that pattern."""

RATERS: Schema = {
    "kelompok": pl.String,
    "penilai_nip": pl.String,
    "ratings": pl.Int64,
    "mean": pl.Float64,
    "employees": pl.Int64,
    "same": pl.Boolean,
    "group_mean": pl.Float64,
    "group_raters": pl.Int64,
}
"""The run's raters: ratings given and their mean on the 0-1 scale, employees rated,
whether every employee got the same pattern, and the rater's group: the mean of its
raters' means and how many raters it has."""

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
    """One employee's ratings by one rater: ``aspek=nilai`` sorted, joined by ``|``, hashed."""
    each = pl.concat_str(pl.col("aspek"), pl.lit("="), pl.col("nilai").cast(pl.String))
    return each.sort().str.join("|").hash().alias("pattern")


def rater_partials(rules: RuleSet, ratings: pl.DataFrame) -> pl.DataFrame:
    """One chunk's ratings summarised per rater (:data:`PARTIALS`)."""
    rated = scaled(rules, rated_by_colleagues(ratings))
    per_employee = rated.group_by([*_KEY, "nip"], maintain_order=True).agg(
        pattern().first(), pl.len().alias("ratings"), pl.col("scaled").sum().alias("total")
    )
    summary = per_employee.group_by(_KEY, maintain_order=True).agg(
        pl.col("ratings").sum(),
        pl.col("total").sum(),
        pl.len().alias("employees"),
        pl.col("pattern").first(),
        (pl.col("pattern").n_unique() == 1).alias("same"),
    )
    return summary.cast(PARTIALS).select(list(PARTIALS))  # type: ignore[arg-type]


def rater_summary(partials: pl.LazyFrame | Iterable[pl.DataFrame]) -> pl.DataFrame:
    """The chunks' partials (:data:`PARTIALS`) combined into the run's raters
    (:data:`RATERS`), in no particular order. ``partials`` may be a scan of them on disk."""
    found = summary_plan(partials).collect(engine="streaming")
    return found.cast(RATERS)  # type: ignore[arg-type]


def summary_plan(partials: pl.LazyFrame | Iterable[pl.DataFrame]) -> pl.LazyFrame:
    """:func:`rater_summary` as a lazy query, for the streaming engine to write to disk
    (a run of millions of employees has millions of raters)."""
    if not isinstance(partials, pl.LazyFrame):
        frames = [p.lazy() for p in partials]
        partials = pl.concat(frames) if frames else empty(PARTIALS).lazy()
    raters = (
        partials.group_by(_KEY)
        .agg(
            pl.col("ratings").sum(),
            pl.col("total").sum(),
            pl.col("employees").sum(),
            (pl.col("same").all() & (pl.col("pattern").n_unique() == 1)).alias("same"),
        )
        .with_columns((pl.col("total") / pl.col("ratings")).alias("mean"))
    )
    groups = raters.group_by("kelompok").agg(
        pl.col("mean").mean().alias("group_mean"), pl.len().alias("group_raters")
    )
    joined = raters.join(groups, on="kelompok", how="left")
    return joined.select(list(RATERS)).cast(RATERS)  # type: ignore[arg-type]


def batch_raters(rules: RuleSet, ratings: pl.DataFrame) -> pl.DataFrame:
    """The summary of a batch that is the whole run: its own ratings' raters."""
    return rater_summary([rater_partials(rules, ratings)])


def raters_of(summary: pl.LazyFrame, ratings: pl.DataFrame) -> pl.DataFrame:
    """The rows of the run's ``summary`` for the raters who gave ``ratings`` (one chunk's)."""
    here = rated_by_colleagues(ratings).select(_KEY).unique()
    found = summary.join(here.lazy(), on=_KEY, how="semi").collect(engine="streaming")
    return found.cast(RATERS)  # type: ignore[arg-type]

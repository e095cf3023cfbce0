"""What every rater did across the whole run: the evidence the rater-bias checks compare.

A chunked run appraises employees a chunk at a time, but a rater's leniency is judged
against every other rater of their group in the run, and "the same scores to every
employee" means every employee they rated. So each chunk's ratings are summarised per
rater (:func:`rater_partials`), the partials of all chunks are combined into the
run's summary on disk a hash partition of raters at a time (:class:`RunRaters`), and
every chunk is appraised with the summary rows of its own raters in ``Batch.raters``.
A run of one chunk gives the same summary in one step (:func:`rater_summary`).

Only raters identified by a NIP outside the ``self`` group are summarised. Ratings are
on a 0-1 scale of their aspect (``scaled``), so aspects with different scales compare.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from kinerja.frames import Schema, empty
from kinerja.rules import RuleSet
from kinerja.spill import FrameStore, sink_by, sunk

__all__ = [
    "PARTIALS",
    "PARTITION_ROWS",
    "RATERS",
    "RunRaters",
    "batch_raters",
    "group_means",
    "group_sums",
    "rated_by_colleagues",
    "rater_partials",
    "rater_summary",
    "rater_totals",
    "scaled",
    "summary_plan",
    "with_groups",
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
first employee's pattern of ``aspek=nilai`` ratings (a 64-bit hash of them, in any
order, so that a summary of millions of raters stays small), and whether every employee
got that pattern."""

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

PARTITION_ROWS = 1_500_000
"""About how many partials one hash partition of a run's summary holds: a run whose
chunks have ``n`` partials in all is combined in ``ceil(n / PARTITION_ROWS)`` partitions."""

_KEY = ["kelompok", "penilai_nip"]
_CHUNK = "@chunk"
_PART = "@part"
_KEPT: Schema = {**PARTIALS, _CHUNK: pl.Int32}
"""A kept partial: one chunk's rater, and that chunk's number."""
_RATED: Schema = {
    _CHUNK: pl.Int32,
    "kelompok": pl.String,
    "penilai_nip": pl.String,
    "ratings": pl.Int64,
    "total": pl.Float64,
    "employees": pl.Int64,
    "same": pl.Boolean,
    "mean": pl.Float64,
}
"""A rater of a partition (:func:`rater_totals`) for one chunk that it rates in."""
_GROUPS: Schema = {"kelompok": pl.String, "group_mean": pl.Float64, "group_raters": pl.Int64}


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
    """In an aggregation of one employee's ratings by one rater: the 64-bit hash of each
    rating's ``aspek=nilai``, sorted, so that the same ratings in any order give the same
    list (:func:`rater_partials` hashes the list)."""
    each = pl.concat_str(pl.col("aspek"), pl.lit("="), pl.col("nilai").cast(pl.String))
    return each.hash().sort().alias("pattern")


def rater_partials(rules: RuleSet, ratings: pl.DataFrame) -> pl.DataFrame:
    """One chunk's ratings summarised per rater (:data:`PARTIALS`)."""
    rated = scaled(rules, rated_by_colleagues(ratings))
    per_employee = (
        rated.group_by([*_KEY, "nip"], maintain_order=True)
        .agg(pattern(), pl.len().alias("ratings"), pl.col("scaled").sum().alias("total"))
        .with_columns(pl.col("pattern").hash())
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
    return summary_plan(partials).collect(engine="streaming").cast(RATERS)  # type: ignore[arg-type]


def summary_plan(partials: pl.LazyFrame | Iterable[pl.DataFrame]) -> pl.LazyFrame:
    """:func:`rater_summary` as a lazy query (all partials in one step; a run of many
    chunks combines them a hash partition at a time: :class:`RunRaters`)."""
    if not isinstance(partials, pl.LazyFrame):
        frames = [p.lazy() for p in partials]
        partials = pl.concat(frames) if frames else empty(PARTIALS).lazy()
    raters = rater_totals(partials)
    return with_groups(raters, group_means(group_sums(raters)))


def rater_totals(partials: pl.LazyFrame) -> pl.LazyFrame:
    """Partials (:data:`PARTIALS`) combined per rater: ratings, their total and mean,
    employees rated, and whether every employee got the same pattern."""
    return (
        partials.group_by(_KEY)
        .agg(
            pl.col("ratings").sum(),
            pl.col("total").sum(),
            pl.col("employees").sum(),
            (pl.col("same").all() & (pl.col("pattern").n_unique() == 1)).alias("same"),
        )
        .with_columns((pl.col("total") / pl.col("ratings")).alias("mean"))
    )


def group_sums(raters: pl.LazyFrame) -> pl.LazyFrame:
    """Per rater group of ``raters`` (:func:`rater_totals`): the sum of its raters' means
    and how many raters it has, to be added up over the hash partitions of a run."""
    return raters.group_by("kelompok").agg(
        pl.col("mean").sum().alias("_sum"), pl.len().cast(pl.Int64).alias("group_raters")
    )


def group_means(sums: pl.LazyFrame) -> pl.LazyFrame:
    """Each rater group's mean of raters' means and its raters, from :func:`group_sums`
    of one or more partitions."""
    totals = sums.group_by("kelompok").agg(pl.col("_sum").sum(), pl.col("group_raters").sum())
    mean = (pl.col("_sum") / pl.col("group_raters")).alias("group_mean")
    return totals.select("kelompok", mean, "group_raters")


def with_groups(raters: pl.LazyFrame, groups: pl.LazyFrame) -> pl.LazyFrame:
    """``raters`` (:func:`rater_totals`) with their group's mean and raters (:data:`RATERS`)."""
    joined = raters.join(groups, on="kelompok", how="left")
    return joined.select(list(RATERS)).cast(RATERS)  # type: ignore[arg-type]


def batch_raters(rules: RuleSet, ratings: pl.DataFrame) -> pl.DataFrame:
    """The summary of a batch that is the whole run: its own ratings' raters."""
    return rater_summary([rater_partials(rules, ratings)])


class RunRaters:
    """The rater summary of a run of many chunks, made on disk a hash partition at a time.

    A run of millions of employees has tens of millions of raters, too many to combine
    at once. Each chunk's partials wait on disk (:meth:`add`). Then the streaming engine
    splits them by a hash of the rater's NIP, so that all partials of one rater fall in
    one partition of at most :data:`PARTITION_ROWS` rows or so; each partition is
    combined into its raters, whose rows the streaming engine then sends back to the
    chunks they rate in (:meth:`combine`). A chunk's summary rows are read on their own,
    with the groups' means over the whole run (:meth:`of`). Memory holds one partition,
    and the files are as many as the chunks and the partitions.
    """

    def __init__(self, store: FrameStore, chunks: int) -> None:
        self._store = store
        self._chunks = chunks
        self._rows = 0
        self._groups = empty(_GROUPS)

    def add(self, index: int, partials: pl.DataFrame) -> None:
        """Keep chunk ``index``'s partials (:func:`rater_partials`)."""
        self._store.keep(
            "partials", index, partials.with_columns(pl.lit(index, pl.Int32).alias(_CHUNK))
        )
        self._rows += partials.height

    def combine(self) -> None:
        """Combine every partition into its raters, and the groups' means of the run."""
        parts = max(1, -(-self._rows // PARTITION_ROWS))
        by_part = self._store.folder("raters-by-part")
        part = (pl.col("penilai_nip").hash(seed=0) % parts).alias(_PART)
        sink_by(self._store.scan("partials", _KEPT).with_columns(part), _PART, by_part, parts)
        sums = []
        for number in range(parts):
            files = sunk(by_part, number)
            partials = pl.read_parquet(files) if files else empty(_KEPT)
            raters = rater_totals(partials.lazy().drop(_CHUNK)).collect()
            sums.append(group_sums(raters.lazy()).collect())
            rated = partials.select(_CHUNK, *_KEY).join(raters, on=_KEY)
            self._store.keep("rated", number, rated)
            del partials, raters, rated
        self._groups = group_means(pl.concat(sums).lazy()).collect()
        by_chunk = self._store.folder("rated-by-chunk")
        sink_by(self._store.scan("rated", _RATED), _CHUNK, by_chunk, self._chunks)

    def of(self, index: int) -> pl.DataFrame:
        """The summary rows (:data:`RATERS`) of the raters who rate in chunk ``index``."""
        files = sunk(self._store.folder("rated-by-chunk"), index)
        if not files:
            return empty(RATERS)
        return with_groups(pl.scan_parquet(files), self._groups.lazy()).collect()

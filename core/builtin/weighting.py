"""Default weighting: rater-group means combined with the rules' group weights.

For each employee, aspect and rater group of that aspect: the group's mean rating
(its ratings added in input order), its distinct raters against ``min_count``, and
its weight. The groups that count share the aspect's score in proportion to their
weights (rescaled to sum to 1, added in the rules' group order); a group that is
missing and whose ``when_missing`` is ``incomplete`` marks the aspect incomplete, as
does an aspect no one has rated.
"""

from __future__ import annotations

import polars as pl

from kinerja import hookimpl
from kinerja.frames import ASPECTS, GROUPS, NOTES, Batch, group_words
from kinerja.numbers import tidy
from kinerja.regions import Weighed
from kinerja.rules import RuleSet

_SPEC_SCHEMA = {
    "aspect": pl.String,
    "label": pl.String,
    "_aspect_order": pl.Int64,
    "group": pl.String,
    "_position": pl.Int64,
    "weight": pl.Float64,
    "_min_count": pl.Int64,
    "_strict": pl.Boolean,
}


def group_specs(rules: RuleSet) -> pl.DataFrame:
    """One row per aspect × rater group that rates it, in the rules' order."""
    rows = [
        (
            aspect.code,
            aspect.label,
            order,
            name,
            position,
            float(aspect.weight(rules.rater_groups[name])),
            rules.rater_groups[name].min_count,
            rules.rater_groups[name].when_missing == "incomplete",
        )
        for order, aspect in enumerate(rules.aspects.values())
        for position, name in enumerate(aspect.groups)
    ]
    return pl.DataFrame(rows, schema=_SPEC_SCHEMA, orient="row")


def tallies(batch: Batch, specs: pl.DataFrame) -> pl.DataFrame:
    """Sum (in input order), count and distinct raters per employee and cell.

    Keyed by numbers, which polars groups and joins far faster than text: ``_i``, the
    employee's place in ``batch.employees``, and ``_cell``, the row of ``specs``
    (:func:`group_specs`) for the rating's aspect and group. Ratings of an aspect by a
    group that does not rate it fall in no cell. A rating without a rater id (a
    citizen who gave none) counts as its own rater.
    """
    ratings = batch.ratings
    cells = specs.select(
        pl.col("aspect").alias("aspek"),
        pl.col("group").alias("kelompok"),
        pl.int_range(pl.len()).alias("_cell"),
    )
    places = batch.employees.select("nip", pl.int_range(pl.len()).alias("_i"))
    rater = pl.when(pl.col("penilai_nip") != "").then(pl.col("penilai_nip"))
    keyed = (
        ratings.select("nip", "aspek", "kelompok", "nilai", rater.alias("_rater"))
        .join(cells, on=["aspek", "kelompok"], maintain_order="left")
        .join(places, on="nip", maintain_order="left")
    )
    return keyed.group_by(["_i", "_cell"]).agg(
        _input_order_sum(ratings["nilai"]).alias("_sum"),
        pl.len().alias("_n"),
        (pl.col("_rater").drop_nulls().n_unique() + pl.col("_rater").null_count())
        .cast(pl.Int64)
        .alias("count"),
    )


def _input_order_sum(nilai: pl.Series) -> pl.Expr:
    """Each group's sum of ``nilai`` as added one by one in input order.

    When every value is a whole number (none missing) and every sum stays below 2**53,
    each partial sum is exact, so polars' own (faster) group sum is the same number.
    """
    column = pl.col("nilai")
    whole = nilai.null_count() == 0 and bool(nilai.is_finite().all())
    if whole and (nilai == nilai.floor()).all() and float(nilai.abs().sum()) < 2.0**53:
        return column.sum()
    return column.cum_sum().last()


def group_frame(rules: RuleSet, batch: Batch) -> pl.DataFrame:
    """Every employee × aspect × group: count, mean, weight, effective weight, status.

    Sorted by employee, then the rules' aspect and group order. Keeps the working
    columns ``label``, ``_i`` (employee order), ``_aspect_order``, ``_strict``.
    """
    specs = group_specs(rules)
    employees = batch.employees.select("nip", pl.int_range(pl.len()).alias("_i"))
    cells = employees.select("_i").join(
        specs.select(pl.int_range(pl.len()).alias("_cell")), how="cross"
    )
    joined = (
        cells.join(tallies(batch, specs), on=["_i", "_cell"], how="left")
        .sort(["_i", "_cell"])  # the rules' aspect and group order: the rows of specs
        .join(
            specs.with_row_index("_cell").cast({"_cell": pl.Int64}),
            on="_cell",
            maintain_order="left",
        )  # fmt: skip
        .join(employees, on="_i", maintain_order="left")
    )
    status = (
        pl.when(pl.col("_n").is_null())
        .then(pl.lit("absent"))
        .when(pl.col("count") >= pl.col("_min_count"))
        .then(pl.lit("used"))
        .otherwise(pl.lit("below_minimum"))
    )
    framed = joined.with_columns(
        pl.col("count").fill_null(0),
        (pl.col("_sum") / pl.col("_n")).alias("mean"),
        status.alias("status"),
    )
    counted = (pl.col("status") == "used") & (pl.col("weight") > 0)
    key = ["_i", "_aspect_order"]
    # the counted weights, added in the rules' group order, as a person adds them
    running = pl.when(counted).then(pl.col("weight")).otherwise(0.0).cum_sum().over(key)
    framed = framed.with_columns(counted.alias("_counted"), running.alias("_running"))
    total = pl.col("_running").last().over(key)
    return framed.with_columns(
        pl.when("_counted").then(pl.col("weight") / total).otherwise(0.0).alias("effective_weight")
    )


def aspect_frame(groups: pl.DataFrame) -> pl.DataFrame:
    """Each employee's aspects: the tidied weighted score and whether it is complete."""
    counted = pl.col("_counted")
    term = pl.when(counted).then(pl.col("effective_weight") * pl.col("mean")).otherwise(0.0)
    missing = ~counted & (pl.col("weight") > 0) & pl.col("_strict")
    aspects = groups.group_by(["_i", "_aspect_order"], maintain_order=True).agg(
        pl.col("nip").first(),
        pl.col("aspect").first().alias("code"),
        pl.col("label").first(),
        term.cum_sum().last().alias("_total"),
        counted.any().alias("_any"),
        missing.any().alias("_missing"),
        (pl.col("status") == "absent").all().alias("_unrated"),
    )
    return aspects.with_columns(
        pl.when(pl.col("_any")).then(tidy(pl.col("_total"))).alias("score"),
        (~pl.col("_missing") & ~pl.col("_unrated")).alias("complete"),
    )


def note_frame(batch: Batch) -> pl.DataFrame:
    """The raters' written notes per aspect, in input order: ``group rater: note`` (the
    group as a person reads it, :func:`~kinerja.frames.group_words`)."""
    group = group_words(pl.col("kelompok"))
    text = pl.concat_str(
        [group, pl.lit(" "), pl.col("penilai_nip"), pl.lit(": "), pl.col("catatan")]
    ).str.strip_chars()
    notes = batch.ratings.filter(pl.col("catatan") != "")
    return notes.select("nip", pl.col("aspek").alias("aspect"), text.alias("text"))


@hookimpl(trylast=True)
def kinerja_weigh_ratings(rules: RuleSet, batch: Batch) -> Weighed:
    """Each employee's rated aspects, combined from the rater groups the rules declare."""
    groups = group_frame(rules, batch)
    aspects = aspect_frame(groups)
    return Weighed(
        aspects=aspects.select(list(ASPECTS)),
        groups=groups.select(list(GROUPS)),
        notes=note_frame(batch).select(list(NOTES)),
    )

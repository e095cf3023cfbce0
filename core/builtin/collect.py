"""Default indicator collection: declared employee columns and outcome achievements.

Every number here follows :mod:`kinerja.numbers`: an achievement is tidied to nine
decimals, and an employee's weighted mean adds their capaian rows in input order.
"""

from __future__ import annotations

import polars as pl

from kinerja import hookimpl
from kinerja.frames import INDICATORS, Batch
from kinerja.numbers import tidy
from kinerja.regions import Collected
from kinerja.rules import RuleSet


def _clamped(value: pl.Expr, cap: pl.Expr) -> pl.Expr:
    """``value`` floored at 0 and capped at ``cap`` (the cap itself when reached)."""
    return pl.when(value >= cap).then(cap).when(value > 0).then(value).otherwise(0.0)


def achievement_expr() -> pl.Expr:
    """Each capaian row's achievement by its indicator's ``kind`` and ``cap`` columns.

    normal: realised ÷ target × 100; inverse: (2 − realised ÷ target) × 100; range:
    100 inside [target, target_maks], else realised ÷ the nearer bound × 100 (0 when
    that bound is 0). A range indicator without target_maks counts as normal.
    """
    real, target, high, cap = (pl.col(c) for c in ("realisasi", "target", "target_maks", "cap"))
    normal = real * 100 / target
    inverse = (2 - real / target) * 100
    ranged = (
        pl.when((real >= target) & (real <= high))
        .then(pl.lit(100.0))
        .when(real > high)
        .then(real * 100 / high)
        .when(target == 0)
        .then(pl.lit(0.0))
        .otherwise(real * 100 / target)
    )
    kind = pl.col("kind")
    raw = (
        pl.when(kind == "inverse")
        .then(inverse)
        .when((kind == "range") & high.is_not_null())
        .then(ranged)
        .otherwise(normal)
    )
    return tidy(_clamped(raw, cap))


def gap_expr() -> pl.Expr:
    """Realised minus target; for a range, the distance outside it (0 inside)."""
    real, target, high = pl.col("realisasi"), pl.col("target"), pl.col("target_maks")
    ranged = (pl.col("kind") == "range") & high.is_not_null()
    return (
        pl.when(ranged & (real > high))
        .then(real - high)
        .when(ranged & (real < target))
        .then(real - target)
        .when(ranged)
        .then(pl.lit(0.0))
        .otherwise(real - target)
    )


def indicator_frame(rules: RuleSet, batch: Batch) -> pl.DataFrame:
    """One row per capaian row of a known indicator: achievement, gap, weight (INDICATORS)."""
    specs = pl.DataFrame(
        {
            "indikator": list(rules.indicators),
            "label": [i.label for i in rules.indicators.values()],
            "kind": [i.kind for i in rules.indicators.values()],
            "cap": [float(i.cap) for i in rules.indicators.values()],
        },
        schema={"indikator": pl.String, "label": pl.String, "kind": pl.String, "cap": pl.Float64},
    )
    joined = batch.outcomes.join(specs, on="indikator", how="inner", maintain_order="left")
    return joined.select(
        "nip",
        pl.col("indikator").alias("code"),
        "label",
        "kind",
        pl.col("target"),
        pl.col("realisasi").alias("realised"),
        pl.col("target_maks").alias("target_max"),
        achievement_expr().alias("achievement"),
        gap_expr().alias("gap"),
        pl.col("bobot").alias("weight"),
    ).cast(INDICATORS)  # type: ignore[arg-type]


def indicator_values(rules: RuleSet, indicators: pl.DataFrame) -> pl.DataFrame:
    """Per employee: one column per indicator (its achievement; the last row of a code
    wins), ``achievement_mean`` (weighted by bobot, rows added in input order, tidied)
    and ``indicator_count``."""
    weighted = indicators.group_by("nip", maintain_order=True).agg(
        (pl.col("achievement") * pl.col("weight")).cum_sum().last().alias("_sum"),
        pl.col("weight").cum_sum().last().alias("_weight"),
        pl.len().cast(pl.Float64).alias("indicator_count"),
        *(
            pl.col("achievement").filter(pl.col("code") == code).last().alias(code)
            for code in rules.indicators
        ),
    )
    return weighted.with_columns(
        tidy(pl.col("_sum") / pl.col("_weight")).alias("achievement_mean")
    ).drop("_sum", "_weight")


@hookimpl(trylast=True)
def kinerja_collect_indicators(rules: RuleSet, batch: Batch) -> Collected:
    """Employee columns the rules declare, each indicator's achievement, and their mean."""
    indicators = indicator_frame(rules, batch)
    per_employee = indicator_values(rules, indicators)
    values = batch.employees.select("nip", *rules.inputs).join(
        per_employee, on="nip", how="left", maintain_order="left"
    )
    values = values.with_columns(pl.col("indicator_count").fill_null(0.0))
    return Collected(values, indicators)

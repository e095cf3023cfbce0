"""Default rater-bias evidence: leniency, supervisor-peer disagreement, self-inflation,
identical ratings. Each finding is a flag on the results it touches, naming the rater.

Ratings are compared on a 0-1 scale of their aspect (so aspects with different
scales compare) and thresholds are in points of the widest scale (a 1-5 scale has 4).
"""

from __future__ import annotations

import polars as pl

from kinerja import hookimpl
from kinerja.appraisal import Appraisal
from kinerja.frames import Batch, either, filled, group_words
from kinerja.i18n import _
from kinerja.numbers import fixed
from kinerja.raters import batch_raters, rated_by_colleagues, scaled
from kinerja.rules import RuleSet

_RATER = ["kelompok", "penilai_nip"]


def scaled_ratings(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> pl.DataFrame:
    """The appraised employees' ratings with ``scaled`` (0-1 on the aspect's scale).

    In results order, each employee's ratings in input order; ``_seq`` numbers them so.
    """
    order = appraisal.results.select("nip", pl.int_range(pl.len()).alias("_i"))
    ratings = batch.ratings.join(order, on="nip", how="inner", maintain_order="left")
    ratings = scaled(rules, ratings.sort("_i", maintain_order=True))
    return ratings.with_columns(pl.int_range(pl.len()).alias("_seq"))


def _flags(frame: pl.DataFrame, code: str, message: pl.Expr) -> pl.DataFrame:
    return frame.select(
        "nip",
        pl.lit(code).alias("code"),
        message.alias("message"),
        pl.lit("warning").alias("severity"),
    )


def _plus(value: pl.Expr) -> pl.Expr:
    """``format(value, "+.2f")``."""
    shown = fixed(value, 2)
    return (
        pl.when(shown.str.starts_with("-")).then(shown).otherwise(pl.concat_str(pl.lit("+"), shown))
    )


def leniency(
    ratings: pl.DataFrame, raters: pl.DataFrame, threshold: float, span: float
) -> pl.DataFrame:
    """Raters rating more than ``threshold`` points above the other raters of their group.

    ``raters`` is the run's summary (:data:`kinerja.raters.RATERS`): a rater's mean and
    their group's mean of raters' means are over the whole run; ``ratings`` are the
    ratings whose employees get the flag.
    """
    above = (pl.col("mean") - pl.col("group_mean")).alias("_above")
    lenient = raters.filter((pl.col("group_raters") > 1) & (above > threshold / span))
    lenient = lenient.select(*_RATER, above)
    hits = rated_by_colleagues(ratings).join(lenient, on=_RATER, how="inner").sort("_seq")
    hits = hits.unique(["nip", *_RATER], keep="first", maintain_order=True)
    message = filled(
        _("{group} rater {rater} rates {points} points above other {group} raters on average"),
        group=group_words(pl.col("kelompok")),
        rater=pl.col("penilai_nip"),
        points=fixed(pl.col("_above") * span, 2),
    )
    return _flags(hits, "bias_leniency", message)


def identical(ratings: pl.DataFrame, raters: pl.DataFrame, minimum: float) -> pl.DataFrame:
    """Raters who gave the very same scores to every one of (at least ``minimum``) employees
    they rated in the run (``raters``, the run's summary)."""
    same = raters.filter((pl.col("employees") >= minimum) & pl.col("same")).select(
        *_RATER, "employees"
    )
    per_employee = (
        rated_by_colleagues(ratings)
        .group_by([*_RATER, "nip"], maintain_order=True)
        .agg(pl.col("_seq").min())
    )
    firsts = per_employee.group_by(_RATER).agg(pl.col("_seq").min().alias("_first"))
    hits = per_employee.join(same, on=_RATER).join(firsts, on=_RATER).sort(["_first", "_seq"])
    message = filled(
        _("{group} rater {rater} gave the same scores to all {employees} employees they rated"),
        group=group_words(pl.col("kelompok")),
        rater=pl.col("penilai_nip"),
        employees=pl.col("employees"),
    )
    return _flags(hits, "bias_identical", message)


def per_result(ratings: pl.DataFrame, checks: dict[str, float], span: float) -> list[pl.DataFrame]:
    """The checks that compare one employee's rater groups: disagreement, gap, inflation."""
    means = ratings.group_by(["nip", "kelompok"]).agg(pl.col("scaled").mean())
    wide = means.pivot(on="kelompok", index="nip", values="scaled")
    others = (
        ratings.filter(pl.col("kelompok") != "self")
        .group_by("nip")
        .agg(pl.col("scaled").mean().alias("_others"))
    )
    wide = wide.join(others, on="nip", how="left")
    for group in ("supervisor", "peer", "self"):
        if group not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(group))
    found = []
    if "disagreement" in checks:
        diff = (pl.col("supervisor") - pl.col("peer")) * span
        hit = wide.filter(diff.abs() > checks["disagreement"])
        message = filled(
            _("supervisor's ratings differ from the peers' by {points} points"), points=_plus(diff)
        )
        found.append(_flags(hit, "bias_disagreement", message))
    if "supervisor_self_gap" in checks:
        diff = (pl.col("supervisor") - pl.col("self")) * span
        hit = wide.filter(diff.abs() > checks["supervisor_self_gap"])
        below = _(
            "supervisor rates {points} points below the self-assessment; "
            "discuss the evidence for each aspect in the feedback session"
        )
        above = _(
            "supervisor rates {points} points above the self-assessment; "
            "discuss the evidence for each aspect in the feedback session"
        )
        message = either(diff < 0, below, above, points=fixed(diff.abs(), 2))
        found.append(_flags(hit, "bias_supervisor_self_gap", message))
    if "self_inflation" in checks:
        diff = (pl.col("self") - pl.col("_others")) * span
        hit = wide.filter(diff > checks["self_inflation"])
        message = filled(_("self-rating is {points} points above others'"), points=fixed(diff, 2))
        found.append(_flags(hit, "bias_self_inflation", message))
    return found


@hookimpl(trylast=True)
def kinerja_review_batch(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> None:
    """Flag where one rater or group departs from the others, as the rules' thresholds say."""
    checks = rules.bias_checks
    if not checks or not rules.aspects:
        return
    span = max(high - low for low, high in (a.scale for a in rules.aspects.values()))
    ratings = scaled_ratings(rules, appraisal, batch)
    raters = batch.raters if batch.raters is not None else batch_raters(rules, batch.ratings)
    found = []
    if "leniency" in checks:
        found.append(leniency(ratings, raters, checks["leniency"], span))
    if "identical_min" in checks:
        found.append(identical(ratings, raters, checks["identical_min"]))
    found += per_result(ratings, checks, span)
    flags = pl.concat(found) if found else None
    if flags is not None:
        appraisal.add("flags", flags.unique(keep="first", maintain_order=True))

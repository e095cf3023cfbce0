"""A rater group's most share of an aspect (``max_share``), kept in every result.

A region that fears one rater group's weight (supervisors rating by personal
relationship) sets ``max_share`` on it: the group never carries more than
that of an aspect. The built-in weighting rescales the groups present to sum to 1
when a group is missing (a post without subordinates: supervisor 0.4 / 0.8 = 0.5);
this step then caps the group and redistributes the rest, ``1 - max_share``, per
employee and aspect:

- **capped**: to the other groups that count (enough raters), in proportion to
  their weights;
- **topped up**: when no other group counts yet but some have raters below their
  minimum (one peer of the two needed), to those raters, in proportion to their
  groups' weights. Their groups are then ``used``; the aspect stays incomplete, so
  the result stays provisional until the group has its raters (flag
  ``weight_topped_up``);
- **alone**: when no one but the limited group rated, there is no one to give the
  rest to: its rating stands alone, as the built-in weighting made it, and the
  result (provisional when the others are required) is flagged ``weight_alone``;
- **kept**: every other aspect is left exactly as the built-in weighting made it.

All of it is column work over the whole batch (one row per employee × aspect ×
group).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import NamedTuple

import polars as pl

from kinerja import hookimpl
from kinerja.appraisal import Appraisal
from kinerja.frames import Batch, filled
from kinerja.i18n import N_, _, number
from kinerja.regions import Weighed
from kinerja.rules import RuleSet

__all__ = [
    "ALONE",
    "TOPPED_UP",
    "Limit",
    "capped",
    "kinerja_review_batch",
    "kinerja_weigh_ratings",
    "limit_of",
    "weight_flags",
]

DECIMALS = 9
"""Aspect scores are kept to 9 decimals, as the built-in weighting keeps them."""
TOPPED_UP = "weight_topped_up"
ALONE = "weight_alone"

_PART = "_part"
_TOLERANCE = 1e-12
_RESCORED = ("capped", "topped_up")


class Limit(NamedTuple):
    """The rater group with a ``max_share``, and that share."""

    group: str
    share: float
    label: str


def limit_of(rules: RuleSet) -> Limit | None:
    """The rules' limited rater group, if one has a ``max_share``."""
    for name, group in rules.rater_groups.items():
        if group.max_share is not None:
            return Limit(name, group.max_share, group.label)
    return None


@hookimpl(wrapper=True, trylast=True)
def kinerja_weigh_ratings(
    rules: RuleSet, batch: Batch
) -> Generator[None, Weighed | None, Weighed | None]:
    """Cap the group with a ``max_share`` in every aspect, after the weighting (built-in
    or a plugin's) has rescaled the groups present."""
    weighed = yield
    limit = limit_of(rules)
    return weighed if weighed is None or limit is None else capped(weighed, limit)


@hookimpl(trylast=True)
def kinerja_review_batch(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> None:
    """Flag the results whose aspects rest on too few raters besides the limited group
    (topped up, or the limited group alone)."""
    limit = limit_of(rules)
    if limit is None:
        return
    minimum = {name: group.min_count for name, group in rules.rater_groups.items()}
    appraisal.add("flags", weight_flags(appraisal.detail("groups"), minimum, limit))


def _partition() -> pl.Expr:
    """A number per employee × aspect: the weighting gives each one's group rows one
    after the other, so a new number starts where ``nip`` or ``aspect`` changes (an
    integer to group by is much cheaper than the two texts)."""
    change = (pl.col("nip") != pl.col("nip").shift()) | (
        pl.col("aspect") != pl.col("aspect").shift()
    )
    return change.fill_null(True).cum_sum()


def _mode(groups: pl.DataFrame, limit: Limit) -> pl.DataFrame:
    """Per employee × aspect × group: ``_mode`` (kept, capped, topped_up, alone), the
    limited group's most ``_cap``, and ``_takers`` / ``_total``: whether the row takes a
    share of the rest, and the declared weight of all the rows that do."""
    supervisor = pl.col("group") == limit.group
    weighted = (pl.col("weight") > 0) & ~supervisor
    counted = weighted & (pl.col("status") == "used")
    waiting = weighted & (pl.col("status") == "below_minimum")
    framed = groups.with_columns(_partition().alias(_PART))
    # one pass over each employee's aspect (one window, computed once for all of these)
    framed = framed.with_columns(
        pl.lit(limit.share).alias("_cap"),
        pl.when(supervisor).then(pl.col("effective_weight")).sum().over(_PART).alias("_share"),
        pl.when(counted).then(pl.col("weight")).sum().over(_PART).alias("_w_counted"),
        pl.when(waiting).then(pl.col("weight")).sum().over(_PART).alias("_w_waiting"),
        counted.alias("_counted"),
        waiting.alias("_waiting"),
    )
    over = (pl.col("_share") > pl.col("_cap") + _TOLERANCE).fill_null(False)
    mode = (
        pl.when(~over)
        .then(pl.lit("kept"))
        .when(pl.col("_w_counted") > 0)
        .then(pl.lit("capped"))
        .when(pl.col("_w_waiting") > 0)
        .then(pl.lit("topped_up"))
        .otherwise(pl.lit("alone"))
    )
    framed = framed.with_columns(mode.alias("_mode"))
    capping = pl.col("_mode") == "capped"
    return framed.with_columns(
        pl.when(capping)
        .then(pl.col("_counted"))
        .otherwise((pl.col("_mode") == "topped_up") & pl.col("_waiting"))
        .alias("_takers"),
        pl.when(capping).then("_w_counted").otherwise("_w_waiting").alias("_total"),
    )


def capped_groups(groups: pl.DataFrame, limit: Limit) -> pl.DataFrame:
    """The rater-group rows with the limited group capped and the rest redistributed.

    Keeps the working columns ``_part``, ``_mode`` and ``_takers`` for
    :func:`capped_aspects`.
    """
    framed = _mode(groups, limit)
    rescored = pl.col("_mode").is_in(_RESCORED)
    supervisor = pl.col("group") == limit.group
    share = (
        pl.when(supervisor & (pl.col("status") == "used"))
        .then(pl.col("_cap"))
        .when(pl.col("_takers"))
        .then(pl.col("weight") / pl.col("_total") * (1.0 - pl.col("_cap")))
        .otherwise(0.0)
    )
    topped = (pl.col("_mode") == "topped_up") & pl.col("_takers")
    return framed.with_columns(
        pl.when(rescored)
        .then(share)
        .otherwise(pl.col("effective_weight"))
        .alias("effective_weight"),
        pl.when(topped).then(pl.lit("used")).otherwise(pl.col("status")).alias("status"),
        (pl.col("_takers") | (supervisor & (pl.col("status") == "used"))).alias("_takers"),
    ).drop("_cap", "_share", "_w_counted", "_w_waiting", "_counted", "_waiting", "_total")


def capped_aspects(aspects: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """The aspect rows, rescored where the weights were redistributed.

    ``groups`` comes from :func:`capped_groups`. A rescored aspect's score is its groups'
    means times their effective weights, added in the rules' group order, to 9 decimals;
    its ``complete`` stays as it was (a topped-up group is still below its minimum).
    """
    term = pl.when(pl.col("_takers")).then(pl.col("effective_weight") * pl.col("mean"))
    running = term.fill_null(0.0).cum_sum().over(_PART)
    last = pl.col(_PART) != pl.col(_PART).shift(-1)
    rescored = pl.when(pl.col("_mode").is_in(_RESCORED)).then(running.round(DECIMALS))
    scores = groups.select(
        "nip", "aspect", rescored.alias("_score"), last.fill_null(True).alias("_last")
    )
    scores = scores.filter("_last").drop("_last")
    aligned = scores.height == aspects.height and bool(
        ((scores["nip"] == aspects["nip"]) & (scores["aspect"] == aspects["code"])).all()
    )
    if aligned:  # one row per aspect, in the same order (as the built-in weighting gives them)
        joined = aspects.with_columns(scores["_score"])
    else:
        named = scores.rename({"aspect": "code"})
        joined = aspects.join(named, on=["nip", "code"], how="left", maintain_order="left")
    return joined.with_columns(pl.coalesce("_score", "score").alias("score")).select(
        aspects.columns
    )


def capped(weighed: Weighed, limit: Limit) -> Weighed:
    """``weighed`` with the limited group at no more than its share where anyone else
    rated (see the module doc)."""
    groups = capped_groups(weighed.groups, limit)
    aspects = capped_aspects(weighed.aspects, groups)
    return Weighed(
        aspects=aspects, groups=groups.select(weighed.groups.columns), notes=weighed.notes
    )


_WORDS = {
    TOPPED_UP: N_(
        "the raters besides {group} are not complete yet: {group} keeps at most {share} and "
        "the rest goes, for now, to the other raters who have rated; the result stays "
        "provisional until the ratings are complete"
    ),
    ALONE: N_(
        "only {group} rated (a weight of 100%, where the most is {share}): there is no "
        "one else to give the rest to; the result stays provisional until others rate"
    ),
}


def weight_flags(groups: pl.DataFrame, min_counts: dict[str, int], limit: Limit) -> pl.DataFrame:
    """One warning flag per employee whose aspects rest on too few raters besides the
    limited group: some other group ``used`` below its minimum (topped up), or the
    limited group above its share (no one else rated). ``groups`` is the run's
    rater-group detail; ``min_counts`` each group's minimum number of raters."""
    minimum = pl.col("group").replace_strict(min_counts, default=1, return_dtype=pl.Int64)
    limited = pl.col("group") == limit.group
    topped = ~limited & (pl.col("status") == "used") & (pl.col("count") < minimum)
    alone = limited & (pl.col("effective_weight") > limit.share + _TOLERANCE)
    code = pl.when(topped).then(pl.lit(TOPPED_UP)).when(alone).then(pl.lit(ALONE))
    found = groups.select("nip", code.alias("code")).drop_nulls("code")
    found = found.unique(maintain_order=True)
    values = {"group": limit.label, "share": number(round(limit.share * 100, 6)) + "%"}
    message = (
        pl.when(pl.col("code") == TOPPED_UP)
        .then(filled(_(_WORDS[TOPPED_UP]), **values))
        .otherwise(filled(_(_WORDS[ALONE]), **values))
    )
    return found.select(
        "nip", "code", message.alias("message"), pl.lit("warning").alias("severity")
    )

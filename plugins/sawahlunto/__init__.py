"""The Sawahlunto region: fair and open appraisal, results published beside peers.

``rules.yaml`` beside this file says nearly everything. What YAML cannot say yet is
a limit on one rater group's effective weight: the supervisor never carries more
than their declared 0.4 of a behaviour aspect, also when peers or subordinates are
missing, wherever anyone else rated (see the weight cap below).
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import polars as pl

from kinerja import Appraisal, Batch, RegionSpec, RuleSet, Weighed, hookimpl

RULES = Path(__file__).with_name("rules.yaml")


@hookimpl
def kinerja_register_regions() -> list[RegionSpec]:
    """Register the Sawahlunto region and its rule file."""
    return [
        RegionSpec(
            "sawahlunto",
            RULES,
            "fair and open: PermenPANRB 6/2022 matrix, rater-bias evidence, published beside peers",
        )
    ]


@hookimpl(wrapper=True)
def kinerja_weigh_ratings(
    rules: RuleSet, batch: Batch
) -> Generator[None, Weighed | None, Weighed | None]:
    """Cap the supervisor at their declared weight in every aspect, after the built-in
    weighting has rescaled the groups present."""
    weighed = yield
    return None if weighed is None else capped(weighed)


@hookimpl
def kinerja_review_batch(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> None:
    """Flag the results whose behaviour rests on too few raters (a group topped up below
    its minimum, or the supervisor alone)."""
    minimum = {name: group.min_count for name, group in rules.rater_groups.items()}
    appraisal.add("flags", weight_flags(appraisal.detail("groups"), minimum))


# ---------------------------------------------------------------- the weight cap
# Sawahlunto's limit on the supervisor's weight in behaviour (perilaku kerja).
#
# The seed attacks supervisors rating by personal relationship, so in Sawahlunto the
# supervisor carries no more than the weight the rules give them (0.4) in an aspect.
# The built-in weighting rescales the groups present to sum to 1 when a group is
# missing (a post without subordinates: supervisor 0.4 / 0.8 = 0.5); the plugin then
# caps the supervisor and redistributes the rest, 1 - 0.4 = 0.6, per aspect:
#
# - **capped**: to the other groups that count (enough raters), in proportion to
#   their weights;
# - **topped up**: when no other group counts yet but some have raters below their
#   minimum (one peer of the two needed), to those raters, in proportion to their
#   groups' weights. Their groups are then ``used``; the aspect stays incomplete, so
#   the result stays provisional until the group has its raters;
# - **alone**: when no one but the supervisor rated, there is no one to give the rest
#   to: the supervisor's rating stands alone, as the built-in weighting made it, and
#   the result (provisional: the peers are missing) is flagged ``supervisor_only``;
# - **kept**: every other aspect is left exactly as the built-in weighting made it.
#
# All of it is column work over the whole batch (one row per employee × aspect × group).

CAPPED_GROUP = "supervisor"
"""The rater group whose effective weight may not exceed its declared weight."""

DECIMALS = 9
"""Aspect scores are kept to 9 decimals, as the built-in weighting keeps them."""

_KEY = ["nip", "aspect"]
_PART = "_part"
_TOLERANCE = 1e-12
_RESCORED = ("capped", "topped_up")


def _partition() -> pl.Expr:
    """A number per employee × aspect: the weighting gives each one's group rows one
    after the other, so a new number starts where ``nip`` or ``aspect`` changes (an
    integer to group by is much cheaper than the two texts)."""
    change = (pl.col("nip") != pl.col("nip").shift()) | (
        pl.col("aspect") != pl.col("aspect").shift()
    )
    return change.fill_null(True).cum_sum()


def _mode(groups: pl.DataFrame) -> pl.DataFrame:
    """Per employee × aspect × group: ``_mode`` (kept, capped, topped_up, alone), the
    supervisor's declared weight ``_cap``, and ``_takers`` / ``_total``: whether the
    row takes a share of the rest, and the declared weight of all the rows that do."""
    supervisor = pl.col("group") == CAPPED_GROUP
    weighted = (pl.col("weight") > 0) & ~supervisor
    counted = weighted & (pl.col("status") == "used")
    waiting = weighted & (pl.col("status") == "below_minimum")
    framed = groups.with_columns(_partition().alias(_PART))
    # one pass over each employee's aspect (one window, computed once for all of these)
    framed = framed.with_columns(
        pl.when(supervisor).then(pl.col("weight")).max().over(_PART).alias("_cap"),
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


def capped_groups(groups: pl.DataFrame) -> pl.DataFrame:
    """The rater-group rows with the supervisor capped and the rest redistributed.

    Keeps the working columns ``_part``, ``_mode`` and ``_takers`` for
    :func:`capped_aspects`.
    """
    framed = _mode(groups)
    rescored = pl.col("_mode").is_in(_RESCORED)
    supervisor = pl.col("group") == CAPPED_GROUP
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


def capped(weighed: Weighed) -> Weighed:
    """``weighed`` with no supervisor above its declared weight where anyone else rated
    (see the comment above)."""
    groups = capped_groups(weighed.groups)
    aspects = capped_aspects(weighed.aspects, groups)
    return Weighed(
        aspects=aspects, groups=groups.select(weighed.groups.columns), notes=weighed.notes
    )


TOPPED_UP = "supervisor_topped_up"
ALONE = "supervisor_only"
_WORDS = {
    TOPPED_UP: (
        "Penilai selain atasan belum lengkap; bobot atasan tetap 40% dan sisanya sementara "
        "diberikan kepada penilai lain yang sudah menilai. Hasil tetap sementara sampai "
        "penilaian lengkap."
    ),
    ALONE: (
        "Perilaku kerja hanya dinilai oleh atasan (bobot atasan 100%, sedangkan batasnya 40%). "
        "Hasil tetap sementara dan belum dapat menjadi final sampai rekan kerja menilai."
    ),
}


def weight_flags(groups: pl.DataFrame, min_counts: dict[str, int]) -> pl.DataFrame:
    """One warning flag per employee whose behaviour rests on too few raters: some group
    ``used`` below its minimum (topped up), or a supervisor above their declared weight
    (no one else rated). ``groups`` is the run's rater-group detail; ``min_counts`` each
    group's minimum number of raters."""
    minimum = pl.col("group").replace_strict(min_counts, default=1, return_dtype=pl.Int64)
    supervisor = pl.col("group") == CAPPED_GROUP
    topped = ~supervisor & (pl.col("status") == "used") & (pl.col("count") < minimum)
    alone = supervisor & (pl.col("effective_weight") > pl.col("weight") + _TOLERANCE)
    code = pl.when(topped).then(pl.lit(TOPPED_UP)).when(alone).then(pl.lit(ALONE))
    found = groups.select("nip", code.alias("code")).drop_nulls("code")
    found = found.unique(maintain_order=True)
    message = pl.col("code").replace_strict(_WORDS, return_dtype=pl.String)
    return found.select(
        "nip", "code", message.alias("message"), pl.lit("warning").alias("severity")
    )

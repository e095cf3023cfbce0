"""Default peer comparison: each result's place among peers in the same unit or post."""

from __future__ import annotations

import polars as pl

from kinerja import hookimpl
from kinerja.appraisal import Appraisal
from kinerja.frames import Batch
from kinerja.rules import RuleSet


def peer_rank(score: pl.Expr, by: str) -> pl.Expr:
    """``"3/12"``: the score's rank in its group (1 = highest; ties share the best rank)
    and the number of scored members; null where there is no score.

    The same in every language (it is machine-readable output);
    :func:`kinerja.i18n.places.rank_words` says it to a person."""
    rank = score.rank("min", descending=True).over(by).cast(pl.Int64)
    members = score.count().over(by)
    place = pl.format("{}/{}", rank, members)
    return pl.when(score.is_not_null()).then(place)


@hookimpl(trylast=True)
def kinerja_review_batch(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> None:
    """Rank scores within each peer group, as the rules' ``peer_comparison`` says."""
    if rules.peer_comparison is None:
        return
    ranked = appraisal.results.select(
        "nip", peer_rank(pl.col("score"), rules.peer_comparison).alias("peer_rank")
    )
    appraisal.update(ranked)

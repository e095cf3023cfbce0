"""Default final rating: the rules' ``predikat.expr``, computed with the score."""

from __future__ import annotations

import polars as pl

from kinerja import hookimpl
from kinerja.rules import RuleSet


@hookimpl(trylast=True)
def kinerja_assign_predikat(rules: RuleSet, results: pl.DataFrame) -> pl.Expr:
    """The predikat from the rules' ``predikat.expr`` (a band lookup or the national matrix).

    The compiled rules evaluate it together with the score, so this only reads it.
    """
    return pl.col("predikat").cast(pl.String)

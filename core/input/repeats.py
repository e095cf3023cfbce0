"""Finding repeated keys (a NIP seen twice, a rating given twice) in large frames, fast.

A hash set of tens of millions of distinct keys is slow (every insert misses the
cache); counting distinct 64-bit hashes, and sorting them when some repeat, is not.
The hash only finds candidates: the keys themselves decide, so the answer is exact.
"""

from __future__ import annotations

import polars as pl

from kinerja.input.problems import INDEX

__all__ = ["repeated_keys"]


def _hash(keys: list[str]) -> pl.Expr:
    """A 64-bit hash of the key columns (collisions only cost time: the keys decide)."""
    parts = [pl.col(k).hash(seed=i) for i, k in enumerate(keys)]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined ^ part
    return combined


def repeated_keys(work: pl.DataFrame, among: str, keys: list[str]) -> pl.DataFrame:
    """Rows (where ``among`` holds) whose ``keys`` an earlier such row has: index, ``@first``.

    ``@first`` is the ``_row`` of the earliest such row with those keys; rows in input
    order. With no repeated hash (the usual case) the cost is one count of distinct
    hashes.
    """
    schema = {INDEX: work.schema[INDEX], "@first": pl.Int64}
    rows = work.select(INDEX, _hash(keys).alias("@hash"), among).filter(pl.col(among))
    if rows["@hash"].n_unique() == rows.height:
        return pl.DataFrame(schema=schema)
    by_hash = rows.sort("@hash")
    h = pl.col("@hash")
    shared = by_hash.filter((h == h.shift(1)) | (h == h.shift(-1)))[INDEX]
    candidates = work.select(INDEX, "_row", *keys).filter(pl.col(INDEX).is_in(shared.implode()))
    candidates = candidates.with_columns(pl.struct(keys).is_first_distinct().alias("@once"))
    firsts = candidates.filter(pl.col("@once")).select(*keys, pl.col("_row").alias("@first"))
    again = candidates.filter(~pl.col("@once")).join(firsts, on=keys, how="left")
    return again.select(INDEX, pl.col("@first").cast(pl.Int64)).sort(INDEX)

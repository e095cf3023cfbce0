"""Work on the few rows that need it: Python over distinct values, polars over a subset.

A reason that quotes a cell with Python's ``repr``, a number in ``{x:g}`` form or a
"did you mean" hint is computed once per *distinct* value, and only for the rows that
need it (the others are null), then scattered back (:func:`by_distinct`). Bad values
are rare and repeat; valid rows never reach Python.

The general reading of a cell (spaces inside a NIP, a number with thousands
separators) is for the few cells the fast path does not read. Masking the others
with ``when/then`` does not make a string function skip them, so :func:`on_rows`
runs it on the filtered rows only (:func:`by_distinct` and :func:`on_rows` return at
once when no row needs them, the usual case).

A polars expression that is costly per row (a date's regular expressions) but reads
one column of few distinct values is computed once per distinct value and joined
back (:func:`per_distinct`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

__all__ = ["by_distinct", "on_rows", "per_distinct"]


def by_distinct(
    function: Callable[..., object],
    exprs: Sequence[pl.Expr],
    dtype: pl.DataType,
    where: pl.Expr | None = None,
) -> pl.Expr:
    """``function(*values)`` for each distinct row of ``exprs``, on the rows ``where`` holds.

    Null on the other rows. ``where`` defaults to "the first expression is not null"
    (mask it, ``pl.when(need).then(value)``, to choose the rows that go to Python).
    ``dtype`` is what ``function`` returns (a ``pl.Struct`` for several values, as a dict).
    """
    need = exprs[0].is_not_null() if where is None else where.fill_null(False)

    def run(series: Sequence[pl.Series]) -> pl.Series:
        height = max(len(s) for s in series)  # a literal input comes as one value
        series = [s if len(s) == height else s.new_from_index(0, height) for s in series]
        mask, values = series[0], series[1:]
        names = [f"a{i}" for i in range(len(values))]
        frame = pl.DataFrame(dict(zip(names, values, strict=True)))
        if not mask.any():
            return pl.repeat(None, frame.height, dtype=dtype, eager=True)
        keys = [f"k{i}" for i in range(len(values))]
        wanted = frame.filter(mask).with_columns(_keys(frame, names, keys))
        distinct = wanted.unique(keys, maintain_order=True)
        found = [function(*row) for row in distinct.select(names).iter_rows()]
        mapping = distinct.select(*keys, pl.Series("v", found, dtype=dtype))
        joined = wanted.join(mapping, on=keys, how="left", nulls_equal=True, maintain_order="left")
        return _spread(mask, joined["v"])

    return pl.map_batches([need, *exprs], run, return_dtype=dtype)


def _keys(frame: pl.DataFrame, names: list[str], keys: list[str]) -> list[pl.Expr]:
    """Join keys for the values: floats as their exact text (a NaN key matches no NaN)."""
    return [
        (pl.col(n).cast(pl.String) if frame.schema[n].is_float() else pl.col(n)).alias(k)
        for n, k in zip(names, keys, strict=True)
    ]


def _spread(mask: pl.Series, values: pl.Series) -> pl.Series:
    """``values`` (one per true ``mask`` entry, in order) put back in place; null elsewhere."""
    places = (mask.cast(pl.Int64).cum_sum() - 1).clip(0)  # each row's place among the wanted
    spread = pl.DataFrame({"m": mask, "v": values.gather(places)})
    return spread.select(pl.when(pl.col("m")).then(pl.col("v")).alias("v")).to_series()


def on_rows(
    function: Callable[..., pl.Expr], where: pl.Expr, exprs: Sequence[pl.Expr], dtype: pl.DataType
) -> pl.Expr:
    """``function(*columns)`` (an expression) on the rows ``where`` holds only; null elsewhere."""

    def run(series: Sequence[pl.Series]) -> pl.Series:
        height = max(len(s) for s in series)  # a literal input comes as one value
        series = [s if len(s) == height else s.new_from_index(0, height) for s in series]
        mask = series[0].fill_null(False)
        if not mask.any():
            return pl.repeat(None, height, dtype=dtype, eager=True)
        names = [f"a{i}" for i in range(len(series) - 1)]
        rows = pl.DataFrame(dict(zip(names, series[1:], strict=True))).filter(mask)
        done = rows.select(function(*(pl.col(n) for n in names)).cast(dtype).alias("v"))
        return _spread(mask, done["v"])

    return pl.map_batches([where, *exprs], run, return_dtype=dtype)


def per_distinct(column: str, expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """``expr``, which reads only ``column``, computed once per distinct value of it.

    The same values as ``expr`` on every row: a date column of a million ratings holds
    a few hundred distinct texts, so its regular expressions run a few hundred times.
    """

    def run(values: pl.Series) -> pl.Series:
        frame = values.rename(column).to_frame()
        distinct = frame.unique().with_columns(expr.cast(dtype).alias("@value"))
        joined = frame.join(distinct, on=column, how="left", nulls_equal=True,
                            maintain_order="left")  # fmt: skip
        return joined.get_column("@value")

    return pl.col(column).map_batches(run, return_dtype=dtype)

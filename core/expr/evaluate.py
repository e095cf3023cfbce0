"""One expression on one employee's values, through the columnar backend.

For the authoring tools (``kinerja eval``, the case runner's "true here / false
here"), which look at a single row: the values become a one-row frame and the
expression is evaluated exactly as the engine evaluates it over a batch.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from kinerja.expr.check import Checked
from kinerja.expr.columnar import compile_column

__all__ = ["evaluate_one", "row_frame"]

Bands = Mapping[str, tuple[tuple[str, float | None, float | None], ...]]


def _dtype(value: object) -> pl.DataType:
    if isinstance(value, bool):
        return pl.Boolean()
    if isinstance(value, int | float):
        return pl.Float64()
    return pl.String()


def row_frame(values: Mapping[str, object], types: Mapping[str, str] | None = None) -> pl.DataFrame:
    """A one-row frame of ``values``: numbers Float64, text String, booleans Boolean.

    A missing value (None) takes its column type from ``types`` (the rules' static
    types: ``number``, ``string``...), else Float64.
    """
    kinds = types or {}
    columns = {}
    for name, value in values.items():
        if value is None:
            dtype: pl.DataType = pl.String() if kinds.get(name) == "string" else pl.Float64()
        else:
            dtype = _dtype(value)
        columns[name] = pl.Series(name, [value], dtype=dtype, strict=False)
    if not columns:
        return pl.DataFrame({"_": [None]})
    return pl.DataFrame(columns)


def evaluate_one(
    checked: Checked,
    bands: Bands,
    values: Mapping[str, object],
    types: Mapping[str, str] | None = None,
) -> tuple[object, str | None]:
    """``(value, None)``, or ``(None, why it fails)`` in the words the engine uses."""
    column = compile_column(checked, bands)
    frame = row_frame({n: values.get(n) for n in checked.names} or {}, types)
    prepared = column.prepare(frame)
    row = prepared.select(column.value.alias("value"), column.error.alias("error")).row(0)
    return row[0], row[1]

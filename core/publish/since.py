"""Each ASN's change since the previous published site (``kinerja publish --since``).

The previous site's own download (``data/results.json``) is read back: what was
public then is all that is compared, never the previous run's private results. An
employee is matched by what the site shows of them: the masked NIP and the name (the
name and the unit when NIPs are hidden). Two rows that match alike, in either
period, are left without a change rather than given someone else's.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from kinerja.errors import PublishError
from kinerja.i18n import _

__all__ = ["DATA", "previous_table", "with_change"]

DATA = Path("data") / "results.json"
"""Where a site keeps its published table, from the site's root."""
_MAX_BYTES = 1 << 30


def previous_table(site: Path) -> pl.DataFrame:
    """The table the site at ``site`` published.

    :raises PublishError: it is not a site kinerja published.
    """
    path = site / DATA
    if not path.is_file():
        raise PublishError(_("{path}: no published table here; --since names the folder of "
                             "a site kinerja published before", path=path))  # fmt: skip
    if path.stat().st_size > _MAX_BYTES:
        raise PublishError(_("{path}: too large to be a published table", path=path))
    try:
        document = json.loads(path.read_bytes())
        rows = document["rows"]
        columns = [c["name"] for c in document["columns"]]
    except (ValueError, KeyError, TypeError):
        raise PublishError(_("{path}: not a table kinerja published", path=path)) from None
    schema = {name: pl.String for name in columns} | {"score": pl.Float64}
    frame = pl.DataFrame(rows, schema={k: v for k, v in schema.items() if k in columns},
                         strict=False)  # fmt: skip
    return frame


def _key(frame: pl.DataFrame) -> list[str]:
    return ["nip", "nama"] if "nip" in frame.columns else ["nama", "unit_kerja"]


def _or_null(frame: pl.DataFrame, name: str, dtype: pl.DataType) -> pl.Expr:
    """Column ``name`` of ``frame``, or nulls when it has none (a field not published)."""
    return pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype)


def with_change(rows: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with ``change`` (score now minus then) and ``previous_predikat``, where
    the employee is found once in each table (null otherwise)."""
    key = [k for k in _key(rows) if k in rows.columns and k in previous.columns]
    if not key:  # nothing to match by: no change is known
        unknown = pl.lit(None, pl.Float64).alias("change")
        return rows.with_columns(unknown, pl.lit(None, pl.String).alias("previous_predikat"))
    then = previous.select(
        *key,
        _or_null(previous, "score", pl.Float64).alias("@then"),
        _or_null(previous, "predikat", pl.String).alias("@predikat"),
    ).filter(pl.len().over(key) == 1)
    joined = rows.with_columns((pl.len().over(key) == 1).alias("@once")).join(
        then, on=key, how="left", maintain_order="left"
    )
    change = (_or_null(rows, "score", pl.Float64) - pl.col("@then")).round(9)
    found = joined.with_columns(
        pl.when("@once").then(change).alias("change"),
        pl.when("@once").then(pl.col("@predikat")).alias("previous_predikat"),
    )
    return found.drop("@then", "@predikat", "@once")

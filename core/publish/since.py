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


def previous_table(site: Path, region: str) -> pl.DataFrame:
    """The table the site at ``site`` published for ``region``.

    :raises PublishError: it is not a site kinerja published, or another region's.
    """
    _check_region(site, region)
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


def _check_region(site: Path, region: str) -> None:
    """Refuse a site that is not ``region``'s, by its ``datapackage.json`` name
    (``kinerja-<region>-<version>``)."""
    described = site / DATA.parent / "datapackage.json"
    try:
        name = json.loads(described.read_bytes()).get("name", "")
    except (OSError, ValueError, AttributeError):
        name = ""
    if not str(name).startswith(f"kinerja-{region}-"):
        raise PublishError(_("{path}: not a site of region {region} (its datapackage.json names "
                             "{name}); --since names the previous site of the same region",
                             path=site, region=region, name=repr(name)))  # fmt: skip


_KEYS = (("nip", "nama"), ("nama", "unit_kerja"))
"""How one person is matched across two sites, in order of preference: the masked NIP
and the name; else, when either hides NIPs, the name and the unit."""


def _key(rows: pl.DataFrame, previous: pl.DataFrame) -> list[str]:
    for key in _KEYS:
        if all(k in rows.columns and k in previous.columns for k in key):
            return list(key)
    return []


def _or_null(frame: pl.DataFrame, name: str, dtype: pl.DataType) -> pl.Expr:
    """Column ``name`` of ``frame``, or nulls when it has none (a field not published)."""
    return pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype)


def with_change(rows: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with ``change`` (score now minus then) and ``previous_predikat``, where
    the employee is found once in each table (null otherwise)."""
    key = _key(rows, previous)
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

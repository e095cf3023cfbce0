"""Reading the results a site publishes: the JSON that ``kinerja run`` writes.

The JSON results carry what a published site must say about its run (the rules
version and hash, the input's hash, the counts) beside each result. Only the fields
a site may ever publish are kept (:data:`KEPT`): rater NIPs, rater notes, feedback,
the audit and every detail are left behind at the door, before anything else reads
the results. Flags keep only their codes (their messages may name a rater).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from kinerja.errors import PublishError
from kinerja.i18n import _

__all__ = ["KEPT", "PublishedRun", "read_results"]

KEPT = ("nip", "nama", "jabatan", "unit_kerja", "score", "predikat", "peer_rank", "status")
"""The result fields read: every field a region may publish, and the unit."""
MAX_BYTES = 64 << 30
"""A results file larger than this is refused before it is read."""
WHOLE_BYTES = 512 << 20
"""A results file not laid out as kinerja writes it is parsed whole only up to this size."""


@dataclass(frozen=True, slots=True)
class PublishedRun:
    """A run's results, as a site may use them."""

    info: dict[str, Any]
    """The run's metadata (``region``, ``rules_version``, ``rules_sha256``...)."""
    table: pl.DataFrame
    """One row per result: :data:`KEPT`, and ``flags`` (a list of flag codes)."""
    path: Path


def read_results(path: Path) -> PublishedRun:
    """The results at ``path`` (``kinerja run --format json``).

    :raises PublishError: the file is not such results.
    """
    if path.suffix.lower() != ".json":
        raise PublishError(
            _(
                "{path}: publish reads the JSON results of kinerja run, which carry the "
                "run's rules version and hash; write them with kinerja run --format json "
                "--output results.json",
                path=path,
            )
        )
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise PublishError(
            _("{path}: {size} bytes is more than a results file can be", path=path, size=size)
        )
    head = _head(path)
    if head is not None:
        table = _lines(path)
        if table.height == head.get("appraised"):
            return PublishedRun(head, table, path)
    if size > WHOLE_BYTES:
        raise PublishError(_("{path}: not laid out as kinerja run writes its JSON results "
                             "(one result a line); write them again with kinerja run",
                             path=path))  # fmt: skip
    document = _document(path)
    if not {"run", "results"} <= set(document.columns):
        raise PublishError(
            _("{path}: this is not the JSON results of kinerja run (no run or results)", path=path)
        )
    info = document.get_column("run").to_list()[0]
    if not isinstance(info, dict):
        raise PublishError(_("{path}: this is not the JSON results of kinerja run", path=path))
    results = document.select(pl.col("results").explode()).unnest("results")
    results = results.filter(~pl.all_horizontal(pl.all().is_null()))  # an empty list's row
    return PublishedRun(info, _table(results), path)


_MARKER = b'"results": ['
_HEAD_BYTES = 1 << 20


def _head(path: Path) -> dict[str, Any] | None:
    """The ``run`` object at the top of results that kinerja wrote (None: laid out
    otherwise), read without reading the results."""
    with path.open("rb") as fh:
        start = fh.read(_HEAD_BYTES)
    place = start.find(_MARKER)
    if place < 0:
        return None
    try:
        document = json.loads(start[: place + len(_MARKER)] + b"]}")
    except (UnicodeDecodeError, ValueError):
        return None
    info = document.get("run") if isinstance(document, dict) else None
    return info if isinstance(info, dict) else None


_LINE = pl.Struct(
    {
        **dict.fromkeys(KEPT, pl.String),
        "score": pl.Float64,
        "flags": pl.List(pl.Struct({"code": pl.String})),
    }
)


def _lines(path: Path) -> pl.DataFrame:
    """The results of a file kinerja wrote, one result a line, reading only the kept
    fields of each line (a streaming scan: the file is never held whole)."""
    lines = pl.scan_csv(path, has_header=False, separator="\x1f", quote_char=None,
                        schema={"line": pl.String})  # fmt: skip
    line = pl.col("line").str.strip_chars()
    wanted = lines.filter(line.str.starts_with('{"nip"'))
    decoded = wanted.select(line.str.strip_suffix(",").str.json_decode(_LINE).alias("r"))
    try:
        found = decoded.unnest("r").collect(engine="streaming")
    except pl.exceptions.PolarsError:
        return pl.DataFrame()
    flags = pl.col("flags").list.eval(pl.element().struct.field("code")).fill_null([])
    return found.select(*KEPT, flags.alias("flags"))


def _document(path: Path) -> pl.DataFrame:
    """The file as one row of ``run`` and ``results`` (the whole file read for its schema)."""
    try:
        document = pl.read_json(path, infer_schema_length=None)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PublishError(
            _("{path}: not a JSON file ({detail})", path=path, detail=detail)
        ) from None
    if (
        document.height != 1
        or "results" in document.columns
        and not isinstance(document.schema["results"], pl.List)
    ):
        raise PublishError(_("{path}: this is not the JSON results of kinerja run", path=path))
    return document


def _table(results: pl.DataFrame) -> pl.DataFrame:
    """The kept fields of every result (null where absent), with the flags' codes."""
    columns = [
        (pl.col(name) if name in results.columns else pl.lit(None)).cast(pl.String).alias(name)
        for name in KEPT
        if name != "score"
    ]
    score = pl.col("score") if "score" in results.columns else pl.lit(None)
    flags = pl.lit([], pl.List(pl.String))
    if "flags" in results.columns and isinstance(results.schema["flags"], pl.List):
        inner = results.schema["flags"].inner  # type: ignore[union-attr]
        if isinstance(inner, pl.Struct) and "code" in inner.to_schema():
            flags = pl.col("flags").list.eval(pl.element().struct.field("code").cast(pl.String))
    table = results.select(
        *columns, score.cast(pl.Float64, strict=False).alias("score"), flags.alias("flags")
    )
    return table.select(*KEPT, "flags")

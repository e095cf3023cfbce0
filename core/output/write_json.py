"""A run as JSON, written a part of the employees at a time.

The document is ``{"run": {...}, "results": [...], "rejects": [...]}``, each result
with today's keys (nip, nama, jabatan, unit_kerja, values, indicators, aspects,
components, score, predikat, feedback, recommendations, stages, flags, audit,
peer_rank, status), and ``fair_score`` after ``score`` where the rules'
``rater_effects.adjust_for_rater_effects`` is on (the score with the raters' estimated
effects taken out of their ratings, :mod:`kinerja.review.fair`; null where the rules
cannot be computed from them). Results and rejects are one object per line; the text of each
line is made by polars from whole columns, a part of the employees at a time, so
memory stays bounded whatever the size of the run.

Numbers are written to the rules' precision, as the engine tidies them (``round(x, 9)``:
``-58.1``, not ``-58.10000000000002``; a non-finite one as ``null``). ``values`` holds every
named value of the run, ``null`` where an employee has none. A count
(``indicator_count``) and an integral input are written as integers, as today.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from typing import BinaryIO

import polars as pl

from kinerja.frames import GROUPS, INDICATORS, RunOutput, RunParts, StepInfo
from kinerja.output.write_cells import tidied
from kinerja.output.write_frames import Part, indexed, named_columns, ordered_rejects, parts
from kinerja.output.write_parts import as_parts
from kinerja.output.write_wide import FAIR_SCORE

__all__ = ["int_like_names", "write_json"]

_IDENTITY = ("nip", "nama", "jabatan", "unit_kerja")
_COMPUTED = ("score", "predikat", "achievement_mean")
_INDICATOR_FIELDS = tuple(INDICATORS)[1:]
_GROUP_FIELDS = tuple(GROUPS)[2:]
_REJECT_FIELDS = ("sheet", "row", "nip", "reason", "column")
_LISTS = {
    "recommendations": ("code", "text", "reason"),
    "stages": ("id", "label", "status", "detail", "done_on", "done_by"),
    "flags": ("code", "message", "severity"),
    "audit": ("action", "before", "after", "by", "date", "reason", "source"),
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CHUNK = 2_000
"""Employees per part: a part of a multi-rater run (30 ratings each) is some 11 MB of text."""


def write_json(run: RunOutput | RunParts, fh: BinaryIO, *, chunk: int = CHUNK) -> None:
    """Write ``run`` as JSON to the binary file ``fh``, ``chunk`` employees at a time
    (part by part when the run comes in parts)."""
    run = as_parts(run)
    plain = dataclasses.asdict(run.info)
    info = json.dumps(plain, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    fh.write(_bytes('{\n  "run": ' + info + ',\n  "results": ['))
    _write_lines(
        fh,
        (
            _result_lines(_tidied(part), ints)
            for output in run.each()
            for ints in [int_like_names(output)]
            for part in parts(indexed(output), chunk)
        ),
    )
    fh.write(b',\n  "rejects": [')
    rejects = ordered_rejects(run.rejects)
    _write_lines(
        fh,
        (_reject_lines(rejects.slice(start, chunk)) for start in range(0, rejects.height, chunk)),
    )
    fh.write(b"\n}\n")


def _tidied(part: Part) -> Part:
    """``part`` with its numbers to the rules' precision (see :func:`tidied`)."""
    details = {name: tidied(frame) for name, frame in part.details.items()}
    return Part(tidied(part.results), details, part.components)


def _bytes(text: str) -> bytes:
    """UTF-8; a lone surrogate (e.g. in a file name) becomes ``?``."""
    return text.encode("utf-8", "replace")


def _write_lines(fh: BinaryIO, chunks: Iterable[pl.Series]) -> None:
    """Each line indented, one per row, comma-separated; then the list's end."""
    wrote = False
    for lines in chunks:
        if lines.len() == 0:
            continue
        fh.write(b",\n    " if wrote else b"\n    ")
        fh.write(_bytes(lines.str.join(",\n    ").item()))
        wrote = True
    fh.write(b"\n  ]" if wrote else b"]")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def int_like_names(run: RunOutput) -> list[str]:
    """Named values written as integers when whole: ``indicator_count`` and the inputs.

    Today these came from integer cells; every other number was a float already.
    """
    computed = {*_COMPUTED, *(s.name for s in run.components)}
    computed |= set(run.indicators["code"].unique().to_list())
    computed |= set(run.aspects["code"].unique().to_list())
    schema = run.results.schema
    return [
        n
        for n in named_columns(run.results)
        if schema[n].is_float() and n not in computed and _NAME.fullmatch(n)
    ]


def _encoded(*columns: pl.Expr) -> pl.Expr:
    """The JSON object of ``columns`` (``{}`` when there are none)."""
    if not columns:
        return pl.lit("{}")
    return pl.struct(*columns).struct.json_encode()


def _whole_as_int(text: pl.Expr, names: list[str]) -> pl.Expr:
    """In a flat JSON object, ``"name":240.0`` -> ``"name":240`` for each of ``names``."""
    for name in names:
        text = text.str.replace(rf'([{{,]"{name}":-?[0-9]+)\.0([,}}])', "${1}${2}")
    return text


def _inner(text: pl.Expr) -> pl.Expr:
    """A JSON object's members without the braces."""
    return text.str.strip_prefix("{").str.strip_suffix("}")


def _result_lines(part: Part, ints: list[str]) -> pl.Series:
    results = part.results
    named = named_columns(results)
    lists = _lists(part)
    table = results.join(lists, on="_i", how="left", maintain_order="left")
    table = table.with_columns(
        pl.col(c).fill_null(pl.lit([], dtype=lists.schema[c])) for c in lists.columns if c != "_i"
    )  # the lists are "_l_<name>": no named value can clash with them
    wanted = [n for n in ints if n in named]
    head = _encoded(*(_col(table, c) for c in _IDENTITY)).str.strip_suffix("}")
    values = _whole_as_int(_encoded(*(pl.col(n) for n in named)), wanted)
    nested = _inner(_encoded(_listed_as("indicators"), _listed_as("aspects")))
    components = _components(table, part.components, wanted)
    fair = [pl.col(FAIR_SCORE)] if FAIR_SCORE in table.columns else []
    tail = _encoded(
        _col(table, "score"),
        *fair,
        _col(table, "predikat"),
        _listed_as("feedback"),
        *(_listed_as(name) for name in _LISTS),
        _col(table, "peer_rank"),
        _col(table, "status"),
    ).str.strip_prefix("{")
    line = pl.concat_str(
        head, pl.lit(',"values":'), values, pl.lit(","), nested,
        pl.lit(',"components":'), components, pl.lit(","), tail,
    )  # fmt: skip
    return table.select(line.alias("line"))["line"]


def _listed_as(name: str) -> pl.Expr:
    return pl.col(f"_l_{name}").alias(name)


def _col(table: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name) if name in table.columns else pl.lit(None, dtype=pl.String).alias(name)


def _components(table: pl.DataFrame, steps: tuple[StepInfo, ...], ints: list[str]) -> pl.Expr:
    """``[{"name", "label", "value", "expr", "inputs": {...}}, ...]`` for each employee."""
    if not steps:
        return pl.lit("[]")
    objects = []
    for step in steps:
        head = _dumps({"name": step.name, "label": step.label})[:-1]
        expr = _dumps(step.expr)
        value = _encoded(_col(table, step.name).alias("v")).str.strip_prefix('{"v":')
        inputs = _whole_as_int(
            _encoded(*(_col(table, n) for n in step.inputs)), [n for n in ints if n in step.inputs]
        )
        objects += [
            pl.lit(head + ',"value":'),
            value.str.strip_suffix("}"),
            pl.lit(f',"expr":{expr},"inputs":'),
            inputs,
            pl.lit("},"),
        ]
    return pl.concat_str(pl.lit("["), *objects).str.strip_suffix(",") + pl.lit("]")


def _lists(part: Part) -> pl.DataFrame:
    """Per employee (``_i``): every nested list of its result, in output order."""
    d = part.details
    frames = [
        _listed(d["indicators"], "indicators", _INDICATOR_FIELDS),
        _listed(
            _aspects(part), "aspects", ("code", "label", "score", "groups", "notes", "complete")
        ),
        d["feedback"].group_by("_i").agg(pl.col("text").alias("_l_feedback")),
        *(_listed(d[name], name, fields) for name, fields in _LISTS.items()),
    ]
    table = part.results.select("_i")
    for frame in frames:
        table = table.join(frame, on="_i", how="left", maintain_order="left")
    return table


def _listed(frame: pl.DataFrame, name: str, fields: tuple[str, ...]) -> pl.DataFrame:
    return frame.group_by("_i").agg(pl.struct(*fields).alias(f"_l_{name}"))


def _aspects(part: Part) -> pl.DataFrame:
    """Aspect rows with their rater groups and notes as lists."""
    d = part.details
    groups = d["groups"].group_by("_i", "aspect").agg(pl.struct(*_GROUP_FIELDS).alias("groups"))
    notes = d["notes"].group_by("_i", "aspect").agg(pl.col("text").alias("notes"))
    aspects = d["aspects"]
    for extra in (groups, notes):
        aspects = aspects.join(
            extra,
            left_on=["_i", "code"],
            right_on=["_i", "aspect"],
            how="left",
            maintain_order="left",
        )
    return aspects.with_columns(
        pl.col("groups").fill_null(pl.lit([], dtype=groups.schema["groups"])),
        pl.col("notes").fill_null(pl.lit([], dtype=notes.schema["notes"])),
    )


def _reject_lines(rejects: pl.DataFrame) -> pl.Series:
    fields = [_col(rejects, c) for c in _REJECT_FIELDS]
    return rejects.select(pl.struct(*fields).struct.json_encode().alias("line"))["line"]

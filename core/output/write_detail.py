"""The long ``rincian`` table: one row per part of each result, with today's texts.

Each employee's indicators, then each aspect followed by its rater groups, then the
components, stages, flags and audit entries: nip, kind, name, value (a number, a text
or a boolean, in ``num``, ``text`` or ``bool``) and a detail text, in the language in
use (the codes, labels and expressions in it stay as the rules write them).
"""

from __future__ import annotations

import polars as pl

from kinerja.frames import filled
from kinerja.i18n import N_, _
from kinerja.i18n.places import source_words
from kinerja.output.write_cells import shown_text
from kinerja.output.write_frames import JOIN, Part

__all__ = ["DETAIL_COLUMNS", "detail_count", "detail_table"]

DETAIL_COLUMNS = ("nip", "kind", "name", "value", "detail")
_LONG = ("nip", "kind", "name", "num", "text", "bool", "detail", "_i", "_s", "_a", "_b")
"""Columns of the long table before it is sorted: value as number, text or boolean."""
_INDICATOR = N_(
    "{label}; kind {kind}; target {target}; realised {realised}; gap {gap}; weight {weight}"
)
_INCOMPLETE = N_("{label}; INCOMPLETE")
_NOTED = N_("{label}; notes: {notes}")
_INCOMPLETE_NOTED = N_("{label}; INCOMPLETE; notes: {notes}")
_GROUP = N_("{status}; {count} rater(s); weight {weight}; effective weight {effective}")
_COMPONENT = N_("{label}: {expr} with {inputs}")
_AUDIT = N_("{before} -> {after} by {by} on {date}: {reason} ({source})")


def detail_table(part: Part) -> pl.DataFrame:
    """The ``rincian`` rows of one part: nip, kind, name, value (``num``, ``text`` or
    ``bool``), detail; each employee's indicators, aspects each followed by its rater
    groups, components, stages, flags, then audit entries, with today's detail texts."""
    pieces = [
        _indicator_rows(part),
        *_aspect_and_group_rows(part),
        *_component_rows(part),
        _stage_rows(part),
        _flag_rows(part),
        _audit_rows(part),
    ]
    long = pl.concat([p.select(_LONG) for p in pieces], how="vertical_relaxed")
    return long.sort("_i", "_s", "_a", "_b", maintain_order=True).drop("_i", "_s", "_a", "_b")


def _texts(frame: pl.DataFrame, missing: dict[str, str]) -> pl.DataFrame:
    """``frame`` with ``t_<col>``: each named column as text (see ``shown_text``)."""
    return frame.with_columns(shown_text(frame[c], m).alias(f"t_{c}") for c, m in missing.items())


def _long(
    frame: pl.DataFrame,
    kind: str,
    name: pl.Expr,
    detail: pl.Expr,
    section: int,
    *,
    num: pl.Expr | None = None,
    text: pl.Expr | None = None,
    a: pl.Expr | None = None,
    b: pl.Expr | None = None,
) -> pl.DataFrame:
    return frame.select(
        pl.col("nip"),
        pl.lit(kind).alias("kind"),
        name.alias("name"),
        (num if num is not None else pl.lit(None)).cast(pl.Float64).alias("num"),
        (text if text is not None else pl.lit(None)).cast(pl.String).alias("text"),
        pl.lit(None, dtype=pl.Boolean).alias("bool"),
        detail.alias("detail"),
        pl.col("_i").cast(pl.Int64),
        pl.lit(section, dtype=pl.Int64).alias("_s"),
        (a if a is not None else pl.col("_p")).cast(pl.Int64).alias("_a"),
        (b if b is not None else pl.lit(0)).cast(pl.Int64).alias("_b"),
    )


def _indicator_rows(part: Part) -> pl.DataFrame:
    frame = _texts(
        part.details["indicators"],
        dict.fromkeys(("target", "target_max", "realised", "gap", "weight"), ""),
    )
    high = (
        pl.when(pl.col("target_max").is_null())
        .then(pl.lit(""))
        .otherwise(pl.lit("-") + pl.col("t_target_max"))
    )
    detail = filled(
        _(_INDICATOR),
        label=pl.col("label").fill_null(""),
        kind=pl.col("kind").fill_null(""),
        target=pl.col("t_target") + high,
        realised=pl.col("t_realised"),
        gap=pl.col("t_gap"),
        weight=pl.col("t_weight"),
    )
    return _long(frame, "indicator", pl.col("code"), detail, 0, num=pl.col("achievement"))


def _aspect_and_group_rows(part: Part) -> list[pl.DataFrame]:
    aspects = part.details["aspects"].rename({"_p": "_at"})
    notes = (
        part.details["notes"]
        .group_by("_i", "aspect")
        .agg(pl.col("text").fill_null("").str.join(JOIN).alias("notes"))
    )
    aspects = aspects.join(
        notes, left_on=["_i", "code"], right_on=["_i", "aspect"], how="left", maintain_order="left"
    )
    label, notes = pl.col("label").fill_null(""), pl.col("notes").fill_null("")
    incomplete, noted = ~pl.col("complete").fill_null(True), notes != ""
    detail = (
        pl.when(incomplete & noted)
        .then(filled(_(_INCOMPLETE_NOTED), label=label, notes=notes))
        .when(incomplete)
        .then(filled(_(_INCOMPLETE), label=label))
        .when(noted)
        .then(filled(_(_NOTED), label=label, notes=notes))
        .otherwise(label)
    )
    aspect_rows = _long(
        aspects, "aspect", pl.col("code"), detail, 1, num=pl.col("score"), a=pl.col("_at")
    )
    at = aspects.group_by("_i", "code").agg(pl.col("_at").first())
    groups = part.details["groups"].join(
        at, left_on=["_i", "aspect"], right_on=["_i", "code"], how="inner", maintain_order="left"
    )
    groups = _texts(groups, {"weight": "", "effective_weight": "", "count": "None"})
    detail = filled(
        _(_GROUP),
        status=pl.col("status").fill_null(""),
        count=pl.col("t_count"),
        weight=pl.col("t_weight"),
        effective=pl.col("t_effective_weight"),
    )
    rank = pl.col("_p") + 1  # the employee's rows in order: an aspect's groups in order
    name = pl.concat_str(pl.col("aspect"), pl.lit("."), pl.col("group"), ignore_nulls=True)
    group_rows = _long(
        groups, "group", name, detail, 1, num=pl.col("mean"), a=pl.col("_at"), b=rank
    )
    return [aspect_rows, group_rows]


def _component_rows(part: Part) -> list[pl.DataFrame]:
    """One row per employee and component: its value and ``label: expr with inputs``."""
    results = part.results
    rows = []
    for n, step in enumerate(part.components):
        shown = [
            pl.lit(f"{name}=")
            + (
                pl.lit(shown_text(results[name], "none"))
                if name in results.columns
                else pl.lit("none")
            )
            for name in step.inputs
        ]
        if shown:
            inputs = pl.concat_str(shown, separator=", ")
            detail = filled(_(_COMPONENT), label=step.label, expr=step.expr, inputs=inputs)
        else:
            detail = pl.lit(f"{step.label}: {step.expr}")
        value = (
            results[step.name]
            if step.name in results.columns
            else pl.Series([None] * results.height)
        )
        frame = results.select("nip", "_i").with_columns(detail.alias("detail"))
        rows.append(_component_frame(frame, step.name, value, n))
    return rows


def _component_frame(frame: pl.DataFrame, name: str, value: pl.Series, n: int) -> pl.DataFrame:
    dtype = value.dtype
    numeric = dtype.is_numeric()
    long = _long(
        frame,
        "component",
        pl.lit(name),
        pl.col("detail"),
        2,
        num=pl.lit(value) if numeric else None,
        text=None if numeric or dtype == pl.Boolean else pl.lit(value).cast(pl.String),
        a=pl.lit(n),
    )
    if dtype == pl.Boolean:
        long = long.with_columns(pl.lit(value).alias("bool"))
    return long


def _stage_rows(part: Part) -> pl.DataFrame:
    frame = part.details["stages"]
    extra = (
        pl.when(pl.col("detail").fill_null("") == "")
        .then(pl.lit(""))
        .otherwise(pl.lit(": ") + pl.col("detail"))
    )
    detail = pl.concat_str(pl.col("label"), extra, ignore_nulls=True)
    return _long(frame, "stage", pl.col("id"), detail, 3, text=pl.col("status"))


def _flag_rows(part: Part) -> pl.DataFrame:
    frame = part.details["flags"]
    return _long(frame, "flag", pl.col("code"), pl.col("message"), 4, text=pl.col("severity"))


def _audit_rows(part: Part) -> pl.DataFrame:
    frame = part.details["audit"].with_columns(
        pl.col("before").fill_null("none").alias("t_before"),
        pl.col("after").fill_null("none").alias("t_after"),
        pl.col("by", "date", "reason", "source").fill_null("None"),
    )
    detail = filled(
        _(_AUDIT),
        before=pl.col("t_before"),
        after=pl.col("t_after"),
        by=pl.col("by"),
        date=pl.col("date"),
        reason=pl.col("reason"),
        source=source_words(pl.col("source")),
    )
    return _long(frame, "audit", pl.col("action"), detail, 5, text=pl.col("after"))


def detail_count(whole: Part) -> int:
    """How many rows :func:`detail_table` gives for ``whole``."""
    d = whole.details
    aspects = d["aspects"].select("_i", "code").unique()
    groups = d["groups"].join(
        aspects, left_on=["_i", "aspect"], right_on=["_i", "code"], how="semi"
    )
    per_employee = whole.results.height * len(whole.components)
    counted = ("indicators", "aspects", "stages", "flags", "audit")
    return groups.height + per_employee + sum(d[name].height for name in counted)

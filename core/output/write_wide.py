"""The wide results table: one row per employee (CSV, Parquet and the ``hasil`` sheet).

Columns, in today's order: the base columns (with ``fair_score`` after ``score`` when
the rules' ``rater_effects.adjust_for_rater_effects`` is on: the score with the raters'
estimated effects taken out, :mod:`kinerja.review.fair`), ``peer_rank`` when any
employee has one, the components (``komponen.<name>`` when a name clashes), ``capaian.<code>`` (an
indicator's achievement) and ``aspek.<code>`` (an aspect's score) in the order they
first occur, employee by employee (a code repeated for one employee gets ``.2``,
``.3``...), then feedback, recommendations and flags, each joined with `` | `` (the
workbook asks for one item a line instead). The workbook also asks for the identity
columns ``golongan`` and ``atasan_nip``, which CSV and Parquet leave out.
"""

from __future__ import annotations

import polars as pl

from kinerja.frames import RunOutput, StepInfo
from kinerja.output.write_frames import JOIN, Part, indexed

__all__ = [
    "BASE_COLUMNS",
    "FAIR_SCORE",
    "IDENTITY_EXTRA",
    "TAIL_COLUMNS",
    "WIDE_FRAMES",
    "component_columns",
    "head_columns",
    "wide_columns",
    "wide_part",
    "wide_table",
    "with_keys",
]

BASE_COLUMNS = ("nip", "nama", "jabatan", "unit_kerja", "score", "predikat", "status")
FAIR_SCORE = "fair_score"
"""The fair score's column, right after ``score``, in a run that computes it."""
TAIL_COLUMNS = ("feedback", "recommendations", "flags")
IDENTITY_EXTRA = ("golongan", "atasan_nip")
"""Identity columns of the results that :func:`wide_table` gives when asked (the
workbook shows them; CSV and Parquet do not ask)."""
WIDE_FRAMES = ("indicators", "aspects", "feedback", "recommendations", "flags")
"""The detail frames the wide table reads."""


def wide_part(run: RunOutput) -> Part:
    """The whole run with what the wide table needs (see :func:`with_keys`)."""
    return with_keys(indexed(run, WIDE_FRAMES))


def with_keys(whole: Part) -> Part:
    """``whole`` with ``capaian`` and ``aspek``: its indicator and aspect rows with
    their wide column's name (``key``) and value, made once for every part."""
    details = dict(whole.details)
    details["capaian"] = _keyed(details["indicators"], "indicators")
    details["aspek"] = _keyed(details["aspects"], "aspects")
    return Part(whole.results, details, whole.components)


def head_columns(fair: bool, ranked: bool) -> list[str]:
    """The base columns, with :data:`FAIR_SCORE` after ``score`` when ``fair``, and
    ``peer_rank`` when ``ranked``."""
    head = list(BASE_COLUMNS)
    if fair:
        head.insert(head.index("score") + 1, FAIR_SCORE)
    return [*head, "peer_rank"] if ranked else head


def component_columns(components: tuple[StepInfo, ...]) -> dict[str, str]:
    """Each component's wide-table column: its name, or ``komponen.<name>`` on a clash."""
    reserved = {*BASE_COLUMNS, *TAIL_COLUMNS, "peer_rank", FAIR_SCORE}
    columns: dict[str, str] = {}
    for step in components:
        name = step.name
        clash = name in reserved or name.startswith(("capaian.", "aspek."))
        column = f"komponen.{name}" if clash else name
        n, unique = 2, column
        while unique in columns.values():
            unique, n = f"{column}.{n}", n + 1
        columns[name] = unique
    return columns


def wide_columns(whole: Part) -> list[str]:
    """The wide table's columns, in today's order (``whole`` from :func:`indexed`).

    The base columns, ``peer_rank`` when any employee has one, the components, then
    ``capaian.<code>`` and ``aspek.<code>`` in the order they first occur (employee by
    employee; a code repeated for one employee gets ``.2``, ``.3``...), then feedback,
    recommendations and flags.
    """
    results = whole.results
    ranked = "peer_rank" in results.columns and results["peer_rank"].is_not_null().any()
    head = head_columns(FAIR_SCORE in results.columns, ranked)
    if results.height == 0:
        return head + list(TAIL_COLUMNS)
    middle = list(component_columns(whole.components).values())
    keyed = pl.concat([whole.details["capaian"], whole.details["aspek"]])
    at = (pl.col("_i").cast(pl.Int64) * 2 + pl.col("_s")) * 2**20 + pl.col("_p")
    first = keyed.group_by("key").agg(at.min().alias("at"))  # employee, section, row
    middle += first.sort("at")["key"].to_list()
    return head + middle + list(TAIL_COLUMNS)


def _keyed(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """Indicator (``capaian.``) or aspect (``aspek.``) rows with their wide column name
    (``key``), value and the rules' label."""
    prefix, value, section = (
        ("capaian.", "achievement", 0) if name == "indicators" else ("aspek.", "score", 1)
    )
    key = pl.lit(prefix) + pl.col("code")
    if _repeats(frame):
        seen = pl.int_range(1, pl.len() + 1).over("_i", "code")
        suffix = pl.when(seen > 1).then(pl.lit(".") + seen.cast(pl.String)).otherwise(pl.lit(""))
        key = key + suffix
    return frame.select(
        pl.col("_i"),
        pl.lit(section, dtype=pl.Int64).alias("_s"),
        pl.col("_p").cast(pl.Int64),
        key.alias("key"),
        pl.col(value).cast(pl.Float64).alias("value"),
        pl.col("label").cast(pl.String),
    )


def _repeats(frame: pl.DataFrame) -> bool:
    """Whether an employee has two rows of one code (a cheap test on whole numbers)."""
    if frame.height == 0:
        return False
    codes = frame["code"].unique()
    number = frame["code"].replace_strict(
        codes, pl.int_range(codes.len(), eager=True), return_dtype=pl.UInt64
    )
    pair = frame["_i"].cast(pl.UInt64) * max(codes.len(), 1) + number
    return pair.n_unique() < frame.height


def wide_table(part: Part, columns: list[str], *, join: str = JOIN) -> pl.DataFrame:
    """The wide table of one part, typed: one row per employee, exactly ``columns``
    (which may name the :data:`IDENTITY_EXTRA` columns too); each employee's feedback,
    recommendations and flags joined with ``join``."""
    results = part.results
    have = set(results.columns)
    extra = [c for c in IDENTITY_EXTRA if c in columns]
    fair = [FAIR_SCORE] if FAIR_SCORE in columns else []
    base = [
        pl.col(c) if c in have else pl.lit(None, dtype=pl.String).alias(c)
        for c in (*BASE_COLUMNS, *fair, "peer_rank", *extra)
    ]
    comps = [
        (pl.col(name) if name in have else pl.lit(None)).alias(column)
        for name, column in component_columns(part.components).items()
    ]
    table = results.select("_i", *base, *comps)
    keyed = pl.concat([part.details["capaian"], part.details["aspek"]])
    if keyed.height:
        wide = keyed.pivot(on="key", index="_i", values="value", aggregate_function="first")
        table = table.join(wide, on="_i", how="left", maintain_order="left")
    table = table.join(_tails(part, join), on="_i", how="left", maintain_order="left")
    present = set(table.columns)
    return table.select(
        pl.col(c) if c in present else pl.lit(None, dtype=pl.Float64).alias(c) for c in columns
    )


def _tails(part: Part, join: str) -> pl.DataFrame:
    """Per employee: feedback, recommendations and flags joined with ``join``."""
    d = part.details
    joined = [
        _joined(d["feedback"], pl.col("text"), "feedback", join),
        _joined(d["recommendations"], pl.col("text"), "recommendations", join),
        _joined(d["flags"], pl.concat_str("code", pl.lit(": "), "message"), "flags", join),
    ]
    table = part.results.select("_i")
    for frame in joined:
        table = table.join(frame, on="_i", how="left", maintain_order="left")
    return table.with_columns(pl.col(list(TAIL_COLUMNS)).fill_null(""))


def _joined(frame: pl.DataFrame, text: pl.Expr, name: str, join: str) -> pl.DataFrame:
    """Per ``_i``: the texts in order, joined (in no particular ``_i`` order)."""
    return frame.group_by("_i").agg(text.fill_null("").str.join(join).alias(name))

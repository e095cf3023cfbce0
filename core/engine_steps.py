"""The engine's own steps between the hooks: merging collected values, aspect columns,
rater-group notes, and the compiled rules with their failures.

Each function takes and returns frames; :func:`kinerja.engine.appraise` calls them
in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager

import polars as pl

from kinerja.appraisal import Appraisal
from kinerja.expr.check import NUMBER
from kinerja.expr.columnar import Watch, compile_steps
from kinerja.expr.steps import Step
from kinerja.frames import INDICATORS, either, empty, filled
from kinerja.guard import doing
from kinerja.i18n import _
from kinerja.regions import Collected, Weighed
from kinerja.rules import BUILTIN_NAMES, RuleSet

__all__ = [
    "FINAL_ONLY",
    "collected_values",
    "describer",
    "evaluated",
    "hold_until_final",
    "rater_group_flags",
    "weighed_values",
]


def _overlay(values: pl.DataFrame, part: pl.DataFrame) -> pl.DataFrame:
    """``values`` with ``part``'s columns set for the employees ``part`` has a row for."""
    names = [c for c in part.columns if c != "nip"]
    incoming = part.select("nip", *[pl.col(c).alias(f"_new_{c}") for c in names])
    joined = values.join(
        incoming.with_columns(pl.lit(True).alias("_matched")),
        on="nip",
        how="left",
        maintain_order="left",
    )
    matched = pl.col("_matched").fill_null(False)
    return joined.with_columns(
        [
            (
                pl.when(matched).then(pl.col(f"_new_{c}")).otherwise(pl.col(c))
                if c in values.columns
                else pl.col(f"_new_{c}")
            ).alias(c)
            for c in names
        ]
    ).drop([f"_new_{c}" for c in names] + ["_matched"])


def collected_values(
    employees: pl.DataFrame, collected: Iterable[Collected | None]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Merge the collection hooks' results: the first implementation called wins a name.

    :return: one row per employee (the pegawai columns and every collected name), and
        the indicator details (an implementation's rows replace the same codes of the
        implementations called after it).
    """
    values = employees
    indicators = empty(INDICATORS)
    for part in reversed(list(collected)):
        if part is None:
            continue
        values = _overlay(values, part.values)
        if part.indicators is not None and part.indicators.height:
            replaced = part.indicators.select("nip", "code").unique()
            kept = indicators.join(replaced, on=["nip", "code"], how="anti", maintain_order="left")
            indicators = pl.concat([kept, part.indicators.select(list(INDICATORS))])
    return values, indicators


def weighed_values(rules: RuleSet, values: pl.DataFrame, weighed: Weighed | None) -> pl.DataFrame:
    """``values`` with one column per aspect (its score), and every name the rules read
    present (null where nobody provided it)."""
    if weighed is not None and weighed.aspects.height:
        scores = weighed.aspects.pivot(on="code", index="nip", values="score")
        values = _overlay(values, scores)
    wanted = {**{a: NUMBER for a in rules.aspects}, **dict(BUILTIN_NAMES)}
    wanted.update({i: NUMBER for i in rules.indicators})
    wanted.update({n: NUMBER if s.type == "number" else "string" for n, s in rules.inputs.items()})
    missing = [
        pl.lit(None, pl.Float64 if kind == NUMBER else pl.String).alias(name)
        for name, kind in wanted.items()
        if name not in values.columns
    ]
    return values.with_columns(missing) if missing else values


def rater_group_flags(rules: RuleSet, weighed: Weighed) -> pl.DataFrame:
    """Flag aspects left incomplete, and note rater groups left out of the weighting."""
    groups = weighed.groups
    unrated = groups.group_by(["nip", "aspect"]).agg(
        (pl.col("status") == "absent").all().alias("_unrated")
    )
    incomplete = weighed.aspects.filter(~pl.col("complete")).join(
        unrated,
        left_on=["nip", "code"],
        right_on=["nip", "aspect"],
        how="left",
        maintain_order="left",
    )
    unrated, below = (
        _("{aspect}: no ratings yet"),
        _("{aspect}: a rater group is below its minimum"),
    )
    why = either(pl.col("_unrated"), unrated, below, aspect=pl.col("label"))
    flags = [
        incomplete.select(
            "nip",
            pl.lit("incomplete").alias("code"),
            why.alias("message"),
            pl.lit("warning").alias("severity"),
        )
    ]
    specs = pl.DataFrame(
        {
            "group": list(rules.rater_groups),
            "_label": [g.label for g in rules.rater_groups.values()],
            "_min": [g.min_count for g in rules.rater_groups.values()],
            "_renormalise": [g.when_missing == "renormalise" for g in rules.rater_groups.values()],
        },
        schema={
            "group": pl.String,
            "_label": pl.String,
            "_min": pl.Int64,
            "_renormalise": pl.Boolean,
        },
    )
    # a group with some raters, too few to count, is noted; a group with none
    # (a post without subordinates) only when it keeps the result open
    left_out = groups.join(specs, on="group", how="left", maintain_order="left").filter(
        (pl.col("status") != "used")
        & (pl.col("weight") > 0)
        & ((pl.col("count") > 0) | ~pl.col("_renormalise"))
    )
    per_group = left_out.group_by(["nip", "group"], maintain_order=True).agg(
        pl.col("count").max(),
        pl.col("_label").first(),
        pl.col("_min").first(),
        pl.col("_renormalise").first(),
    )
    counts = {"group": pl.col("_label"), "count": pl.col("count"), "minimum": pl.col("_min")}
    rescaled = _(
        "{group}: {count} rater(s), fewer than the {minimum} needed; "
        "left out and the other groups' weights rescaled"
    )
    waiting = _(
        "{group}: {count} rater(s), fewer than the {minimum} needed; "
        "the result stays provisional until they are in"
    )
    outcome = either(pl.col("_renormalise"), rescaled, waiting, **counts)
    flags.append(
        per_group.select(
            "nip",
            pl.lit("group_missing").alias("code"),
            outcome.alias("message"),
            pl.lit("info").alias("severity"),
        )
    )
    return pl.concat(flags)


def describer(rules: RuleSet):  # noqa: ANN201 - a small closure
    """Says what a missing name is: an aspect no one rated, an indicator with no row..."""

    def describe(name: str) -> str:
        if name in rules.aspects:
            return _("{name} (no ratings)", name=name)
        if name in rules.indicators:
            return _("{name} (no capaian row)", name=name)
        if name in ("achievement_mean", "indicator_count"):
            return _("{name} (no capaian rows)", name=name)
        if name in rules.inputs:
            return _("{name} (empty column)", name=name)
        return name

    return describe


def evaluated(
    rules: RuleSet, values: pl.DataFrame, *, upto: str = "predikat"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Compute every component, the score and the predikat for the whole batch.

    :param upto: the last step computed: ``predikat`` (every step), or ``score`` (the
        components and the score, as the fair score needs them).
    :return: the employees whose rules could be computed (with a column per step), and
        those whose could not (``nip``, ``_row``, ``_error``: the reason in words).
    """
    labels = {c.name: c.label for c in rules.components}
    steps = rules.steps()
    program = compile_steps(
        steps[: [s.name for s in steps].index(upto) + 1],
        rules.bands,
        describe=describer(rules),
        score_weights=rules.score_weights,
        labels=labels,
    )
    frame = program.apply(values, _rule_watch(rules))
    failed = pl.col("_error").is_not_null()
    return frame.filter(~failed).drop("_error"), frame.filter(failed).select(
        "nip", "_row", "_error"
    )


def _rule_watch(rules: RuleSet) -> Watch:
    """Tell the run's watchdog which rule is being computed (:mod:`kinerja.guard`)."""
    where = {c.name: c.location for c in rules.components}
    where["score"], where["predikat"] = rules.where("score"), rules.where("predikat")

    def watch(step: Step) -> AbstractContextManager[None]:
        return doing(
            rule=_("computing the rule {rule} ({where})", rule=step.name, where=where[step.name])
        )

    return watch


FINAL_ONLY = ("promotion", "role_model")
"""Recommendations a result earns only once it is final: a promotion candidate or a role
model is named on a result no stage or rater group may still change."""
HELD = "recommendation_held"


def hold_until_final(appraisal: Appraisal, status: pl.DataFrame) -> None:
    """Hold back :data:`FINAL_ONLY` recommendations of provisional results (``status``:
    nip, status), each with an info flag saying which and why."""
    provisional = status.filter(pl.col("status") == "provisional").get_column("nip").implode()
    held = appraisal.drop(
        "recommendations", pl.col("code").is_in(FINAL_ONLY) & pl.col("nip").is_in(provisional)
    )
    if held.is_empty():
        return
    words = _("recommendation {code} held back until the result is final")
    appraisal.add(
        "flags",
        held.select(
            "nip",
            pl.lit(HELD).alias("code"),
            filled(words, code=pl.col("code")).alias("message"),
            pl.lit("info").alias("severity"),
        ),
    )

"""Training needs from competency gaps: the job-person match read per competency.

Wherever the rules give an aspect a ``required_level`` (the level the post requires),
each result whose value for that aspect (the weighted aspect score the engine computed,
the value ``jpm()`` reads) is below that level gets one recommendation of code
:data:`TRAINING_NEED`: its text names the competency and the gap, its reason the
comparison (``JPM: Keterampilan 2,50 < level jabatan 3``). An employee's needs come
largest gap first (on a tie, in the rules' aspect order), after the rules' own
recommendations. A value at the level, above it or missing (nobody rated the aspect:
the result is flagged ``incomplete`` already) gives none; rules that declare no
``required_level`` give none, so there is nothing to switch on or off.

Training needs are development, not reward: they are given on provisional results too
(they are not in :data:`kinerja.engine_steps.FINAL_ONLY`).
"""

from __future__ import annotations

import polars as pl

from kinerja import hookimpl
from kinerja.appraisal import Appraisal
from kinerja.frames import Batch, filled
from kinerja.i18n import _, number
from kinerja.i18n.numbers import number_column
from kinerja.numbers import tidy
from kinerja.rules import RuleSet

__all__ = ["GAPS", "TRAINING_NEED", "competency_gaps", "given_codes", "training_needs"]

TRAINING_NEED = "training_need"
"""The stable code of a training need, the same in every language."""

GAPS: dict[str, pl.DataType | type[pl.DataType]] = {
    "nip": pl.String,
    "aspect": pl.String,
    "label": pl.String,
    "value": pl.Float64,
    "required": pl.Float64,
    "level": pl.String,
    "gap": pl.Float64,
}
"""One competency gap: the aspect (code and label), the employee's value, the level the
post requires (as a number and as the language writes it) and ``required - value``."""


def given_codes(rules: RuleSet) -> tuple[str, ...]:
    """The recommendation codes this plugin may give under ``rules`` (what a case file may
    expect beside the rules' own codes): :data:`TRAINING_NEED` where an aspect declares
    ``required_level``, none otherwise."""
    levels = [a.required_level for a in rules.aspects.values()]
    return (TRAINING_NEED,) if any(level is not None for level in levels) else ()


def competency_gaps(rules: RuleSet, results: pl.DataFrame) -> pl.DataFrame:
    """Every competency below the post's required level, one row per employee and aspect
    (columns :data:`GAPS`), in the order of ``results``, each employee's largest gap
    first and, on a tie, in the rules' aspect order."""
    parts = [
        results.select(
            "nip",
            pl.lit(code).alias("aspect"),
            pl.lit(aspect.label).alias("label"),
            pl.col(code).cast(pl.Float64).alias("value"),
            pl.lit(float(aspect.required_level), pl.Float64).alias("required"),
            pl.lit(number(aspect.required_level)).alias("level"),
            pl.int_range(pl.len()).alias("_row"),
            pl.lit(order).alias("_order"),
        )
        for order, (code, aspect) in enumerate(rules.aspects.items())
        if aspect.required_level is not None
    ]
    if not parts:
        return pl.DataFrame(schema=GAPS)
    below = pl.concat(parts).filter(pl.col("value") < pl.col("required"))
    gaps = below.with_columns(tidy(pl.col("required") - pl.col("value")).alias("gap"))
    ordered = gaps.sort(["_row", "gap", "_order"], descending=[False, True, False])
    return ordered.select(list(GAPS))


def training_needs(rules: RuleSet, results: pl.DataFrame) -> pl.DataFrame:
    """The :data:`TRAINING_NEED` recommendations of ``results`` (nip, code, text, reason),
    one per competency gap (:func:`competency_gaps`), in words of the language in use."""
    gaps = competency_gaps(rules, results)
    values = {
        "competency": pl.col("label"),
        "value": number_column(pl.col("value"), 2),
        "level": pl.col("level"),
    }
    text = _(
        "Training in {competency}: value {value} below the post's level {level} (short by {gap})"
    )
    reason = _("JPM: {competency} {value} < the post's level {level}")
    return gaps.select(
        "nip",
        pl.lit(TRAINING_NEED).alias("code"),
        filled(text, gap=number_column(pl.col("gap"), 2), **values).alias("text"),
        filled(reason, **values).alias("reason"),
    )


@hookimpl(trylast=True)
def kinerja_give_feedback(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> None:
    """Recommend training for every competency below the level the post requires."""
    appraisal.add("recommendations", training_needs(rules, appraisal.results))

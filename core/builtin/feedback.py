"""Default feedback: the rules' conditions, the gap to each target, the raters' notes.

Conditions are compiled to column expressions once per rule set; a condition that
cannot be evaluated for an employee is not applied, and the result carries an info
flag ``rule_skipped`` saying why.
"""

from __future__ import annotations

import re

import polars as pl

from kinerja import hookimpl
from kinerja.appraisal import Appraisal
from kinerja.expr.columnar import compile_column, truth
from kinerja.frames import Batch, either, filled
from kinerja.i18n import _
from kinerja.numbers import fixed, general, percent, shown
from kinerja.rules import Condition, RuleSet, Template

_FIELD = re.compile(r"\{([^{}]*)\}")


def _field(value: pl.Expr, spec: str, dtype: pl.DataType) -> pl.Expr:
    """One template field as text: ``-`` when missing, numbers by ``spec`` (``.1f``, ``.0%``)."""
    if dtype.is_numeric():
        if spec.endswith("f"):
            text = fixed(value, int(spec[1:-1]))
        elif spec.endswith("%"):
            text = percent(value, int(spec[1:-1]))
        else:
            text = shown(value)
    elif dtype == pl.Boolean:
        text = pl.when(value).then(pl.lit("True")).otherwise(pl.lit("False"))
    else:
        text = value.cast(pl.String)
    return text.fill_null("-")


def render(template: Template, schema: pl.Schema) -> pl.Expr:
    """The template's text for every row, its ``{name}`` fields filled from the columns."""
    fields = {written: (name, spec) for written, name, spec in template.fields}
    parts: list[pl.Expr] = []
    position = 0
    for match in _FIELD.finditer(template.text):
        if match.group(1) not in fields:
            continue
        parts.append(pl.lit(template.text[position : match.start()]))
        name, spec = fields[match.group(1)]
        parts.append(_field(pl.col(name), spec, schema[name]))
        position = match.end()
    parts.append(pl.lit(template.text[position:]))
    return pl.concat_str(parts)


def _applied(
    rules: RuleSet, condition: Condition, results: pl.DataFrame, skipped: str, **values: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows where ``condition`` holds (with ``text``), and the rule_skipped flags:
    their message is ``skipped`` filled from ``values``, its ``{why}`` saying why."""
    column = compile_column(condition.checked, rules.bands)
    prepared = column.prepare(results)
    evaluated = prepared.with_columns(column.value.alias("_value"), column.error.alias("_error"))
    dtype = evaluated.schema["_value"]
    holds = pl.col("_error").is_null() & truth(pl.col("_value"), dtype)
    hits = evaluated.filter(holds).select(
        "nip", render(condition.template, results.schema).alias("text")
    )
    skipped = evaluated.filter(pl.col("_error").is_not_null()).select(
        "nip",
        pl.lit("rule_skipped").alias("code"),
        filled(skipped, why=pl.col("_error"), **values).alias("message"),
        pl.lit("info").alias("severity"),
    )
    return hits, skipped


def gap_lines(indicators: pl.DataFrame) -> pl.DataFrame:
    """One line per indicator: target, realisation, gap and achievement."""
    target = (
        pl.when(pl.col("target_max").is_not_null())
        .then(pl.concat_str(general(pl.col("target")), pl.lit("-"), general(pl.col("target_max"))))
        .otherwise(general(pl.col("target")))
    )
    values = {
        "indicator": pl.col("label"),
        "target": target,
        "realised": general(pl.col("realised")),
        "gap": general(pl.col("gap"), plus=True),
        "achievement": fixed(pl.col("achievement"), 1),
    }
    higher = _(
        "{indicator}: target {target}, realised {realised}, gap {gap}; achievement {achievement}%"
    )
    lower = _(
        "{indicator}: target {target}, realised {realised}, gap {gap} (lower is better); "
        "achievement {achievement}%"
    )
    text = either(pl.col("kind") == "inverse", lower, higher, **values)
    return indicators.select("nip", text.alias("text"))


def note_lines(rules: RuleSet, appraisal: Appraisal) -> pl.DataFrame:
    """The raters' notes, ``Aspect label: group rater: note``, in the rules' aspect order."""
    labels = pl.DataFrame(
        {
            "aspect": list(rules.aspects),
            "_label": [a.label for a in rules.aspects.values()],
            "_order": list(range(len(rules.aspects))),
        },
        schema={"aspect": pl.String, "_label": pl.String, "_order": pl.Int64},
    )
    notes = appraisal.detail("notes").with_columns(pl.int_range(pl.len()).alias("_seq"))
    notes = notes.join(labels, on="aspect", how="inner").sort(["_order", "_seq"])
    return notes.select("nip", pl.concat_str("_label", pl.lit(": "), "text").alias("text"))


@hookimpl(trylast=True)
def kinerja_give_feedback(rules: RuleSet, appraisal: Appraisal, batch: Batch) -> None:
    """Apply the rules' feedback and recommendations; add target gaps and rater notes."""
    results = appraisal.results
    for i, condition in enumerate(rules.feedback):
        words = _("feedback rule {number} not applied: {why}")
        hits, skipped = _applied(rules, condition, results, words, number=str(i + 1))
        appraisal.add("feedback", hits)
        appraisal.add("flags", skipped)
    if rules.gap_feedback:
        appraisal.add("feedback", gap_lines(appraisal.detail("indicators")))
    appraisal.add("feedback", note_lines(rules, appraisal))
    for condition in rules.recommendations:
        words = _("recommendation {code} not applied: {why}")
        hits, skipped = _applied(rules, condition, results, words, code=condition.code)
        given = hits.join(reasons(condition, results), on="nip", how="left", maintain_order="left")
        appraisal.add("recommendations", given.with_columns(pl.lit(condition.code).alias("code")))
        appraisal.add("flags", skipped)


def reasons(condition: Condition, results: pl.DataFrame) -> pl.DataFrame:
    """Why ``condition`` gave its recommendation, per employee: the rule as written and
    the values it read (``predikat == 'Sangat Baik', with predikat = Sangat Baik``)."""
    read = [name for name in condition.checked.names if name in results.columns]
    values = [
        pl.concat_str(pl.lit(f"{name} = "), _field(pl.col(name), "", results.schema[name]))
        for name in read
    ]
    rule = pl.lit(condition.checked.source)
    if not values:
        return results.select("nip", _reason(rule, None).alias("reason"))
    return results.select(
        "nip", _reason(rule, pl.concat_str(values, separator=", ")).alias("reason")
    )


def _reason(rule: pl.Expr, values: pl.Expr | None) -> pl.Expr:
    if values is None:
        return filled(_("the rule `{rule}` holds"), rule=rule)
    return filled(_("the rule `{rule}` holds, with {values}"), rule=rule, values=values)

"""The predikat distribution guideline of PermenPANRB 6/2022, checked unit by unit.

A unit's own predikat (Istimewa, Baik, Butuh Perbaikan, Kurang, Sangat Kurang) sets a
guideline for its staff's predikat mix, e.g. a unit rated Baik: at most 70% Baik and at
least one Butuh Perbaikan or Kurang/Misconduct. It is guidance for the leader, not a
quota: kinerja warns, with the numbers, and a leader's reasoned sign-off
(``catatan_pimpinan``) marks the warning as acknowledged.

The table is data, not code: ``core/rules/baselines/distribution-permenpanrb-6-2022.yaml``
(schema ``schemas/distribution.schema.json``), loaded by
:mod:`kinerja.builtin.guideline_table` (re-exported here). A unit predikat whose list
of rules is empty is one the sources do not give a guideline for: its units are listed
as not checked.

Where the unit's predikat comes from: two optional columns of the ``pegawai`` sheet,
``predikat_unit`` (the unit's own predikat, the same on every row of the unit; other
headers read as it: ``predikat unit kerja``, ``predikat organisasi``, ``predikat kinerja
organisasi``) and ``catatan_pimpinan`` (the leader's sign-off, on any row of the unit).
The input reader keeps every column of pegawai as text, so :func:`units_from` reads
them from the pegawai frame of :func:`kinerja.input.read.read_tables` without any
change to the reader; a unit whose rows give two different predikat is reported.

Machine output (column names, codes) is English and stable:

Breaches (:func:`unit_breaches`), one row per (unit, rule) breached, by unit then rule:
``unit_kerja``, ``predikat_unit`` (the table's label), ``rule`` (``at_most``,
``at_least``, ``at_least_one``, ``none``), ``labels`` (list of the staff predikat the
rule counts), ``limit_share`` (the rule's share, 0-1, for ``at_most``/``at_least``; else
null), ``limit_count`` (what the rule allows or needs for this unit: ``at_most`` the
most staff, ``at_least`` the fewest, ``at_least_one`` 1, ``none`` 0), ``count`` (staff
with one of the labels), ``share`` (count / staff), ``staff`` (staff with a predikat),
``acknowledged`` (a non-empty ``catatan_pimpinan``), ``catatan_pimpinan``, ``message``.

Units not checked (:func:`unchecked_units`): ``unit_kerja``, ``predikat_unit`` (as
given; several joined with ``, ``), ``staff``, ``reason`` (a code of :data:`REASONS`),
``message``.

``message`` columns and summary lines are in the language in use (:mod:`kinerja.i18n`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor

import polars as pl

from kinerja.builtin.guideline_table import (
    GUIDELINE_FILE,
    RULE_CODES,
    Guideline,
    Rule,
    key,
    keys,
    load_guideline,
    shipped_guideline,
    shipped_path,
)
from kinerja.i18n import N_, _, count, ngettext, number
from kinerja.i18n.columns import filled
from kinerja.input.distinct import by_distinct
from kinerja.input.synonyms import loose
from kinerja.input.texts import Cell, strip, text_value

__all__ = [
    "BREACHES",
    "CATATAN_PIMPINAN",
    "GUIDELINE_FILE",
    "PREDIKAT_UNIT",
    "REASONS",
    "RULE_CODES",
    "UNCHECKED",
    "Guideline",
    "GuidelineCheck",
    "Rule",
    "applies",
    "breach_summary",
    "check",
    "given_predikat",
    "load_guideline",
    "not_applicable_reason",
    "shipped_guideline",
    "shipped_path",
    "unchecked_units",
    "unit_breaches",
    "units_from",
]

_SHARE_RULES = ("at_most", "at_least")
PREDIKAT_UNIT = "predikat_unit"
CATATAN_PIMPINAN = "catatan_pimpinan"
VALUES = "predikat_unit_values"
"""The distinct predikat a unit's rows give (:func:`units_from`); two or more: a conflict."""
_HEADERS = {
    PREDIKAT_UNIT: ("predikat unit kerja", "predikat organisasi", "predikat kinerja organisasi"),
    CATATAN_PIMPINAN: ("catatan pimpinan unit",),
}
"""The pegawai headers read as the two columns (compared loosely, as the reader does)."""

BREACHES: dict[str, pl.DataType | type[pl.DataType]] = {
    "unit_kerja": pl.String,
    "predikat_unit": pl.String,
    "rule": pl.String,
    "labels": pl.List(pl.String),
    "limit_share": pl.Float64,
    "limit_count": pl.Int64,
    "count": pl.Int64,
    "share": pl.Float64,
    "staff": pl.Int64,
    "acknowledged": pl.Boolean,
    "catatan_pimpinan": pl.String,
    "message": pl.String,
}
UNCHECKED: dict[str, pl.DataType | type[pl.DataType]] = {
    "unit_kerja": pl.String,
    "predikat_unit": pl.String,
    "staff": pl.Int64,
    "reason": pl.String,
    "message": pl.String,
}

_RULE_WORDS = {
    "at_most": N_(
        "{unit} (unit rated {unit_predikat}): {count} of {staff} staff ({share}) are "
        "{labels}, the guideline says at most {limit}"
    ),
    "at_least": N_(
        "{unit} (unit rated {unit_predikat}): {count} of {staff} staff ({share}) are "
        "{labels}, the guideline says at least {limit}"
    ),
    "at_least_one": N_(
        "{unit} (unit rated {unit_predikat}): none of {staff} staff is {labels}, the "
        "guideline says at least one should be"
    ),
    "none": N_(
        "{unit} (unit rated {unit_predikat}): {count} of {staff} staff ({share}) are "
        "{labels}, the guideline says none should be"
    ),
}
REASONS = {
    "not_applicable": N_("{unit}: not checked: {reason}"),
    "no_unit": N_(
        "employees without a unit_kerja: not checked against the distribution guideline; "
        "fill in unit_kerja in pegawai"
    ),
    "no_staff": N_("{unit}: not checked: no appraised staff"),
    "conflicting_predikat_unit": N_(
        "{unit}: not checked: its rows give different predikat_unit values ({values}); "
        "give the unit one value in pegawai"
    ),
    "no_predikat_unit": N_(
        "{unit}: not checked: the unit's own predikat is not given; add the column "
        "predikat_unit to pegawai with it ({labels})"
    ),
    "unknown_predikat_unit": N_(
        "{unit}: not checked: predikat_unit {value} is not a unit predikat of the "
        "guideline ({labels}); correct it in pegawai"
    ),
    "no_rules": N_(
        "{unit}: not checked: the guideline table gives no rules yet for units rated "
        "{unit_predikat}; complete {file}"
    ),
}
"""Why a unit was not checked: code -> message (placeholders filled per unit)."""
_REASON_COUNTS = {
    "not_applicable": N_("{n} whose predikat are another regime's"),
    "no_unit": N_("{n} without unit_kerja"),
    "no_staff": N_("{n} without appraised staff"),
    "conflicting_predikat_unit": N_("{n} with conflicting predikat_unit values"),
    "no_predikat_unit": N_("{n} without predikat_unit"),
    "unknown_predikat_unit": N_("{n} with an unknown predikat_unit"),
    "no_rules": N_("{n} rated a predikat the table has no rules for yet"),
}


# --------------------------------------------------------------------- the table


def not_applicable_reason(
    labels: Iterable[str | None], guideline: Guideline | None = None
) -> str | None:
    """Why the guideline does not apply to results with these predikat ``labels`` (the
    rules' vocabulary, or the distinct predikat of the results), or None when it does.

    It applies when every label is one the guideline speaks of (or a spelling of one):
    PP 46/2011's Cukup and Buruk, or PP 30/2019's Cukup, are another regime's.
    """
    guideline = guideline or shipped_guideline()
    given = [str(label) for label in labels if label is not None and str(label).strip()]
    if not given:
        return _("the results have no predikat to check")
    known = guideline.staff_keys()
    unknown = [g for g, k in zip(given, keys(given), strict=True) if k not in known]
    if not unknown:
        return None
    return _(
        "the distribution guideline of {regulation} speaks of the predikat {known}; "
        "these results use {unknown}, another regime's vocabulary, so it does not apply",
        regulation=guideline.regulation,
        known=", ".join(guideline.staff_predikat),
        unknown=", ".join(dict.fromkeys(unknown)),
    )


def applies(labels: Iterable[str | None], guideline: Guideline | None = None) -> bool:
    """Whether the guideline applies to results with these predikat (see
    :func:`not_applicable_reason`)."""
    return not_applicable_reason(labels, guideline) is None


# --------------------------------------------------------------------- the units


def _column(columns: Sequence[str], name: str) -> str | None:
    """The first of ``columns`` that reads as ``name`` or one of its headers, loosely."""
    wanted = {loose(name), *map(loose, _HEADERS[name])}
    return next((c for c in columns if loose(c) in wanted), None)


def _text(frame: pl.DataFrame, name: str | None) -> pl.Expr:
    """A column as validation reads text (trimmed; a typed cell as its text); null when
    blank or absent."""
    if name is None:
        return pl.lit(None, pl.String)
    value = text_value(Cell.of(frame.columns, name))
    return pl.when(value != "").then(value)


def units_from(pegawai: pl.DataFrame) -> pl.DataFrame:
    """The units of a pegawai frame (raw, as read, or validated) with their own predikat.

    One row per ``unit_kerja`` (first-seen order): ``predikat_unit`` (the one predikat
    its rows give; null when none or several), ``predikat_unit_values`` (every distinct
    predikat given, case and spaces aside, as first written) and ``catatan_pimpinan``
    (the distinct notes of its rows, joined with ``; ``; null when none).
    """
    found = {
        "unit_kerja": "unit_kerja" if "unit_kerja" in pegawai.columns else None,
        "value": _column(pegawai.columns, PREDIKAT_UNIT),
        "note": _column(pegawai.columns, CATATAN_PIMPINAN),
    }
    named = [c for c in found.values() if c is not None]
    as_text = pegawai.with_columns(pl.col(named).cast(pl.String))  # an all-empty column is Null
    frame = as_text.select(_text(as_text, c).alias(name) for name, c in found.items())
    frame = frame.with_columns(pl.col("unit_kerja").fill_null(""))
    return _per_unit(frame).rename({"value": PREDIKAT_UNIT, "note": CATATAN_PIMPINAN})


def given_predikat(units: pl.DataFrame) -> bool:
    """Whether some unit of :func:`units_from`'s frame gives its own predikat (one, or
    several that conflict: a conflict is reported, not skipped)."""
    values = units.get_column("predikat_unit_values")
    return bool(values.list.len().fill_null(0).sum())


def _per_unit(frame: pl.DataFrame) -> pl.DataFrame:
    """``unit_kerja, value, note`` rows (one per employee) -> one row per unit."""
    given = frame.filter(pl.col("value").is_not_null()).with_columns(k=key(pl.col("value")))
    values = (
        given.unique(["unit_kerja", "k"], keep="first", maintain_order=True)
        .group_by("unit_kerja", maintain_order=True)
        .agg(pl.col("value").alias(VALUES))
    )
    notes = (
        frame.filter(pl.col("note").is_not_null())
        .unique(["unit_kerja", "note"], keep="first", maintain_order=True)
        .group_by("unit_kerja", maintain_order=True)
        .agg(pl.col("note").str.join("; "))
    )
    units = frame.select("unit_kerja").unique(maintain_order=True)
    units = units.join(values, on="unit_kerja", how="left", maintain_order="left")
    units = units.join(notes, on="unit_kerja", how="left", maintain_order="left")
    one = pl.col(VALUES).list.len() == 1
    return units.select(
        "unit_kerja",
        pl.when(one).then(pl.col(VALUES).list.first()).alias("value"),
        pl.col(VALUES).fill_null(pl.lit([], pl.List(pl.String))),
        "note",
    )


def _unit_rows(units: pl.DataFrame) -> pl.DataFrame:
    """``units`` (one row per unit, or per employee) as ``unit_kerja, value, note`` rows."""

    def text(name: str) -> pl.Expr:
        return pl.col(name).cast(pl.String) if name in units.columns else pl.lit(None, pl.String)

    listed = VALUES in units.columns
    value = pl.col(VALUES).cast(pl.List(pl.String)) if listed else text(PREDIKAT_UNIT)
    rows = units.select(
        text("unit_kerja"), value.alias("value"), text(CATATAN_PIMPINAN).alias("note")
    )
    if listed:
        rows = rows.explode("value")
    blank_null = {
        c: pl.when(strip(pl.col(c)) != "").then(strip(pl.col(c))) for c in ("value", "note")
    }
    return rows.with_columns(strip(pl.col("unit_kerja")).fill_null(""), **blank_null)


def _count_column(label: str) -> str:
    return f"@n:{label}"


def _staff(results: pl.DataFrame, guideline: Guideline) -> pl.DataFrame:
    """Per unit of ``results``: staff with a predikat, and how many have each label."""
    predikat = pl.col("predikat").cast(pl.String)
    given = pl.when(strip(predikat) != "").then(predikat)
    label = key(given).replace_strict(guideline.staff_keys(), default=None, return_dtype=pl.String)
    rows = results.select(
        strip(pl.col("unit_kerja").cast(pl.String)).fill_null("").alias("unit_kerja"),
        given.alias("predikat"),
        label.alias("label"),
    )
    return rows.group_by("unit_kerja").agg(
        pl.col("predikat").count().cast(pl.Int64).alias("staff"),
        *[
            (pl.col("label") == name).sum().cast(pl.Int64).alias(_count_column(name))
            for name in guideline.staff_predikat
        ],
    )


def _unit_table(results: pl.DataFrame, units: pl.DataFrame, guideline: Guideline) -> pl.DataFrame:
    """One row per unit of ``results`` or ``units``, sorted: staff and label counts, the
    predikat given, the table's label for it, the note, and why it is not checked (null:
    checked)."""
    staff = _staff(results, guideline)
    info = _per_unit(_unit_rows(units))
    table = staff.join(info, on="unit_kerja", how="full", coalesce=True).sort("unit_kerja")
    counts = [c for c in staff.columns if c != "unit_kerja"]
    table = table.with_columns(pl.col(counts).fill_null(0))
    table = table.with_columns(pl.col(VALUES).fill_null(pl.lit([], pl.List(pl.String))))
    n_values = pl.col(VALUES).list.len()
    canonical = key(pl.col("value")).replace_strict(
        guideline.unit_keys(), default=None, return_dtype=pl.String
    )
    with_rules = [unit for unit, rules in guideline.units.items() if rules]
    reason = (
        pl.when(pl.col("unit_kerja") == "")
        .then(pl.lit("no_unit"))
        .when(pl.col("staff") == 0)
        .then(pl.lit("no_staff"))
        .when(n_values > 1)
        .then(pl.lit("conflicting_predikat_unit"))
        .when(n_values == 0)
        .then(pl.lit("no_predikat_unit"))
        .when(pl.col(PREDIKAT_UNIT).is_null())
        .then(pl.lit("unknown_predikat_unit"))
        .when(~pl.col(PREDIKAT_UNIT).is_in(with_rules))
        .then(pl.lit("no_rules"))
    )
    table = table.with_columns(canonical.alias(PREDIKAT_UNIT))
    return table.with_columns(reason.alias("reason"))


# --------------------------------------------------------------------- breaches


def _bounds(rule: Rule) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(breached, limit_count, limit_share) of ``rule`` over ``count`` and ``staff``.

    Shares compare exactly: ``count * 100 > percent * staff`` (no share is rounded).
    """
    n, staff = pl.col("count").cast(pl.Float64), pl.col("staff").cast(pl.Float64)
    no_share = pl.lit(None, pl.Float64)
    if rule.code in _SHARE_RULES:
        bound = pl.lit(rule.percent, pl.Float64) * staff
        share = pl.lit(rule.percent / 100, pl.Float64)  # type: ignore[operator]
        if rule.code == "at_most":
            return n * 100 > bound, (bound / 100).floor().cast(pl.Int64), share
        return n * 100 < bound, (bound / 100).ceil().cast(pl.Int64), share
    if rule.code == "at_least_one":
        return n < 1, pl.lit(1, pl.Int64), no_share
    return n > 0, pl.lit(0, pl.Int64), no_share


def _rule_breaches(table: pl.DataFrame, unit: str, rule: Rule, order: int) -> pl.DataFrame:
    """The units rated ``unit`` (and checked) that breach ``rule``."""
    rows = table.filter((pl.col(PREDIKAT_UNIT) == unit) & pl.col("reason").is_null())
    counted = pl.sum_horizontal([pl.col(_count_column(label)) for label in rule.labels])
    rows = rows.with_columns(counted.cast(pl.Int64).alias("count"))
    breached, limit_count, limit_share = _bounds(rule)
    return rows.filter(breached).select(
        "unit_kerja",
        PREDIKAT_UNIT,
        pl.lit(rule.code).alias("rule"),
        pl.lit(pl.Series([list(rule.labels)], dtype=pl.List(pl.String))).first().alias("labels"),
        limit_share.alias("limit_share"),
        limit_count.alias("limit_count"),
        "count",
        (pl.col("count") / pl.col("staff")).alias("share"),
        "staff",
        pl.col("note").is_not_null().alias("acknowledged"),
        pl.col("note").alias(CATATAN_PIMPINAN),
        pl.lit(order).alias("@order"),
        pl.lit(_labels_text(rule.labels)).alias("@labels"),
        pl.lit(_percent_text(Fraction(repr(rule.percent or 0)))).alias("@limit"),
    )


def _labels_text(labels: Sequence[str]) -> str:
    """``Baik`` / ``Butuh Perbaikan or Kurang/Misconduct``, in the language in use."""
    if len(labels) == 1:
        return labels[0]
    return _("{labels} or {last}", labels=", ".join(labels[:-1]), last=labels[-1])


def _percent_text(percent: Fraction) -> str:
    """A percentage as people read it: ``80%``, ``66.7%`` (``66,7%`` in Indonesian)."""
    if percent.denominator == 1:
        return f"{count(int(percent))}%"
    tenths = floor(percent * 10 + Fraction(1, 2))  # half up, exactly
    return f"{number(tenths / 10, 1)}%"


def _share_text() -> pl.Expr:
    """``count`` of ``staff`` as a percentage (exact: from the two whole numbers)."""
    return by_distinct(
        lambda n, staff: _percent_text(Fraction(100 * n, staff)),
        [pl.col("count"), pl.col("staff")],
        pl.String(),
    )


def _whole_text(column: str) -> pl.Expr:
    return by_distinct(lambda n: count(n), [pl.col(column)], pl.String())


def _breach_messages(breaches: pl.DataFrame) -> pl.Expr:
    """The ``message`` of each breach, in the language in use."""
    values = {
        "unit": pl.col("unit_kerja"),
        "unit_predikat": pl.col(PREDIKAT_UNIT),
        "count": _whole_text("count"),
        "staff": _whole_text("staff"),
        "share": _share_text(),
        "labels": pl.col("@labels"),
        "limit": pl.col("@limit"),
    }
    message = pl.lit(None, pl.String)
    for code in RULE_CODES:
        if code in breaches["rule"]:
            template = _(_RULE_WORDS[code])
            used = {k: v for k, v in values.items() if "{" + k + "}" in template}
            message = (
                pl.when(pl.col("rule") == code).then(filled(template, **used)).otherwise(message)
            )
    return message


def _breaches(table: pl.DataFrame, guideline: Guideline) -> pl.DataFrame:
    frames = [
        _rule_breaches(table, unit, rule, order)
        for unit, rules in guideline.units.items()
        for order, rule in enumerate(rules)
    ]
    found = pl.concat(frames) if frames else pl.DataFrame()
    if found.is_empty():
        return pl.DataFrame(schema=BREACHES)
    found = found.sort("unit_kerja", "@order")
    return found.with_columns(_breach_messages(found).alias("message")).select(
        [pl.col(name).cast(dtype) for name, dtype in BREACHES.items()]
    )


# --------------------------------------------------------------------- units not checked


def _unchecked(
    table: pl.DataFrame, guideline: Guideline, not_applicable: str | None
) -> pl.DataFrame:
    """The units not checked, each with its reason code and message."""
    if not_applicable is not None:
        table = table.with_columns(pl.lit("not_applicable").alias("reason"))
    rows = table.filter(pl.col("reason").is_not_null())
    given = pl.col(VALUES).list.join(", ")
    values = {
        "unit": pl.col("unit_kerja"),
        "reason": pl.lit(not_applicable or ""),
        "values": given,
        "value": pl.concat_str(pl.lit("'"), given, pl.lit("'")),
        "labels": pl.lit(", ".join(guideline.units)),
        "unit_predikat": pl.col(PREDIKAT_UNIT),
        "file": pl.lit(guideline.name),
    }
    message = pl.lit(None, pl.String)
    for code, words in REASONS.items():
        template = _(words)
        used = {k: v for k, v in values.items() if "{" + k + "}" in template}
        message = (
            pl.when(pl.col("reason") == code).then(filled(template, **used)).otherwise(message)
        )
    return rows.select(
        "unit_kerja",
        pl.when(given != "").then(given).alias(PREDIKAT_UNIT),
        pl.col("staff"),
        "reason",
        message.alias("message"),
    ).cast(UNCHECKED)  # type: ignore[arg-type]


# --------------------------------------------------------------------- the check


@dataclass(frozen=True, slots=True)
class GuidelineCheck:
    """The guideline checked on one run's results."""

    breaches: pl.DataFrame
    """See :data:`BREACHES` (the module doc)."""
    unchecked: pl.DataFrame
    """See :data:`UNCHECKED` (the module doc)."""
    checked: int
    """How many units were checked (breaching or not)."""
    not_applicable: str | None
    """Why the guideline does not apply to these results at all (None: it does)."""

    def summary(self, see: str | None = None) -> list[str]:
        """The lines ``kinerja run`` prints (:func:`breach_summary`)."""
        return breach_summary(
            self.breaches,
            self.unchecked,
            checked=self.checked,
            see=see,
            not_applicable=self.not_applicable,
        )


def merged(checks: Sequence[GuidelineCheck]) -> GuidelineCheck | None:
    """The checks of a run's chunks as one (a chunk holds whole units, so no unit is in
    two of them); None when there are none."""
    if not checks:
        return None
    reason = next((c.not_applicable for c in checks if c.not_applicable), None)
    breaches = pl.concat([c.breaches for c in checks], how="diagonal_relaxed")
    unchecked = pl.concat([c.unchecked for c in checks], how="diagonal_relaxed")
    return GuidelineCheck(
        breaches.sort("unit_kerja", maintain_order=True),  # the same whatever the chunks
        unchecked.sort("unit_kerja", maintain_order=True),
        sum(c.checked for c in checks),
        reason,
    )


def check(
    results: pl.DataFrame,
    units: pl.DataFrame,
    guideline: Guideline | None = None,
    labels: Iterable[str] | None = None,
) -> GuidelineCheck:
    """Check each unit's staff predikat mix against the guideline for its own predikat.

    :param results: ``nip``, ``unit_kerja``, ``predikat`` (null: no predikat; not counted).
    :param units: ``unit_kerja`` with ``predikat_unit`` and ``catatan_pimpinan`` (either
        may be missing), one row per unit or per employee; or :func:`units_from`'s frame.
    :param guideline: the table (default: the shipped PermenPANRB 6/2022 one).
    :param labels: the rules' predikat vocabulary; default: the predikat in ``results``.
    """
    guideline = guideline or shipped_guideline()
    if labels is None:
        labels = results.get_column("predikat").cast(pl.String).unique().to_list()
    reason = not_applicable_reason(labels, guideline)
    table = _unit_table(results, units, guideline)
    breaches = pl.DataFrame(schema=BREACHES) if reason else _breaches(table, guideline)
    checked = 0 if reason else table.filter(pl.col("reason").is_null()).height
    return GuidelineCheck(breaches, _unchecked(table, guideline, reason), checked, reason)


def unit_breaches(
    results: pl.DataFrame,
    units: pl.DataFrame,
    guideline: Guideline | None = None,
    labels: Iterable[str] | None = None,
) -> pl.DataFrame:
    """One row per (unit, rule) breached (columns: the module doc); none when the
    guideline does not apply to the results' vocabulary. Arguments as :func:`check`."""
    return check(results, units, guideline, labels).breaches


def unchecked_units(
    results: pl.DataFrame,
    units: pl.DataFrame,
    guideline: Guideline | None = None,
    labels: Iterable[str] | None = None,
) -> pl.DataFrame:
    """The units not checked, each with why (columns: the module doc). Arguments as
    :func:`check`."""
    return check(results, units, guideline, labels).unchecked


def breach_summary(
    breaches: pl.DataFrame,
    unchecked: pl.DataFrame | None = None,
    *,
    checked: int | None = None,
    see: str | None = None,
    not_applicable: str | None = None,
) -> list[str]:
    """The few lines ``kinerja run`` prints about the guideline, in the language in use:
    the units breaching it (and how many the leader acknowledged), or that none does,
    and the units not checked, counted by reason.

    :param checked: how many units were checked (to say so when none breaches).
    :param see: where the breaches are listed (a file or sheet), named in the first line.
    :param not_applicable: why the guideline does not apply (then that is the one line).
    """
    if not_applicable is not None:
        return [_("Distribution guideline not checked: {reason}", reason=not_applicable)]
    lines = []
    units = breaches.select("unit_kerja", "acknowledged").unique()
    breaching = breaches["unit_kerja"].n_unique()
    acknowledged = units.filter(pl.col("acknowledged"))["unit_kerja"].n_unique()
    if breaching:
        lines.append(_breaching_line(breaching, acknowledged, see))
    elif checked is None:
        lines.append(_("No unit breaches the distribution guideline"))
    elif checked:
        lines.append(
            ngettext(
                "No unit breaches the distribution guideline ({n} unit checked)",
                "No unit breaches the distribution guideline ({n} units checked)",
                checked,
            )
        )
    if unchecked is not None and unchecked.height:
        lines.append(_unchecked_line(unchecked, nothing_checked=not breaching and checked == 0))
    return lines


def _breaching_line(breaching: int, acknowledged: int, see: str | None) -> str:
    if see is None:
        return ngettext(
            "{n} unit breaches the distribution guideline ({acknowledged} acknowledged by "
            "the leader)",
            "{n} units breach the distribution guideline ({acknowledged} acknowledged by "
            "the leader)",
            breaching,
            acknowledged=count(acknowledged),
        )
    return ngettext(
        "{n} unit breaches the distribution guideline ({acknowledged} acknowledged by "
        "the leader); see {where}",
        "{n} units breach the distribution guideline ({acknowledged} acknowledged by "
        "the leader); see {where}",
        breaching,
        acknowledged=count(acknowledged),
        where=see,
    )


def _unchecked_line(unchecked: pl.DataFrame, nothing_checked: bool) -> str:
    """The units not checked, counted by reason (the table's order of reasons)."""
    by_reason = dict(unchecked.group_by("reason").len().iter_rows())
    if nothing_checked and set(by_reason) <= {"no_predikat_unit", "no_staff", "no_unit"}:
        if "no_predikat_unit" in by_reason:
            return _(
                "Distribution guideline not checked: no unit has a predikat_unit; add the "
                "column predikat_unit to pegawai with each unit's own predikat"
            )
    reasons = ", ".join(
        _(_REASON_COUNTS[code], n=count(by_reason[code])) for code in REASONS if code in by_reason
    )
    return ngettext(
        "{n} unit not checked against the distribution guideline: {reasons}",
        "{n} units not checked against the distribution guideline: {reasons}",
        unchecked.height,
        reasons=reasons,
    )

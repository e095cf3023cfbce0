"""A comparison as titled tables, the same for every format a person reads.

Text, Markdown, the workbook and the HTML page all show the same :class:`Section`
list (:func:`sections`), each rendering it its own way; numbers stay numbers here
(the workbook keeps them as numbers), and :func:`cell_text` writes them as the
language in use writes them. The JSON report is the machine form instead
(:mod:`kinerja.compare.report_json`).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from kinerja.compare.comparison import Comparison, Impact
from kinerja.compare.impact import BREAKDOWNS, ItemImpact, PairImpact
from kinerja.compare.items import Item
from kinerja.compare.policy import same_value
from kinerja.compare.policy_words import title
from kinerja.i18n import N_, _, count, number

__all__ = ["Cell", "Section", "cell_text", "explain_command", "sections"]

Cell = str | int | float | None
"""A table cell: text, a count, a number (a share is a float of 0..1 in a share column)."""

REASONS = 10
"""Reasons for not computing employees shown per item (the JSON report has them all)."""
BREAKDOWN_ROWS = 10
"""Values of a breakdown shown (the most changed first)."""
_DIMENSIONS = {
    "unit_kerja": N_("By work unit"),
    "jabatan": N_("By position"),
    "golongan": N_("By grade"),
}


@dataclass(frozen=True, slots=True)
class Section:
    """One table of a report."""

    code: str
    """A stable name (``distribution``, ``transitions:a:b``): workbook sheets, HTML ids."""
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    """What a reader needs to read the table right (denominators, what is left out)."""
    shares: frozenset[int] = field(default=frozenset())
    """Columns that hold shares (shown as percentages)."""
    chart: tuple[tuple[str, int], ...] | None = None
    """For the HTML page: bars to draw (label, count), if the section has a chart."""


def cell_text(value: Cell, share: bool = False) -> str:
    """A cell as the language in use writes it: ``1.210``, ``64,5``, ``23,5%``."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return count(value)
    if isinstance(value, float):
        return number(value * 100, 1) + "%" if share else number(round(value, 2), 2)
    return value


def sections(
    comparison: Comparison, *, every_policy_row: bool = True, whole: bool = False
) -> list[Section]:
    """The report's tables, in reading order.

    :param every_policy_row: show every policy value (False: only the values that
        differ between the items, as the terminal shows them).
    :param whole: every row of a breakdown (False: the :data:`BREAKDOWN_ROWS` most
        changed, as text, Markdown and HTML show them).
    """
    found = [_items(comparison.items), _policy(comparison, every_policy_row)]
    if comparison.impact is not None:
        rows = None if whole else BREAKDOWN_ROWS
        found += _impact_sections(comparison.impact, comparison.items, rows)
    return found


def _items(items: Sequence[Item]) -> Section:
    rows = tuple(
        (
            item.label,
            item.rules.region,
            item.rules.version,
            _("{start} to {end}", start=item.rules.valid_from, end=item.rules.valid_to or "…"),
            item.rules.sha256[:12],
            item.rules.path,
        )
        for item in items
    )
    headers = (_("Item"), _("Region"), _("Version"), _("In force"), "sha256", _("Rule file"))
    return Section("items", _("What is compared"), headers, rows)


def _policy(comparison: Comparison, every_row: bool) -> Section:
    labels = tuple(item.label for item in comparison.items)
    rows, same, departs = [], 0, False
    for side in comparison.side:
        values = [c.value if c is not None else None for c in side.cells]
        differs = not all(same_value(values[0], v) for v in values[1:])
        if not differs and not every_row:
            same += 1
            continue
        cells = tuple(_policy_cell(c) for c in side.cells)
        rows.append((title(side.section), side.subject, *cells))
        departs = departs or any(getattr(c, "departs", False) for c in side.cells)
    notes = [_("* departs from the item's national baseline.")] if departs else []
    if same:
        more = _(
            "{n} more values are the same in every item (kinerja compare --all shows them, "
            "as do the Markdown, HTML and JSON reports).",
            n=count(same),
        )
        notes.append(more)
    note = " ".join(notes)
    headers = (_("Section"), _("Value"), *labels)
    return Section("policy", _("Policies side by side"), headers, tuple(rows), note)


def _policy_cell(row: object) -> str:
    if row is None:
        return _("(not set)")
    marker = " *" if getattr(row, "departs", False) else ""
    return f"{row.words}{marker} [{row.where}]"  # type: ignore[attr-defined]


def _impact_sections(
    impact: Impact, items: Sequence[Item], breakdown_rows: int | None
) -> list[Section]:
    found = [_distribution(impact), _statuses(impact), _not_computed(impact)]
    if any(f.guideline is not None for f in impact.items):
        found.append(_guideline(impact))
    found += [_pairs(impact)]
    commands = {item.label: item for item in items}
    for pair in impact.pairs:
        found.append(_transitions(pair, impact))
        found.append(_movers(pair, commands, impact))
        found += [_breakdown(pair, column, breakdown_rows) for column in BREAKDOWNS]
    return found


def _labels(figures: Sequence[ItemImpact]) -> list[str]:
    """Every predikat of the items, in the order the items give them."""
    seen: dict[str, None] = {}
    for item in figures:
        for label in item.distribution.get_column("predikat").to_list():
            seen.setdefault(label, None)
    return list(seen)


def _distribution(impact: Impact) -> Section:
    figures = impact.items
    counts = [dict(f.distribution.select("predikat", "employees").iter_rows()) for f in figures]
    shares = [dict(f.distribution.select("predikat", "share").iter_rows()) for f in figures]
    rows: list[tuple[Cell, ...]] = []
    for label in _labels(figures):
        cells: list[Cell] = []
        for c, s in zip(counts, shares, strict=True):
            cells.append(_count_share(c.get(label), s.get(label)) if label in c else None)
        rows.append((label, *cells))
    rows.append((_("Computed"), *(_of(f.computed, f.employees) for f in figures)))
    rows.append((_("Not computed"), *(_of(f.employees - f.computed, f.employees) for f in figures)))
    rows.append((_("Mean score"), *(f.mean for f in figures)))
    rows.append((_("Median score"), *(f.median for f in figures)))
    note = _(
        "Shares are of the employees each item computed; of {n} employees in the workforce.",
        n=count(impact.employees),
    )
    return Section(
        "distribution",
        _("Predikat under each item"),
        (_("Predikat"), *(f.label for f in figures)),
        tuple(rows),
        note,
        chart=None,
    )


def _count_share(n: int | None, share: float | None) -> str:
    if n is None:
        return "–"
    if share is None:
        return count(n)
    return _("{n} ({share})", n=count(n), share=cell_text(share, share=True))


def _of(part: int, whole: int) -> str:
    return _("{part} of {whole}", part=count(part), whole=count(whole))


def _statuses(impact: Impact) -> Section:
    found = [dict(f.statuses.iter_rows()) for f in impact.items]
    codes = sorted({code for f in found for code in f if code is not None})
    rows = tuple((code, *(f.get(code, 0) for f in found)) for code in codes)
    headers = (_("Status"), *(f.label for f in impact.items))
    return Section("statuses", _("Statuses"), headers, rows)


def _not_computed(impact: Impact) -> Section:
    rows: list[tuple[Cell, ...]] = []
    for f in impact.items:
        for what in f.missing:
            rows.append((f.label, _("the workforce lacks {what}", what=what), None))
        reasons = f.not_computed.select("reason", "employees")
        for reason, n in reasons.head(REASONS).iter_rows():
            rows.append((f.label, reason, n))
        if reasons.height > REASONS:
            rest = reasons.slice(REASONS).get_column("employees").sum()
            rows.append((f.label, _("{n} other reasons", n=count(reasons.height - REASONS)), rest))
        for sheet, n in sorted(f.unread.items()):
            if n:
                why = _("{sheet} rows only other items read, left out", sheet=sheet)
                rows.append((f.label, why, n))
        if f.set_aside is not None:
            for sheet, reason, n in f.set_aside.head(REASONS).iter_rows():
                why = _("{sheet} rows of no employee of the workforce: {reason}", sheet=sheet,
                        reason=reason)  # fmt: skip
                rows.append((f.label, why, n))
    note = _(
        "Employees an item could not appraise are counted here, never as zero; rows of "
        "records only other items read are left out before the item reads the workforce."
    )
    headers = (_("Item"), _("Why"), _("Employees or rows"))
    return Section("not_computed", _("Not computed, and why"), headers, tuple(rows), note)


def _guideline(impact: Impact) -> Section:
    """Each item's breaches of the distribution guideline, unit by unit."""
    rows: list[tuple[Cell, ...]] = []
    for f in impact.items:
        found = f.guideline
        if found is None:
            continue
        if found.not_applicable:
            rows.append((f.label, "", found.not_applicable, None))
            continue
        for line in found.summary():
            rows.append((f.label, "", line, None))
        for unit, message, acknowledged in found.breaches.select(
            "unit_kerja", "message", "acknowledged"
        ).iter_rows():
            rows.append((f.label, unit, message, bool(acknowledged)))
    headers = (_("Item"), _("Work unit"), _("Breach"), _("Acknowledged by the leader"))
    note = _(
        "The PermenPANRB 6/2022 guideline for a unit's staff predikat, by the unit's own "
        "predikat (predikat_unit); a leader's reasoned note (catatan_pimpinan) acknowledges "
        "a breach. Guidance, not a quota."
    )
    return Section("guideline", _("Distribution guideline"), headers, tuple(rows), note)


def _pairs(impact: Impact) -> Section:
    rows = tuple(
        (
            p.a,
            p.b,
            p.both,
            p.only_a + p.only_b + p.neither,
            p.differs,
            p.share_differs,
            p.mean_shift,
        )
        for p in impact.pairs
    )
    headers = (
        _("Item A"),
        _("Item B"),
        _("Computed under both"),
        _("Not under both"),
        _("Predikat differs"),
        _("Share that differs"),
        _("Mean score shift (B − A)"),
    )
    note = _("Shares are of the employees computed under both items.")
    if any(p.by_level for p in impact.pairs):
        level = _(
            "Two items with as many predikat are compared by level: the fourth of five is "
            "the same predikat whether it reads Kurang or Kurang/Misconduct."
        )
        note = f"{note} {level}"
    return Section("pairs", _("Each pair of items"), headers, rows, note, frozenset({5}))


def _transitions(pair: PairImpact, impact: Impact) -> Section:
    by = {f.label: f for f in impact.items}
    rows_labels = by[pair.a].distribution.get_column("predikat").to_list()
    cols_labels = by[pair.b].distribution.get_column("predikat").to_list()
    cells = {(a, b): n for a, b, n in pair.transitions.iter_rows()}
    rows = tuple((a, *(cells.get((a, b), 0) for b in cols_labels)) for a in rows_labels)
    headers = (_("{a} \\ {b}", a=pair.a, b=pair.b), *cols_labels)
    note = _(
        "Rows: predikat under {a}; columns: under {b}; {n} employees computed under both.",
        a=pair.a,
        b=pair.b,
        n=count(pair.both),
    )
    heading = _("From {a} to {b}", a=pair.a, b=pair.b)
    return Section(f"transitions:{pair.a}:{pair.b}", heading, headers, rows, note)


def explain_command(item: Item, nip: str, path: object, others: Sequence[Item]) -> str:
    """The ``kinerja explain`` command that shows an employee's result under ``item``,
    reading the workforce as the comparison does (``--alongside`` the other items), every
    item pinned to the rules version the comparison used."""
    words = ["kinerja", "explain", *_item_options(item), "--input", str(path), "--nip", nip]
    for other in others:
        if other.label != item.label:
            words += ["--alongside", _pinned(other)]
    return shlex.join(words)


def _item_options(item: Item) -> list[str]:
    if item.kind == "file":
        return ["--rules", item.rules.path]
    return ["--region", item.rules.region, "--as-of", item.rules.valid_from]


def _pinned(item: Item) -> str:
    """An item as one word naming exactly the rules it was compared with."""
    if item.kind == "file":
        return item.rules.path
    return f"{item.rules.region}@{item.rules.version}"


def _movers(pair: PairImpact, items: dict[str, Item], impact: Impact) -> Section:
    rows = tuple(
        (
            nip,
            nama,
            unit,
            _predikat_score(pa, sa),
            _predikat_score(pb, sb),
            shift,
            explain_command(items[pair.b], nip, impact.path, list(items.values())),
        )
        for nip, nama, unit, sa, pa, sb, pb, shift in pair.movers.select(
            "nip", "nama", "unit_kerja", "score_a", "predikat_a", "score_b", "predikat_b", "shift"
        ).iter_rows()
    )
    why = _("Why (under {b})", b=pair.b)
    headers = ("NIP", _("Name"), _("Work unit"), pair.a, pair.b, _("Shift"), why)
    heading = _("Who moves most, {a} to {b}", a=pair.a, b=pair.b)
    return Section(f"movers:{pair.a}:{pair.b}", heading, headers, rows)


def _predikat_score(predikat: str | None, score: float | None) -> str:
    shown = "–" if score is None else number(round(score, 2), 2)
    return _("{predikat} ({score})", predikat=predikat or "–", score=shown)


def _breakdown(pair: PairImpact, column: str, limit: int | None) -> Section:
    frame: pl.DataFrame = pair.breakdowns[column]
    shown = frame if limit is None else frame.head(limit)
    rows = tuple(
        shown.select(column, "employees", "differs", "share_differs", "mean_shift").iter_rows()
    )
    note = (
        _(
            "The {n} most changed of {total}; the JSON report and the workbook have them all.",
            n=count(shown.height),
            total=count(frame.height),
        )  # fmt: skip
        if frame.height > shown.height
        else ""
    )
    headers = (
        _(_DIMENSIONS[column]),
        _("Computed under both"),
        _("Predikat differs"),
        _("Share that differs"),
        _("Mean score shift (B − A)"),
    )
    return Section(
        f"{column}:{pair.a}:{pair.b}",
        _("{dimension}, {a} to {b}", dimension=_(_DIMENSIONS[column]), a=pair.a, b=pair.b),
        headers,
        rows,
        note,
        frozenset({3}),
    )

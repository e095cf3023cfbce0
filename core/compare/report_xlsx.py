"""A comparison as a workbook: one sheet per section of the report.

:func:`xlsx_report` writes the report's tables
(:func:`kinerja.compare.report_tables.sections`, every policy value and every row of
each breakdown) with XlsxWriter, in memory, one sheet per :class:`Section`:

- a sheet is named for its section in the language in use (:func:`sheet_names`: at
  most 31 characters, none of ``[]:*?/\\``, unique ignoring case); a pair's sheets
  name the pair (``Transisi a–b``), or its number when the names are too long
  (``Transisi 2``);
- the section's title is in the first row, its bold header in the second (both frozen,
  with the first column, and repeated on every printed page), the note below the rows;
- numbers are numbers: counts as whole numbers, shares as percentages (``0.0%``),
  scores with 2 decimals; the predikat distribution and the movers are written from
  the comparison's figures, a count and its share (a predikat and its score) in cells
  of their own, and the policies as each item's value, whether it departs from the
  national baseline, and its ``file:line``;
- every text is a text cell (``write_string``): a text that begins with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return is never a formula; characters a workbook
  cannot store are dropped and a text longer than Excel's 32,767 characters is cut;
- columns are as wide as their contents (at most 60 characters; longer texts wrap);
- the file is the same bytes for the same comparison: its creation time is
  :data:`kinerja.output.xlsx.FIXED_XLSX_TIME` and every zip entry is dated 1980-01-01.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from kinerja.compare.comparison import Comparison
from kinerja.compare.impact import ItemImpact, PairImpact
from kinerja.compare.policy import Row
from kinerja.compare.report_tables import Cell, Section, cell_text, sections
from kinerja.i18n import N_, _
from kinerja.output.write_cells import TEXT_LIMIT, UNSTORABLE
from kinerja.output.xlsx import FIXED_XLSX_TIME

__all__ = ["SHEET_WORDS", "sheet_names", "xlsx_report"]

SHEET_WORDS = {
    "items": N_("Items"),
    "policy": N_("Policies"),
    "distribution": N_("Predikat"),
    "statuses": N_("Statuses"),
    "not_computed": N_("Not computed"),
    "pairs": N_("Pairs"),
    "transitions": N_("Transitions"),
    "movers": N_("Movers"),
    "unit_kerja": N_("By unit"),
    "jabatan": N_("By position"),
    "golongan": N_("By grade"),
}
"""The sheet of each kind of section (the part of :attr:`Section.code` before ``:``)."""
SHEET_LIMIT = 31
"""The most characters of a sheet name."""
WIDEST = 60
"""The widest a column grows, in characters; longer texts wrap."""
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_UNSTORABLE = re.compile(UNSTORABLE)


@dataclass(frozen=True, slots=True)
class Table:
    """What one sheet holds."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    shares: frozenset[int] = field(default=frozenset())
    heat: bool = False
    """Whether the cells are a transition matrix (shaded by their count)."""


def xlsx_report(comparison: Comparison) -> bytes:
    """The comparison as an xlsx workbook (module doc), as bytes."""
    found = sections(comparison, whole=True)
    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    book = xlsxwriter.Workbook(buffer, options)
    book.set_properties({"title": _("Comparison"), "created": FIXED_XLSX_TIME})
    formats = _formats(book)
    for section, name in zip(found, sheet_names(s.code for s in found), strict=True):
        _write_sheet(book.add_worksheet(name), _table(section, comparison), formats)
    book.close()
    return buffer.getvalue()


# ------------------------------------------------------------------ sheet names
def sheet_names(codes: Iterable[str]) -> list[str]:
    """A sheet name for each section code: its kind's word (:data:`SHEET_WORDS`), with a
    pair's labels (``Transitions a–b``) or, when one of that pair's names would be too
    long, the pair's number (``Transitions 2``) on all its sheets; at most 31
    characters as Excel counts them (UTF-16), no ``[]:*?/\\``, unique ignoring case
    (``Name (2)``)."""
    split = [(_word(kind), pair) for kind, _colon, pair in (c.partition(":") for c in codes)]
    numbers: dict[str, int] = {}
    longest: dict[str, int] = {}
    for word, pair in split:
        if pair:
            numbers.setdefault(pair, len(numbers) + 1)
            longest[pair] = max(longest.get(pair, 0), _excel_len(_pair_name(word, pair)))
    names: list[str] = []
    for word, pair in split:
        name = word
        if pair:
            fits = longest[pair] <= SHEET_LIMIT
            name = _pair_name(word, pair) if fits else f"{word} {numbers[pair]}"
        names.append(_unique(_clean(name) or "_", names))
    return names


def _word(kind: str) -> str:
    return _(SHEET_WORDS[kind]) if kind in SHEET_WORDS else kind


def _pair_name(word: str, pair: str) -> str:
    return _clean(f"{word} {pair.replace(':', '–')}")


def _clean(name: str) -> str:
    """A name Excel takes: no forbidden or unstorable character, no apostrophe at either
    end."""
    return _UNSTORABLE.sub("", _FORBIDDEN.sub("_", name)).strip().strip("'")


def _excel_len(name: str) -> int:
    """The length Excel counts: UTF-16 code units (a character beyond U+FFFF is two)."""
    return len(name.encode("utf-16-le")) // 2


def _cut(name: str, limit: int) -> str:
    """The longest start of ``name`` that Excel counts as at most ``limit`` long."""
    while _excel_len(name) > limit:
        name = name[:-1]
    return name.rstrip().rstrip("'")


def _unique(name: str, taken: Sequence[str]) -> str:
    used = {t.casefold() for t in taken}
    found, n = _cut(name, SHEET_LIMIT) or "_", 1
    while found.casefold() in used:
        n += 1
        suffix = f" ({n})"
        found = _cut(name, SHEET_LIMIT - len(suffix)) + suffix
    return found


# ------------------------------------------------------------------ tables
def _table(section: Section, comparison: Comparison) -> Table:
    """What a section's sheet holds: the section as it is, or, for the policies, the
    distribution and the movers, its figures from the comparison, numbers apart."""
    kind = section.code.split(":", 1)[0]
    impact = comparison.impact
    if kind == "policy" and len(section.rows) == len(comparison.side):
        return _policy(section, comparison)
    if kind == "distribution" and impact is not None:
        return _distribution(section, impact.items)
    pair = _pair_of(section, comparison)
    if kind == "movers" and pair is not None and pair.movers.height == len(section.rows):
        return _movers(section, pair)
    heat = kind == "transitions"
    return Table(section.title, section.headers, section.rows, section.note, section.shares, heat)


def _pair_of(section: Section, comparison: Comparison) -> PairImpact | None:
    pairs = comparison.impact.pairs if comparison.impact is not None else ()
    return next((p for p in pairs if section.code == f"movers:{p.a}:{p.b}"), None)


def _policy(section: Section, comparison: Comparison) -> Table:
    """Per item: the value in words, whether it departs from the baseline, its file:line."""
    headers = list(section.headers[:2])
    for item in comparison.items:
        headers += [
            item.label,
            _("{item}: departs from the baseline", item=item.label),
            _("{item}: file:line", item=item.label),
        ]
    rows = []
    for row, side in zip(section.rows, comparison.side, strict=True):
        cells: list[Cell] = [row[0], row[1]]
        for value in side.cells:
            cells += _policy_cells(value)
        rows.append(tuple(cells))
    return Table(section.title, tuple(headers), tuple(rows), section.note)


def _policy_cells(row: Row | None) -> list[Cell]:
    if row is None:
        return [_("(not set)"), "", ""]
    return [row.words, _("yes") if row.departs else "", row.where]


def _distribution(section: Section, figures: Sequence[ItemImpact]) -> Table:
    """Per predikat and item: employees and their share; then computed, not computed,
    mean and median score."""
    headers = [section.headers[0]]
    for f in figures:
        headers += [_("{item}: employees", item=f.label), _("{item}: share", item=f.label)]
    found = [{p: (n, s) for p, n, s in f.distribution.iter_rows()} for f in figures]
    labels = list(dict.fromkeys(p for f in found for p in f))
    rows: list[tuple[Cell, ...]] = []
    for label in labels:
        cells: list[Cell] = [label]
        for f in found:
            cells += list(f[label]) if label in f else ["–", ""]
        rows.append(tuple(cells))
    rows.append(_per_item(_("Computed"), [f.computed for f in figures]))
    rows.append(_per_item(_("Not computed"), [f.employees - f.computed for f in figures]))
    rows.append(_per_item(_("Mean score"), [f.mean for f in figures]))
    rows.append(_per_item(_("Median score"), [f.median for f in figures]))
    shares = frozenset(range(2, 1 + 2 * len(figures), 2))
    return Table(section.title, tuple(headers), tuple(rows), section.note, shares)


def _per_item(label: str, values: Sequence[Cell]) -> tuple[Cell, ...]:
    """A row with one value per item, in its count column (its share column empty)."""
    cells: list[Cell] = [label]
    for value in values:
        cells += [value, ""]
    return tuple(cells)


def _movers(section: Section, pair: PairImpact) -> Table:
    """The movers with each item's predikat and score in columns of their own."""
    nip, name, unit, _a, _b, shift, why = section.headers
    headers = (
        nip,
        name,
        unit,
        _("{item}: predikat", item=pair.a),
        _("{item}: score", item=pair.a),
        _("{item}: predikat", item=pair.b),
        _("{item}: score", item=pair.b),
        shift,
        why,
    )
    figures = pair.movers.select("predikat_a", "score_a", "predikat_b", "score_b").iter_rows()
    rows = tuple(
        (row[0], row[1], row[2], *moved, row[5], row[6])
        for row, moved in zip(section.rows, figures, strict=True)
    )
    return Table(section.title, headers, rows, section.note)


# ------------------------------------------------------------------ writing
@dataclass(frozen=True, slots=True)
class Formats:
    """The cell formats of the workbook."""

    title: Format
    header: Format
    text: Format
    wrapped: Format
    whole: Format
    decimal: Format
    share: Format
    note: Format


def _formats(book: xlsxwriter.Workbook) -> Formats:
    top = {"valign": "top"}
    return Formats(
        title=book.add_format({"bold": True, "font_size": 13}),
        header=book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "text_wrap": True, **top}
        ),
        text=book.add_format(top),
        wrapped=book.add_format({"text_wrap": True, **top}),
        whole=book.add_format({"num_format": "#,##0", **top}),
        decimal=book.add_format({"num_format": "0.00", **top}),
        share=book.add_format({"num_format": "0.0%", **top}),
        note=book.add_format({"italic": True}),
    )


def _write_sheet(sheet: Worksheet, table: Table, formats: Formats) -> None:
    """The title, the header, the rows, the note; frozen, filtered, sized, printable."""
    sheet.write_string(0, 0, _storable(table.title), formats.title)
    for j, header in enumerate(table.headers):
        sheet.write_string(1, j, _storable(header), formats.header)
    widths = _widths(table)
    for i, row in enumerate(table.rows, start=2):
        for j, value in enumerate(row):
            _write_cell(sheet, i, j, value, j in table.shares, widths[j] >= WIDEST, formats)
    last = 1 + len(table.rows)
    if table.note:
        sheet.write_string(last + 2, 0, _storable(table.note), formats.note)
    for j, width in enumerate(widths):
        sheet.set_column(j, j, width + 2)
    sheet.freeze_panes(2, 1)
    if table.rows:
        sheet.autofilter(1, 0, last, len(table.headers) - 1)
    if table.heat and table.rows and len(table.headers) > 1:
        _shade(sheet, last, len(table.headers) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, 1)


def _write_cell(
    sheet: Worksheet, row: int, column: int, value: Cell, share: bool, wide: bool, f: Formats
) -> None:
    """A number as a number, anything else as a text cell (never a formula)."""
    if value is None:
        sheet.write_string(row, column, "–", f.text)
    elif isinstance(value, bool):
        sheet.write_string(row, column, cell_text(value), f.text)
    elif isinstance(value, int):
        sheet.write_number(row, column, value, f.whole)
    elif isinstance(value, float):
        sheet.write_number(row, column, round(value, 9), f.share if share else f.decimal)
    elif value == "":
        sheet.write_blank(row, column, None, f.text)
    else:
        sheet.write_string(row, column, _storable(value), f.wrapped if wide else f.text)


def _storable(text: str) -> str:
    """``text`` as a cell can hold it: no character XML forbids, at most 32,767 long."""
    return _UNSTORABLE.sub("", text)[:TEXT_LIMIT]


def _widths(table: Table) -> list[int]:
    """Each column's width in characters: its widest cell as the report writes it, the
    header counted up to 30 (it wraps), between 6 and :data:`WIDEST`."""
    widths = [min(len(h), 30) for h in table.headers]
    for row in table.rows:
        for j, value in enumerate(row):
            shown = value if isinstance(value, str) else cell_text(value, j in table.shares)
            longest = max((len(line) for line in shown.splitlines()), default=0)
            widths[j] = max(widths[j], longest)
    return [max(6, min(WIDEST, w)) for w in widths]


def _shade(sheet: Worksheet, last: int, columns: int) -> None:
    """A transition matrix shaded white to blue by count, as the HTML page shades it."""
    sheet.conditional_format(
        2,
        1,
        last,
        columns,
        {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#5B8FD0"},
    )

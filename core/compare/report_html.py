"""A comparison as one HTML page that works offline, prints, and reads on a phone.

:func:`html_report` writes the report's tables (:func:`kinerja.compare.report_tables.sections`,
every policy value) as one self-contained file: no script, no font, no image, nothing
fetched; a Content-Security-Policy tag (:data:`CSP`) forbids everything but the page's
own styles, and every text on the page is escaped.

- every table is a semantic table (a caption, header cells with their scope) inside a
  wrapper that scrolls sideways on a narrow screen, so the page itself never does;
- the policies show every value with its ``file:line``; a value that departs from its
  national baseline is marked in words (not by colour alone), with the baseline's value,
  and so is a row whose values differ between the items;
- each item's predikat distribution is an inline SVG bar chart, the counts written on
  the bars and, in words, in its alternative text (``<title>``/``<desc>``);
- each pair's transition matrix is a heat table: a cell's shade is its share of the
  employees computed under both items, its number always printed; the cells where the
  predikat stays the same are framed;
- the movers' ``kinerja explain`` commands are code;
- printed, the page drops the skip link and the contents, keeps headings with their
  tables and charts whole, and stays readable in black and white (one hue, numbers
  printed).

The page speaks the language in use (``<html lang>`` is :func:`kinerja.i18n.current`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from kinerja.compare.comparison import Comparison
from kinerja.compare.impact import PairImpact
from kinerja.compare.policy import Row, SideRow, same_value
from kinerja.compare.report_tables import Cell, Section, cell_text, sections
from kinerja.i18n import _, count, current
from kinerja.output.charts import Bar, bar_chart, bar_words

__all__ = ["CSP", "html_report"]

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; font-src 'none'; "
    "connect-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'"
)
"""The page's Content-Security-Policy: nothing but its own inline styles."""


def html_report(comparison: Comparison) -> str:
    """The comparison as one self-contained HTML page (module doc)."""
    found = sections(comparison)
    anchors = [f"s{n}" for n in range(1, len(found) + 1)]
    body = [_section(s, a, comparison) for s, a in zip(found, anchors, strict=True)]
    return _page(comparison, list(zip(found, anchors, strict=True)), body)


def _e(text: object) -> str:
    """``text`` escaped for an element's content or a quoted attribute."""
    return escape(str(text), quote=True)


# ------------------------------------------------------------------ the page
def _page(comparison: Comparison, toc: list[tuple[Section, str]], body: list[str]) -> str:
    heading = _("Comparison of {items}", items=", ".join(i.label for i in comparison.items))
    skip = _("Skip to the report")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{_e(current())}">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="color-scheme" content="light">',
            f"<title>{_e(heading)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            f'<a class="skip" href="#main">{_e(skip)}</a>',
            f"<header><h1>{_e(heading)}</h1>{_lead(comparison)}</header>",
            _contents(toc),
            '<main id="main" tabindex="-1">',
            *body,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _lead(comparison: Comparison) -> str:
    """What the page is about: the workforce, and the comparison's notes."""
    impact = comparison.impact
    if impact is None:
        said = _("No workforce was given: the policies only (add --input to see their impact).")
    else:
        said = _("Workforce: {path} ({n} employees).", path=impact.path, n=count(impact.employees))
    notes = "".join(f"<li>{_e(note)}</li>" for note in comparison.notes)
    return f"<p>{_e(said)}</p>" + (f'<ul class="notes">{notes}</ul>' if notes else "")


def _contents(toc: list[tuple[Section, str]]) -> str:
    """The list of sections; each pair's sections nested under its transition matrix."""
    items: list[str] = []
    nested: list[str] = []
    for section, anchor in toc:
        link = f'<a href="#{anchor}">{_e(section.title)}</a>'
        in_pair = ":" in section.code and not section.code.startswith("transitions:")
        if in_pair and items:
            nested.append(f"<li>{link}</li>")
            continue
        _close(items, nested)
        items.append(f"<li>{link}")
    _close(items, nested)
    label = _e(_("Contents"))
    return f'<nav aria-labelledby="toc"><h2 id="toc">{label}</h2><ol>{"".join(items)}</ol></nav>'


def _close(items: list[str], nested: list[str]) -> None:
    """End the last entry of the contents, with its nested entries if any."""
    if items:
        items[-1] += (f"<ol>{''.join(nested)}</ol>" if nested else "") + "</li>"
    nested.clear()


# ------------------------------------------------------------------ a section
def _section(section: Section, anchor: str, comparison: Comparison) -> str:
    """One section: its heading, its table (or charts), its note."""
    kind = section.code.split(":", 1)[0]
    if not section.rows:
        none = _("(none)")
        table = f"<p>{_e(none)}</p>"
    elif kind == "policy" and len(section.rows) == len(comparison.side):
        table = _policy_table(section, anchor, comparison.side)
    elif kind == "transitions":
        table = _heat_table(section, anchor, _pair_of(section, comparison))
    else:
        table = _table(section, anchor)
    extra = _item_charts(comparison, anchor) if kind == "distribution" else ""
    if section.chart is not None:
        extra += bar_chart(f"{anchor}-c", section.title, [(k, n, None) for k, n in section.chart])
    return (
        f'<section id="{anchor}" aria-labelledby="{anchor}-h">'
        f'<h2 id="{anchor}-h">{_e(section.title)}</h2>{table}{extra}</section>'
    )


def _pair_of(section: Section, comparison: Comparison) -> PairImpact | None:
    pairs = comparison.impact.pairs if comparison.impact is not None else ()
    return next((p for p in pairs if section.code == f"transitions:{p.a}:{p.b}"), None)


def _wrapped(section: Section, anchor: str, table_class: str, head: str, body: str) -> str:
    """A table in its sideways-scrolling wrapper, captioned by its title and described by
    its note (written above it, at the page's width, not the table's)."""
    note, described = "", ""
    if section.note:
        note = f'<p class="legend" id="{anchor}-n">{_e(section.note)}</p>'
        described = f' aria-describedby="{anchor}-n"'
    return (
        f'{note}<div class="scroll" role="region" tabindex="0" aria-labelledby="{anchor}-h">'
        f'<table class="{table_class}"{described}><caption class="vh">{_e(section.title)}'
        f"</caption><thead>{head}</thead>{body}</table></div>"
    )


def _header_row(headers: Sequence[str], numeric: Sequence[bool] = ()) -> str:
    cells = []
    for j, header in enumerate(headers):
        mark = ' class="num"' if j < len(numeric) and numeric[j] else ""
        cells.append(f'<th scope="col"{mark}>{_e(header)}</th>')
    return "<tr>" + "".join(cells) + "</tr>"


def _table(section: Section, anchor: str) -> str:
    """Any section as a table: the first column heads its row; columns of numbers are
    aligned to the right."""
    width = len(section.headers)
    numeric = [j > 0 and all(_numeric(row[j]) for row in section.rows) for j in range(width)]
    code_column = width - 1 if section.code.startswith("movers:") else None
    rows = []
    for row in section.rows:
        cells = [
            _cell(j, value, j in section.shares, numeric[j], j == code_column)
            for j, value in enumerate(row)
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = "<tbody>" + "".join(rows) + "</tbody>"
    head = _header_row(section.headers, numeric)
    return _wrapped(section, anchor, section.code.split(":", 1)[0], head, body)


def _cell(column: int, value: Cell, share: bool, numeric: bool, code: bool) -> str:
    text = _e(cell_text(value, share))
    if code:
        text = f"<code>{text}</code>"
    if column == 0:
        return f'<th scope="row">{text}</th>'
    return f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>"


_COUNTED = re.compile(r"[0-9][0-9.,]* (?:\([0-9.,]+%\)|\w+ [0-9][0-9.,]*)\Z")
"""A text that is a count with its share (``17 (43,6%)``) or of a whole (``39 of 41``)."""


def _numeric(value: Cell) -> bool:
    """A number (or none), or a text that is a count with its share or of a whole."""
    if value is None or isinstance(value, int | float):
        return True
    return value == "–" or _COUNTED.match(value) is not None


# ------------------------------------------------------------------ the policies
def _policy_table(section: Section, anchor: str, side: Sequence[SideRow]) -> str:
    """Every policy value, one body per policy section; departures and differences
    marked in words."""
    departs, differs = _("departs from the national baseline"), _("differs")
    legend = _(
        "Every value of every item, with the file and line it is written at. “{departs}”: "
        "the value is not the national baseline's; “{differs}”: the items do not all give "
        "the same value.",
        departs=departs,
        differs=differs,
    )
    width = len(section.headers) - 1
    bodies: list[str] = []
    group = None
    for row, sided in zip(section.rows, side, strict=True):
        if row[0] != group:
            group = row[0]
            heading = (
                f'<tr class="group"><th colspan="{width}" scope="rowgroup">{_e(group)}</th></tr>'
            )
            bodies.append(("</tbody>" if bodies else "") + "<tbody>" + heading)
        values = [c.value if c is not None else None for c in sided.cells]
        changed = not all(same_value(values[0], v) for v in values[1:])
        tag = f' <span class="tag">{_e(differs)}</span>' if changed else ""
        cells = "".join(_policy_cell(c, departs) for c in sided.cells)
        mark = ' class="differs"' if changed else ""
        bodies.append(f'<tr{mark}><th scope="row">{_e(row[1])}{tag}</th>{cells}</tr>')
    body = "".join(bodies) + "</tbody>"
    table = _wrapped(section, anchor, "policy", _header_row(section.headers[1:]), body)
    note = f'<p class="legend">{_e(legend)}</p>'
    return note + table


def _policy_cell(row: Row | None, departs: str) -> str:
    if row is None:
        unset = _("(not set)")
        return f'<td class="unset">{_e(unset)}</td>'
    parts = [f'<span class="value">{_e(row.words)}</span>']
    if row.departs:
        said = departs
        if row.baseline_words is not None:
            said = _("{departs}; the baseline: {value}", departs=departs, value=row.baseline_words)
        parts.append(f'<strong class="departs">≠ {_e(said)}</strong>')
    parts.append(f'<small class="where">{_e(row.where)}</small>')
    mark = ' class="departs"' if row.departs else ""
    return f"<td{mark}>{''.join(parts)}</td>"


# ------------------------------------------------------------------ the heat table
def _heat_table(section: Section, anchor: str, pair: PairImpact | None) -> str:
    """The transition matrix: each cell shaded by its share of the employees computed
    under both items, its count and share printed."""
    numbers = [n for row in section.rows for n in row[1:] if isinstance(n, int)]
    both = pair.both if pair is not None else sum(numbers)
    columns = section.headers[1:]
    rows = []
    for row in section.rows:
        cells = [
            _heat_cell(n, both, row[0] == column)
            for n, column in zip(row[1:], columns, strict=True)
        ]
        rows.append(f'<tr><th scope="row">{_e(row[0])}</th>{"".join(cells)}</tr>')
    legend = _(
        "The darker a cell, the larger its share; framed cells: the predikat stays the same."
    )
    body = "<tbody>" + "".join(rows) + "</tbody>"
    table = _wrapped(section, anchor, "heat", _header_row(section.headers), body)
    return table + f'<p class="legend">{_e(legend)}</p>'


def _heat_cell(value: Cell, both: int, same: bool) -> str:
    n = value if isinstance(value, int) else 0
    share = n / both if both else None
    classes = ["num", "heat"] + (["same"] if same else []) + (["zero"] if not n else [])
    style = ""
    if share is not None and n:
        lightness = _lightness(share)
        classes += ["dark"] if lightness <= DARK else []
        style = f' style="background-color:hsl(212,62%,{lightness}%)"'
    shown = f'<span class="share">{_e(cell_text(share, True))}</span>' if share is not None else ""
    return f'<td class="{" ".join(classes)}"{style}>{_e(count(n))}{shown}</td>'


DARK = 45
"""The lightness (%) at and below which a heat cell's text is white (contrast 4.5:1)."""


def _lightness(share: float) -> int:
    """A heat cell's lightness: from 96% (a share near 0) down, the root of the share
    spreading the small ones; between 58% (black text still reads) and :data:`DARK`
    there is no shade, so the text always has contrast."""
    lightness = round(96 - 56 * share**0.5)
    return lightness if lightness >= 58 else min(lightness, DARK)


# ------------------------------------------------------------------ the charts
def _item_charts(comparison: Comparison, anchor: str) -> str:
    """One bar chart of predikat per item, all on the same scale (the same employees)."""
    if comparison.impact is None:
        return ""
    figures = []
    most = max(
        (int(f.distribution["employees"].max() or 0) for f in comparison.impact.items), default=0
    )
    for n, item in enumerate(comparison.impact.items, start=1):
        bars: list[Bar] = list(
            item.distribution.select("predikat", "employees", "share").iter_rows()
        )
        title = _("Predikat under {item}", item=item.label)
        if item.computed:
            summary = _(
                "{computed} of {employees} employees computed under {item}: {bars}.",
                computed=count(item.computed),
                employees=count(item.employees),
                item=item.label,
                bars="; ".join(bar_words(bar) for bar in bars),
            )
        else:
            summary = _(
                "No employee could be computed under {item} (of {employees} in the workforce).",
                item=item.label,
                employees=count(item.employees),
            )
        figures.append(bar_chart(f"{anchor}-c{n}", title, bars, summary, most))
    return f'<div class="charts">{"".join(figures)}</div>'


# ------------------------------------------------------------------ the style
STYLE = """
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0 auto;max-width:80rem;padding:0 1rem 2rem;color:#111;background:#fff;
font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",
Arial,sans-serif}
h1,h2,p,li,caption,figcaption{overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:1rem 0 .25rem}
h2{font-size:1.25rem;margin:2rem 0 .5rem;padding-top:.5rem;border-top:2px solid #333}
a{color:#0b4f9c}
.skip{position:absolute;left:-100vw;top:0;background:#fff;color:#0b4f9c;padding:.5rem;
border:2px solid #0b4f9c;z-index:1}
.skip:focus{left:1rem}
main:focus{outline:none}
nav ol{padding-left:1.5rem;margin:.25rem 0}
nav li{margin:.1rem 0}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap}
.scroll{position:relative;overflow-x:auto;width:fit-content;max-width:100%;
margin:.5rem 0 1rem;border:1px solid #bbb}
.scroll:focus{outline:3px solid #0b4f9c;outline-offset:2px}
table{border-collapse:collapse;font-size:.9rem}
caption{caption-side:top;text-align:left;padding:.4rem .5rem;color:#333;font-size:.85rem}
th,td{padding:.3rem .5rem;border-bottom:1px solid #ccc;text-align:left;vertical-align:top}
thead th{background:#e8eef6;border-bottom:2px solid #333}
thead th.num{text-align:right}
tbody th{font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;
font-size:.8rem}
.movers td:last-child{min-width:22rem}
.movers code{overflow-wrap:anywhere}
.legend{font-size:.85rem;color:#333;margin:.25rem 0}
.notes{padding-left:1.25rem}
.policy td{min-width:14rem}
.policy tbody th{min-width:10rem}
.policy tr.group th{background:#f2f2f2;font-size:.95rem;border-top:2px solid #333}
.policy tr.differs th{border-left:4px solid #0b4f9c}
.policy .where{display:block;color:#444;font-size:.8rem}
.policy .unset{color:#444;font-style:italic}
.policy td.departs{border-left:4px double #7a4100;background:#fff4e0}
strong.departs{display:block;font-size:.8rem}
.tag{display:inline-block;margin-left:.3rem;padding:0 .3rem;border:1px solid currentColor;
border-radius:.2rem;font-size:.75rem;font-weight:700;color:#0b4f9c}
.heat td{text-align:center;min-width:4.5rem}
.heat td.zero{color:#555}
.heat td.dark{color:#fff}
.heat td.same{outline:2px solid #111;outline-offset:-4px}
.heat .share{display:block;font-size:.75rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,25rem),1fr));
gap:1rem 2rem;margin-top:1rem}
figure{margin:0}
figcaption{font-weight:600;margin-bottom:.25rem}
figure svg{display:block;max-width:100%;height:auto}
svg text{font-size:15px;fill:#111}
svg .bar{stroke:#222;stroke-width:1}
svg .axis{stroke:#222;stroke-width:1}
@page{margin:12mm}
@media print{
nav,.skip{display:none}
body{max-width:none;padding:0;font-size:10pt}
h2{break-after:avoid;page-break-after:avoid;border-top-color:#000}
caption,.legend{break-after:avoid}
tr,figure,.heat,.legend{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}
.scroll{overflow:visible;border:none}
a{color:#000;text-decoration:none}
code{white-space:pre-wrap;word-break:break-all}
.policy td,.policy tbody th{min-width:0}
td,th,rect{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""
"""The page's style sheet (inline: the page fetches nothing)."""

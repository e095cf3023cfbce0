"""A comparison for the terminal and for Markdown: the report's tables as text.

The terminal gets aligned columns (:func:`text_report`); a policy value and an
``explain`` command are too long for a column, so the policies are listed key by key
and the commands below their table. Markdown (:func:`markdown_report`) gets the same
tables as pipe tables, every policy value included.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from kinerja.compare.comparison import Comparison
from kinerja.compare.report_tables import Section, cell_text, sections
from kinerja.i18n import _

__all__ = ["markdown_report", "text_report"]

_GAP = "  "
WIDEST = 60
"""The widest a column of the terminal report grows; longer cells wrap."""
LINE = 100
"""The widest a policy line of the terminal report grows; longer values wrap."""


def text_report(comparison: Comparison, *, every_policy_row: bool = False) -> str:
    """The comparison as terminal text: only the policy values that differ (every value
    with ``every_policy_row``)."""
    parts = []
    for section in sections(comparison, every_policy_row=every_policy_row):
        if section.code == "policy":
            parts.append(_policy_text(section, comparison))
        elif section.code.startswith("movers:"):
            parts.append(_movers_text(section))
        else:
            parts.append(_titled(section, _aligned(section.headers, _texts(section))))
    return "\n\n".join(p for p in parts if p) + "\n"


def _texts(section: Section) -> list[list[str]]:
    return [
        [cell_text(cell, j in section.shares) for j, cell in enumerate(row)] for row in section.rows
    ]


def _titled(section: Section, body: list[str]) -> str:
    lines = [section.title, "=" * len(section.title), *body]
    if not section.rows:
        lines.append(_("(none)"))
    if section.note:
        lines += textwrap.wrap(section.note, LINE, break_on_hyphens=False)
    return "\n".join(lines)


def _aligned(headers: Sequence[str], rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell (a cell wider than :data:`WIDEST` wraps onto
    more lines); numbers to the right."""
    table = [list(headers), *rows]
    wrapped = [[textwrap.wrap(c, WIDEST) or [""] for c in row] for row in table]
    widths = [max(len(line) for r in wrapped for line in r[j]) for j in range(len(headers))]
    numeric = [bool(rows) and all(_numeric(r[j]) for r in rows) for j in range(len(headers))]
    lines = []
    for n, row in enumerate(wrapped):
        for k in range(max(len(cell) for cell in row)):
            cells = [
                _fit(cell[k] if k < len(cell) else "", w, numeric[j] and n > 0)
                for j, (cell, w) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append(_GAP.join(cells).rstrip())
        if n == 0:
            lines.append(_GAP.join("-" * w for w in widths))
    return lines


def _fit(text: str, width: int, right: bool) -> str:
    return text.rjust(width) if right else text.ljust(width)


def _numeric(text: str) -> bool:
    stripped = text.replace(".", "").replace(",", "").replace("%", "").replace("-", "")
    return stripped.replace("–", "").replace("+", "").strip().isdigit() or text == "–"


def _policy_text(section: Section, comparison: Comparison) -> str:
    """Each value that differs, then each item's value on its own line."""
    labels = [item.label for item in comparison.items]
    width = max(len(label) for label in labels)
    lines = []
    for row in section.rows:
        lines.append(f"{row[0]}: {row[1]}")
        for label, cell in zip(labels, row[2:], strict=True):
            lead = f"  {label.ljust(width)}  "
            lines += textwrap.wrap(
                str(cell),
                LINE,
                initial_indent=lead,
                subsequent_indent=" " * len(lead),
                break_on_hyphens=False,
            ) or [lead.rstrip()]
    if not section.rows:
        lines.append(_("The items' policies are the same."))
    return _titled(section, lines) if section.rows else "\n".join([section.title, *lines])


def _movers_text(section: Section) -> str:
    """The table without its command column, then one command a line."""
    rows = _texts(section)
    table = _aligned(section.headers[:-1], [r[:-1] for r in rows])
    commands = [f"  {r[0]}: {r[-1]}" for r in rows]
    body = table + ([section.headers[-1] + ":", *commands] if commands else [])
    return _titled(section, body)


def markdown_report(comparison: Comparison) -> str:
    """The comparison as Markdown: every table, every policy value."""
    parts = [f"# {_('Comparison')}"]
    for section in sections(comparison):
        parts.append(_markdown_table(section))
    return "\n\n".join(parts) + "\n"


def _markdown_table(section: Section) -> str:
    lines = [f"## {section.title}", ""]
    if section.rows:
        lines.append("| " + " | ".join(_md(h) for h in section.headers) + " |")
        lines.append("|" + "---|" * len(section.headers))
        for row in _texts(section):
            lines.append("| " + " | ".join(_md(c) for c in row) + " |")
    else:
        lines.append(_("(none)"))
    if section.note:
        lines += ["", section.note]
    return "\n".join(lines)


def _md(text: str) -> str:
    """A cell safe inside a pipe table."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

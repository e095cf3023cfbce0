"""The cell styles of kinerja's workbooks, and the colour of each predikat.

``xl/styles.xml`` holds a fixed list of cell formats (:data:`STYLES`); a cell names
one by its index (``s="3"``). Every cell is aligned to the top, so that a row with a
wrapped text reads from its first line:

- :data:`PLAIN`: a text, a whole number or a boolean as it is;
- :data:`HEADER`: a header cell, bold on a light fill, wrapped;
- :data:`TEXT`: a cell formatted as Text (``@``), for NIPs (Excel keeps all 18 digits);
- :data:`NUMBER`: a number shown with 2 decimals (``0.00``; the value keeps its precision);
- :data:`WRAPPED`: a long text wrapped in its column (feedback, one item a line);
- :func:`predikat_styles`: a predikat on the colour of its rank among the rules'
  labels, best first: dark green, green, amber, orange, red.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

__all__ = [
    "HEADER",
    "NUMBER",
    "PLAIN",
    "SHADES",
    "STYLES",
    "TEXT",
    "WRAPPED",
    "national_labels",
    "national_styles",
    "predikat_styles",
    "shade_of",
]

PLAIN, HEADER, TEXT, NUMBER, WRAPPED = 0, 1, 2, 3, 4
_FIRST_SHADE = 5
SHADES = (
    ("FF2E7D32", "FFFFFFFF"),  # dark green, white text: the best label (Sangat Baik)
    ("FF81C784", "FF000000"),  # green (Baik)
    ("FFFFD54F", "FF000000"),  # amber (Butuh Perbaikan, Cukup)
    ("FFFB8C00", "FF000000"),  # orange (Kurang)
    ("FFE53935", "FFFFFFFF"),  # red, white text: the worst (Sangat Kurang, Buruk)
)
"""(fill, text colour) of each rank of predikat, best first, as ARGB."""
_HEADER_FILL = "FFDDEBF7"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TOP = '<alignment vertical="top"/>'
_WRAP = '<alignment vertical="top" wrapText="1"/>'


def _font(bold: bool = False, colour: str | None = None) -> str:
    return (
        "<font>"
        + ("<b/>" if bold else "")
        + '<sz val="11"/>'
        + (f'<color rgb="{colour}"/>' if colour else "")
        + '<name val="Calibri"/><family val="2"/></font>'
    )


def _fill(colour: str) -> str:
    return (
        f'<fill><patternFill patternType="solid"><fgColor rgb="{colour}"/>'
        '<bgColor indexed="64"/></patternFill></fill>'
    )


def _xf(number_format: int, font: int, fill: int, border: int, alignment: str) -> str:
    applied = ' applyNumberFormat="1"' if number_format else ""
    applied += ' applyFont="1"' if font else ""
    applied += ' applyFill="1"' if fill else ""
    applied += ' applyBorder="1"' if border else ""
    return (
        f'<xf numFmtId="{number_format}" fontId="{font}" fillId="{fill}" borderId="{border}" '
        f'xfId="0"{applied} applyAlignment="1">{alignment}</xf>'
    )


def _styles() -> str:
    """The whole ``xl/styles.xml`` (without its XML declaration)."""
    white = {text for _, text in SHADES if text != "FF000000"}
    fonts = [_font(), _font(bold=True), *(_font(colour=c) for c in sorted(white))]
    font_of = {c: 2 + i for i, c in enumerate(sorted(white))}
    fills = [
        '<fill><patternFill patternType="none"/></fill>',
        '<fill><patternFill patternType="gray125"/></fill>',
        _fill(_HEADER_FILL),
        *(_fill(fill) for fill, _ in SHADES),
    ]
    borders = [
        "<border><left/><right/><top/><bottom/><diagonal/></border>",
        '<border><left/><right/><top/><bottom style="thin"><color indexed="64"/></bottom>'
        "<diagonal/></border>",
    ]
    xfs = [
        _xf(0, 0, 0, 0, _TOP),  # PLAIN
        _xf(0, 1, 2, 1, _WRAP),  # HEADER
        _xf(49, 0, 0, 0, _TOP),  # TEXT: "@"
        _xf(2, 0, 0, 0, _TOP),  # NUMBER: built-in format 2 is "0.00"
        _xf(0, 0, 0, 0, _WRAP),  # WRAPPED
        *(_xf(0, font_of.get(text, 0), 3 + k, 0, _TOP) for k, (_, text) in enumerate(SHADES)),
    ]
    return (
        f'<styleSheet xmlns="{_MAIN}">'
        f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
        f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
        f'<borders count="{len(borders)}">{"".join(borders)}</borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0"/>'
        "</styleSheet>"
    )


STYLES = _styles()
"""``xl/styles.xml``: the cell formats named above, by index."""


def shade_of(rank: int, labels: int) -> int:
    """Which of the :data:`SHADES` the ``rank``-th of ``labels`` labels (0: the best) has:
    the ranks spread evenly from dark green to red (3 labels: green, amber, red)."""
    if labels <= 1:
        return 0
    last = len(SHADES) - 1
    return min(last, (2 * rank * last + labels - 1) // (2 * (labels - 1)))


def predikat_styles(labels: Sequence[str]) -> dict[str, int]:
    """The cell style of each predikat label, ``labels`` given best first."""
    ordered = list(dict.fromkeys(labels))
    return {
        label: _FIRST_SHADE + shade_of(rank, len(ordered)) for rank, label in enumerate(ordered)
    }


@cache
def national_labels() -> dict[str, tuple[int, int]]:
    """Each predikat label of the national baselines (PP 46/2011, PP 30/2019, PermenPANRB
    6/2022) with its (rank, number of labels) there, the best rank where baselines differ.

    For a run written without its rules' labels: its predikat are coloured as the
    baselines rank them (a region's own label is left uncoloured).
    """
    from kinerja.rules.layering import baselines
    from kinerja.rules.yamlload import load_yaml

    found: dict[str, tuple[int, int]] = {}
    for _, path in sorted(baselines().items()):
        data = load_yaml(path).data
        labels = ((data or {}).get("predikat") or {}).get("labels") or []  # type: ignore[union-attr]
        for rank, label in enumerate(labels):
            if isinstance(label, str) and (label not in found or rank < found[label][0]):
                found[label] = (rank, len(labels))
    return found


def national_styles(labels: Sequence[str]) -> dict[str, int]:
    """The cell style of each of ``labels`` the national baselines rank (see
    :func:`national_labels`); a label they do not name has none."""
    known = national_labels()
    return {label: _FIRST_SHADE + shade_of(*known[label]) for label in labels if label in known}

"""Bar charts as inline SVG: no script, no font, no image file, the numbers in words.

A chart is a ``<figure>`` whose ``<svg role="img">`` is labelled by its ``<title>`` and
``<desc>``: the counts (and shares) in words, for screen readers and for a page that
shows no picture. Each bar's count is also written beside it, so that the chart reads
in black and white; bars are coloured as the workbooks colour a predikat's rank.
Presentation attributes only (no ``style`` attribute): a page whose
Content-Security-Policy allows only its own style sheet shows them as drawn. The style
sheet styles ``svg text``, ``.bar``, ``.count`` and ``.axis``.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from kinerja.i18n import count, ngettext, number
from kinerja.output.xlsx_styles import SHADES, shade_of

__all__ = ["Bar", "bar_chart", "bar_words"]

Bar = tuple[str, int, float | None]
"""One bar of a chart: its label, its count, its share (None: not known)."""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _share(share: float) -> str:
    """A share as the language in use writes a percentage: ``23,5%``."""
    return number(share * 100, 1) + "%"


def bar_words(bar: Bar) -> str:
    """A bar in words: ``Baik: 12 employees (40.0%)``."""
    label, n, share = bar
    if share is None:
        return ngettext("{label}: {n} employee", "{label}: {n} employees", n, label=label)
    shown = _share(share)
    return ngettext(
        "{label}: {n} employee ({share})",
        "{label}: {n} employees ({share})",
        n,
        label=label,
        share=shown,
    )


def bar_chart(
    anchor: str, title: str, bars: Sequence[Bar], summary: str | None = None, most: int = 0
) -> str:
    """A horizontal bar chart as inline SVG in a figure, its title and numbers as
    alternative text (``<title>``/``<desc>``); the longest bar is ``most`` (default: the
    largest count of ``bars``). ``anchor`` makes the ids of the title and description."""
    said = summary or "; ".join(bar_words(bar) for bar in bars)
    scale = most or max((b[1] for b in bars), default=0)
    return (
        f'<figure class="chart"><figcaption>{_e(title)}</figcaption>'
        f"{_svg(anchor, title, said, bars, scale)}</figure>"
    )


ROW, BAR, WIDTH = 52, 240, 390
"""A chart's row (a label above its bar), its longest bar, its width (SVG units: pixels
on a wide screen; on a phone the chart shrinks to the screen's width)."""


def _svg(anchor: str, title: str, said: str, bars: Sequence[Bar], most: int) -> str:
    height = ROW * len(bars) + 4
    parts = [
        f'<svg width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{anchor}-t {anchor}-d">',
        f'<title id="{anchor}-t">{_e(title)}</title><desc id="{anchor}-d">{_e(said)}</desc>',
    ]
    parts += [_svg_bar(bar, k, len(bars), most) for k, bar in enumerate(bars)]
    parts.append(f'<line x1="1" y1="18" x2="1" y2="{height}" class="axis"/></svg>')
    return "".join(parts)


def _svg_bar(bar: Bar, rank: int, ranks: int, most: int) -> str:
    """A bar: its label above it, its count (and share) at its end, in words in its
    tooltip; coloured as the workbooks colour its predikat's rank."""
    label, n, share = bar
    top = rank * ROW
    length = round(BAR * n / most, 1) if most else 0
    fill, _text = SHADES[shade_of(rank, ranks)]
    shown = count(n) + (f" ({_share(share)})" if share is not None else "")
    return (
        f'<text x="1" y="{top + 15}">{_e(label)}</text>'
        f'<rect x="1" y="{top + 20}" width="{length}" height="24" fill="#{fill[2:]}"'
        f' class="bar"><title>{_e(bar_words(bar))}</title></rect>'
        f'<text x="{length + 7}" y="{top + 37}" class="count">{_e(shown)}</text>'
    )

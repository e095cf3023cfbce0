"""A band table in words: which range a value fell in, and the whole table.

A band is ``(label, low, high)`` as the rules declare it (:data:`kinerja.expr.steps.Bands`):
``low`` inclusive, ``high`` exclusive, None for an open end; a value takes the first
band it falls in, as ``band()`` does (:func:`kinerja.functions.band_lookup`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kinerja.i18n import _
from kinerja.output.explain_format import MISSING, exact, rounded, shown

__all__ = ["Band", "BandStory", "band_index", "range_words", "table_lines"]

Band = tuple[str, float | None, float | None]

_DECIMALS = 9


@dataclass(frozen=True, slots=True)
class BandStory:
    """How a ``band(value, 'table')`` step came out for one employee."""

    subject: str
    """What was looked up, in words (e.g. the score's label)."""
    value: object
    table: str
    """The table's name in the rules (an identifier: shown only with ``--detail``)."""
    bands: tuple[Band, ...]
    chosen: int | None
    """The index of the band the value fell in (None: missing, or in no band)."""
    label: object
    """The label the step gave."""

    def sentence(self) -> str:
        """``Nilai kinerja 64 berada pada rentang 61 sampai di bawah 76 → Cukup``."""
        if self.value is None:
            return _(
                "{subject} is missing, so it falls in no band → {label}",
                subject=self.subject,
                label=MISSING if self.label is None else self.label,
            )
        if self.chosen is None:
            return _(
                "{subject} is {value}, which falls in no band → {label}",
                subject=self.subject,
                value=self._value(),
                label=MISSING if self.label is None else self.label,
            )
        _label, low, high = self.bands[self.chosen]
        return _(
            "{subject} {value} falls in the range {range} → {label}",
            subject=self.subject,
            value=self._value(),
            range=range_words(low, high),
            label=self.label,
        )

    def _value(self) -> str:
        """The value, with as many decimals as it takes to tell it from the band's limits
        (75,999 is not shown as 76 in the band that stops below 76)."""
        if not isinstance(self.value, int | float) or isinstance(self.value, bool):
            return MISSING if self.value is None else str(self.value)
        text = shown(self.value)
        if self.chosen is None:
            return text
        _label, low, high = self.bands[self.chosen]
        near = float(rounded(self.value))
        if (low is not None and near < low) or (high is not None and near >= high):
            return exact(self.value)
        return text


def range_words(low: float | None, high: float | None) -> str:
    """A band's range in words: ``61 sampai di bawah 76``, ``90 ke atas``, ``di bawah 51``."""
    if low is None and high is None:
        return _("any value")
    if low is None:
        return _("below {high}", high=exact(high))
    if high is None:
        return _("{low} or more", low=exact(low))
    return _("{low} to below {high}", low=exact(low), high=exact(high))


def band_index(value: object, bands: Sequence[Band]) -> int | None:
    """The index of the first band ``value`` falls in, as ``band()`` finds it (the value
    as it is, then tidied to 9 decimals); None when missing or in no band."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    for candidate in (float(value), round(float(value), _DECIMALS)):
        for index, (_label, low, high) in enumerate(bands):
            if (low is None or candidate >= low) and (high is None or candidate < high):
                return index
    return None


def table_lines(story: BandStory, indent: str, detail: bool) -> list[str]:
    """The band table under a band step: one line per band, the chosen one marked."""
    heading = _("The bands of the table {table}:", table=story.table) if detail else _("The bands:")
    lines = [indent + heading]
    for index, (label, low, high) in enumerate(story.bands):
        mark = " ←" if index == story.chosen else ""
        lines.append(f"{indent}  {label}: {range_words(low, high)}{mark}")
    return lines

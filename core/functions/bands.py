"""``band_lookup``: the label of the band a value falls in, for a rules file's band tables.

Deliberately not registered in :data:`~kinerja.functions.registry.FUNCTIONS`: the
rule compiler binds it to the bands declared in each rules file, and rule authors
call it as ``band(value, 'table')``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from kinerja.functions.arguments import _items, _number, _optional_number, _show
from kinerja.functions.registry import DECIMALS, FunctionError
from kinerja.i18n import N_, _

__all__ = ["band_lookup"]

Interval = tuple[int | float | None, int | float | None]
"""A band's ``(min, max)``: min inclusive, max exclusive, None for an open end."""


def _band_parts(position: int, band: object) -> tuple[object, object, object]:
    """Read (label, min, max) from a tuple/list, a mapping, or an object with attributes."""
    if isinstance(band, (list, tuple)):
        if len(band) != 3:
            raise FunctionError(
                _(
                    "{fn}: band {position} must be (label, min, max), got {n} items",
                    fn="band_lookup",
                    position=position,
                    n=len(band),
                )
            )
        return band[0], band[1], band[2]
    if isinstance(band, Mapping):
        try:
            return band["label"], band.get("min"), band.get("max")
        except KeyError:
            raise FunctionError(
                _("{fn}: band {position} has no label", fn="band_lookup", position=position)
            ) from None
    try:
        return band.label, band.min, band.max  # type: ignore[attr-defined]
    except AttributeError:
        raise FunctionError(
            _(
                "{fn}: band {position} must be (label, min, max) or have "
                "label, min and max attributes, got {value}",
                fn="band_lookup",
                position=position,
                value=_show(band),
            )
        ) from None


def _fmt(value: int | float) -> str:
    """A number as a rule author would write it."""
    return str(value) if isinstance(value, int) else repr(value)


def _merged(intervals: Sequence[Interval]) -> list[list[int | float | None]]:
    """The union of half-open intervals, as disjoint ``[min, max]`` pairs in order."""

    def lower(item: Interval) -> float:
        return -math.inf if item[0] is None else item[0]

    merged: list[list[int | float | None]] = []
    for lo, hi in sorted(intervals, key=lower):
        if merged:
            last_hi = merged[-1][1]
            if last_hi is None:
                continue
            if lo is None or lo <= last_hi:
                if hi is None or hi > last_hi:
                    merged[-1][1] = hi
                continue
        merged.append([lo, hi])
    return merged


def _covers_everything(intervals: Sequence[Interval]) -> bool:
    """Whether every value falls in one of the intervals."""
    return _merged(intervals) == [[None, None]]


def _coverage(intervals: Sequence[Interval]) -> str:
    """Describe the union of half-open intervals in plain words, e.g. '0 to under 50'."""
    words = []
    for lo, hi in _merged(intervals):
        if lo is None and hi is None:
            words.append(_("every value"))
        elif lo is None:
            words.append(_("under {high}", high=_fmt(hi)))  # type: ignore[arg-type]
        elif hi is None:
            words.append(_("{low} and above", low=_fmt(lo)))
        else:
            words.append(_("{low} to under {high}", low=_fmt(lo), high=_fmt(hi)))
    return "; ".join(words)


def band_lookup(value: object, bands: object) -> object:
    """Return the label of the first band with ``min <= value < max``.

    ``bands`` is a sequence of ``(label, min, max)`` tuples, mappings with
    ``label``/``min``/``max`` keys, or objects with those attributes. ``min`` is
    inclusive, ``max`` exclusive, and either may be None for an open end. Not
    registered in :data:`FUNCTIONS`: the rule compiler binds it per rules file.
    """
    fn = "band_lookup"
    v = _number(fn, N_("value"), value)
    if v - v != 0:
        raise FunctionError(_("{fn}: value {value} is not a finite number", fn=fn, value=repr(v)))
    v = round(v, DECIMALS)  # 75.99999999999999 computed for 76 lands in 76's band
    items = _items(fn, N_("bands"), bands)
    if not items:
        raise FunctionError(_("{fn}: no bands are defined; add bands to the rules file", fn=fn))
    intervals: list[Interval] = []
    found: object = None
    matched = False
    for position, band in enumerate(items, start=1):
        label, low, high = _band_parts(position, band)
        lo = _optional_number(fn, N_("min of band {position}"), low, position)
        hi = _optional_number(fn, N_("max of band {position}"), high, position)
        if lo is not None and hi is not None and lo >= hi:
            raise FunctionError(
                _(
                    "{fn}: band {position} ({label}) has min {low} not below max {high}, "
                    "so nothing can fall in it; fix its limits",
                    fn=fn,
                    position=position,
                    label=repr(label),
                    low=_fmt(lo),
                    high=_fmt(hi),
                )
            )
        intervals.append((lo, hi))
        if not matched and (lo is None or v >= lo) and (hi is None or v < hi):
            found, matched = label, True
    if matched:
        return found
    raise FunctionError(
        _(
            "value {value} falls in no band; bands cover {coverage}. "
            "Add a band for this value or correct the value",
            value=_fmt(v),
            coverage=_coverage(intervals),
        )
    )

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

__all__ = ["band_lookup"]


def _band_parts(position: int, band: object) -> tuple[object, object, object]:
    """Read (label, min, max) from a tuple/list, a mapping, or an object with attributes."""
    if isinstance(band, (list, tuple)):
        if len(band) != 3:
            raise FunctionError(
                f"band_lookup: band {position} must be (label, min, max), got {len(band)} items"
            )
        return band[0], band[1], band[2]
    if isinstance(band, Mapping):
        try:
            return band["label"], band.get("min"), band.get("max")
        except KeyError:
            raise FunctionError(f"band_lookup: band {position} has no label") from None
    try:
        return band.label, band.min, band.max  # type: ignore[attr-defined]
    except AttributeError:
        raise FunctionError(
            f"band_lookup: band {position} must be (label, min, max) or have "
            f"label, min and max attributes, got {_show(band)}"
        ) from None


def _fmt(value: int | float) -> str:
    """A number as a rule author would write it."""
    return str(value) if isinstance(value, int) else repr(value)


def _coverage(intervals: Sequence[tuple[int | float | None, int | float | None]]) -> str:
    """Describe the union of half-open intervals in plain words, e.g. '0 to under 50'."""

    def lower(item: tuple[int | float | None, int | float | None]) -> float:
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
    words = []
    for lo, hi in merged:
        if lo is None and hi is None:
            words.append("every value")
        elif lo is None:
            words.append(f"under {_fmt(hi)}")  # type: ignore[arg-type]
        elif hi is None:
            words.append(f"{_fmt(lo)} and above")
        else:
            words.append(f"{_fmt(lo)} to under {_fmt(hi)}")
    return "; ".join(words)


def band_lookup(value: object, bands: object) -> object:
    """Return the label of the first band with ``min <= value < max``.

    ``bands`` is a sequence of ``(label, min, max)`` tuples, mappings with
    ``label``/``min``/``max`` keys, or objects with those attributes. ``min`` is
    inclusive, ``max`` exclusive, and either may be None for an open end. Not
    registered in :data:`FUNCTIONS`: the rule compiler binds it per rules file.
    """
    fn = "band_lookup"
    v = _number(fn, "value", value)
    if v - v != 0:
        raise FunctionError(f"{fn}: value {v!r} is not a finite number")
    v = round(v, DECIMALS)  # 75.99999999999999 computed for 76 lands in 76's band
    items = _items(fn, "bands", bands)
    if not items:
        raise FunctionError(f"{fn}: no bands are defined; add bands to the rules file")
    intervals: list[tuple[int | float | None, int | float | None]] = []
    found: object = None
    matched = False
    for position, band in enumerate(items, start=1):
        label, low, high = _band_parts(position, band)
        lo = _optional_number(fn, f"min of band {position}", low)
        hi = _optional_number(fn, f"max of band {position}", high)
        if lo is not None and hi is not None and lo >= hi:
            raise FunctionError(
                f"{fn}: band {position} ({label!r}) has min {_fmt(lo)} not below "
                f"max {_fmt(hi)}, so nothing can fall in it; fix its limits"
            )
        intervals.append((lo, hi))
        if not matched and (lo is None or v >= lo) and (hi is None or v < hi):
            found, matched = label, True
    if matched:
        return found
    raise FunctionError(
        f"value {_fmt(v)} falls in no band; bands cover {_coverage(intervals)}. "
        f"Add a band for this value or correct the value"
    )

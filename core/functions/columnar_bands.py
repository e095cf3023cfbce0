"""``band(value, 'table')`` in vectorised form: the label of the band each value falls in.

A value is looked up as given (a computed one already
tidied by the compiler), and one that misses every band is tidied and looked up
again, as :func:`kinerja.functions.band_lookup` does, before it fails with its words.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from kinerja.functions.bands import _coverage, _covers_everything
from kinerja.functions.columnar_shown import (
    check_number,
    py_repr,
)
from kinerja.functions.columnar_values import (
    FUNCTION_ERROR,
    NUMBER,
    STRING,
    Checks,
    Unsupported,
    Val,
    all_of,
    filled,
    number,
    pick,
)
from kinerja.i18n import N_, _
from kinerja.numbers import tidy

__all__ = ["band"]


def _first_band(v: pl.Expr, rows: Sequence[tuple[str, float | None, float | None]]) -> pl.Expr:
    choices = []
    for label, low, high in rows:
        tests = []
        if low is not None:
            tests.append(v >= float(low))
        if high is not None:
            tests.append(v < float(high))
        cond = all_of(*tests) if tests else True
        choices.append((cond, pl.lit(label, pl.String)))
    return pick(choices, pl.lit(None, pl.String))


def band(
    value: Val, rows: Sequence[tuple[str, float | None, float | None]], *, tidied: bool
) -> Val:
    """``band(value, table)``: the first band with min <= value < max.

    ``tidied``: the compiler tidied the value already (a computed number); a named
    value is looked up as it is, then (missing every band) tidied, as ``band_lookup``.
    """
    if any(not isinstance(label, str) for label, _low, _high in rows):
        raise Unsupported(_("band labels must be text to make a column"))
    fn = "band_lookup"
    checks = Checks()
    check_number(checks, fn, N_("value"), value)
    v = number(value)
    if not rows:
        checks.add(
            True,
            FUNCTION_ERROR,
            _("{fn}: no bands are defined; add bands to the rules file", fn=fn),
        )
        return checks.give(Val(STRING, pl.lit(None, pl.String)))
    label = _first_band(v.value, rows)
    lookup = v
    intervals = [(lo, hi) for _label, lo, hi in rows]
    if not (tidied or _covers_everything(intervals)):
        lookup = Val(NUMBER, tidy(v.value), v.tag)
        label = pl.coalesce(label, _first_band(lookup.value, rows))
    words = _(
        "value {value} falls in no band; bands cover {coverage}. "
        "Add a band for this value or correct the value"
    )
    checks.add(
        label.is_null(),
        FUNCTION_ERROR,
        *filled(words, value=py_repr(lookup), coverage=_coverage(intervals)),
    )
    return checks.give(Val(STRING, label, nullable=False))

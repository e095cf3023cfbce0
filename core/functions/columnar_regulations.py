"""Vectorised formulas of the regulations: IKM, JPM and the PermenPANRB 6/2022 predikat.

Each function mirrors its Python twin in :mod:`kinerja.functions.regulations` row by
row, fast path and checks alike (see :mod:`kinerja.functions.columnar`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import polars as pl

from kinerja.functions.columnar_achievement import positive, to_float, too_large
from kinerja.functions.columnar_numeric import fsum, fsum_overflows
from kinerja.functions.columnar_shown import (
    check_number,
    py_repr,
    show,
)
from kinerja.functions.columnar_values import (
    BOOL,
    FUNCTION_ERROR,
    LIST,
    NUMBER,
    OTHER_ERROR,
    OVERFLOW,
    STRING,
    Checks,
    Cond,
    Val,
    all_of,
    constant,
    exact_divide,
    filled,
    has_tag,
    is_missing,
    is_plain_number,
    negate,
    number,
    pick,
    present,
    running_sum,
)
from kinerja.i18n import N_, _
from kinerja.numbers import round_half_up

__all__ = ["ikm", "ikm_grade", "jpm", "jpm_band", "predikat_matrix"]


def _list_items(checks: Checks, fn: str, what: str, v: Val) -> Sequence[Val] | None:
    """``_items``: a list argument's items, or a failure when it is not a list (``what``:
    the argument's name, a message marked with ``N_``)."""
    if v.kind == LIST:
        return v.items
    checks.add(
        is_missing(v),
        FUNCTION_ERROR,
        _("{fn}: {what} is missing; give a list such as [80, 90]", fn=fn, what=_(what)),
    )
    checks.add(
        present(v),
        FUNCTION_ERROR,
        *filled(_("{fn}: {what} must be a list, got {value}"), fn=fn, what=_(what), value=show(v)),
    )
    return None


def ikm(nrr_values: Val, element_weight: Val | None = None) -> Val:
    """``ikm``: the mean NRR x 25, or sum(NRR x weight) x 25."""
    fn = "ikm"
    weight = constant(None) if element_weight is None else element_weight
    checks = Checks()
    items = _list_items(checks, fn, N_("NRR values"), nrr_values)
    if items is None:
        return checks.give(constant(None))
    if not items:
        checks.add(
            True,
            FUNCTION_ERROR,
            _("{fn}: no NRR values given; give one mean score per service element", fn=fn),
        )
        return checks.give(constant(None))
    for position, item in enumerate(items, start=1):
        check_number(checks, fn, N_("NRR of element {position}"), item, position=position)
        x = number(item).value
        checks.add(
            ~((x >= 1) & (x <= 4)),
            FUNCTION_ERROR,
            *filled(
                _(
                    "{fn}: NRR of element {position} is {value}, outside 1..4; "
                    "an NRR is a mean of survey scores from 1 to 4"
                ),
                fn=fn,
                position=position,
                value=show(item),
            ),
        )
    check_number(checks, fn, N_("element weight"), weight, optional=True)
    w = number(weight)
    checks.add(
        w.value <= 0,
        FUNCTION_ERROR,
        *filled(
            _("{fn}: element weight must be above zero, got {value}; the regulation uses 0.11"),
            fn=fn,
            value=show(weight),
        ),
    )
    nrrs = [number(v).value for v in items]
    checks.add(fsum_overflows(nrrs), OVERFLOW, "intermediate overflow in fsum")
    summed = fsum(nrrs)
    plain = exact_divide(summed, pl.lit(float(len(nrrs)))) * 25
    weighed = summed * w.value * 25
    value = pick([(is_missing(weight), plain)], weighed)
    to_float(checks, fn, value)
    return checks.give(Val(NUMBER, value, "float", nullable=False))


_GRADES = ((88.31, "A"), (76.61, "B"), (65.00, "C"))


def ikm_grade(ikm_value: Val) -> Val:
    """``ikm_grade``: A, B, C or D on the value rounded half up to 2 decimals."""
    fn = "ikm_grade"
    checks = Checks()
    check_number(checks, fn, N_("IKM value"), ikm_value)
    v = number(ikm_value).value
    # Decimal's default 28 digits cannot quantize 1e26 or more to 2 places
    checks.add(
        v.abs() >= 1e26, OTHER_ERROR, "InvalidOperation: [<class 'decimal.InvalidOperation'>]"
    )
    rounded = round_half_up(v, 2)
    checks.add(
        ~((rounded >= 25) & (rounded <= 100)),
        FUNCTION_ERROR,
        *filled(
            _(
                "{fn}: IKM value {value} is outside 25..100; an IKM is the mean "
                "NRR (1-4) x 25, so check the survey data"
            ),
            fn=fn,
            value=show(ikm_value),
        ),
    )
    grade = pick([(rounded >= low, pl.lit(g)) for low, g in _GRADES], pl.lit("D"))
    return checks.give(Val(STRING, grade, nullable=False))


def _is_bool(v: Val) -> Cond:
    if v.kind == BOOL:
        return present(v)
    return all_of(present(v), has_tag(v, "bool")) if v.kind == NUMBER else False


def _above_one(ratio: pl.Expr) -> pl.Expr:
    """``ratio > 1`` as Python compares (nan is not above one)."""
    return (ratio > 1) & ~ratio.is_nan()


def _jpm_ratios(levels: Sequence[Val], required: Sequence[Val], cap: Val) -> list[pl.Expr]:
    """Each level / required, at most 1 with ``cap`` (``min(ratio, 1.0)``)."""
    capping = cap.value.cast(pl.Boolean) if cap.kind in (BOOL, NUMBER) else pl.lit(False)
    ratios = []
    for level, standard in zip(levels, required, strict=True):
        ratio = exact_divide(number(level).value, number(standard).value)
        ratios.append(pl.when(capping & _above_one(ratio)).then(pl.lit(1.0)).otherwise(ratio))
    return ratios


def _jpm_fast(
    levels: Sequence[Val], required: Sequence[Val], cap: Val, ratios: Sequence[pl.Expr]
) -> tuple[Cond, pl.Expr]:
    """The fast path's condition and value: plain levels >= 0, requirements > 0."""
    conditions: list[Cond] = [_is_bool(cap)]
    for level, standard in zip(levels, required, strict=True):
        conditions += [is_plain_number(level), is_plain_number(standard)]
        conditions += [(number(level).value >= 0).fill_null(False), positive(number(standard))]
    result = exact_divide(100 * running_sum(ratios), pl.lit(float(len(levels))))
    return all_of(*conditions, result.is_finite()), result


def _jpm_checks(fn: str, have: Sequence[Val], need: Sequence[Val], cap: Val) -> Checks:
    checks = Checks()
    checks.add(
        negate(_is_bool(cap)),
        FUNCTION_ERROR,
        *filled(_("{fn}: cap must be True or False, got {value}"), fn=fn, value=show(cap)),
    )
    if len(have) != len(need):
        checks.add(
            True,
            FUNCTION_ERROR,
            _(
                "{fn}: {levels} levels but {required} required levels; "
                "give one level per required competency",
                fn=fn,
                levels=len(have),
                required=len(need),
            ),
        )
        return checks
    if not have:
        checks.add(True, FUNCTION_ERROR, _("{fn}: no competencies given", fn=fn))
    for position, (level, standard) in enumerate(zip(have, need, strict=True), start=1):
        _jpm_pair_checks(checks, fn, position, level, standard)
    return checks


def _jpm_pair_checks(checks: Checks, fn: str, position: int, level: Val, standard: Val) -> None:
    """The checks of one competency: its level and required level."""
    check_number(checks, fn, N_("level of competency {position}"), level, position=position)
    check_number(
        checks, fn, N_("required level of competency {position}"), standard, position=position
    )
    checks.add(
        number(standard).value <= 0,
        FUNCTION_ERROR,
        *filled(
            _("{fn}: required level of competency {position} must be above zero, got {value}"),
            fn=fn,
            position=position,
            value=show(standard),
        ),
    )
    checks.add(
        number(level).value < 0,
        FUNCTION_ERROR,
        *filled(
            _("{fn}: level of competency {position} cannot be negative, got {value}"),
            fn=fn,
            position=position,
            value=show(level),
        ),
    )


def jpm(levels: Val, required: Val, cap: Val | None = None) -> Val:
    """``jpm``: 100 x mean(level / required), each ratio capped at 1 with ``cap``."""
    fn = "jpm"
    cap = constant(False) if cap is None else cap
    checks = Checks()
    have = _list_items(checks, fn, N_("levels"), levels)
    need = _list_items(checks, fn, N_("required levels"), required)
    if have is None or need is None:
        return checks.give(constant(None))
    checks = _jpm_checks(fn, have, need, cap)
    if not have or len(have) != len(need):
        return checks.give(constant(None))
    ratios = _jpm_ratios(have, need, cap)
    fast_ok, fast = _jpm_fast(have, need, cap, ratios)
    checks.unless(fast_ok)
    slow = exact_divide(100 * fsum(ratios), pl.lit(float(len(ratios))))
    checks.add(negate(fast_ok) & fsum_overflows(ratios), OVERFLOW, "intermediate overflow in fsum")
    checks.add(all_of(negate(fast_ok), ~slow.is_finite()), FUNCTION_ERROR, too_large(fn))
    return checks.give(Val(NUMBER, pick([(fast_ok, fast)], slow), "float", nullable=False))


def jpm_band(jpm_value: Val) -> Val:
    """``jpm_band``: optimal from 90, cukup optimal from 78, else kurang optimal."""
    fn = "jpm_band"
    checks = Checks()
    check_number(checks, fn, N_("JPM value"), replace(jpm_value, finite=True))  # inf passes
    v = number(jpm_value).value
    real = pl.lit(True) if jpm_value.finite else ~v.is_nan()
    label = (
        pl.when(real & (v >= 90))
        .then(pl.lit("optimal"))
        .when(real & (v >= 78))
        .then(pl.lit("cukup optimal"))
        .otherwise(pl.lit("kurang optimal"))
    )
    return checks.give(Val(STRING, label, nullable=False))


_ATAS, _SESUAI, _BAWAH = "di atas ekspektasi", "sesuai ekspektasi", "di bawah ekspektasi"
_LONG = {
    _ATAS: _ATAS,
    "di atas": _ATAS,
    _SESUAI: _SESUAI,
    "sesuai": _SESUAI,
    _BAWAH: _BAWAH,
    "di bawah": _BAWAH,
}
_MATRIX = {
    (_ATAS, _BAWAH): "Kurang/Misconduct",
    (_ATAS, _SESUAI): "Baik",
    (_ATAS, _ATAS): "Sangat Baik",
    (_SESUAI, _BAWAH): "Kurang/Misconduct",
    (_SESUAI, _SESUAI): "Baik",
    (_SESUAI, _ATAS): "Baik",
    (_BAWAH, _BAWAH): "Sangat Kurang",
    (_BAWAH, _SESUAI): "Butuh Perbaikan",
    (_BAWAH, _ATAS): "Butuh Perbaikan",
}
_CODES = {_ATAS: 0, _SESUAI: 1, _BAWAH: 2}


def _rating_codes(series: pl.Series) -> pl.Series:
    """The code (0, 1, 2) of each label's long form, found once per distinct label with
    ``_rating``'s own normalisation (``" ".join(label.lower().split())``); else null."""
    distinct = series.drop_nulls().unique()
    codes = [_CODES.get(_LONG.get(" ".join(label.lower().split()), "")) for label in distinct]
    found = pl.Series(codes, dtype=pl.UInt8)
    return series.replace_strict(distinct, found, default=None, return_dtype=pl.UInt8)


def _rating(checks: Checks, fn: str, what: str, label: Val) -> pl.Expr:
    """``_rating``: the code of a rating label's long form, or a failure naming it."""
    checks.add(
        is_missing(label),
        FUNCTION_ERROR,
        _(
            "{fn}: {what} rating is missing; use one of 'di atas ekspektasi', "
            "'sesuai ekspektasi', 'di bawah ekspektasi' (or the short forms "
            "'di atas', 'sesuai', 'di bawah'; any letter case)",
            fn=fn,
            what=what,
        ),
    )
    if label.kind != STRING:
        words = _(
            "{fn}: {what} rating must be text, got {value}; use one of "
            "'di atas ekspektasi', 'sesuai ekspektasi', 'di bawah ekspektasi' (or the "
            "short forms 'di atas', 'sesuai', 'di bawah'; any letter case)"
        )
        checks.add(
            present(label), FUNCTION_ERROR, *filled(words, fn=fn, what=what, value=show(label))
        )
        return pl.lit(None, pl.UInt8)
    code = label.value.map_batches(_rating_codes, return_dtype=pl.UInt8, is_elementwise=True)
    words = _(
        "{fn}: {what} rating {label} is not a known label; use one of "
        "'di atas ekspektasi', 'sesuai ekspektasi', 'di bawah ekspektasi' (or the "
        "short forms 'di atas', 'sesuai', 'di bawah'; any letter case)"
    )
    checks.add(
        all_of(present(label), code.is_null()),
        FUNCTION_ERROR,
        *filled(words, fn=fn, what=what, label=py_repr(label)),
    )
    return code


def predikat_matrix(hasil: Val, perilaku: Val) -> Val:
    """``predikat_matrix``: the PermenPANRB 6/2022 predikat of two ratings."""
    fn = "predikat_matrix"
    checks = Checks()
    first = _rating(checks, fn, "hasil kerja", hasil)
    second = _rating(checks, fn, "perilaku kerja", perilaku)
    pair = first.cast(pl.UInt8) * 3 + second.cast(pl.UInt8)
    keys = [_CODES[a] * 3 + _CODES[b] for a, b in _MATRIX]
    value = pair.replace_strict(keys, list(_MATRIX.values()), default=None, return_dtype=pl.String)
    return checks.give(Val(STRING, value, nullable=False))

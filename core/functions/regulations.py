"""Scoring formulas set by Indonesian regulations.

* PermenPANRB 6/2022: the predikat matrix of hasil kerja and perilaku kerja ratings.
* PP 46/2011: the SKP activity score and its time or cost aspect.
* PermenPANRB 14/2017: the citizen-satisfaction index (IKM) and its grade.
* PermenPANRB 38/2017: the job-person match (JPM) and its band.

Every formula raises :class:`~kinerja.functions.registry.FunctionError` when a
value it needs is missing or out of range.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from kinerja.functions.arguments import (
    _NUM,
    _SEQ,
    _exact,
    _items,
    _number,
    _optional_number,
    _show,
    _to_float,
)
from kinerja.functions.registry import MAX_ITEMS, FunctionError, Param, register
from kinerja.i18n import N_, _

__all__ = [
    "ikm",
    "ikm_grade",
    "jpm",
    "jpm_band",
    "pp46_skp",
    "pp46_time_cost",
    "predikat_matrix",
]

# --------------------------------------------------------------------------- PermenPANRB 6/2022

_ATAS, _SESUAI, _BAWAH = "di atas ekspektasi", "sesuai ekspektasi", "di bawah ekspektasi"
_LABELS = {
    _ATAS: _ATAS,
    "di atas": _ATAS,
    _SESUAI: _SESUAI,
    "sesuai": _SESUAI,
    _BAWAH: _BAWAH,
    "di bawah": _BAWAH,
}
# (hasil kerja, perilaku kerja) -> predikat, PermenPANRB 6/2022 (see DOMAIN.md).
_PREDIKAT = {
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


def _rating(fn: str, what: str, label: object) -> str:
    """Normalise a rating label to its long form, or raise listing the accepted labels.

    ``what`` ("hasil kerja", "perilaku kerja") is the regulation's own term, the same
    in every language.
    """
    if label is None:
        raise FunctionError(
            _(
                "{fn}: {what} rating is missing; use one of 'di atas ekspektasi', "
                "'sesuai ekspektasi', 'di bawah ekspektasi' (or the short forms "
                "'di atas', 'sesuai', 'di bawah'; any letter case)",
                fn=fn,
                what=what,
            )
        )
    if not isinstance(label, str):
        raise FunctionError(
            _(
                "{fn}: {what} rating must be text, got {value}; use one of "
                "'di atas ekspektasi', 'sesuai ekspektasi', 'di bawah ekspektasi' (or the "
                "short forms 'di atas', 'sesuai', 'di bawah'; any letter case)",
                fn=fn,
                what=what,
                value=_show(label),
            )
        )
    key = " ".join(label.lower().split())
    if key not in _LABELS:
        raise FunctionError(
            _(
                "{fn}: {what} rating {label} is not a known label; use one of "
                "'di atas ekspektasi', 'sesuai ekspektasi', 'di bawah ekspektasi' (or the "
                "short forms 'di atas', 'sesuai', 'di bawah'; any letter case)",
                fn=fn,
                what=what,
                label=repr(label),
            )
        )
    return _LABELS[key]


@register(
    "predikat_matrix",
    params=(
        Param("hasil", "string", doc="Hasil kerja rating: di atas / sesuai / di bawah ekspektasi."),
        Param(
            "perilaku",
            "string",
            doc="Perilaku kerja rating: di atas / sesuai / di bawah ekspektasi.",
        ),
    ),
    returns="string",
    doc="The PermenPANRB 6/2022 predikat from the hasil kerja and perilaku kerja ratings: "
    "Sangat Baik, Baik, Butuh Perbaikan, Kurang/Misconduct or Sangat Kurang.",
    example='predikat_matrix("di atas ekspektasi", "sesuai ekspektasi")',
    example_result="Baik",
)
def predikat_matrix(hasil: object, perilaku: object) -> str:
    """Return the PermenPANRB 6/2022 predikat for a (hasil kerja, perilaku kerja) pair."""
    found = _PREDIKAT.get((hasil, perilaku))  # fast path: exact long labels
    if found is not None:
        return found
    fn = "predikat_matrix"
    return _PREDIKAT[(_rating(fn, "hasil kerja", hasil), _rating(fn, "perilaku kerja", perilaku))]


# --------------------------------------------------------------------------- PP 46/2011


@register(
    "pp46_time_cost",
    params=(
        Param("realised", "number", doc="Realised time (or cost); zero or above."),
        Param("target", "number", doc="Target time (or cost); above zero."),
    ),
    returns="number",
    doc="PP 46/2011 time or cost aspect: with e = 100 - R/T x 100, (1.76T - R)/T x 100 when "
    "e <= 24, else 76 - ((1.76T - R)/T x 100 - 100); exactly on target scores 76.",
    example="pp46_time_cost(12, 12)",
    example_result=76.0,
)
def pp46_time_cost(realised: object, target: object) -> float:
    """Return the PP 46/2011 score of the time or cost aspect of one activity.

    Applied literally: the result is not floored, so a realisation far over
    target (more than 1.76 x target) scores below zero.
    """
    fn = "pp46_time_cost"
    r = _number(fn, N_("realised value"), realised)
    t = _number(fn, N_("target value"), target)
    if t <= 0:
        raise FunctionError(
            _(
                "{fn}: target must be above zero, got {value}; for the cost aspect of an "
                "activity without a budget, leave cost out of pp46_skp",
                fn=fn,
                value=_show(t),
            )
        )
    if r < 0:
        raise FunctionError(
            _("{fn}: realised value cannot be negative, got {value}", fn=fn, value=_show(r))
        )
    big_r, big_t = _exact(r), _exact(t)
    efficiency = 100 - big_r / big_t * 100
    score = (1.76 * big_t - big_r) / big_t * 100
    if efficiency > 24:
        score = 76 - (score - 100)
    return _to_float(fn, score)


@register(
    "pp46_skp",
    params=(
        Param("quantity", "number", doc="Quantity aspect score."),
        Param("quality", "number", doc="Quality aspect score."),
        Param("time", "number", doc="Time aspect score (see pp46_time_cost)."),
        Param("cost", "number", None, "Cost aspect score; leave out when there is no budget."),
    ),
    returns="number",
    doc="PP 46/2011 score of one SKP activity: the mean of quantity, quality, time and, "
    "when given, cost.",
    example="pp46_skp(100, 91, 76)",
    example_result=89.0,
)
def pp46_skp(quantity: object, quality: object, time: object, cost: object = None) -> float:
    """Return the mean of the 3 aspects, or of all 4 when ``cost`` is given."""
    fn = "pp46_skp"
    aspects = [
        _number(fn, N_("quantity score"), quantity),
        _number(fn, N_("quality score"), quality),
        _number(fn, N_("time score"), time),
    ]
    c = _optional_number(fn, N_("cost score"), cost)
    if c is not None:
        aspects.append(c)
    return _to_float(fn, math.fsum(aspects) / len(aspects))


# --------------------------------------------------------------------------- IKM


@register(
    "ikm",
    params=(
        Param("nrr_values", "list", doc="The mean score (NRR, 1-4) of each service element."),
        Param(
            "element_weight",
            "number",
            None,
            "Weight per element (the regulation's 0.11); None uses the exact mean.",
        ),
    ),
    returns="number",
    doc="Citizen-satisfaction index (PermenPANRB 14/2017): mean of the NRRs x 25, or "
    "sum(NRR x element_weight) x 25 when a weight such as 0.11 is given.",
    example="ikm([3, 3.5, 3.5, 4])",
    example_result=87.5,
)
def ikm(nrr_values: object, element_weight: object = None) -> float:
    """Return the IKM from the per-element mean scores (NRR)."""
    fn = "ikm"
    items = _items(fn, N_("NRR values"), nrr_values)
    if not items:
        raise FunctionError(
            _("{fn}: no NRR values given; give one mean score per service element", fn=fn)
        )
    nrrs: list[float] = []
    for position, value in enumerate(items, start=1):
        nrr = _number(fn, N_("NRR of element {position}"), value, position)
        if not 1 <= nrr <= 4:
            raise FunctionError(
                _(
                    "{fn}: NRR of element {position} is {value}, outside 1..4; "
                    "an NRR is a mean of survey scores from 1 to 4",
                    fn=fn,
                    position=position,
                    value=_show(nrr),
                )
            )
        nrrs.append(_exact(nrr))
    weight = _optional_number(fn, N_("element weight"), element_weight)
    if weight is None:
        return _to_float(fn, math.fsum(nrrs) / len(nrrs) * 25)
    if weight <= 0:
        raise FunctionError(
            _(
                "{fn}: element weight must be above zero, got {value}; the regulation uses 0.11",
                fn=fn,
                value=_show(weight),
            )
        )
    return _to_float(fn, math.fsum(nrrs) * _exact(weight) * 25)


# (lowest value, grade), highest first; values are compared after rounding to 2 decimals.
_IKM_GRADES = (
    (Decimal("88.31"), "A"),
    (Decimal("76.61"), "B"),
    (Decimal("65.00"), "C"),
    (Decimal("25.00"), "D"),
)


@register(
    "ikm_grade",
    params=(Param("ikm_value", "number", doc="An IKM value between 25 and 100."),),
    returns="string",
    doc="IKM grade: A 88.31-100, B 76.61-88.30, C 65.00-76.60, D 25.00-64.99, on the value "
    "rounded half up to 2 decimals.",
    example="ikm_grade(87.5)",
    example_result="B",
)
def ikm_grade(ikm_value: object) -> str:
    """Return the IKM grade letter ("A".."D") for an IKM value."""
    fn = "ikm_grade"
    v = _number(fn, N_("IKM value"), ikm_value)
    rounded = Decimal(repr(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not Decimal(25) <= rounded <= Decimal(100):
        raise FunctionError(
            _(
                "{fn}: IKM value {value} is outside 25..100; an IKM is the mean "
                "NRR (1-4) x 25, so check the survey data",
                fn=fn,
                value=_show(v),
            )
        )
    return next(grade for lowest, grade in _IKM_GRADES if rounded >= lowest)


# --------------------------------------------------------------------------- JPM


@register(
    "jpm",
    params=(
        Param("levels", "list", doc="The person's level per competency (e.g. 1-5)."),
        Param("required", "list", doc="The post's required level per competency, above zero."),
        Param(
            "cap",
            "bool",
            False,
            "Cap each level / required ratio at 1 (no credit above the standard).",
        ),
    ),
    returns="number",
    doc="Job-person match (PermenPANRB 38/2017): 100 x mean(level / required) over the "
    "competencies; with cap each ratio counts at most 1.",
    example="jpm([4, 3], [4, 4])",
    example_result=87.5,
)
def jpm(levels: object, required: object, cap: object = False) -> float:
    """Return the job-person match percentage."""
    if (
        type(levels) in _SEQ
        and type(required) in _SEQ
        and type(cap) is bool
        and 0 < len(levels) == len(required) <= MAX_ITEMS
    ):  # fast path: plain non-negative levels, positive requirements
        acc = 0.0
        for level, standard in zip(levels, required):  # noqa: B905 - lengths checked
            if type(level) not in _NUM or type(standard) not in _NUM or level < 0 or standard <= 0:
                break
            ratio = level / standard
            acc += 1.0 if cap and ratio > 1 else ratio
        else:
            result = 100 * acc / len(levels)
            if result - result == 0:
                return result
    fn = "jpm"
    have = _items(fn, N_("levels"), levels)
    need = _items(fn, N_("required levels"), required)
    if not isinstance(cap, bool):
        raise FunctionError(
            _("{fn}: cap must be True or False, got {value}", fn=fn, value=_show(cap))
        )
    if len(have) != len(need):
        raise FunctionError(
            _(
                "{fn}: {levels} levels but {required} required levels; "
                "give one level per required competency",
                fn=fn,
                levels=len(have),
                required=len(need),
            )
        )
    if not have:
        raise FunctionError(_("{fn}: no competencies given", fn=fn))
    ratios: list[float] = []
    for position, (level, standard) in enumerate(zip(have, need, strict=True), start=1):
        lv = _number(fn, N_("level of competency {position}"), level, position)
        rq = _number(fn, N_("required level of competency {position}"), standard, position)
        if rq <= 0:
            raise FunctionError(
                _(
                    "{fn}: required level of competency {position} must be above zero, got {value}",
                    fn=fn,
                    position=position,
                    value=_show(rq),
                )
            )
        if lv < 0:
            raise FunctionError(
                _(
                    "{fn}: level of competency {position} cannot be negative, got {value}",
                    fn=fn,
                    position=position,
                    value=_show(lv),
                )
            )
        ratio = _exact(lv) / _exact(rq)
        ratios.append(min(ratio, 1.0) if cap else ratio)
    return _to_float(fn, 100 * math.fsum(ratios) / len(ratios))


@register(
    "jpm_band",
    params=(Param("jpm_value", "number", doc="A JPM percentage."),),
    returns="string",
    doc='JPM band: "optimal" from 90, "cukup optimal" from 78 to under 90, '
    '"kurang optimal" under 78.',
    example="jpm_band(87.5)",
    example_result="cukup optimal",
)
def jpm_band(jpm_value: object) -> str:
    """Return the band label of a JPM percentage."""
    v = jpm_value if type(jpm_value) in _NUM else _number("jpm_band", N_("JPM value"), jpm_value)
    if v >= 90:
        return "optimal"
    if v >= 78:
        return "cukup optimal"
    return "kurang optimal"

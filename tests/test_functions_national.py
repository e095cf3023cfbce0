"""Tests for kinerja.functions: the national formulas (PermenPANRB 6/2022 matrix,
PP 46/2011, IKM, JPM) and band lookup.

Expected values are computed by hand; the arithmetic is in the comment above each assertion.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

import kinerja.functions as fx


def raises(match: str) -> pytest.RaisesContext:  # type: ignore[type-arg]
    """Shorthand: expect a FunctionError whose message contains ``match`` (a regex)."""
    return pytest.raises(fx.FunctionError, match=match)


# --------------------------------------------------------------------------- predikat matrix


@pytest.mark.parametrize(
    ("hasil", "perilaku", "predikat"),
    [
        ("di atas ekspektasi", "di bawah ekspektasi", "Kurang/Misconduct"),
        ("di atas ekspektasi", "sesuai ekspektasi", "Baik"),
        ("di atas ekspektasi", "di atas ekspektasi", "Sangat Baik"),
        ("sesuai ekspektasi", "di bawah ekspektasi", "Kurang/Misconduct"),
        ("sesuai ekspektasi", "sesuai ekspektasi", "Baik"),
        ("sesuai ekspektasi", "di atas ekspektasi", "Baik"),
        ("di bawah ekspektasi", "di bawah ekspektasi", "Sangat Kurang"),
        ("di bawah ekspektasi", "sesuai ekspektasi", "Butuh Perbaikan"),
        ("di bawah ekspektasi", "di atas ekspektasi", "Butuh Perbaikan"),
    ],
)
def test_predikat_matrix_every_cell(hasil: str, perilaku: str, predikat: str) -> None:
    assert fx.predikat_matrix(hasil, perilaku) == predikat
    short = {
        "di atas ekspektasi": "di atas",
        "sesuai ekspektasi": "sesuai",
        "di bawah ekspektasi": "di bawah",
    }
    assert fx.predikat_matrix(short[hasil].upper(), f"  {perilaku.title()} ") == predikat


def test_predikat_matrix_accepts_messy_spacing() -> None:
    assert fx.predikat_matrix("Di  Atas\tEkspektasi", "SESUAI") == "Baik"


def test_predikat_matrix_errors() -> None:
    with raises(
        "hasil kerja rating 'baik' is not a known label; use one of "
        "'di atas ekspektasi', 'sesuai ekspektasi', 'di bawah ekspektasi'"
    ):
        fx.predikat_matrix("baik", "sesuai")
    with raises("perilaku kerja rating 'atas' is not a known label"):
        fx.predikat_matrix("sesuai", "atas")
    with raises("^predikat_matrix: hasil kerja rating is missing"):
        fx.predikat_matrix(None, "sesuai")
    with raises("perilaku kerja rating must be text"):
        fx.predikat_matrix("sesuai", 3)


# --------------------------------------------------------------------------- PP 46/2011


def test_pp46_time_cost_on_target_is_76() -> None:
    # e = 100 - 12/12*100 = 0 <= 24: (1.76*12 - 12) / 12 * 100 = 0.76 * 100 = 76.0
    assert fx.pp46_time_cost(12, 12) == pytest.approx(76.0)
    # e = 0 <= 24: (1.76*1000 - 1000) / 1000 * 100 = 76.0 (cost on budget)
    assert fx.pp46_time_cost(1000, 1000) == 76.0


def test_pp46_time_cost_first_branch() -> None:
    # e = 100 - 10/12*100 = 16.67 <= 24: (21.12 - 10) / 12 * 100 = 11.12 / 12 * 100 = 92.666...
    assert fx.pp46_time_cost(10, 12) == pytest.approx(278 / 3)
    # late: e = 100 - 15/12*100 = -25 <= 24: (21.12 - 15) / 12 * 100 = 6.12 / 12 * 100 = 51.0
    assert fx.pp46_time_cost(15, 12) == pytest.approx(51.0)
    # e = 100 - 19/25*100 = 24 exactly, still <= 24: (44 - 19) / 25 * 100 = 100.0
    assert fx.pp46_time_cost(19, 25) == 100.0
    # very late, applied literally (no floor): (21.12 - 24) / 12 * 100 = -24.0
    assert fx.pp46_time_cost(24, 12) == pytest.approx(-24.0)


def test_pp46_time_cost_second_branch() -> None:
    # e = 100 - 8/12*100 = 33.33 > 24: x = (21.12 - 8) / 12 * 100 = 109.333...
    # 76 - (109.333... - 100) = 66.666... = 200/3
    assert fx.pp46_time_cost(8, 12) == pytest.approx(200 / 3)
    # e = 100 - 18.9/25*100 = 24.4 > 24: x = (44 - 18.9) / 25 * 100 = 100.4; 76 - 0.4 = 75.6
    assert fx.pp46_time_cost(18.9, 25) == pytest.approx(75.6)
    # e = 100 > 24: x = (1.76*12 - 0) / 12 * 100 = 176; 76 - (176 - 100) = 0.0
    assert fx.pp46_time_cost(0, 12) == 0.0


def test_pp46_time_cost_errors() -> None:
    with raises("target must be above zero, got 0; for the cost aspect"):
        fx.pp46_time_cost(5, 0)
    with raises("target must be above zero"):
        fx.pp46_time_cost(5, -12)
    with raises("realised value cannot be negative"):
        fx.pp46_time_cost(-1, 12)
    with raises("^pp46_time_cost: realised value is missing"):
        fx.pp46_time_cost(None, 12)


def test_pp46_skp() -> None:
    # (100 + 91 + 76) / 3 = 267 / 3 = 89.0
    assert fx.pp46_skp(100, 91, 76) == 89.0
    # cost None is left out: same 89.0
    assert fx.pp46_skp(100, 91, 76, None) == 89.0
    # with cost: (100 + 90 + 76 + 76) / 4 = 342 / 4 = 85.5
    assert fx.pp46_skp(100, 90, 76, 76) == 85.5
    with raises("^pp46_skp: quality score is missing"):
        fx.pp46_skp(100, None, 76)
    with raises("^pp46_skp: cost score must be a number"):
        fx.pp46_skp(100, 90, 76, "76")


# --------------------------------------------------------------------------- IKM


def test_ikm() -> None:
    # mean(3, 3.5, 3.5, 4) = 14 / 4 = 3.5; 3.5 * 25 = 87.5
    assert fx.ikm([3, 3.5, 3.5, 4]) == 87.5
    # bounds 1 and 4 are allowed: mean = 2.5; 2.5 * 25 = 62.5
    assert fx.ikm((1, 4)) == 62.5
    # nine elements of 3: exact mean 3 * 25 = 75.0
    assert fx.ikm([3] * 9) == 75.0
    # with the regulation's weight: (9 * 3 * 0.11) * 25 = 2.97 * 25 = 74.25
    assert fx.ikm([3] * 9, 0.11) == 74.25
    # all 4 with 0.11: 9 * 4 * 0.11 * 25 = 3.96 * 25 = 99.0 (0.11 only approximates 1/9)
    assert fx.ikm([4] * 9, 0.11) == 99.0


def test_ikm_errors() -> None:
    with raises("NRR of element 2 is 4.5, outside 1..4"):
        fx.ikm([3, 4.5])
    with raises("NRR of element 1 is 0.5, outside 1..4"):
        fx.ikm([0.5])
    with raises("^ikm: NRR of element 2 is missing"):
        fx.ikm([3, None])
    with raises("no NRR values given"):
        fx.ikm([])
    with raises("element weight must be above zero"):
        fx.ikm([3], 0)
    with raises("^ikm: NRR values must be a list"):
        fx.ikm(3.2)


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        (100, "A"),
        (100.004, "A"),  # rounds to 100.00
        (88.31, "A"),
        (88.305, "A"),  # rounds half up to 88.31
        (88.30, "B"),
        (88.3049, "B"),  # rounds to 88.30
        (76.61, "B"),
        (76.605, "B"),  # rounds to 76.61
        (76.60, "C"),
        (65.00, "C"),
        (64.995, "C"),  # rounds to 65.00
        (64.99, "D"),
        (25, "D"),
        (24.995, "D"),  # rounds to 25.00
    ],
)
def test_ikm_grade_boundaries(value: float, grade: str) -> None:
    assert fx.ikm_grade(value) == grade


@pytest.mark.parametrize("value", [24.99, 100.005, 0, -10, 150])
def test_ikm_grade_out_of_range(value: float) -> None:
    with raises("^ikm_grade: IKM value .* is outside 25..100"):
        fx.ikm_grade(value)


def test_ikm_grade_missing() -> None:
    with raises("^ikm_grade: IKM value is missing"):
        fx.ikm_grade(None)


# --------------------------------------------------------------------------- JPM


def test_jpm_without_and_with_cap() -> None:
    # ratios 4/2 = 2 and 2/4 = 0.5: 100 * (2 + 0.5) / 2 = 125.0
    assert fx.jpm([4, 2], [2, 4]) == 125.0
    # capped ratios min(2, 1) = 1 and 0.5: 100 * (1 + 0.5) / 2 = 75.0
    assert fx.jpm([4, 2], [2, 4], True) == 75.0
    # 3/3 = 1, 3/4 = 0.75, 3/2 = 1.5: 100 * 3.25 / 3 = 108.333...
    assert fx.jpm([3, 3, 3], [3, 4, 2]) == pytest.approx(325 / 3)
    # capped: 1, 0.75, 1: 100 * 2.75 / 3 = 91.666...
    assert fx.jpm([3, 3, 3], [3, 4, 2], cap=True) == pytest.approx(275 / 3)
    # exactly at standard: 100 * (1 + 1) / 2 = 100.0
    assert fx.jpm((3, 4), (3, 4)) == 100.0


def test_jpm_errors() -> None:
    with raises("2 levels but 3 required levels"):
        fx.jpm([3, 3], [3, 3, 3])
    with raises("required level of competency 2 must be above zero, got 0"):
        fx.jpm([3, 3], [3, 0])
    with raises("^jpm: level of competency 1 is missing"):
        fx.jpm([None, 3], [3, 3])
    with raises("level of competency 1 cannot be negative"):
        fx.jpm([-1], [3])
    with raises("no competencies given"):
        fx.jpm([], [])
    with raises("cap must be True or False"):
        fx.jpm([3], [3], "yes")


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (100, "optimal"),
        (90, "optimal"),
        (89.99, "cukup optimal"),
        (78, "cukup optimal"),
        (77.99, "kurang optimal"),
        (0, "kurang optimal"),
    ],
)
def test_jpm_band(value: float, band: str) -> None:
    assert fx.jpm_band(value) == band


def test_jpm_band_missing() -> None:
    with raises("^jpm_band: JPM value is missing"):
        fx.jpm_band(None)


# --------------------------------------------------------------------------- band_lookup

PP30_BANDS = (
    ("Sangat Kurang", None, 50),
    ("Kurang", 50, 70),
    ("Cukup", 70, 90),
    ("Baik", 90, None),
)


def test_band_lookup_tuples() -> None:
    assert fx.band_lookup(10, PP30_BANDS) == "Sangat Kurang"
    # min inclusive, max exclusive: 50 is Kurang, 69.99 is Kurang, 70 is Cukup
    assert fx.band_lookup(50, PP30_BANDS) == "Kurang"
    assert fx.band_lookup(69.99, PP30_BANDS) == "Kurang"
    assert fx.band_lookup(70, PP30_BANDS) == "Cukup"
    assert fx.band_lookup(90, PP30_BANDS) == "Baik"
    assert fx.band_lookup(1e9, PP30_BANDS) == "Baik"
    assert fx.band_lookup(-1e9, list(PP30_BANDS)) == "Sangat Kurang"


def test_band_lookup_first_match_wins() -> None:
    bands = [("Sangat Baik", 110, None), ("Baik", 90, None)]
    assert fx.band_lookup(115, bands) == "Sangat Baik"
    assert fx.band_lookup(95, bands) == "Baik"


def test_band_lookup_objects_and_mappings() -> None:
    @dataclasses.dataclass
    class Band:
        label: str
        min: float | None
        max: float | None

    assert fx.band_lookup(80, [Band("Cukup", 70, 90)]) == "Cukup"
    assert fx.band_lookup(80, [SimpleNamespace(label="Cukup", min=70, max=None)]) == "Cukup"
    assert fx.band_lookup(80, [{"label": "Cukup", "min": 70}]) == "Cukup"


def test_band_lookup_no_match_message() -> None:
    bands = [("Kurang", 0, 50), ("Cukup", 50, 70), ("Baik", 90, None)]
    with raises(r"^value 87\.5 falls in no band; bands cover 0 to under 70; 90 and above\."):
        fx.band_lookup(87.5, bands)
    with raises("^value -1 falls in no band; bands cover 0 to under 70; 90 and above"):
        fx.band_lookup(-1, bands)
    with raises("bands cover under 10; 20 to under 30"):
        fx.band_lookup(15, [("a", 20, 30), ("b", None, 10)])


def test_band_lookup_errors() -> None:
    with raises("no bands are defined"):
        fx.band_lookup(5, [])
    with raises(r"band 1 \('x'\) has min 10 not below max 5"):
        fx.band_lookup(5, [("x", 10, 5)])
    with raises("band 1 must be .label, min, max., got 2 items"):
        fx.band_lookup(5, [("x", 10)])
    with raises("band 1 has no label"):
        fx.band_lookup(5, [{"min": 1}])
    with raises("band 1 must be .label, min, max. or have label, min and max attributes"):
        fx.band_lookup(5, [42])
    with raises("^band_lookup: value is missing"):
        fx.band_lookup(None, PP30_BANDS)
    with raises("^band_lookup: min of band 1 must be a number"):
        fx.band_lookup(5, [("x", "1", 5)])

"""The PP 30/2019 baseline: Sangat Baik only with a documented innovation, and the two
weightings of PermenPANRB 8/2021 (SKP 70% + perilaku 30%, or 60% + 40% with behaviour
rated 360 degrees) as a choice the region names with the component ``pembobotan``."""

from __future__ import annotations

from pathlib import Path

import pytest
from region_helpers import capaian, nilai, nip, pegawai
from rule_helpers import step_values

from kinerja.authoring.lint import lint_rules
from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.output.views import rejects_of, results_of
from kinerja.pipeline import appraise_tables
from kinerja.rules import RuleSet, load_rules
from kinerja.rules.layering import baselines

REGION = """\
rules_format: 1
region: contoh
title: Contoh PP 30/2019
extends: pp-30-2019
version: "1"
valid_from: "2026-01-01"
basis: mixed
period: annual
indicators:
  layanan: {{label: Layanan, kind: normal}}
aspects:
  kerja_sama: {{label: Kerja sama, scale: [1, 5]}}
rater_groups:
  supervisor: {{label: Atasan, weight: 1.0}}
components:
  - {{name: skp, label: SKP, expr: achievement_mean}}
  - {{name: perilaku, label: Perilaku, expr: kerja_sama * 20}}
  - {{name: pembobotan, label: Pembobotan PP 30/2019, expr: "{choice}"}}
"""


def region(tmp_path: Path, choice: str) -> RuleSet:
    path = tmp_path / f"r{choice}.yaml"
    path.write_text(REGION.format(choice=choice), encoding="utf-8")
    return load_rules(path)


def scored(rules: RuleSet, achievement: float, kerja_sama: float, inovasi: float | None):
    """(score, predikat) for one employee's values."""
    values = {"achievement_mean": achievement, "kerja_sama": kerja_sama, "inovasi": inovasi}
    *_, score, predikat = step_values(rules, values)
    return score, predikat


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        # skp 100, perilaku 4*20 = 80: 0.7*100 + 0.3*80 = 70 + 24 = 94 -> Baik (90-<110)
        ("70", 94.0),
        # 360 degrees: 0.6*100 + 0.4*80 = 60 + 32 = 92 -> Baik
        ("360", 92.0),
    ],
)
def test_the_region_names_its_weighting(tmp_path: Path, choice: str, expected: float) -> None:
    rules = region(tmp_path, choice)
    assert scored(rules, 100.0, 4.0, None) == (pytest.approx(expected), "Baik")
    assert lint_rules(rules) == []  # `kinerja check --strict` has nothing to say


def test_the_two_weightings_differ_where_behaviour_differs(tmp_path: Path) -> None:
    seventy, sixty = region(tmp_path, "70"), region(tmp_path, "360")
    # skp 80, perilaku 2*20 = 40: 0.7*80 + 0.3*40 = 56 + 12 = 68 -> Kurang (50-<70)
    #                              0.6*80 + 0.4*40 = 48 + 16 = 64 -> Kurang
    assert scored(seventy, 80.0, 2.0, None) == (pytest.approx(68.0), "Kurang")
    assert scored(sixty, 80.0, 2.0, None) == (pytest.approx(64.0), "Kurang")
    # skp 95, perilaku 3*20 = 60: 66.5 + 18 = 84.5 -> Cukup; 57 + 24 = 81 -> Cukup
    assert scored(seventy, 95.0, 3.0, None) == (pytest.approx(84.5), "Cukup")
    assert scored(sixty, 95.0, 3.0, None) == (pytest.approx(81.0), "Cukup")


@pytest.mark.parametrize(
    ("inovasi", "predikat"), [(1.0, "Sangat Baik"), (0.0, "Baik"), (None, "Baik")]
)
def test_sangat_baik_needs_a_documented_innovation(
    tmp_path: Path, inovasi: float | None, predikat: str
) -> None:
    rules = region(tmp_path, "70")
    # skp 120, perilaku 5*20 = 100: 0.7*120 + 0.3*100 = 84 + 30 = 114 -> 'Sangat Baik' by
    # the bands (>= 110), which only a documented innovation (inovasi 1) keeps
    assert scored(rules, 120.0, 5.0, inovasi) == (pytest.approx(114.0), predikat)
    # 109.98 is Baik with or without one: 0.7*120 + 0.3*(4.33*20 = 86.6) = 84 + 25.98
    assert scored(rules, 120.0, 4.33, inovasi)[1] == "Baik"


def test_the_baseline_declares_the_innovation_column() -> None:
    text = baselines()["pp-30-2019"].read_text(encoding="utf-8")
    assert "inovasi:" in text and "pembobotan == 70" in text and "pembobotan == 360" in text


def test_a_weighting_nobody_chose_appraises_no_one(tmp_path: Path) -> None:
    rules = region(tmp_path, "60")  # neither 70 nor 360
    e = nip(1)
    tables = Tables.from_rows(
        {
            "pegawai": [(2, pegawai(e, "Eka", inovasi=1))],
            "capaian": [(2, capaian(e, "layanan", 100, 100))],
            "penilaian": [(2, row) for row in nilai(e, nip(90), "atasan", {"kerja_sama": 4})],
        },
        source="test",
    )
    out = appraise_tables(rules, tables, make_manager())
    assert results_of(out) == []
    [reject] = rejects_of(out)
    assert (reject.sheet, reject.row, reject.nip) == ("pegawai", 2, e)
    assert reject.reason.startswith("not appraised: rule 'predikat' failed")

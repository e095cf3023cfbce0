"""A small rule set and one hand-made result of it, shared by the tests of ``explain``.

The result is worked out by hand (the arithmetic is in the comments), so that the
explanation's every figure can be checked against it.
"""

from __future__ import annotations

from pathlib import Path

from kinerja.model import (
    AspectResult,
    AuditEntry,
    Flag,
    GroupScore,
    IndicatorResult,
    Recommendation,
    Result,
    RunInfo,
    StageState,
)
from kinerja.rules import RuleSet, load_rules

RULES = """\
rules_format: 1
region: uji
title: Aturan uji explain
description: Aturan kecil untuk menguji penjelasan.
source: "uji"
version: "1"
valid_from: "2026-01-01"
valid_to: "2026-12-31"
basis: mixed
period: annual
inputs:
  inovasi: {type: number, label: Inovasi terdokumentasi, minimum: 0, maximum: 1}
indicators:
  layanan: {label: Layanan selesai, kind: normal, cap: 120, unit: "%"}
  waktu: {label: Waktu layanan, kind: inverse, cap: 120, unit: hari}
aspects:
  komunikasi: {label: Komunikasi, scale: [1, 5]}
  sikap: {label: Sikap, scale: [1, 5]}
rater_groups:
  supervisor: {label: Atasan langsung, weight: 0.625, min_count: 1}
  peer: {label: Rekan kerja, weight: 0.375, min_count: 2}
when_group_missing: renormalise
bands:
  nilai:
    - {label: Sangat Baik, min: 91}
    - {label: Baik, min: 76, max: 91}
    - {label: Cukup, min: 61, max: 76}
    - {label: Kurang, min: 51, max: 61}
    - {label: Buruk, max: 51}
components:
  - name: kompetensi
    label: Kompetensi
    expr: mean(komunikasi, sikap) * 20
  - name: hasil_kerja
    label: Hasil kerja
    expr: achievement_mean
score:
  label: Nilai kinerja
  weights: {kompetensi: 0.625, hasil_kerja: 0.375}
predikat:
  labels: [Sangat Baik, Baik, Cukup, Kurang, Buruk]
  expr: band(score, 'nilai')
objections:
  window_days: 14
"""

DECIDER = "198001012005011002"


def rules_in(folder: Path) -> RuleSet:
    """The rule set above, written to ``folder`` and loaded."""
    path = folder / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return load_rules(path)


def sample_result(audit: list[AuditEntry] | None = None) -> Result:
    """Sari Dewi's result under the rules above:

    - layanan 99 against 90: 99 / 90 x 100 = 110; waktu 12 against 10 (lower is
      better): (2 - 12 / 10) x 100 = 80; mean (110 + 80) / 2 = 95;
    - komunikasi 4 x 0.625 + 3 x 0.375 = 2.5 + 1.125 = 3.625; sikap: the peer has one
      rater of the two needed, so the supervisor's 3 counts alone (0.625 -> 1): 3;
    - kompetensi mean(3.625, 3) x 20 = 3.3125 x 20 = 66.25; hasil_kerja 95;
    - score 0.625 x 66.25 + 0.375 x 95 = 41.40625 + 35.625 = 77.03125: Baik (76 to
      below 91), changed to Sangat Baik by an objection;
    - the peers' stage is pending, so the result is provisional.
    """
    values = {
        "inovasi": None,
        "layanan": 110.0,
        "waktu": 80.0,
        "achievement_mean": 95.0,
        "indicator_count": 2.0,
        "komunikasi": 3.625,
        "sikap": 3.0,
        "kompetensi": 66.25,
        "hasil_kerja": 95.0,
        "score": 77.03125,
        "predikat": "Sangat Baik",
    }
    changed = AuditEntry(
        "objection_changed",
        "Baik",
        "Sangat Baik",
        DECIDER,
        "2027-01-23",
        "Bukti baru diterima.",
        "keberatan:2",
    )
    return Result(
        nip="199001012020011001",
        nama="Sari Dewi",
        jabatan="Analis",
        unit_kerja="Dinas Sosial",
        values=values,
        indicators=[
            IndicatorResult(
                "layanan", "Layanan selesai", "normal", 90.0, 99.0, None, 110.0, 9.0, 1.0
            ),
            IndicatorResult("waktu", "Waktu layanan", "inverse", 10.0, 12.0, None, 80.0, 2.0, 1.0),
        ],
        aspects=[
            AspectResult(
                "komunikasi",
                "Komunikasi",
                3.625,
                [
                    GroupScore("supervisor", 1, 4.0, 0.625, 0.625, "used"),
                    GroupScore("peer", 2, 3.0, 0.375, 0.375, "used"),
                ],
            ),
            AspectResult(
                "sikap",
                "Sikap",
                3.0,
                [
                    GroupScore("supervisor", 1, 3.0, 0.625, 1.0, "used"),
                    GroupScore("peer", 1, 2.0, 0.375, 0.0, "below_minimum"),
                ],
            ),
        ],
        score=77.03125,
        predikat="Sangat Baik",
        feedback=["Komunikasi perlu ditingkatkan."],
        recommendations=[Recommendation("training", "Ikuti pelatihan komunikasi.")],
        stages=[
            StageState("penilaian_atasan", "Penilaian atasan", "done"),
            StageState("penilaian_rekan", "Penilaian rekan", "pending", "perlu 2 rekan"),
        ],
        flags=[Flag("group_missing", "Rekan kerja kurang dari 2 penilai")],
        audit=[changed] if audit is None else audit,
    )


def run_info(rules: RuleSet) -> RunInfo:
    """What produced the sample result."""
    return RunInfo("uji", "1", rules.sha256, "x.xlsx", "ab" * 32, "0.1.0", {}, 1, 1, 0, 0)


def test_the_sample_result_is_what_the_engine_computes(tmp_path: Path) -> None:
    """The hand-made result agrees with the rules run through the engine on its values."""
    from rule_helpers import step_values

    rules = rules_in(tmp_path)
    result = sample_result()
    inputs = {k: result.values[k] for k in ("inovasi", "komunikasi", "sikap", "achievement_mean")}
    kompetensi, hasil_kerja, score, predikat = step_values(rules, inputs)
    assert (kompetensi, hasil_kerja) == (66.25, 95.0)  # 3.3125 x 20; the mean as it is
    assert score == 77.03125  # 0.625 x 66.25 + 0.375 x 95
    assert predikat == "Baik"  # 76 <= 77.03125 < 91, before the objection

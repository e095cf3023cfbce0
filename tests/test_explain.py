"""``explain`` of one hand-made result (tests/test_explain_sample.py): every step in
words with its values, the band table, exact weights, objections as a change of the
band's result, the codes and expressions only in detail, and the JSON document."""

from __future__ import annotations

import json

import polars as pl
import pytest
from test_explain_sample import DECIDER, rules_in, run_info, sample_result

from kinerja.frames import REJECTS
from kinerja.i18n import language
from kinerja.model import AuditEntry
from kinerja.output.explain import explain_rejected, explain_result
from kinerja.output.explain_json import explain_document, rejected_document
from kinerja.rules import RuleSet

NAMES = {DECIDER: "Budi Santoso"}


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    return rules_in(tmp_path_factory.mktemp("rules"))


def test_every_step_in_english_with_its_values(rules: RuleSet) -> None:
    lines = explain_result(rules, sample_result(), run_info(rules), names=NAMES)
    assert lines == [
        "Sari Dewi (NIP 199001012020011001) — Analis, Dinas Sosial",
        "Region uji: Aturan uji explain",
        f"Rules version 1, sha256 {rules.sha256[:12]}…; input sha256 abababababab…; engine 0.1.0",
        "",
        "1. Outcome indicators (capaian): achievement against each target",
        "   - Layanan selesai: realised 99% against target 90% → achievement 110% (higher is "
        "better: realised ÷ target × 100; capped at 120), weight 1",
        "   - Waktu layanan: realised 12 hari against target 10 hari → achievement 80% (lower "
        "is better: (2 − realised ÷ target) × 100; capped at 120), weight 1",
        "   Weighted mean of the achievements: (110 × 1 + 80 × 1) ÷ 2 = 95",
        "2. Rated aspects: each rater group's mean, then the group weights",
        # the weights exactly as the rules give them; 3.625 rounds half up to 3.63
        "   - Komunikasi = 3.63: Atasan langsung 4 (1 rater, weight 0.625); "
        "Rekan kerja 3 (2 raters, weight 0.375)",
        "     calculation: 4 × 0.625 + 3 × 0.375 = 3.63",
        "   - Sikap = 3: Atasan langsung 3 (1 rater, weight 0.625 → 1 after rescaling); "
        "Rekan kerja: 1 rater, below the minimum of 2, left out",
        "3. Components, in the order the rules compute them",
        # mean(3.625, 3) = 3.3125, shown 3.31; x 20 = 66.25
        "   - Kompetensi: (the mean of Komunikasi (3.63) and Sikap (3) = 3.31) × 20 → 66.25",
        "   - Hasil kerja: the weighted mean of the indicator achievements → 95",
        "4. Final score",
        "   Nilai kinerja = 0.625 × Kompetensi (66.25) + 0.375 × Hasil kerja (95) = 77.03",
        "5. Predikat",
        "   Nilai kinerja 77.03 falls in the range 76 to below 91 → Baik",
        "   The bands:",
        "     Sangat Baik: 91 or more",
        "     Baik: 76 to below 91 ←",
        "     Cukup: 61 to below 76",
        "     Kurang: 51 to below 61",
        "     Buruk: below 51",
        "   Objection (keberatan row 2): Baik → Sangat Baik, decided by Budi Santoso "
        "(NIP 198001012005011002) on January 23, 2027; reason: Bukti baru diterima.",
        "   Predikat after the objections: Sangat Baik",
        "6. Feedback and recommendations",
        "   - Komunikasi perlu ditingkatkan.",
        "   * Ikuti pelatihan komunikasi.",
        "7. Review stages",
        "   - Penilaian atasan: done",
        "   - Penilaian rekan: PENDING (perlu 2 rekan)",
        "8. Flags for the reviewer",
        "   - Rekan kerja kurang dari 2 penilai",
        "",
        "Result: 77.03, Sangat Baik — PROVISIONAL",
    ]


def test_indonesian_words_and_numbers(rules: RuleSet) -> None:
    with language("id"):
        lines = explain_result(rules, sample_result(), run_info(rules), names=NAMES)
    for line in (
        "Daerah uji: Aturan uji explain",
        "   - Komunikasi = 3,63: Atasan langsung 4 (1 penilai, bobot 0,625); "
        "Rekan kerja 3 (2 penilai, bobot 0,375)",
        "     perhitungan: 4 × 0,625 + 3 × 0,375 = 3,63",
        "   - Kompetensi: (rata-rata Komunikasi (3,63) dan Sikap (3) = 3,31) × 20 → 66,25",
        "4. Nilai akhir",
        "   Nilai kinerja = 0,625 × Kompetensi (66,25) + 0,375 × Hasil kerja (95) = 77,03",
        "   Nilai kinerja 77,03 berada pada rentang 76 sampai di bawah 91 → Baik",
        "     Buruk: di bawah 51",
        "     Sangat Baik: 91 ke atas",
        "   Keberatan (baris 2 sheet keberatan): Baik → Sangat Baik, diputuskan oleh Budi Santoso "
        "(NIP 198001012005011002) pada 23 Januari 2027; alasan: Bukti baru diterima.",
        "   - Penilaian rekan: BELUM (perlu 2 rekan)",
        "Hasil: nilai 77,03, predikat Sangat Baik — SEMENTARA",
    ):
        assert line in lines


def test_expressions_and_codes_only_in_detail(rules: RuleSet) -> None:
    plain = explain_result(rules, sample_result(), run_info(rules))
    detail = explain_result(rules, sample_result(), run_info(rules), detail=True)
    added = [line for line in detail if line not in plain]
    assert added == [
        "     rule: mean(komunikasi, sikap) * 20",
        "     rule: achievement_mean",
        "     rule: wmean([kompetensi, hasil_kerja], [0.625, 0.375], 'incomplete')",
        "     rule: band(score, 'nilai')",
        "   The bands of the table nilai:",
        "   * [training] Ikuti pelatihan komunikasi.",
        "   - [group_missing] Rekan kerja kurang dari 2 penilai",
    ]
    # without names, the decider is named by NIP only
    assert any("decided by NIP 198001012005011002 on" in line for line in plain)


def _entry(action: str, before: str, after: str, reason: str) -> AuditEntry:
    return AuditEntry(action, before, after, DECIDER, "2027-01-23", reason, "keberatan:3")


def test_each_kind_of_objection_as_a_change_of_the_band_result(rules: RuleSet) -> None:
    kept = _entry("objection_upheld_result", "Baik", "Baik", "Nilai sudah sesuai.")
    refused = _entry(
        "objection_refused", "Baik", "Baik", "filed 20 days after the result was received"
    )
    result = sample_result([kept, refused])
    result.predikat = "Baik"
    lines = explain_result(rules, result, run_info(rules), names=NAMES)
    at = lines.index("   Nilai kinerja 77.03 falls in the range 76 to below 91 → Baik")
    assert lines[at + 7 : at + 9] == [
        "   Objection (keberatan row 3): Baik stays, decided by Budi Santoso "
        "(NIP 198001012005011002) on January 23, 2027; reason: Nilai sudah sesuai.",
        "   Objection (keberatan row 3) not applied, Baik stays: "
        "filed 20 days after the result was received",
    ]
    assert not any(line.startswith("   Predikat after") for line in lines)  # nothing changed


def test_a_rejected_employee_in_words() -> None:
    rejects = pl.DataFrame(
        [
            ("pegawai", 5, "1990", "NIP has 17 digits, expected 18", "nip"),
            ("capaian", 9, "1990", "realisasi is not a number", None),
            ("pegawai", 0, "1990", "the sheet has no header", None),
            ("pegawai", 7, "other", "not this one", None),
        ],
        schema=list(REJECTS),
        orient="row",
    ).select(list(REJECTS))
    assert explain_rejected("1990", rejects) == [
        "NIP 1990 was not appraised:",
        "   - pegawai row 5, column nip: NIP has 17 digits, expected 18",
        "   - capaian row 9: realisasi is not a number",
        "   - sheet pegawai: the sheet has no header",
        "Correct these rows in the input and run kinerja again.",
    ]
    with language("id"):
        assert explain_rejected("1990", rejects)[1] == (
            "   - sheet pegawai baris 5, kolom nip: NIP has 17 digits, expected 18"
        )
        document = rejected_document("1990", rejects)
    assert document["appraised"] is False and document["language"] == "id"
    assert [(r["sheet"], r["row"], r["column"]) for r in document["rejects"]] == [
        ("pegawai", 5, "nip"),
        ("capaian", 9, None),
        ("pegawai", 0, None),
    ]
    assert document["rejects"][1]["words"] == "sheet capaian baris 9: realisasi is not a number"


def test_the_json_document(rules: RuleSet) -> None:
    with language("id"):
        document = explain_document(rules, sample_result(), run_info(rules), NAMES)
    document = json.loads(json.dumps(document))  # what a tool reads
    assert (document["format"], document["version"], document["language"]) == (
        "kinerja-explain",
        1,
        "id",
    )
    assert document["employee"]["nip"] == "199001012020011001"
    assert document["indicators"][1]["kind"] == {
        "code": "inverse",
        "label": "makin rendah makin baik: (2 − realisasi ÷ target) × 100",
    }
    komunikasi, sikap = document["aspects"]
    assert komunikasi["groups"][0]["group"] == {"code": "supervisor", "label": "Atasan langsung"}
    assert komunikasi["groups"][0]["weight"] == 0.625
    assert sikap["groups"][1]["status"] == {
        "code": "below_minimum",
        "label": "penilai terlalu sedikit, tidak dihitung",
    }
    steps = {s["name"]: s for s in document["steps"]}
    assert list(steps) == ["kompetensi", "hasil_kerja", "score", "predikat"]
    assert steps["kompetensi"]["inputs"] == [
        {"name": "komunikasi", "label": "Komunikasi", "value": 3.625},
        {"name": "sikap", "label": "Sikap", "value": 3.0},
    ]
    assert steps["score"]["weights"][0] == {
        "name": "kompetensi",
        "label": "Kompetensi",
        "weight": 0.625,
        "value": 66.25,
    }
    band = steps["predikat"]["band"]
    assert (band["table"], band["value"], band["label"]) == ("nilai", 77.03125, "Baik")
    assert [b["chosen"] for b in band["bands"]] == [False, True, False, False, False]
    assert band["bands"][1] == {
        "label": "Baik",
        "min": 76,
        "max": 91,
        "chosen": True,
        "words": "76 sampai di bawah 91",
    }
    assert band["bands"][4]["min"] is None  # an open end
    [objection] = document["objections"]
    assert objection["action"] == {
        "code": "objection_changed",
        "label": "keberatan mengubah predikat",
    }
    assert objection["decided_by"] == {"nip": DECIDER, "nama": "Budi Santoso"}
    assert document["result"] == {
        "score": 77.03125,
        "predikat": "Sangat Baik",
        "predikat_before_objections": "Baik",
        "status": {"code": "provisional", "label": "sementara"},
        "peer_rank": None,
    }
    assert document["stages"][1]["status"] == {"code": "pending", "label": "belum"}
    assert document["flags"] == [
        {
            "code": "group_missing",
            "message": "Rekan kerja kurang dari 2 penilai",
            "severity": {"code": "warning", "label": "perlu diperiksa"},
        }
    ]


def test_json_numbers_carry_no_binary_noise(rules: RuleSet) -> None:
    result = sample_result()
    result.score = 0.1 + 0.2  # 0.30000000000000004
    document = explain_document(rules, result, run_info(rules))
    assert document["result"]["score"] == 0.3

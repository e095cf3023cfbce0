"""Asemrowo: outcome-based (achievement against targets, not attendance), gaps shown to all."""

from __future__ import annotations

import pytest
from region_helpers import capaian, component, nip, pegawai, recs, rules_for, run, stages

from kinerja.output.views import rejects_of

REGION = "asemrowo"
LABEL_IZIN = "Rata-rata waktu terbit izin (DPMPTSP) — lebih cepat lebih baik"
LOW_FEEDBACK = (
    "Capaian rata-rata {:.1f}% masih di bawah 90%. Lihat selisih setiap target di bawah ini "
    "dan susun rencana perbaikan bersama atasan."
)
NO_INNOVATION = (
    "Capaian {:.1f}% di atas 110%, tetapi predikat Sangat Baik memerlukan inovasi yang "
    "terdokumentasi."
)


def test_sample_employee_dewi_hand_computed() -> None:
    d = nip(1)
    _, res = run(
        REGION,
        [pegawai(d, "Dewi", unit="DPMPTSP", inovasi=0)],
        [
            capaian(d, "partisipasi_sekolah", 90, 99),
            capaian(d, "kepuasan_kesehatan", 80, 72),
            capaian(d, "waktu_izin", 10, 8),
            capaian(d, "realisasi_program", 100, 100, bobot=2),
        ],
    )
    r = res[d]
    # partisipasi_sekolah 99/90*100 = 110; kepuasan_kesehatan 72/80*100 = 90
    # waktu_izin (inverse) (2 - 8/10)*100 = 120; realisasi_program 100/100 = 100 with bobot 2
    # hasil_kerja = (110 + 90 + 120 + 2*100) / (1 + 1 + 1 + 2) = 520/5 = 104
    # score = 1.0 * 104 = 104 -> Baik (90 <= 104 < 110)
    assert [(i.code, i.achievement) for i in r.indicators] == [
        ("partisipasi_sekolah", pytest.approx(110.0)),
        ("kepuasan_kesehatan", pytest.approx(90.0)),
        ("waktu_izin", pytest.approx(120.0)),
        ("realisasi_program", pytest.approx(100.0)),
    ]
    assert component(r, "hasil_kerja") == pytest.approx(104.0)
    assert r.score == pytest.approx(104.0)
    assert r.predikat == "Baik"
    # neither feedback rule holds (score >= 90 and < 110): the four gap lines only
    assert r.feedback == [
        "Angka partisipasi sekolah (Dinas Pendidikan): target 90, realised 99, gap +9; "
        "achievement 110.0%",
        "Indeks kepuasan masyarakat atas layanan kesehatan (Dinas Kesehatan): target 80, "
        "realised 72, gap -8; achievement 90.0%",
        f"{LABEL_IZIN}: target 10, realised 8, gap -2 (lower is better); achievement 120.0%",
        "Realisasi program kerja unit: target 100, realised 100, gap +0; achievement 100.0%",
    ]
    assert r.recommendations == []
    assert stages(r) == [("pengumpulan_data", "done")]
    assert r.flags == [] and r.status == "final"


def test_inverse_indicator_waktu_izin() -> None:
    fast, slow, very_fast = nip(2), nip(3), nip(4)
    _, res = run(
        REGION,
        [pegawai(n, f"P{n[-1]}") for n in (fast, slow, very_fast)],
        [
            capaian(fast, "waktu_izin", 10, 8),
            capaian(slow, "waktu_izin", 10, 12),
            capaian(very_fast, "waktu_izin", 10, 5),
        ],
    )
    # 8 days against 10: (2 - 0.8) * 100 = 120; 12 days: (2 - 1.2) * 100 = 80
    # 5 days: (2 - 0.5) * 100 = 150, capped at 120
    assert res[fast].score == pytest.approx(120.0)
    assert res[slow].score == pytest.approx(80.0)
    assert res[very_fast].score == pytest.approx(120.0)
    assert res[slow].indicators[0].gap == pytest.approx(2.0)
    assert res[slow].predikat == "Cukup"  # 70 <= 80 < 90


def test_attendance_is_not_an_input_and_changes_nothing() -> None:
    rules = rules_for(REGION)
    declared = [
        *rules.inputs,
        *rules.indicators,
        *rules.aspects,
        *(c.name for c in rules.components),
    ]
    assert not [n for n in declared if "hadir" in n or "absen" in n or "jam" in n]
    assert list(rules.inputs) == ["inovasi"]
    assert rules.basis == "outcome" and rules.aspects == {} and rules.rater_groups == {}

    e = nip(5)
    outcomes = [capaian(e, "partisipasi_sekolah", 100, 95), capaian(e, "waktu_izin", 10, 12)]
    runs = [
        run(REGION, [pegawai(e, "Eko", **extra)], outcomes)
        for extra in ({}, {"kehadiran": 60, "jam_kerja": 900}, {"kehadiran": 100})
    ]
    first = runs[0][1][e]
    # (95 + 80) / 2 = 87.5 -> Cukup, whatever the attendance column says
    assert first.score == pytest.approx(87.5)
    for out, res in runs:
        assert rejects_of(out) == []
        r = res[e]
        assert (r.score, r.predikat, r.feedback) == (first.score, first.predikat, first.feedback)
        assert "kehadiran" not in r.values


def test_every_indicator_gap_is_in_the_feedback() -> None:
    f = nip(6)
    _, res = run(
        REGION,
        [pegawai(f, "Fajar")],
        [
            capaian(f, "partisipasi_sekolah", 100, 60),
            capaian(f, "kepuasan_kesehatan", 80, 60),
            capaian(f, "waktu_izin", 10, 13),
            capaian(f, "realisasi_program", 100, 70),
        ],
    )
    r = res[f]
    # 60 + 75 + (2 - 1.3)*100 = 70 + 70 -> 275 / 4 = 68.75 -> Kurang (50 <= x < 70)
    assert r.score == pytest.approx(68.75)
    assert r.predikat == "Kurang"
    assert r.feedback[0] == LOW_FEEDBACK.format(68.75)
    gaps = {"partisipasi_sekolah": "-40", "kepuasan_kesehatan": "-20", "waktu_izin": "+3"}
    gaps["realisasi_program"] = "-30"
    for ind in r.indicators:
        line = next(t for t in r.feedback if t.startswith(ind.label + ":"))
        assert f"gap {gaps[ind.code]}" in line
        assert f"target {ind.target:g}, realised {ind.realised:g}" in line
    assert len(r.feedback) == 1 + 4
    assert recs(r) == [
        (
            "training",
            "Capaian di bawah 70%; ikuti pelatihan teknis untuk indikator dengan selisih terbesar.",
        )
    ]


@pytest.mark.parametrize(
    ("inovasi", "predikat", "has_promotion"),
    [(1, "Sangat Baik", True), (0, "Baik", False), (None, "Baik", False)],
)
def test_sangat_baik_needs_innovation(inovasi: object, predikat: str, has_promotion: bool) -> None:
    g = nip(7)
    _, res = run(
        REGION,
        [pegawai(g, "Gita", inovasi=inovasi)],
        [capaian(g, "partisipasi_sekolah", 100, 120), capaian(g, "kepuasan_kesehatan", 80, 92)],
    )
    r = res[g]
    # (120 + 92/80*100) / 2 = (120 + 115) / 2 = 117.5 -> band Sangat Baik (>= 110)
    assert r.score == pytest.approx(117.5)
    assert r.predikat == predikat
    if has_promotion:
        assert recs(r) == [
            (
                "promotion",
                "Capaian sangat baik dengan inovasi; dipertimbangkan untuk promosi jabatan.",
            )
        ]
        assert NO_INNOVATION.format(117.5) not in r.feedback
    else:
        assert r.recommendations == []
        assert r.feedback[0] == NO_INNOVATION.format(117.5)


def test_a_recommendation_says_why() -> None:
    # Gita: (120 + 92/80*100) / 2 = 117.5 with an innovation -> Sangat Baik; final (the
    # data stage is done), so the promotion rule `predikat == 'Sangat Baik'` gives its
    # recommendation, and says which rule and which value made it
    g = nip(7)
    _, res = run(
        REGION,
        [pegawai(g, "Gita", inovasi=1)],
        [capaian(g, "partisipasi_sekolah", 100, 120), capaian(g, "kepuasan_kesehatan", 80, 92)],
    )
    (promotion,) = res[g].recommendations
    assert res[g].status == "final"
    assert promotion.reason == (
        "the rule `predikat == 'Sangat Baik'` holds, with predikat = Sangat Baik"
    )

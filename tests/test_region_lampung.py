"""Lampung: competency (skills, knowledge, attitude), self-assessment first, then the
supervisor, then constructive feedback; JPM against the post's level; subjectivity checks."""

from __future__ import annotations

import polars as pl
import pytest
from region_helpers import (
    aspect,
    component,
    flag_codes,
    group,
    nilai,
    nip,
    pegawai,
    recs,
    rules_for,
    run,
    stages,
)

from kinerja.authoring import sample
from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.output.views import rejects_of
from kinerja.pipeline import appraise_tables

REGION = "lampung"
SUP = nip(90)
ASPECTS = ("keterampilan", "pengetahuan", "sikap")
SELF_DAY, SUP_DAY, TALK_DAY = "2026-11-01", "2026-11-15", "2026-11-25"
ALL_DONE = [("penilaian_diri", "done"), ("evaluasi_atasan", "done"), ("umpan_balik", "done")]
JPM_TEXT = "Kesesuaian jabatan {:.1f}% ({}); kesenjangan per kompetensi menjadi dasar pengembangan."
STRENGTH = (
    "Kekuatan: {} ({:.2f} dari 5, level jabatan 3); pertahankan dan bagikan praktik baiknya "
    "kepada rekan kerja."
)
AT_LEVEL = (
    "Setiap kompetensi sudah mencapai level jabatan (3), tetapi nilai kompetensi {:.1f} "
    "(Butuh Perbaikan) belum mencapai 70 untuk predikat Baik (rata-rata 3.5 dari 5); "
    "tingkatkan lebih dulu {} ({:.2f}) bersama atasan."
)


def rows(
    n: str, own: tuple, sup: tuple, self_day: str = SELF_DAY, sup_day: str = SUP_DAY
) -> list[dict]:
    """The employee's self-assessment and the supervisor's evaluation, one score per aspect."""
    return nilai(n, n, "diri", dict(zip(ASPECTS, own, strict=True)), tanggal=self_day) + nilai(
        n, SUP, "atasan", dict(zip(ASPECTS, sup, strict=True)), tanggal=sup_day
    )


def appraise(cases: dict[str, tuple], talk: str | None = TALK_DAY):
    """cases: NIP -> (self scores, supervisor scores[, self date, supervisor date])."""
    people = [pegawai(n, f"P{n[-3:]}", atasan=SUP, tanggal_umpan_balik=talk) for n in cases]
    ratings = [row for n, case in cases.items() for row in rows(n, *case)]
    out, res = run(REGION, people, (), ratings)
    assert rejects_of(out) == []
    return res


def test_self_assessment_comes_first_then_supervisor_then_feedback() -> None:
    rules = rules_for(REGION)
    assert [(s.id, s.requires, s.after) for s in rules.stages] == [
        ("penilaian_diri", "ratings:self", None),
        ("evaluasi_atasan", "ratings:supervisor", "penilaian_diri"),
        ("umpan_balik", "input:tanggal_umpan_balik", "evaluasi_atasan"),
    ]
    weights = {g.name: g.weight for g in rules.rater_groups.values()}
    assert weights == {"self": 0.2, "supervisor": 0.8}
    assert {a.code: a.required_level for a in rules.aspects.values()} == dict.fromkeys(ASPECTS, 3)


def test_sample_employee_lina_hand_computed() -> None:
    lina = nip(1)
    r = appraise({lina: ((5, 5, 4), (4, 4, 4))})[lina]
    # each aspect = 0.2 * self + 0.8 * supervisor
    #   keterampilan 0.2*5 + 0.8*4 = 1.0 + 3.2 = 4.2; pengetahuan likewise 4.2
    #   sikap 0.2*4 + 0.8*4 = 0.8 + 3.2 = 4.0
    # kompetensi = mean(4.2, 4.2, 4.0) * 20 = 12.4/3 * 20 = 82.667 -> Baik (70 <= x < 90)
    # JPM capped: min(4.2/3, 1) = min(4.2/3, 1) = min(4/3, 1) = 1 -> 100% -> optimal
    #   (uncapped it would be (4.2 + 4.2 + 4.0)/3/3 * 100 = 137.8%)
    # training: 80 <= 82.667 < 90
    assert aspect(r, "keterampilan").score == pytest.approx(4.2)
    assert aspect(r, "sikap").score == pytest.approx(4.0)
    assert group(r, "keterampilan", "self").effective_weight == pytest.approx(0.2)
    assert group(r, "keterampilan", "supervisor").effective_weight == pytest.approx(0.8)
    assert component(r, "kompetensi") == pytest.approx(248 / 3)
    assert component(r, "jpm_persen") == pytest.approx(100.0)
    assert component(r, "kesesuaian") == "optimal"
    assert r.score == pytest.approx(248 / 3)
    assert r.predikat == "Baik"
    # nothing below the post's level, JPM optimal: the line on the strongest competency
    # (keterampilan 4.2, the first of the two 4.2s)
    assert r.feedback == [STRENGTH.format("Keterampilan", 4.2)]
    assert recs(r) == [
        ("training", "Kinerja baik; berkesempatan mengikuti pelatihan pengembangan.")
    ]
    assert stages(r) == ALL_DONE
    # self mean 14/3 vs supervisor 4: 0.67 points above, not more than 1.0
    assert r.flags == [] and r.status == "final"


def test_jpm_cap_and_recommendations() -> None:
    b, c, d = nip(2), nip(3), nip(4)
    res = appraise(
        {b: ((3, 3, 3), (2, 3, 4)), c: ((2, 2, 2), (2, 2, 3)), d: ((5, 5, 5), (5, 4, 5))}
    )
    # b: 0.6 + 1.6 = 2.2; 0.6 + 2.4 = 3.0; 0.6 + 3.2 = 3.8 -> kompetensi 9.0/3*20 = 60
    #    JPM capped (2.2/3 + 1 + 1)/3 = 91.11% -> optimal (uncapped it would be 9/9 = 100%)
    assert component(res[b], "jpm_persen") == pytest.approx((2.2 / 3 + 2) / 3 * 100)
    assert component(res[b], "kesesuaian") == "optimal"
    assert res[b].score == pytest.approx(60.0)
    assert res[b].predikat == "Butuh Perbaikan"
    # below 70, but keterampilan 2.2 is below the level: its own line says what to do;
    # the strongest is sikap 3.8
    assert res[b].feedback == [
        "Keterampilan 2.20 di bawah level jabatan (3); susun rencana latihan kerja bersama atasan.",
        STRENGTH.format("Sikap", 3.8),
    ]
    # keterampilan 2.2 < 3: a training need (gap 3 - 2.2 = 0.8)
    assert recs(res[b]) == [
        (
            "training_need",
            "Training in Keterampilan: value 2.20 below the post's level 3 (short by 0.80)",
        )
    ]
    # c: 2.0, 2.0, 0.4 + 2.4 = 2.8 -> kompetensi 6.8/3*20 = 45.33 -> Kurang (30 <= x < 50)
    #    JPM (2/3 + 2/3 + 2.8/3)/3 = 6.8/9 = 75.56% -> kurang optimal (< 78) -> coaching
    assert component(res[c], "jpm_persen") == pytest.approx(680 / 9)
    assert res[c].score == pytest.approx(136 / 3)
    assert res[c].predikat == "Kurang"
    assert res[c].feedback == [
        "Keterampilan 2.00 di bawah level jabatan (3); susun rencana latihan kerja bersama atasan.",
        "Pengetahuan 2.00 di bawah level jabatan (3); ikuti pembelajaran mandiri atau kursus.",
        "Sikap 2.80 di bawah level jabatan (3); diskusikan contoh perilaku yang diharapkan.",
        JPM_TEXT.format(680 / 9, "kurang optimal"),
        # every competency below 3: the strongest, sikap 2.8, is where development starts
        "Kompetensi terkuat: Sikap (2.80 dari 5), belum mencapai level jabatan (3); jadikan "
        "titik awal rencana pengembangan bersama atasan.",
    ]
    # then a training need per competency, the largest gap first: keterampilan and
    # pengetahuan 3 - 2 = 1.0 (a tie: in the rules' order), sikap 3 - 2.8 = 0.2
    assert recs(res[c]) == [
        ("coaching", "Perlu pembinaan pada kompetensi di bawah level jabatan."),
        (
            "training_need",
            "Training in Keterampilan: value 2.00 below the post's level 3 (short by 1.00)",
        ),
        (
            "training_need",
            "Training in Pengetahuan: value 2.00 below the post's level 3 (short by 1.00)",
        ),
        ("training_need", "Training in Sikap: value 2.80 below the post's level 3 (short by 0.20)"),
    ]
    # d: 5.0, 0.2*5 + 0.8*4 = 4.2, 5.0 -> 14.2/3*20 = 94.67 -> Sangat Baik, further education
    assert res[d].score == pytest.approx(284 / 3)
    assert res[d].predikat == "Sangat Baik"
    assert recs(res[d]) == [
        ("further_education", "Kinerja sangat baik; berkesempatan mengikuti pendidikan lanjutan.")
    ]
    # self-raters each rate only themselves: d's high self-rating is no "leniency"
    assert all("bias_leniency" not in flag_codes(res[n]) for n in (b, c, d))


def test_cukup_optimal_jpm_gets_feedback() -> None:
    e = nip(5)
    r = appraise({e: ((3, 3, 3), (2, 2, 4))})[e]
    # 0.6 + 1.6 = 2.2, 2.2, 0.6 + 3.2 = 3.8 -> JPM (2.2/3 + 2.2/3 + 1)/3 = 82.22% -> cukup optimal
    # kompetensi (2.2 + 2.2 + 3.8)/3 * 20 = 54.67 -> Butuh Perbaikan; no coaching (not kurang)
    assert component(r, "kesesuaian") == "cukup optimal"
    assert r.feedback[-2] == JPM_TEXT.format((4.4 / 3 + 1) / 3 * 100, "cukup optimal")
    assert r.feedback[-2].startswith("Kesesuaian jabatan 82.2% (cukup optimal)")
    assert r.feedback[-1] == STRENGTH.format("Sikap", 3.8)
    # no rule recommends; keterampilan and pengetahuan 2.2 < 3: a training need each (gap 0.8)
    assert recs(r) == [
        (
            "training_need",
            "Training in Keterampilan: value 2.20 below the post's level 3 (short by 0.80)",
        ),
        (
            "training_need",
            "Training in Pengetahuan: value 2.20 below the post's level 3 (short by 0.80)",
        ),
    ]


def test_supervisor_before_self_assessment_is_out_of_order() -> None:
    f = nip(6)
    r = appraise({f: ((4, 4, 4), (4, 4, 4), "2026-11-20", "2026-11-10")})[f]
    assert stages(r) == [
        ("penilaian_diri", "done"),
        ("evaluasi_atasan", "out_of_order"),
        ("umpan_balik", "out_of_order"),
    ]
    assert r.stages[1].detail == (
        "dated 2026-11-10, before 'Penilaian diri oleh pegawai' (2026-11-20)"
    )
    assert r.status == "provisional"
    assert r.score == pytest.approx(80.0)  # the score itself is still shown: 4 * 20


def test_feedback_session_pending_keeps_the_result_provisional() -> None:
    g = nip(7)
    r = appraise({g: ((4, 4, 4), (4, 4, 4))}, talk=None)[g]
    assert stages(r)[2] == ("umpan_balik", "pending")
    assert r.status == "provisional"


def test_self_inflation_above_one_point_is_flagged() -> None:
    h, i = nip(8), nip(9)
    res = appraise({h: ((5, 5, 5), (3, 4, 3)), i: ((5, 5, 5), (4, 4, 4))})
    # h: self 5 vs supervisor mean (3+4+3)/3 = 3.33 -> 1.67 points above (> 1.0), and the
    #    supervisor is 1.67 below the self-assessment (> 1.5, the supervisor_self_gap)
    # i: self 5 vs supervisor 4 -> 1.00 point, under both limits
    assert flag_codes(res[h]) == ["bias_supervisor_self_gap", "bias_self_inflation"]
    assert res[h].flags[0].message == (
        "supervisor rates 1.67 points below the self-assessment; "
        "discuss the evidence for each aspect in the feedback session"
    )
    assert res[h].flags[1].message == "self-rating is 1.67 points above others'"
    assert res[i].flags == []


def test_missing_self_assessment_is_incomplete() -> None:
    j = nip(10)
    _, res = run(
        REGION,
        [pegawai(j, "Joko", atasan=SUP, tanggal_umpan_balik=TALK_DAY)],
        (),
        nilai(j, SUP, "atasan", dict.fromkeys(ASPECTS, 4), tanggal=SUP_DAY),
    )
    r = res[j]
    # self missing and the region says "incomplete": supervisor alone (weight 1) -> 4 * 20 = 80
    assert r.score == pytest.approx(80.0)
    assert "incomplete" in flag_codes(r)
    assert stages(r)[0] == ("penilaian_diri", "pending")
    assert r.status == "provisional"


def test_butuh_perbaikan_at_the_level_is_told_what_baik_needs() -> None:
    k = nip(11)
    r = appraise({k: ((3, 3, 4), (3, 4, 3))})[k]
    # keterampilan 0.2*3 + 0.8*3 = 3.0; pengetahuan 0.6 + 3.2 = 3.8; sikap 0.8 + 2.4 = 3.2
    # kompetensi (3.0 + 3.8 + 3.2)/3 * 20 = 10/3 * 20 = 66.67 -> Butuh Perbaikan, although no
    # competency is below 3: the line names the weakest (keterampilan 3.0) and the strongest
    # (pengetahuan 3.8); JPM capped = 100 -> optimal, no JPM line
    assert r.predikat == "Butuh Perbaikan"
    assert r.score == pytest.approx(200 / 3)
    assert (component(r, "terlemah"), component(r, "kekuatan")) == ("Keterampilan", "Pengetahuan")
    assert r.feedback == [
        AT_LEVEL.format(200 / 3, "Keterampilan", 3.0),
        STRENGTH.format("Pengetahuan", 3.8),
    ]


def test_every_sample_employee_gets_constructive_feedback() -> None:
    rules = rules_for(REGION)
    generated = sample.generate(rules, 60, seed=3)
    tables = Tables.from_rows(
        {name: list(enumerate(rows, start=2)) for name, rows in generated.items()},
        source="sample",
    )
    out = appraise_tables(rules, tables, make_manager())
    labels = {code: a.label for code, a in rules.aspects.items()}
    lines = out.feedback.group_by("nip").agg(pl.col("text"))
    results = out.results.join(lines, on="nip", how="left")
    # every one has feedback (under the earlier rules, 43 of the 50 employees of
    # `kinerja sample-data -r lampung` had none)
    assert results.height == 60 and results["text"].null_count() == 0
    for row in results.iter_rows(named=True):
        texts = row["text"]
        below = [code for code in ASPECTS if row[code] < 3]
        for code in below:  # a line for each competency below the post's level
            assert sum(t.startswith(f"{labels[code]} ") for t in texts) == 1
        strength = [t for t in texts if t.startswith(("Kekuatan: ", "Kompetensi terkuat: "))]
        assert len(strength) == 1  # and exactly one on their strength
        if row["predikat"] == "Butuh Perbaikan" and not below:
            assert texts[0].startswith("Setiap kompetensi sudah mencapai level jabatan (3)")

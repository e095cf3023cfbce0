"""Kutacane: annual cycle (data, supervisor evaluation, dialogue), per-aspect feedback,
role models, and objections that leave a trace."""

from __future__ import annotations

import pytest
from region_helpers import (
    capaian,
    component,
    flag_codes,
    nilai,
    nip,
    pegawai,
    recs,
    rules_for,
    run,
    stages,
)

from kinerja.output.views import rejects_of

REGION = "kutacane"
SUP, HEAD = nip(90), nip(91)  # the supervisor, and the supervisor's own supervisor
PUSKESMAS, DISHUB = "Puskesmas Kota", "Dinas Perhubungan"
RATED = "2026-12-10"
ASPECTS = ("kualitas_layanan", "komunikasi", "tanggung_jawab")
ROLE_MODEL_UNIT = "Nilai tertinggi di {}; dijadikan teladan bagi rekan satu unit."
ALL_DONE = [("pengumpulan_data", "done"), ("evaluasi_atasan", "done"), ("diskusi", "done")]


def person(n: str, nama: str, unit: str, hadir: int, diskusi: str | None = "2026-12-20") -> dict:
    return pegawai(
        n, nama, unit=unit, atasan=SUP, hari_kerja=250, hari_hadir=hadir, tanggal_diskusi=diskusi
    )


def rated(n: str, scores: tuple[int, int, int], notes: dict | None = None) -> list[dict]:
    return nilai(
        n, SUP, "atasan", dict(zip(ASPECTS, scores, strict=True)), tanggal=RATED, catatan=notes
    )


def test_stages_are_the_three_of_the_annual_cycle_in_order() -> None:
    rules = rules_for(REGION)
    assert [(s.id, s.requires, s.after) for s in rules.stages] == [
        ("pengumpulan_data", "outcomes", None),
        ("evaluasi_atasan", "ratings:supervisor", None),
        ("diskusi", "input:tanggal_diskusi", "evaluasi_atasan"),
    ]
    assert rules.objection_window_days == 14
    assert rules.period == "annual"


def test_sample_employee_ani_and_the_unit_role_model() -> None:
    ani, budi, cici, dodi = nip(1), nip(2), nip(3), nip(4)
    out, res = run(
        REGION,
        [
            person(ani, "Ani", PUSKESMAS, 240),
            person(budi, "Budi", PUSKESMAS, 200),
            person(cici, "Cici", DISHUB, 200),
            person(dodi, "Dodi", DISHUB, 150),
        ],
        [
            capaian(ani, "pasien_dilayani", 1000, 900),
            capaian(budi, "pasien_dilayani", 1000, 700),
            capaian(cici, "layanan_selesai", 500, 350),
            capaian(dodi, "layanan_selesai", 500, 250),
        ],
        rated(ani, (4, 2, 4), {"komunikasi": "Jelaskan alur rujukan kepada pasien."})
        + rated(budi, (3, 3, 3))
        + rated(cici, (3, 3, 3))
        + rated(dodi, (2, 2, 2)),
    )
    assert rejects_of(out) == []
    r = res[ani]
    # output_layanan: 900/1000 = 90; kehadiran: 240/250 = 96
    # kualitas: mean(4, 2, 4) * 20 = 10/3 * 20 = 66.667
    # score = 0.5*90 + 0.3*66.667 + 0.2*96 = 45 + 20 + 19.2 = 84.2 -> Baik (76 <= x < 91)
    assert component(r, "output_layanan") == pytest.approx(90.0)
    assert component(r, "kehadiran") == pytest.approx(96.0)
    assert component(r, "kualitas") == pytest.approx(200 / 3)
    assert r.score == pytest.approx(84.2)
    assert r.predikat == "Baik"
    assert r.feedback == [
        "Komunikasi dengan masyarakat dinilai 2.0 dari 5: perjelas informasi layanan dan "
        "tanggapi pertanyaan warga dengan ramah.",
        "Jumlah pasien dilayani: target 1000, realised 900, gap -100; achievement 90.0%",
        f"Komunikasi dengan masyarakat: supervisor {SUP}: Jelaskan alur rujukan kepada pasien.",
    ]
    # best of Puskesmas Kota and >= 76: the plugin names her the unit's role model
    assert recs(r) == [("role_model", ROLE_MODEL_UNIT.format(PUSKESMAS))]
    assert stages(r) == ALL_DONE
    assert r.status == "final" and r.flags == []

    # Budi: 0.5*70 + 0.3*60 + 0.2*(200/250*100 = 80) = 35 + 18 + 16 = 69 -> Cukup
    assert res[budi].score == pytest.approx(69.0)
    assert res[budi].predikat == "Cukup"
    assert "Kehadiran 80.0% di bawah 90%." in res[budi].feedback
    assert res[budi].recommendations == []
    # Cici is the best of Dinas Perhubungan, but 0.5*70 + 0.3*60 + 0.2*80 = 69 < 76: no role model
    assert res[cici].score == pytest.approx(69.0)
    assert res[cici].recommendations == []
    # Dodi: 0.5*50 + 0.3*40 + 0.2*60 = 25 + 12 + 12 = 49 -> Buruk (< 51), coaching
    assert res[dodi].score == pytest.approx(49.0)
    assert res[dodi].predikat == "Buruk"
    assert recs(res[dodi]) == [
        ("coaching", "Perlu pendampingan atasan dan rencana perbaikan kinerja.")
    ]
    assert [t.split(" dinilai")[0] for t in res[dodi].feedback[:3]] == [
        "Komunikasi dengan masyarakat",
        "Kualitas layanan",
        "Tanggung jawab",
    ]
    assert res[dodi].feedback[3] == "Kehadiran 60.0% di bawah 90%."


def test_high_scorer_gets_one_role_model_recommendation() -> None:
    e = nip(5)
    _, res = run(
        REGION,
        [person(e, "Eka", PUSKESMAS, 250)],
        [capaian(e, "pasien_dilayani", 1000, 1100)],
        rated(e, (5, 5, 5)),
    )
    # 0.5*110 + 0.3*100 + 0.2*100 = 55 + 30 + 20 = 105 -> Sangat Baik (>= 91)
    # the rules' own role_model applies; the unit hook must not add a second one
    assert res[e].score == pytest.approx(105.0)
    assert res[e].predikat == "Sangat Baik"
    assert recs(res[e]) == [
        ("role_model", "Nilai sangat baik; dijadikan teladan bagi pegawai lain.")
    ]


def test_score_exactly_on_the_sangat_baik_boundary() -> None:
    f = nip(6)
    _, res = run(
        REGION,
        [person(f, "Fani", PUSKESMAS, 250)],
        [capaian(f, "pasien_dilayani", 1000, 900)],
        rated(f, (4, 5, 4)),
    )
    # 0.5*90 + 0.3*(mean(4,5,4)*20 = 260/3) + 0.2*100 = 45 + 26 + 20 = 91 -> Sangat Baik (>= 91)
    assert res[f].score == pytest.approx(91.0)
    assert res[f].predikat == "Sangat Baik"


def test_attendance_is_days_present_over_working_days_capped_at_100() -> None:
    g, h = nip(7), nip(8)
    _, res = run(
        REGION,
        [person(g, "Gina", PUSKESMAS, 225), person(h, "Hadi", PUSKESMAS, 260)],
        [capaian(g, "pasien_dilayani", 100, 100), capaian(h, "pasien_dilayani", 100, 100)],
        rated(g, (4, 4, 4)) + rated(h, (4, 4, 4)),
    )
    # 225/250 = 90.0; 260/250 = 104 -> capped at 100
    assert component(res[g], "kehadiran") == pytest.approx(90.0)
    assert component(res[h], "kehadiran") == pytest.approx(100.0)
    # 0.5*100 + 0.3*80 + 0.2*90 = 92; 0.5*100 + 0.3*80 + 0.2*100 = 94
    assert res[g].score == pytest.approx(92.0)
    assert res[h].score == pytest.approx(94.0)


@pytest.mark.parametrize(
    ("diskusi", "state", "detail"),
    [
        (None, "pending", "column 'tanggal_diskusi' is empty"),
        (
            "2026-12-05",
            "out_of_order",
            f"dated 2026-12-05, before 'Evaluasi oleh atasan' ({RATED})",
        ),
        ("2026-12-10", "done", ""),
    ],
)
def test_result_is_provisional_until_the_discussion(
    diskusi: str | None, state: str, detail: str
) -> None:
    i = nip(9)
    _, res = run(
        REGION,
        [person(i, "Indra", PUSKESMAS, 240, diskusi=diskusi)],
        [capaian(i, "pasien_dilayani", 100, 100)],
        rated(i, (4, 4, 4)),
    )
    r = res[i]
    assert stages(r)[:2] == ALL_DONE[:2]
    assert (r.stages[2].id, r.stages[2].status, r.stages[2].detail) == ("diskusi", state, detail)
    assert r.status == ("final" if state == "done" else "provisional")


def _objection_run(
    filed: str,
    keputusan: str = "ubah",
    new: str | None = "Baik",
    decider: str = HEAD,
    sup_atasan: str = HEAD,
):
    budi = nip(2)
    people = [
        person(budi, "Budi", PUSKESMAS, 200),
        pegawai(
            SUP,
            "Kepala Puskesmas",
            unit="Sekretariat",
            atasan=sup_atasan,
            hari_kerja=250,
            hari_hadir=250,
        ),
        pegawai(HEAD, "Kepala Dinas", unit="Sekretariat", hari_kerja=250, hari_hadir=250),
    ]
    objection = {
        "nip": budi,
        "tanggal_terima": "2027-01-10",
        "tanggal_ajuan": filed,
        "pemutus_nip": decider,
        "keputusan": keputusan,
        "predikat_baru": new,
        "alasan": "Pasien rujukan belum dihitung dalam capaian.",
    }
    # the two officials are appraised too (HEAD rates SUP, an outside official rates HEAD)
    outcomes = [capaian(n, "layanan_selesai", 10, 10) for n in (SUP, HEAD)]
    outcomes.append(capaian(budi, "pasien_dilayani", 1000, 700))
    ratings = rated(budi, (3, 3, 3)) + nilai(SUP, HEAD, "atasan", dict.fromkeys(ASPECTS, 4))
    ratings += nilai(HEAD, nip(99), "atasan", dict.fromkeys(ASPECTS, 4))
    out, res = run(REGION, people, outcomes, ratings, [objection])
    assert rejects_of(out) == []
    return res[budi]


@pytest.mark.parametrize("filed", ["2027-01-20", "2027-01-24"])  # 10 days; 14 days = the limit
def test_objection_within_14_days_changes_the_predikat_with_an_audit_entry(filed: str) -> None:
    r = _objection_run(filed)
    # Budi's computed result: 0.5*70 + 0.3*60 + 0.2*80 = 69 -> Cukup; changed to Baik
    assert r.score == pytest.approx(69.0)
    assert r.predikat == "Baik"
    assert len(r.audit) == 1
    entry = r.audit[0]
    assert (entry.action, entry.before, entry.after) == ("objection_changed", "Cukup", "Baik")
    assert entry.reason == "Pasien rujukan belum dihitung dalam capaian."
    assert (entry.by, entry.date, entry.source) == (HEAD, filed, "keberatan row 2")
    assert r.flags == []  # decided by the supervisor's own supervisor


def test_objection_decided_by_the_wrong_official_is_flagged() -> None:
    r = _objection_run("2027-01-20", decider=SUP)  # the supervisor, not their supervisor
    assert r.predikat == "Baik"
    assert r.audit[0].by == SUP
    assert flag_codes(r) == ["objection_decider"]
    assert r.flags[0].message == (
        f"objection at keberatan row 2 was decided by {SUP}, not the supervisor's supervisor {HEAD}"
    )


def test_objection_kept_result_is_still_recorded() -> None:
    r = _objection_run("2027-01-15", keputusan="tetap", new=None)
    assert r.predikat == "Cukup"
    assert [(a.action, a.before, a.after) for a in r.audit] == [
        ("objection_upheld_result", "Cukup", "Cukup")
    ]


def test_late_objection_is_refused_flagged_and_audited() -> None:
    r = _objection_run("2027-01-30")  # 20 days after 2027-01-10
    assert r.predikat == "Cukup"
    assert len(r.audit) == 1
    entry = r.audit[0]
    assert (entry.action, entry.before, entry.after) == ("objection_refused", "Cukup", "Cukup")
    assert entry.reason == "filed 20 days after the result was received; the limit is 14"
    assert flag_codes(r) == ["objection_late"]
    assert r.flags[0].message == "objection at keberatan row 2 filed after 20 days"


def test_a_supervisor_loop_is_flagged_and_its_objection_has_no_decider() -> None:
    # Budi's supervisor is SUP, and SUP's is Budi: the supervisor's supervisor of Budi
    # would be Budi himself, so HEAD's decision cannot stand for it either
    r = _objection_run("2027-01-20", sup_atasan=nip(2))  # Budi is nip(2)
    assert r.predikat == "Cukup"  # not changed: no one can decide it
    [entry] = r.audit
    assert (entry.action, entry.before, entry.after) == ("objection_refused", "Cukup", "Cukup")
    no_decider = (
        "the supervisor chain goes round a loop (atasan_nip leads back), so no supervisor's "
        "supervisor can decide it; correct atasan_nip and decide the objection again"
    )
    assert entry.reason == no_decider
    assert sorted(flag_codes(r)) == ["objection_no_decider", "supervisor_loop"]
    messages = {f.code: f.message for f in r.flags}
    assert messages["objection_no_decider"] == (
        f"objection at keberatan row 2 has no decider: {no_decider}"
    )
    assert messages["supervisor_loop"] == (
        f"the supervisor chain from this employee (atasan_nip {SUP}) leads back to them; "
        "correct atasan_nip, so that the chain ends at the head of the organisation"
    )


def test_employee_not_yet_rated_is_rejected_with_a_readable_reason() -> None:
    j = nip(10)
    out, res = run(
        REGION, [person(j, "Joni", PUSKESMAS, 240)], [capaian(j, "pasien_dilayani", 100, 100)]
    )
    # no supervisor ratings: kualitas = mean(...) * 20 cannot be computed
    assert res == {}
    assert [(r.sheet, r.row, r.nip) for r in rejects_of(out)] == [("pegawai", 2, j)]
    reason = rejects_of(out)[0].reason
    assert reason.startswith("not appraised: rule 'kualitas' failed: ")
    assert reason.endswith(
        "kualitas_layanan (no ratings), komunikasi (no ratings), tanggung_jawab (no ratings) "
        "are missing for this employee, so `mean(kualitas_layanan, komunikasi, "
        "tanggung_jawab) * 20` cannot be computed; add the data"
    )

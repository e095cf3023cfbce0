"""Kutacane: annual cycle (data, supervisor evaluation, dialogue), per-aspect feedback,
role models, and objections that leave a trace."""

from __future__ import annotations

import polars as pl
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

from kinerja.authoring import sample
from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.output.views import rejects_of, results_of
from kinerja.pipeline import appraise_tables
from kinerja.regions import load_region_rules

REGION = "kutacane"
SUP, HEAD = nip(90), nip(91)  # the supervisor, and the supervisor's own supervisor
PUSKESMAS, DISHUB = "Puskesmas Kota", "Dinas Perhubungan"
RATED = "2026-12-10"
ASPECTS = ("kualitas_layanan", "komunikasi", "tanggung_jawab")
ROLE_MODEL_UNIT = "Nilai tertinggi di {}; dijadikan teladan bagi rekan satu unit."
ROLE_MODEL_PLACE = "Nilai tertinggi ke-{} di {}; dijadikan teladan bagi rekan satu unit."
STAGES = ("pengumpulan_data", "evaluasi_atasan", "diskusi", "catatan_diskusi", "tindak_lanjut")
ALL_DONE = [(s, "done") for s in STAGES]
NOTES = "Hasil dibahas bersama."
ACTIONS = "Pelatihan komunikasi pada triwulan pertama."


def person(
    n: str,
    nama: str,
    unit: str,
    hadir: int,
    diskusi: str | None = "2026-12-20",
    catatan: str | None = NOTES,
    tindak_lanjut: str | None = ACTIONS,
) -> dict:
    """A Kutacane employee whose discussion (date, notes, agreed actions) is recorded."""
    return pegawai(
        n,
        nama,
        unit=unit,
        atasan=SUP,
        hari_kerja=250,
        hari_hadir=hadir,
        tanggal_diskusi=diskusi,
        catatan_diskusi=catatan,
        tindak_lanjut=tindak_lanjut,
    )


def rated(n: str, scores: tuple[int, int, int], notes: dict | None = None) -> list[dict]:
    return nilai(
        n, SUP, "atasan", dict(zip(ASPECTS, scores, strict=True)), tanggal=RATED, catatan=notes
    )


def test_stages_are_the_three_of_the_annual_cycle_in_order() -> None:
    rules = rules_for(REGION)
    # data, evaluation, then the discussion: its date, its notes and the actions agreed
    assert [(s.id, s.requires, s.after) for s in rules.stages] == [
        ("pengumpulan_data", "outcomes", None),
        ("evaluasi_atasan", "ratings:supervisor", None),
        ("diskusi", "input:tanggal_diskusi", "evaluasi_atasan"),
        ("catatan_diskusi", "input:catatan_diskusi", None),
        ("tindak_lanjut", "input:tindak_lanjut", None),
    ]
    texts = {
        n: rules.data["inputs"][n]["label"] for n, s in rules.inputs.items() if s.type == "text"
    }
    assert texts == {
        "catatan_diskusi": "Catatan diskusi hasil penilaian dengan atasan",
        "tindak_lanjut": "Tindak lanjut yang disepakati dalam diskusi",
    }
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
        f"Catatan diskusi dengan atasan (2026-12-20): {NOTES}",
        f"Tindak lanjut yang disepakati: {ACTIONS}",
        "Jumlah pasien dilayani: target 1000, realised 900, gap -100; achievement 90.0%",
        f"Komunikasi dengan masyarakat: supervisor {SUP}: Jelaskan alur rujukan kepada pasien.",
    ]
    # final, best of Puskesmas Kota and >= 76: the plugin names her the unit's role model
    assert recs(r) == [("role_model", ROLE_MODEL_UNIT.format(PUSKESMAS))]
    assert stages(r) == ALL_DONE
    assert r.status == "final" and r.flags == []

    # Budi: 0.5*70 + 0.3*60 + 0.2*(200/250*100 = 80) = 35 + 18 + 16 = 69 -> Cukup
    assert res[budi].score == pytest.approx(69.0)
    assert res[budi].predikat == "Cukup"
    assert "Kehadiran 80.0% di bawah 90%." in res[budi].feedback
    assert res[budi].recommendations == []  # second of two, but 69 < 76
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


def test_high_scorer_is_named_role_model_once() -> None:
    e = nip(5)
    _, res = run(
        REGION,
        [person(e, "Eka", PUSKESMAS, 250)],
        [capaian(e, "pasien_dilayani", 1000, 1100)],
        rated(e, (5, 5, 5)),
    )
    # 0.5*110 + 0.3*100 + 0.2*100 = 55 + 30 + 20 = 105 -> Sangat Baik (>= 91)
    # final and the unit's best: one role_model recommendation, the plugin's
    assert res[e].score == pytest.approx(105.0)
    assert res[e].predikat == "Sangat Baik"
    assert res[e].status == "final"
    assert recs(res[e]) == [("role_model", ROLE_MODEL_UNIT.format(PUSKESMAS))]


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
    assert stages(r)[3:] == ALL_DONE[3:]  # notes and actions recorded
    assert r.status == ("final" if state == "done" else "provisional")


@pytest.mark.parametrize(
    ("catatan", "tindak_lanjut", "pending"),
    [
        (None, ACTIONS, ["catatan_diskusi"]),
        (NOTES, None, ["tindak_lanjut"]),
        (None, None, ["catatan_diskusi", "tindak_lanjut"]),
    ],
)
def test_a_dated_discussion_without_its_notes_or_actions_is_not_done(
    catatan: str | None, tindak_lanjut: str | None, pending: list[str]
) -> None:
    k = nip(11)
    _, res = run(
        REGION,
        [person(k, "Kiki", PUSKESMAS, 250, catatan=catatan, tindak_lanjut=tindak_lanjut)],
        [capaian(k, "pasien_dilayani", 100, 120)],
        rated(k, (5, 5, 5)),
    )
    r = res[k]
    assert [s for s, state in stages(r) if state != "done"] == pending
    assert r.stages[STAGES.index(pending[0])].detail == f"column '{pending[0]}' is empty"
    assert r.status == "provisional"
    # 0.5*120 + 0.3*100 + 0.2*100 = 60 + 30 + 20 = 110, the unit's best, but not final
    assert r.score == pytest.approx(110.0)
    assert r.recommendations == []
    dialogue = [t for t in r.feedback if t.startswith(("Catatan diskusi", "Tindak lanjut"))]
    assert dialogue == [
        *([f"Catatan diskusi dengan atasan (2026-12-20): {catatan}"] if catatan else []),
        *([f"Tindak lanjut yang disepakati: {tindak_lanjut}"] if tindak_lanjut else []),
    ]


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
    assert (entry.by, entry.date, entry.source) == (HEAD, filed, "keberatan:2")
    assert r.flags == []  # decided by the supervisor's own supervisor


def test_objection_decided_by_the_wrong_official_is_flagged() -> None:
    r = _objection_run("2027-01-20", decider=SUP)  # the supervisor, not their supervisor
    assert r.audit[0].by == SUP
    assert flag_codes(r) == ["objection_decider"]
    assert r.flags[0].message == (
        f"objection at keberatan row 2 was decided by {SUP}, not the supervisor's supervisor {HEAD}"
    )


def test_objection_decided_by_anyone_but_the_supervisors_supervisor_is_refused() -> None:
    r = _objection_run("2027-01-20", decider=SUP)  # the supervisor decides their own rating
    # Budi's computed result stays: 0.5*70 + 0.3*60 + 0.2*80 = 69 -> Cukup, not Baik
    assert r.predikat == "Cukup"
    [entry] = r.audit
    assert (entry.action, entry.before, entry.after, entry.by) == (
        "objection_refused",
        "Cukup",
        "Cukup",
        SUP,
    )
    assert HEAD in entry.reason and SUP in entry.reason  # who decided, and who should have
    assert flag_codes(r) == ["objection_decider"]


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


def test_employee_not_yet_rated_is_provisional_with_the_evaluation_pending() -> None:
    j, m = nip(10), nip(12)
    out, res = run(
        REGION,
        [person(j, "Joni", PUSKESMAS, 240), person(m, "Mira", PUSKESMAS, 200)],
        [capaian(j, "pasien_dilayani", 100, 100), capaian(m, "pasien_dilayani", 100, 50)],
        rated(m, (2, 2, 2)),
    )
    assert rejects_of(out) == []  # before: Joni was rejected ("kualitas ... cannot be computed")
    r = res[j]
    # output_layanan 100/100 = 100 and kehadiran 240/250 = 96 are known; until the
    # supervisor rates, kualitas is their weighted mean (0.5*100 + 0.2*96)/0.7 = 69.2/0.7,
    # so the provisional score is output and attendance rescaled to sum to 1:
    # 0.5*100 + 0.3*(69.2/0.7) + 0.2*96 = 69.2 + 0.3*69.2/0.7 = 69.2/0.7 = 98.857 -> Sangat Baik
    assert component(r, "output_layanan") == pytest.approx(100.0)
    assert component(r, "kehadiran") == pytest.approx(96.0)
    assert component(r, "kualitas") == pytest.approx(69.2 / 0.7)
    assert (r.score, r.predikat) == (pytest.approx(69.2 / 0.7), "Sangat Baik")
    assert stages(r)[1] == ("evaluasi_atasan", "pending")
    assert r.stages[1].detail == "needs ratings from 1 supervisor rater(s)"
    # the discussion (2026-12-20) cannot come before an evaluation that has not happened
    assert stages(r)[2] == ("diskusi", "out_of_order")
    assert r.status == "provisional"
    assert set(flag_codes(r)) == {"incomplete"}  # no rule skipped for the missing ratings
    # the unit's best score, but provisional: no role model; no aspect feedback without ratings
    assert r.recommendations == [] and not any("dinilai" in t for t in r.feedback)
    # Mira, rated, is not held up by Joni: 0.5*50 + 0.3*40 + 0.2*80 = 25 + 12 + 16 = 53 -> Kurang
    assert res[m].score == pytest.approx(53.0)
    assert res[m].predikat == "Kurang"
    assert recs(res[m]) == [
        ("coaching", "Perlu pendampingan atasan dan rencana perbaikan kinerja.")
    ]


def test_role_models_are_final_results_at_most_two_per_unit() -> None:
    a, b, c, d, e, f = (nip(20 + i) for i in range(6))
    # all at 100% output and attendance: score = 50 + 0.3 * kualitas + 20
    people = [
        person(a, "A", PUSKESMAS, 250),  # (5, 5, 5): kualitas 100 -> 100, but provisional
        person(b, "B", PUSKESMAS, 250),  # (5, 5, 4): kualitas 280/3 -> 98
        person(c, "C", PUSKESMAS, 250),  # (4, 4, 4): kualitas 80 -> 94
        person(d, "D", PUSKESMAS, 250),  # (4, 4, 4): 94, tied with C for second place
        person(e, "E", PUSKESMAS, 250),  # (3, 3, 4): kualitas 200/3 -> 90, third
        person(f, "F", DISHUB, 250),  # (2, 2, 2): kualitas 40 -> 82, the best of Dishub
    ]
    people[0]["tindak_lanjut"] = None  # A's agreed actions are not recorded yet
    scores = {a: (5, 5, 5), b: (5, 5, 4), c: (4, 4, 4), d: (4, 4, 4), e: (3, 3, 4), f: (2, 2, 2)}
    _, res = run(
        REGION,
        people,
        [capaian(n, "pasien_dilayani", 100, 100) for n in scores],
        [row for n, s in scores.items() for row in rated(n, s)],
    )
    assert [res[n].score for n in scores] == [
        pytest.approx(v) for v in (100.0, 98.0, 94.0, 94.0, 90.0, 82.0)
    ]
    assert res[a].status == "provisional" and res[a].recommendations == []
    # among the final results of Puskesmas Kota: B first, C and D share the second place
    # (the same score), E third: final and above 76, but not named
    assert recs(res[b]) == [("role_model", ROLE_MODEL_UNIT.format(PUSKESMAS))]
    assert recs(res[c]) == recs(res[d]) == [("role_model", ROLE_MODEL_PLACE.format(2, PUSKESMAS))]
    assert res[e].status == "final" and res[e].recommendations == []
    # Dinas Perhubungan: F alone, 82 >= 76 -> its role model
    assert recs(res[f]) == [("role_model", ROLE_MODEL_UNIT.format(DISHUB))]


def test_role_models_in_the_sample_are_few_final_and_at_least_baik() -> None:
    rules = rules_for(REGION)
    generated = sample.generate(rules, 50, seed=1)
    tables = Tables.from_rows(
        {name: list(enumerate(rows, start=2)) for name, rows in generated.items()},
        source="sample",
    )
    out = appraise_tables(rules, tables, make_manager())
    # before: 23 role models among 48 results, 4 of them provisional, 6 in one unit;
    # the 2 employees not yet rated were rejected
    assert out.rejects.height == 0 and out.results.height == 50
    named = out.recommendations.filter(pl.col("code") == "role_model").select("nip")
    models = out.results.join(named, on="nip", how="semi")
    assert models.height > 0
    assert set(models["status"]) == {"final"}
    assert models["score"].min() >= 76
    per_unit = models.group_by("unit_kerja").len()
    assert per_unit["len"].max() <= 2
    # every unit with a final result of at least 76 has its role model
    candidates = out.results.filter((pl.col("status") == "final") & (pl.col("score") >= 76))
    assert set(per_unit["unit_kerja"]) == set(candidates["unit_kerja"])
    unrated = out.stages.filter(
        (pl.col("id") == "evaluasi_atasan") & (pl.col("status") == "pending")
    )
    waiting = out.results.join(unrated.select("nip"), on="nip", how="semi")
    assert waiting.height == 2 and set(waiting["status"]) == {"provisional"}


def test_the_2025_rules_keep_their_own_role_models() -> None:
    rules = load_region_rules(make_manager(), REGION, period="2025")
    b, c = nip(30), nip(31)
    people = [
        pegawai(b, "Budi", unit=DISHUB, atasan=SUP),  # no discussion yet: provisional
        pegawai(c, "Cici", unit=DISHUB, atasan=SUP),
    ]
    tables = Tables.from_rows(
        {
            "pegawai": list(enumerate(people, start=2)),
            "capaian": list(
                enumerate(
                    [
                        capaian(b, "layanan_selesai", 100, 90),
                        capaian(c, "layanan_selesai", 100, 70),
                    ],
                    start=2,
                )
            ),
            "penilaian": list(enumerate(rated(b, (3, 3, 3)) + rated(c, (3, 3, 3)), start=2)),
        },
        source="test",
    )
    res = {r.nip: r for r in results_of(appraise_tables(rules, tables, make_manager()))}
    # 2025 (PP 46/2011): 0.6*90 + 0.4*60 = 78 -> Baik; the unit's best of at least 76 is its
    # role model, but a role model is named only on a final result: Budi's waits for his
    # discussion, and says so
    assert res[b].score == pytest.approx(78.0) and res[b].status == "provisional"
    assert recs(res[b]) == []
    held = [f for f in res[b].flags if f.code == "recommendation_held"]
    assert [(f.severity, "role_model" in f.message) for f in held] == [("info", True)]
    assert res[c].recommendations == []  # 0.6*70 + 0.4*60 = 66 < 76

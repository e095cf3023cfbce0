"""Objections are decided only by the supervisor's own supervisor (PP 30/2019): a
decision by anyone else, or one whose proper decider cannot be known, is refused,
recorded with the reason, and changes nothing."""

from __future__ import annotations

import pytest
from region_helpers import capaian, flag_codes, nilai, nip, pegawai, run

from kinerja.i18n import language
from kinerja.output.views import rejects_of

REGION = "kutacane"
BUDI, SUP, HEAD, OTHER = nip(2), nip(90), nip(91), nip(95)
ASPECTS = ("kualitas_layanan", "komunikasi", "tanggung_jawab")
EVERY_STAGE = {
    "tanggal_diskusi": "2026-12-20",
    "catatan_diskusi": "Hasil dibahas bersama.",
    "tindak_lanjut": "Pelatihan komunikasi.",
}


def _official(n: str, atasan: str | None) -> dict:
    return pegawai(n, f"Pejabat {n[-3:]}", unit="Sekretariat", atasan=atasan, hari_kerja=250,
                   hari_hadir=250)  # fmt: skip


def _run(decider: str, budi_atasan: str | None = SUP, officials: dict | None = None):
    """Budi's objection (filed 10 days after receipt, asking Cukup -> Baik) decided by
    ``decider``; ``officials`` maps each official in the input to their atasan_nip."""
    officials = {SUP: HEAD, HEAD: None} if officials is None else officials
    budi = pegawai(BUDI, "Budi", unit="Puskesmas Kota", atasan=budi_atasan, hari_kerja=250,
                   hari_hadir=200, **EVERY_STAGE)  # fmt: skip
    people = [budi, *(_official(n, up) for n, up in officials.items())]
    outcomes = [capaian(BUDI, "pasien_dilayani", 1000, 700)]
    outcomes += [capaian(n, "layanan_selesai", 10, 10) for n in officials]
    ratings = nilai(BUDI, SUP, "atasan", dict.fromkeys(ASPECTS, 3), tanggal="2026-12-10")
    ratings += [r for n in officials for r in nilai(n, OTHER, "atasan", dict.fromkeys(ASPECTS, 4))]
    objection = {
        "nip": BUDI,
        "tanggal_terima": "2027-01-10",
        "tanggal_ajuan": "2027-01-20",
        "pemutus_nip": decider,
        "keputusan": "ubah",
        "predikat_baru": "Baik",
        "alasan": "Pasien rujukan belum dihitung.",
    }
    out, res = run(REGION, people, outcomes, ratings, [objection])
    assert rejects_of(out) == []
    return res[BUDI]


# Budi's result by the rules: output 700/1000*100 = 70, kualitas 3*20 = 60, kehadiran
# 200/250*100 = 80; 0.5*70 + 0.3*60 + 0.2*80 = 35 + 18 + 16 = 69 -> Cukup (61 <= 69 < 76)


def test_the_supervisors_supervisor_decides_and_the_decision_is_applied() -> None:
    r = _run(HEAD)
    assert (r.score, r.predikat) == (pytest.approx(69.0), "Baik")  # Cukup -> Baik
    [entry] = r.audit
    assert (entry.action, entry.before, entry.after, entry.by) == (
        "objection_changed",
        "Cukup",
        "Baik",
        HEAD,
    )
    assert entry.reason == "Pasien rujukan belum dihitung."
    assert r.flags == []


@pytest.mark.parametrize("decider", [SUP, OTHER])  # the supervisor, or an unrelated official
def test_anyone_else_is_refused_and_nothing_changes(decider: str) -> None:
    r = _run(decider)
    assert (r.score, r.predikat) == (pytest.approx(69.0), "Cukup")  # stays Cukup
    [entry] = r.audit
    assert (entry.action, entry.before, entry.after, entry.by) == (
        "objection_refused",
        "Cukup",
        "Cukup",
        decider,
    )
    assert entry.reason == (
        f"decided by {decider}, but only the supervisor's supervisor {HEAD} may decide it; "
        "the decision is not applied"
    )
    assert flag_codes(r) == ["objection_decider"]


def test_the_refusal_reads_in_indonesian() -> None:
    with language("id"):
        entry = _run(SUP).audit[0]
    assert entry.action == "objection_refused"
    assert SUP in entry.reason and HEAD in entry.reason
    assert entry.reason.startswith("diputuskan oleh")


UNKNOWN = {
    # Budi names no supervisor
    "no supervisor": (
        {"budi_atasan": None},
        "the employee has no atasan_nip, so no one knows who the supervisor's supervisor "
        "is, who decides it; fill in atasan_nip and decide the objection again",
    ),
    # Budi's supervisor is not in the pegawai sheet
    "supervisor absent": (
        {"officials": {HEAD: None}},
        f"the supervisor {SUP} is not in the pegawai sheet, so no one knows who their "
        "supervisor is, who decides it; add them to the pegawai sheet with their atasan_nip "
        "and decide the objection again",
    ),
    # the supervisor is the head: no one above them
    "supervisor at the top": (
        {"officials": {SUP: None, HEAD: None}},
        f"the supervisor {SUP} has no atasan_nip, so no one knows who their supervisor is, "
        "who decides it; fill in their atasan_nip and decide the objection again",
    ),
}


@pytest.mark.parametrize("case", list(UNKNOWN))
def test_a_decision_whose_decider_cannot_be_known_is_refused(case: str) -> None:
    setup, why = UNKNOWN[case]
    r = _run(HEAD, **setup)
    assert r.predikat == "Cukup"  # 69 by the rules, the objection's Baik not applied
    [entry] = r.audit
    assert (entry.action, entry.before, entry.after, entry.by) == (
        "objection_refused",
        "Cukup",
        "Cukup",
        HEAD,
    )
    assert entry.reason == why
    assert flag_codes(r) == ["objection_no_decider"]
    assert r.flags[0].message == f"objection at keberatan row 2 has no decider: {why}"

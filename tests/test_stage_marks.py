"""A review stage says when it was done and by whom, where its records say so."""

from __future__ import annotations

from region_helpers import nilai, nip, pegawai, run

ASPECTS = {"keterampilan": 4, "pengetahuan": 4, "sikap": 4}
SUP, OTHER_SUP = nip(90), nip(91)


def _stages(result: object) -> dict[str, tuple[str, str | None, str | None]]:
    return {s.id: (s.status, s.done_on, s.done_by) for s in result.stages}  # type: ignore[attr-defined]


def test_a_done_stage_says_when_and_by_whom() -> None:
    # Ani: self-assessed on 3 Nov, rated by her supervisor on 10 and 12 Nov (two rows
    # dated apart: the stage is done on the later), feedback given on 20 Nov.
    # Budi: self-assessed, no supervisor yet: that stage is pending, with no date or rater.
    ani, budi = nip(1), nip(2)
    people = [
        pegawai(ani, "Ani", atasan=SUP, tanggal_umpan_balik="2026-11-20"),
        pegawai(budi, "Budi", atasan=OTHER_SUP),
    ]
    ratings = nilai(ani, "", "self", ASPECTS, tanggal="2026-11-03")
    ratings += nilai(ani, SUP, "supervisor", {"keterampilan": 4}, tanggal="2026-11-10")
    ratings += nilai(ani, SUP, "supervisor", {"pengetahuan": 4, "sikap": 4}, tanggal="2026-11-12")
    ratings += nilai(budi, "", "self", ASPECTS, tanggal="2026-11-05")
    _out, results = run("lampung", people, penilaian_rows=ratings)
    assert _stages(results[ani]) == {
        "penilaian_diri": ("done", "2026-11-03", ani),  # the employee rated themself
        "evaluasi_atasan": ("done", "2026-11-12", SUP),
        "umpan_balik": ("done", "2026-11-20", None),  # an input: its author is not known
    }
    budi_stages = _stages(results[budi])
    assert budi_stages["penilaian_diri"] == ("done", "2026-11-05", budi)
    assert budi_stages["evaluasi_atasan"] == ("pending", None, None)

"""Missing data is never silently reweighted into a final result, and feedback is given
on the final result, after any objection."""

from __future__ import annotations

from pathlib import Path

from region_helpers import capaian, flag_codes, nilai, nip, pegawai, recs, run

from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.output.views import rejects_of, result_of
from kinerja.pipeline import appraise_tables
from kinerja.rules import load_rules

SUP, P1, P2 = nip(90), nip(91), nip(92)
ALL_FOUR = {"pengetahuan_teknis": 4, "komunikasi": 4, "sikap_pelayanan": 4, "integritas": 4}


def kasemen_ratings(n: str, scores: dict[str, int]) -> list[dict[str, object]]:
    return [
        *nilai(n, SUP, "supervisor", scores),
        *nilai(n, P1, "peer", scores),
        *nilai(n, P2, "peer", scores),
    ]


def test_a_missing_weighted_component_rejects_with_the_reason() -> None:
    a = nip(1)
    people = [
        pegawai(a, "Ani", atasan=SUP),
        pegawai(SUP, "Atasan"),
        pegawai(P1, "P1"),
        pegawai(P2, "P2"),
    ]
    out, results = run("kasemen", people, [], kasemen_ratings(a, ALL_FOUR))
    # no capaian rows: hasil_kerja has no value; Kasemen's score is 0.6 kompetensi +
    # 0.4 hasil_kerja, so dropping hasil_kerja would give 80 where the rules mean less
    assert a not in results
    [reason] = [r.reason for r in rejects_of(out) if r.nip == a]
    assert reason == (
        "not appraised: the score weighs every component, but hasil_kerja (Capaian hasil "
        "kerja) has no value for this employee; add the missing data (capaian rows or ratings)"
    )


def test_unrated_aspects_keep_the_result_provisional() -> None:
    b = nip(2)
    people = [
        pegawai(b, "Budi", atasan=SUP),
        pegawai(SUP, "Atasan"),
        pegawai(P1, "P1"),
        pegawai(P2, "P2"),
    ]
    _, results = run(
        "kasemen",
        people,
        [capaian(b, "target_layanan", 100, 100)],
        kasemen_ratings(b, {"integritas": 5}),
    )
    result = results[b]
    # kompetensi = mean(integritas) * 20 = 5 * 20 = 100 from the one rated aspect;
    # score = 0.6 * 100 + 0.4 * 100 = 100, but three aspects have no ratings at all
    assert result.score == 100
    assert flag_codes(result).count("incomplete") == 3
    assert "Kemampuan komunikasi dengan warga: no ratings yet" in [f.message for f in result.flags]
    assert result.status == "provisional"


RULES = """\
rules_format: 1
region: contoh
title: Contoh
version: "1"
valid_from: "2026-01-01"
basis: outcome
period: annual
indicators:
  layanan: {label: Layanan, kind: normal}
bands:
  nilai:
    - {label: Sangat Baik, min: 100}
    - {label: Baik, max: 100}
components:
  - {name: hasil, label: Hasil, expr: achievement_mean}
score:
  weights: {hasil: 1.0}
predikat:
  labels: [Sangat Baik, Baik]
  expr: band(score, 'nilai')
recommendations:
  - {code: promotion, when: "predikat == 'Sangat Baik'", text: Promosi.}
objections:
  window_days: 14
"""


def test_recommendations_follow_the_predikat_after_an_objection(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES)
    rules = load_rules(path)
    c, boss, top = nip(3), nip(93), nip(94)
    tables = Tables.from_rows(
        {
            "pegawai": [
                (2, pegawai(c, "Citra", atasan=boss)),
                (3, pegawai(boss, "Bos", atasan=top)),
                (4, pegawai(top, "Kepala")),
            ],
            "capaian": [(2, capaian(c, "layanan", 100, 90))],
            "keberatan": [
                (
                    2,
                    {
                        "nip": c,
                        "tanggal_terima": "2027-01-05",
                        "tanggal_ajuan": "2027-01-10",
                        "pemutus_nip": top,
                        "keputusan": "ubah",
                        "predikat_baru": "Sangat Baik",
                        "alasan": "Bukti tambahan diterima.",
                    },
                )
            ],
        },
        "test",
        "0" * 64,
        [],
    )
    output = appraise_tables(rules, tables, make_manager())
    result = result_of(output, c)
    # 90 / 100 * 100 = 90 -> Baik; the objection, decided by the supervisor's own
    # supervisor within 14 days, changes it to Sangat Baik, and the recommendation
    # for Sangat Baik follows the final predikat
    assert (result.score, result.predikat) == (90.0, "Sangat Baik")
    assert [(a.before, a.after) for a in result.audit] == [("Baik", "Sangat Baik")]
    assert recs(result) == [("promotion", "Promosi.")]

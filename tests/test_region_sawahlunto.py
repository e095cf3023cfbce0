"""Sawahlunto: PermenPANRB 6/2022 matrix, several rater groups, rater-bias evidence,
results published beside the peers of the same unit."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from region_helpers import (
    aspect,
    bias_codes,
    capaian,
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
from kinerja.i18n import language
from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.output.views import rejects_of
from kinerja.pipeline import appraise_tables

REGION = "sawahlunto"
BERAKHLAK = (
    "berorientasi_pelayanan",
    "akuntabel",
    "kompeten",
    "harmonis",
    "loyal",
    "adaptif",
    "kolaboratif",
)
UNIT = "Dinas Pariwisata"
SUP, PEER1, PEER2, SUB1, SUB2 = nip(90), nip(91), nip(92), nip(93), nip(94)
ALL_DONE = [("hasil_kerja", "done"), ("penilaian_atasan", "done"), ("penilaian_rekan", "done")]


def same(n: str, rater: str, group_name: str, value: int) -> list[dict]:
    """``rater`` gives ``value`` on all seven BerAKHLAK values."""
    return nilai(n, rater, group_name, dict.fromkeys(BERAKHLAK, value))


def test_sample_employees_matrix_baik_and_sangat_kurang() -> None:
    a, z = nip(1), nip(2)
    out, res = run(
        REGION,
        [pegawai(a, "Ayu", unit=UNIT, atasan=SUP), pegawai(z, "Zul", unit=UNIT, atasan=SUP)],
        [
            capaian(a, "penyelesaian_proyek", 10, 12),
            capaian(a, "realisasi_anggaran", 85, 90, target_maks=95),
            capaian(a, "waktu_layanan", 10, 9),
            capaian(z, "penyelesaian_proyek", 10, 6),
            capaian(z, "waktu_layanan", 10, 14),
        ],
        same(a, SUP, "atasan", 4)
        + same(a, PEER1, "rekan", 4)
        + same(a, PEER2, "rekan", 4)
        + same(a, SUB1, "bawahan", 4)
        + same(a, SUB2, "bawahan", 3)
        + same(z, SUP, "atasan", 2)
        + same(z, PEER1, "rekan", 2)
        + same(z, PEER2, "rekan", 2),
    )
    assert rejects_of(out) == []
    r = res[a]
    # hasil: proyek 12/10 = 120; anggaran 90 inside the range 85-95 = 100;
    #   waktu_layanan (inverse) (2 - 9/10)*100 = 110
    #   -> (120 + 100 + 110)/3 = 110 -> di atas (>= 110)
    # perilaku, each value: sup 4 (0.4), peers 4 (0.4), subordinates (4+3)/2 = 3.5 (0.2)
    #   = 1.6 + 1.6 + 0.7 = 3.9 -> mean of seven 3.9 * 20 = 78 -> sesuai (70 <= x < 90)
    # matrix (di atas, sesuai) -> Baik; score = 0.5*110 + 0.5*78 = 94
    assert component(r, "hasil_kerja") == pytest.approx(110.0)
    assert component(r, "perilaku") == pytest.approx(78.0)
    assert component(r, "rating_hasil") == "di atas ekspektasi"
    assert component(r, "rating_perilaku") == "sesuai ekspektasi"
    assert aspect(r, "loyal").score == pytest.approx(3.9)
    assert r.score == pytest.approx(94.0)
    assert r.predikat == "Baik"
    assert r.feedback == [
        "Penyelesaian proyek sesuai target: target 10, realised 12, gap +2; achievement 120.0%",
        "Realisasi anggaran dalam rentang rencana: target 85-95, realised 90, gap +0; "
        "achievement 100.0%",
        "Waktu penyelesaian layanan (hari) — lebih cepat lebih baik: target 10, realised 9, "
        "gap -1 (lower is better); achievement 110.0%",
    ]
    assert r.recommendations == []
    assert stages(r) == ALL_DONE
    assert r.flags == [] and r.status == "final"
    assert r.peer_rank == "1/2"

    r = res[z]
    # hasil: 6/10 = 60; (2 - 14/10)*100 = 60 -> 60 -> di bawah (< 90)
    # perilaku: no subordinates -> sup capped at 0.4, peers 0.6: 0.4*2 + 0.6*2 = 2
    #   -> 2 * 20 = 40 -> di bawah (< 70); matrix (di bawah, di bawah) -> Sangat Kurang
    # score = 0.5*60 + 0.5*40 = 50
    assert component(r, "rating_hasil") == "di bawah ekspektasi"
    assert component(r, "rating_perilaku") == "di bawah ekspektasi"
    assert r.score == pytest.approx(50.0)
    assert r.predikat == "Sangat Kurang"
    assert r.feedback[:2] == [
        "Hasil kerja 60.0% di bawah ekspektasi (90%); lihat selisih tiap target.",
        "Perilaku kerja 40.0 di bawah ekspektasi (70); lihat catatan penilai per nilai BerAKHLAK.",
    ]
    assert recs(r) == [
        ("training", "Perlu pelatihan tambahan sesuai kesenjangan kinerja."),
        (
            "reassignment",
            "Pertimbangkan penempatan pada posisi yang lebih sesuai dengan kompetensi.",
        ),
    ]
    assert r.peer_rank == "2/2"
    assert r.status == "final"


def _behaviour_only(people: dict[str, list[dict]], units: dict[str, str] | None = None):
    """Run employees who all reach 100% on one indicator, with the given ratings."""
    units = units or {}
    return run(
        REGION,
        [pegawai(n, f"P{n[-3:]}", unit=units.get(n, UNIT), atasan=SUP) for n in people],
        [capaian(n, "penyelesaian_proyek", 10, 10) for n in people],
        [row for rows in people.values() for row in rows],
    )


def test_missing_peers_make_the_result_provisional_and_incomplete() -> None:
    m = nip(3)
    _, res = _behaviour_only(
        {
            m: same(m, SUP, "atasan", 5)
            + same(m, PEER1, "rekan", 3)
            + same(m, SUB1, "bawahan", 4)
            + same(m, SUB2, "bawahan", 4)
        }
    )
    r = res[m]
    # one peer < min_count 2 -> peers missing; the region says "incomplete".
    # Rescaled over the groups present, the supervisor would carry 0.4/0.6 = 2/3; capped
    # at 0.4, the subordinates get the rest, 1 - 0.4 = 0.6:
    # each value = 0.4*5 + 0.6*4 = 2 + 2.4 = 4.4 -> perilaku 4.4*20 = 88
    peers = group(r, "loyal", "peer")
    assert (peers.count, peers.status, peers.effective_weight) == (1, "below_minimum", 0.0)
    assert group(r, "loyal", "supervisor").effective_weight == pytest.approx(0.4)
    assert group(r, "loyal", "subordinate").effective_weight == pytest.approx(0.6)
    assert aspect(r, "loyal").score == pytest.approx(4.4)
    assert not aspect(r, "loyal").complete
    assert component(r, "perilaku") == pytest.approx(88.0)
    assert "incomplete" in flag_codes(r)
    assert stages(r)[2] == ("penilaian_rekan", "pending")
    assert r.status == "provisional"


def test_missing_subordinates_give_their_weight_to_the_peers_not_the_supervisor() -> None:
    s = nip(4)
    _, res = _behaviour_only(
        {s: same(s, SUP, "atasan", 5) + same(s, PEER1, "rekan", 3) + same(s, PEER2, "rekan", 4)}
    )
    r = res[s]
    # no subordinates: rescaled, the supervisor would carry 0.4/0.8 = 0.5; capped at 0.4,
    # the peers get 1 - 0.4 = 0.6
    # each value = 0.4*5 + 0.6*(3+4)/2 = 2 + 2.1 = 4.1 -> perilaku 82 -> sesuai
    # hasil 100 -> sesuai; matrix (sesuai, sesuai) -> Baik; score = 0.5*100 + 0.5*82 = 91
    subs = group(r, "adaptif", "subordinate")
    assert (subs.count, subs.status, subs.effective_weight) == (0, "absent", 0.0)
    assert group(r, "adaptif", "supervisor").effective_weight == pytest.approx(0.4)
    assert group(r, "adaptif", "peer").effective_weight == pytest.approx(0.6)
    assert aspect(r, "adaptif").score == pytest.approx(4.1)
    assert aspect(r, "adaptif").complete
    assert component(r, "perilaku") == pytest.approx(82.0)
    assert r.score == pytest.approx(91.0)
    assert r.predikat == "Baik"
    assert "incomplete" not in flag_codes(r)
    assert r.status == "final"
    assert r.peer_rank == "1/1"


def test_all_groups_present_keep_their_declared_weights() -> None:
    f = nip(5)
    _, res = _behaviour_only(
        {
            f: same(f, SUP, "atasan", 5)
            + same(f, PEER1, "rekan", 3)
            + same(f, PEER2, "rekan", 3)
            + same(f, SUB1, "bawahan", 4)
            + same(f, SUB2, "bawahan", 2)
        }
    )
    r = res[f]
    # nothing missing, nothing capped: 0.4*5 + 0.4*3 + 0.2*(4+2)/2 = 2 + 1.2 + 0.6 = 3.8
    assert [g.effective_weight for g in aspect(r, "harmonis").groups] == [0.4, 0.4, 0.2]
    assert aspect(r, "harmonis").score == pytest.approx(3.8)
    assert component(r, "perilaku") == pytest.approx(76.0)  # 3.8 * 20
    assert r.status == "final"


def test_one_peer_of_two_takes_the_rest_and_the_result_stays_provisional() -> None:
    b = nip(7)
    _, res = _behaviour_only({b: same(b, SUP, "atasan", 5) + same(b, PEER1, "rekan", 2)})
    r = res[b]
    # peers: 1 rater of the 2 needed, subordinates none. Rescaled the supervisor would
    # carry 100%; capped at 0.4, the one peer takes 0.6 for now:
    # each value = 0.4*5 + 0.6*2 = 2 + 1.2 = 3.2 -> perilaku 64 -> di bawah (< 70)
    peers = group(r, "loyal", "peer")
    assert (peers.count, peers.status, peers.effective_weight) == (1, "used", pytest.approx(0.6))
    assert group(r, "loyal", "supervisor").effective_weight == pytest.approx(0.4)
    assert aspect(r, "loyal").score == pytest.approx(3.2)
    assert not aspect(r, "loyal").complete  # still below the minimum of 2
    assert component(r, "perilaku") == pytest.approx(64.0)
    assert component(r, "rating_perilaku") == "di bawah ekspektasi"
    # hasil 100 -> sesuai; (sesuai, di bawah) -> Kurang/Misconduct; 0.5*100 + 0.5*64 = 82
    assert (r.predikat, r.score) == ("Kurang/Misconduct", pytest.approx(82.0))
    assert stages(r)[2] == ("penilaian_rekan", "pending")
    assert r.status == "provisional"
    [flag] = [f for f in r.flags if f.code.startswith("weight_")]
    assert (flag.code, flag.severity) == ("weight_topped_up", "warning")
    assert flag.message == (
        "the raters besides Atasan langsung are not complete yet: Atasan langsung keeps at "
        "most 40% and the rest goes, for now, to the other raters who have rated; the result "
        "stays provisional until the ratings are complete"
    )
    with language("id"):
        _, res = _behaviour_only({b: same(b, SUP, "atasan", 5) + same(b, PEER1, "rekan", 2)})
    [flag] = [f for f in res[b].flags if f.code == "weight_topped_up"]
    assert flag.message == (
        "penilai selain Atasan langsung belum lengkap: bobot Atasan langsung paling tinggi 40% "
        "dan sisanya untuk sementara diberikan kepada penilai lain yang sudah menilai; hasil "
        "tetap sementara sampai penilaian lengkap"
    )


def test_supervisor_alone_stays_provisional_and_is_flagged() -> None:
    a = nip(6)
    out, res = _behaviour_only({a: same(a, SUP, "atasan", 4)})
    assert rejects_of(out) == []
    r = res[a]
    # no one else rated: nobody can take the rest, so the supervisor's 4 stands alone
    # (4*20 = 80); the peers are missing, so the result cannot be final
    assert [g.effective_weight for g in aspect(r, "loyal").groups] == [1.0, 0.0, 0.0]
    assert component(r, "perilaku") == pytest.approx(80.0)
    assert r.status == "provisional"
    assert "incomplete" in flag_codes(r)
    [flag] = [f for f in r.flags if f.code.startswith("weight_")]
    assert (flag.code, flag.severity) == ("weight_alone", "warning")
    assert flag.message == (
        "only Atasan langsung rated (a weight of 100%, where the most is 40%): there is no one "
        "else to give the rest to; the result stays provisional until others rate"
    )


def test_no_result_of_the_sample_gives_the_supervisor_more_than_40_percent() -> None:
    out = _sample_run(50)
    supervisor = out.groups.filter((pl.col("group") == "supervisor") & (pl.col("status") == "used"))
    # before the cap, 43 of these 50 results gave the supervisor 0.5 (no subordinates)
    # or 1.0 (one peer of the two needed, no subordinates)
    assert supervisor.height > 0
    assert supervisor["effective_weight"].max() == pytest.approx(0.4)
    weights = out.groups.group_by(["nip", "aspect"]).agg(pl.col("effective_weight").sum())
    assert weights["effective_weight"].to_list() == pytest.approx([1.0] * weights.height)
    # the two results with one peer only: topped up, provisional
    topped = out.flags.filter(pl.col("code") == "weight_topped_up")["nip"]
    assert topped.len() == 2
    assert set(out.results.filter(pl.col("nip").is_in(topped.implode()))["status"]) == {
        "provisional"
    }
    assert out.flags.filter(pl.col("code") == "weight_alone").height == 0


def _sample_run(employees: int):
    rules = rules_for(REGION)
    generated = sample.generate(rules, employees, seed=1)
    tables = Tables.from_rows(
        {name: list(enumerate(rows, start=2)) for name, rows in generated.items()},
        source="sample",
    )
    return appraise_tables(rules, tables, make_manager())


_RATERS = {
    "atasan": [SUP],
    "rekan": [PEER1, PEER2, nip(95)],
    "bawahan": [SUB1, SUB2, nip(96)],
}


_PATTERN = st.fixed_dictionaries(
    {kind: st.lists(st.integers(1, 5), max_size=len(who)) for kind, who in _RATERS.items()}
)


@settings(max_examples=10, deadline=None)
@given(st.lists(_PATTERN, min_size=1, max_size=12))
def test_the_supervisor_never_carries_more_than_40_percent(
    patterns: list[dict[str, list[int]]],
) -> None:
    people = {
        nip(100 + i): [
            row
            for kind, values in scores.items()
            for rater, value in zip(_RATERS[kind], values, strict=False)
            for row in nilai(nip(100 + i), rater, kind, {"loyal": value})
        ]
        for i, scores in enumerate(patterns)
    }
    _, res = _behaviour_only(people)
    for n, scores in zip(people, patterns, strict=True):
        if n not in res:  # no group counts: not appraised (perilaku cannot be computed)
            assert not scores["atasan"] and len(scores["rekan"]) < 2
            assert len(scores["bawahan"]) < 2
            continue
        loyal = aspect(res[n], "loyal")
        used = [g for g in loyal.groups if g.status == "used"]
        weights = {g.group: g.effective_weight for g in loyal.groups}
        others = scores["rekan"] or scores["bawahan"]
        assert sum(weights.values()) == pytest.approx(1.0)
        assert loyal.score == pytest.approx(sum(g.mean * g.effective_weight for g in used))
        if scores["atasan"] and others:  # the supervisor and anyone else: capped at 0.4
            assert weights["supervisor"] == pytest.approx(0.4)
        elif scores["atasan"]:  # the supervisor alone: flagged, provisional
            assert weights["supervisor"] == 1.0
            assert "weight_alone" in flag_codes(res[n])
        if len(scores["rekan"]) < 2:  # too few peers: never final
            assert res[n].status == "provisional"


def test_lenient_supervisor_is_flagged() -> None:
    e1, e2, e3 = nip(11), nip(12), nip(13)
    lenient, other1, other2 = nip(81), nip(82), nip(83)
    _, res = _behaviour_only(
        {
            e1: same(e1, lenient, "atasan", 5)
            + same(e1, PEER1, "rekan", 4)
            + same(e1, PEER2, "rekan", 4),
            e2: same(e2, other1, "atasan", 3)
            + same(e2, PEER1, "rekan", 3)
            + same(e2, PEER2, "rekan", 3),
            e3: same(e3, other2, "atasan", 3)
            + same(e3, PEER1, "rekan", 3)
            + same(e3, PEER2, "rekan", 3),
        }
    )
    # supervisors' means on a 0-1 scale: lenient (5-1)/4 = 1.0, the others (3-1)/4 = 0.5
    # group mean (1.0 + 0.5 + 0.5)/3 = 2/3; lenient is 1/3 above = 1.33 points > 0.75
    # e1: supervisor 5 vs peers 4 -> 1.00 point, not above the 1.0 disagreement limit
    assert bias_codes(res[e1]) == ["bias_leniency"]
    assert res[e1].flags[0].message == (
        f"supervisor rater {lenient} rates 1.33 points above other supervisor raters on average"
    )
    assert res[e2].flags == [] and res[e3].flags == []


def test_supervisor_peer_disagreement_above_one_point_is_flagged() -> None:
    f, g = nip(21), nip(22)
    sup_f, sup_g = nip(84), nip(85)
    _, res = _behaviour_only(
        {
            f: same(f, sup_f, "atasan", 5)
            + same(f, PEER1, "rekan", 3)
            + same(f, PEER2, "rekan", 3),
            g: same(g, sup_g, "atasan", 4)
            + same(g, PEER1, "rekan", 3)
            + same(g, PEER2, "rekan", 3),
        }
    )
    # f: supervisor 5 vs peers 3 -> +2.00 points > 1.0; g: 4 vs 3 -> +1.00, not above 1.0
    # leniency: supervisors 1.0 and 0.75, mean 0.875 -> 0.125*4 = 0.5 points < 0.75: none
    assert bias_codes(res[f]) == ["bias_disagreement"]
    assert res[f].flags[0].message == "supervisor's ratings differ from the peers' by +2.00 points"
    assert bias_codes(res[g]) == []  # (the rater-effects model finds the flat peers severe)


def test_identical_ratings_for_three_employees_are_flagged() -> None:
    h1, h2, h3 = nip(31), nip(32), nip(33)
    q, q2 = nip(86), nip(87)
    _, res = _behaviour_only(
        {
            h1: same(h1, SUP, "atasan", 4) + same(h1, q, "rekan", 4) + same(h1, q2, "rekan", 4),
            h2: same(h2, SUP, "atasan", 3) + same(h2, q, "rekan", 4) + same(h2, q2, "rekan", 3),
            h3: same(h3, SUP, "atasan", 5) + same(h3, q, "rekan", 4) + same(h3, q2, "rekan", 5),
        }
    )
    # peer q gives 4 on every value to all three employees (>= identical_min 3);
    # SUP and q2 vary; disagreement at most 0.5 points; q and q2 both average 0.75: no leniency
    for n in (h1, h2, h3):
        assert bias_codes(res[n]) == ["bias_identical"]
        assert res[n].flags[0].message == (
            f"peer rater {q} gave the same scores to all 3 employees they rated"
        )


def test_peer_rank_is_within_the_unit() -> None:
    ns = [nip(41), nip(42), nip(43), nip(44)]
    units = {ns[0]: UNIT, ns[1]: UNIT, ns[2]: UNIT, ns[3]: "Dinas Sosial"}
    values = dict(zip(ns, (3, 5, 4, 5), strict=True))
    _, res = _behaviour_only(
        {
            n: same(n, SUP, "atasan", v) + same(n, PEER1, "rekan", v) + same(n, PEER2, "rekan", v)
            for n, v in values.items()
        },
        units,
    )
    # score = 0.5*100 + 0.5*(v*20): 3 -> 80, 5 -> 100, 4 -> 90; Dinas Sosial alone at 100
    assert [res[n].score for n in ns] == [pytest.approx(s) for s in (80.0, 100.0, 90.0, 100.0)]
    assert [res[n].peer_rank for n in ns] == ["3/3", "1/3", "2/3", "1/1"]
    # hasil 100 = sesuai; perilaku 100 = di atas -> Baik, not Sangat Baik (hasil only sesuai)
    assert res[ns[1]].predikat == "Baik"

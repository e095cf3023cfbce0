"""Kasemen: competency-based, multi-rater (supervisor, peers, citizens served), career output."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from region_helpers import (
    aspect,
    capaian,
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

from kinerja.cli import main
from kinerja.manager import make_manager
from kinerja.output.views import rejects_of
from kinerja.regions import UnknownRegion, load_region_rules

REGION = "kasemen"
SUP = nip(90)
PEER1, PEER2 = nip(91), nip(92)
CITIZENS = [f"W{i:04d}" for i in range(1, 6)]
ALL_STAGES_DONE = [
    ("penilaian_atasan", "done"),
    ("penilaian_rekan", "done"),
]


def ratings(n: str, sup: dict, peer1: dict, peer2: dict, citizens: list[dict]) -> list[dict]:
    rows = nilai(n, SUP, "atasan", sup) + nilai(n, PEER1, "rekan", peer1)
    rows += nilai(n, PEER2, "rekan", peer2)
    for rater, scores in zip(CITIZENS[: len(citizens)], citizens, strict=True):
        rows += nilai(n, rater, "masyarakat", scores)
    return rows


def test_rater_groups_weights_and_minimums_are_in_the_rules() -> None:
    rules = rules_for(REGION)
    groups = {g.name: (g.weight, g.min_count, g.when_missing) for g in rules.rater_groups.values()}
    assert groups == {
        "supervisor": (0.5, 1, "renormalise"),
        "peer": (0.3, 2, "renormalise"),
        "citizen": (0.2, 5, "renormalise"),
    }
    assert rules.basis == "mixed" and rules.period == "semester"
    assert set(rules.aspects) == {
        "pengetahuan_teknis",
        "komunikasi",
        "sikap_pelayanan",
        "integritas",
    }
    # citizens rate only what they see: communication and the attitude in serving them
    assert rules.aspects["komunikasi"].groups == ("supervisor", "peer", "citizen")
    assert rules.aspects["integritas"].groups == ("supervisor", "peer")


def test_sample_employee_ani_hand_computed() -> None:
    a = nip(1)
    rows = ratings(
        a,
        sup={"pengetahuan_teknis": 4, "komunikasi": 4, "sikap_pelayanan": 5, "integritas": 5},
        peer1={"pengetahuan_teknis": 4, "komunikasi": 4, "sikap_pelayanan": 4, "integritas": 5},
        peer2={"pengetahuan_teknis": 3, "komunikasi": 3, "sikap_pelayanan": 4, "integritas": 4},
        citizens=[{"komunikasi": 3, "sikap_pelayanan": s} for s in (2, 3, 4, 4, 2)],
    )
    rows[-2]["catatan"] = "Petugas ramah dan sabar."  # citizen W0005 on komunikasi
    out, res = run(
        REGION,
        [pegawai(a, "Ani", unit="Puskesmas Kasemen", atasan=SUP)],
        [
            capaian(a, "target_layanan", 100, 95),
            capaian(a, "target_administrasi", 50, 55),
        ],
        rows,
    )
    r = res[a]
    # Aspects rated by supervisor and peers only: weights 0.5 and 0.3 rescaled over 0.8
    #   -> 0.625 and 0.375.
    # pengetahuan_teknis: sup 4, peers (4+3)/2 = 3.5 -> 0.625*4 + 0.375*3.5 = 2.5 + 1.3125 = 3.8125
    # integritas:    sup 5, peers (5+4)/2 = 4.5 -> 0.625*5 + 0.375*4.5 = 3.125 + 1.6875 = 4.8125
    # komunikasi:  sup 4, peers 3.5, citizens 5 raters mean 3.0
    #   -> 0.5*4 + 0.3*3.5 + 0.2*3.0 = 2.0 + 1.05 + 0.6 = 3.65
    # sikap_pelayanan: sup 5, peers 4, citizens (2+3+4+4+2)/5 = 3.0
    #   -> 0.5*5 + 0.3*4 + 0.2*3.0 = 2.5 + 1.2 + 0.6 = 4.3
    # kompetensi = mean(3.8125, 3.65, 4.3, 4.8125) * 20 = 16.575/4 * 20 = 4.14375 * 20 = 82.875
    # hasil_kerja: 95/100 = 95, 55/50 = 110 -> mean 102.5
    # score = 0.6*82.875 + 0.4*102.5 = 49.725 + 41.0 = 90.725 -> Sangat Baik (>= 90)
    assert aspect(r, "pengetahuan_teknis").score == pytest.approx(3.8125)
    assert aspect(r, "integritas").score == pytest.approx(4.8125)
    assert aspect(r, "komunikasi").score == pytest.approx(3.65)
    assert aspect(r, "sikap_pelayanan").score == pytest.approx(4.3)
    assert group(r, "pengetahuan_teknis", "supervisor").effective_weight == pytest.approx(0.625)
    assert group(r, "pengetahuan_teknis", "peer").effective_weight == pytest.approx(0.375)
    citizens = group(r, "komunikasi", "citizen")
    assert (citizens.count, citizens.mean, citizens.status) == (5, 3.0, "used")
    assert citizens.effective_weight == pytest.approx(0.2)
    comps = {c.name: c.value for c in r.components}
    assert comps["kompetensi"] == pytest.approx(82.875)
    assert comps["hasil_kerja"] == pytest.approx(102.5)
    assert r.score == pytest.approx(90.725)
    assert r.predikat == "Sangat Baik"
    # no aspect below 3, so no aspect feedback; the gap to each target and the rater's note
    assert r.feedback == [
        "Target layanan utama (misalnya kunjungan pasien puskesmas): target 100, realised 95, "
        "gap -5; achievement 95.0%",
        "Penyelesaian administrasi layanan: target 50, realised 55, gap +5; achievement 110.0%",
        "Kemampuan komunikasi dengan warga: citizen W0005: Petugas ramah dan sabar.",
    ]
    assert recs(r) == [
        ("promotion", "Kinerja sangat baik; direkomendasikan untuk promosi jabatan.")
    ]
    assert stages(r) == ALL_STAGES_DONE
    assert r.flags == [] and r.status == "final"
    assert rejects_of(out) == []


def test_citizens_below_minimum_are_left_out_and_weights_rescaled() -> None:
    b = nip(2)
    four = {"pengetahuan_teknis": 4, "komunikasi": 4, "sikap_pelayanan": 4, "integritas": 4}
    three = {k: 3 for k in four}
    # only 3 of the 5 citizens needed, all rating 1: they must not count
    rows = ratings(b, four, four, three, [{"komunikasi": 1, "sikap_pelayanan": 1}] * 3)
    _, res = run(
        REGION,
        [pegawai(b, "Budi", atasan=SUP)],
        [capaian(b, "target_layanan", 100, 100)],
        rows,
    )
    r = res[b]
    # citizen group: 3 raters < min_count 5 -> left out; 0.5 and 0.3 rescaled over 0.8:
    #   supervisor 0.5/0.8 = 0.625, peer 0.3/0.8 = 0.375
    # komunikasi = 0.625*4 + 0.375*(4+3)/2 = 2.5 + 1.3125 = 3.8125
    #   (with the citizens it would have been 0.5*4 + 0.3*3.5 + 0.2*1 = 3.25)
    # every aspect is 3.8125 -> kompetensi 76.25; hasil_kerja 100
    # score = 0.6*76.25 + 0.4*100 = 45.75 + 40 = 85.75 -> Baik, training (80 <= score < 90)
    for code in ("komunikasi", "sikap_pelayanan"):
        cit = group(r, code, "citizen")
        assert (cit.count, cit.status, cit.effective_weight) == (3, "below_minimum", 0.0)
        assert group(r, code, "supervisor").effective_weight == pytest.approx(0.625)
        assert group(r, code, "peer").effective_weight == pytest.approx(0.375)
        assert aspect(r, code).score == pytest.approx(3.8125)
        assert aspect(r, code).complete
    assert r.score == pytest.approx(85.75)
    assert r.predikat == "Baik"
    assert recs(r) == [("training", "Kinerja baik; direkomendasikan mengikuti pelatihan lanjutan.")]
    # renormalise, not incomplete: no incomplete flag, but a note that citizens were left
    # out; citizen feedback is not a stage (not every post serves citizens), so final
    assert flag_codes(r) == ["group_missing"]
    assert r.flags[0].message == (
        "Masyarakat yang dilayani: 3 rater(s), fewer than the 5 needed; "
        "left out and the other groups' weights rescaled"
    )
    assert r.flags[0].severity == "info"
    assert stages(r) == [("penilaian_atasan", "done"), ("penilaian_rekan", "done")]
    assert r.status == "final"


def test_low_competency_gets_aspect_feedback_and_training() -> None:
    c = nip(3)
    two = {"pengetahuan_teknis": 2, "komunikasi": 2, "sikap_pelayanan": 2, "integritas": 2}
    rows = ratings(c, two, two, two, [{"komunikasi": 2, "sikap_pelayanan": 2}] * 5)
    _, res = run(
        REGION, [pegawai(c, "Cici", atasan=SUP)], [capaian(c, "target_layanan", 100, 60)], rows
    )
    r = res[c]
    # every aspect 2.0 -> kompetensi 40; hasil 60/100 = 60
    # score = 0.6*40 + 0.4*60 = 24 + 24 = 48 -> Sangat Kurang (< 51)
    assert r.score == pytest.approx(48.0)
    assert r.predikat == "Sangat Kurang"
    assert r.feedback[:3] == [
        "Komunikasi dengan warga (2.00 dari 5) perlu ditingkatkan.",
        "Pengetahuan teknis (2.00 dari 5) perlu diperdalam, terutama prosedur layanan.",
        "Sikap pelayanan (2.00 dari 5) mendapat catatan dari rekan atau warga.",
    ]
    assert recs(r) == [
        (
            "training",
            "Kompetensi di bawah standar; ikuti pelatihan pada aspek dengan nilai terendah.",
        )
    ]
    assert r.status == "final"


def test_promotion_and_training_thresholds() -> None:
    # hasil only differs: every aspect 4 from everyone -> kompetensi 80
    four = {"pengetahuan_teknis": 4, "komunikasi": 4, "sikap_pelayanan": 4, "integritas": 4}
    realised = {
        # score = 0.6*80 + 0.4*hasil
        nip(4): 125,  # hasil capped at 120 -> 48 + 48 = 96 -> promotion
        nip(5): 105,  # 48 + 42 = 90 -> promotion (>= 90)
        nip(6): 80,  # 48 + 32 = 80 -> training (>= 80)
        nip(7): 75,  # 48 + 30 = 78 -> Baik, no recommendation
    }
    rows, people, outcomes = [], [], []
    for n, real in realised.items():
        people.append(pegawai(n, f"P{n[-1]}", atasan=SUP))
        outcomes.append(capaian(n, "target_layanan", 100, real))
        rows += ratings(n, four, four, four, [{"komunikasi": 4, "sikap_pelayanan": 4}] * 5)
    _, res = run(REGION, people, outcomes, rows)
    expected = {
        nip(4): (96.0, "Sangat Baik", ["promotion"]),
        nip(5): (90.0, "Sangat Baik", ["promotion"]),
        nip(6): (80.0, "Baik", ["training"]),
        nip(7): (78.0, "Baik", []),
    }
    for n, (score, predikat, codes) in expected.items():
        assert res[n].score == pytest.approx(score)
        assert res[n].predikat == predikat
        assert [code for code, _ in recs(res[n])] == codes


@pytest.mark.parametrize(
    ("as_of", "period"),
    [("2026-01-01", None), ("2026-03-15", None), ("2026-06-30", None), ("2026-07-01", None),
     ("2026-09-15", None), ("2026-12-31", None), (None, "2026")],
)  # fmt: skip
def test_both_semesters_of_2026_are_appraised_under_the_rules(
    as_of: str | None, period: str | None
) -> None:
    # semester I (January-June) and semester II (July-December): one version for the year
    rules = load_region_rules(make_manager(), REGION, as_of=as_of, period=period)
    assert (rules.version, rules.valid_from, rules.valid_to) == (
        "2026.1",
        "2026-01-01",
        "2026-12-31",
    )
    assert rules.period == "semester"


HINT = ". To appraise a period that has ended, name a day in it: --as-of 2026-12-31"


@pytest.mark.parametrize(
    ("as_of", "hint"), [("2025-12-31", ""), ("2027-01-04", HINT)]
)  # before every version: no hint; after the last one: the day that runs it
def test_a_day_outside_every_version_is_refused_not_given_the_nearest(
    as_of: str, hint: str
) -> None:
    with pytest.raises(UnknownRegion) as info:
        load_region_rules(make_manager(), REGION, as_of=as_of)
    assert str(info.value) == (
        f"no rules of region 'kasemen' are in force on {as_of}; "
        "versions: 2026.1 (2026-01-01 to 2026-12-31)" + hint
    )


def test_a_run_dated_outside_the_rules_says_so_and_writes_nothing(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "kasemen" / "kasemen.xlsx"
    out = tmp_path / "out.json"
    runner = CliRunner()
    late = runner.invoke(
        main, ["run", "-r", REGION, "-i", str(example), "-o", str(out), "--as-of", "2027-02-01"]
    )
    assert late.exit_code == 2
    assert "no rules of region 'kasemen' are in force on 2027-02-01" in late.output
    assert not out.exists()
    second = runner.invoke(
        main, ["run", "-r", REGION, "-i", str(example), "-o", str(out), "--as-of", "2026-09-15"]
    )
    assert second.exit_code == 0, second.output
    assert second.output.splitlines()[0].startswith("Region kasemen — rules 2026.1 ")

"""Rater-effects findings as flags on the results they touch: one warning per result and
finding, naming the rater's role and the evidence, never the rater."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl
import pytest

from kinerja import chunked, engine
from kinerja.input.read import read_tables
from kinerja.input.tables import Tables
from kinerja.input.validate import build_dataset
from kinerja.manager import make_manager
from kinerja.pipeline import appraise_tables
from kinerja.regions import load_region_rules
from kinerja.review.effects import fit_effects
from kinerja.review.findings import FINDINGS, find_biases
from kinerja.review.planted import planted_workforce
from kinerja.review.touched import CODES, RaterReview, touched_flags
from kinerja.rules import RuleSet, load_rules

PM = make_manager()
ROOT = Path(__file__).parent.parent
RULES = """\
rules_format: 1
region: contoh
title: Contoh
version: "1"
valid_from: "2026-01-01"
basis: competency
period: annual
aspects:
  aspek_1: {label: Satu, scale: [1, 5]}
  aspek_2: {label: Dua, scale: [1, 5]}
  aspek_3: {label: Tiga, scale: [1, 5]}
  aspek_4: {label: Empat, scale: [1, 5]}
rater_groups:
  self: {label: Diri sendiri, weight: 0.1, min_count: 1}
  supervisor: {label: Atasan, weight: 0.4, min_count: 1}
  peer: {label: Rekan, weight: 0.3, min_count: 1}
  subordinate: {label: Bawahan, weight: 0.2, min_count: 1}
when_group_missing: renormalise
bands:
  nilai:
    - {label: Baik, min: 60}
    - {label: Kurang, max: 60}
components:
  - {name: perilaku, label: Perilaku, expr: "mean(aspek_1, aspek_2, aspek_3, aspek_4) * 20"}
score:
  weights: {perilaku: 1.0}
predikat:
  labels: [Baik, Kurang]
  expr: band(score, 'nilai')
rater_effects:
  adjust_for_rater_effects: true
"""


def valid_nip(k: int) -> str:
    """A valid NIP for the k-th person (a planted NIP's appointment month is 00)."""
    return f"19800101{2000 + k // 900:04d}{k // 100 % 9 + 1:02d}1{k % 100:03d}"


@cache
def workforce() -> tuple[Tables, pl.DataFrame]:
    """A planted workforce of 14 units of 9 (126 employees) as a run's input, and the
    truth of its raters (with valid NIPs)."""
    planted = planted_workforce(units=14, unit_size=8, per_kind=3, seed=2)
    people = pl.concat(
        [planted.levels["nip"], planted.ratings["nip"], planted.ratings["penilai_nip"]]
    ).unique(maintain_order=True)
    valid = {old: valid_nip(k) for k, old in enumerate(people.to_list())}
    ratings = planted.ratings.with_columns(pl.col("nip", "penilai_nip").replace_strict(valid))
    pegawai = [
        {
            "nip": valid[n],
            "nama": f"Pegawai {k:03d}",
            "jabatan": "Analis",
            "unit_kerja": f"Unit {unit:02d}",
            "golongan": "III/a",
            "atasan_nip": None,
        }
        for k, (n, unit) in enumerate(planted.levels.select("nip", "unit").iter_rows())
    ]
    penilaian = ratings.select("nip", "penilai_nip", "kelompok", "aspek", "nilai").to_dicts()
    tables = Tables.from_rows(
        {
            "pegawai": list(enumerate(pegawai, start=2)),
            "penilaian": list(enumerate(penilaian, start=2)),
        },
        source="planted",
    )
    truth = planted.truth.with_columns(pl.col("penilai_nip").replace_strict(valid))
    return tables, truth


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    path.write_text(RULES, "utf-8")
    return load_rules(path)


@pytest.fixture(scope="module")
def run(rules: RuleSet):  # noqa: ANN201 - a RunOutput
    out = appraise_tables(rules, workforce()[0], PM)
    assert out.results.height == 126 and out.rejects.is_empty()
    return out


def rater_flags(flags: pl.DataFrame) -> pl.DataFrame:
    return flags.filter(pl.col("code").is_in(list(CODES.values())))


def test_every_result_a_found_rater_rated_is_flagged(rules: RuleSet, run) -> None:
    # the findings of the model fitted on the run's validated ratings, by hand: each
    # (employee, finding) pair of a rater found and an employee they rated is one flag
    batch = build_dataset(workforce()[0], rules.input_spec())
    scales = {code: aspect.scale for code, aspect in rules.aspects.items()}
    findings = find_biases(fit_effects(batch.ratings, scales))
    rated = batch.ratings.select("nip", "kelompok", "penilai_nip").unique()
    expected = rated.join(findings, on=["kelompok", "penilai_nip"]).select(
        "nip", pl.col("kind").replace_strict(CODES).alias("code")
    )
    flags = rater_flags(run.flags)
    assert sorted(flags.select("nip", "code").rows()) == sorted(expected.rows())
    assert set(flags["severity"]) == {"warning"}
    # the planted workforce has raters of every kind but supervisor gaps to find
    assert set(flags["code"]) >= {CODES[k] for k in CODES if k != "supervisor_gap"}


def test_no_rater_nip_or_name_is_in_any_flag_message(run) -> None:
    tables, truth = workforce()
    raters = set(tables.frames["penilaian"]["penilai_nip"].to_list()) | set(
        truth["penilai_nip"].to_list()
    )
    names = tables.frames["pegawai"].select("nip", "nama")
    rater_names = set(names.filter(pl.col("nip").is_in(list(raters)))["nama"].to_list())
    messages = run.flags["message"].to_list()
    assert len(rater_flags(run.flags)) > 50
    leaked = [m for m in messages for who in raters | rater_names if who in m]
    assert leaked == []


def test_a_chunked_run_flags_and_scores_as_the_whole_run(rules: RuleSet, run) -> None:
    chunks = appraise_tables(rules, workforce()[0], PM, chunk_size=20)  # 7 chunks of 2 units
    by_nip = {"by": "nip", "maintain_order": True}
    assert chunks.results.sort(**by_nip).equals(run.results.sort(**by_nip))
    assert chunks.flags.sort(**by_nip).equals(run.flags.sort(**by_nip))
    assert run.results["fair_score"].is_not_null().all()


def finding(kind: str, kelompok: str, value: float, se: float | None) -> pl.DataFrame:
    row = {
        "penilai_nip": "199001012020011001",
        "kelompok": kelompok,
        "kind": kind,
        "value": value,
        "se": se,
        "threshold": 0.5,
        "ratings": 42,
        "employees": 6,
        "words": "rater 199001012020011001 ...",
    }
    return pl.DataFrame([row], schema=FINDINGS)


@pytest.mark.parametrize(
    ("kind", "kelompok", "value", "se", "words"),
    [
        ("leniency", "peer", 0.8, 0.1,
         "the peer ratings of this result include a rater whose ratings run 0.80 points above "
         "what the model expects of the same employees (se 0.10, 42 ratings)"),
        ("severity", "supervisor", -1.234, 0.25,
         "the supervisor ratings of this result include a rater whose ratings run 1.23 points "
         "below what the model expects of the same employees (se 0.25, 42 ratings)"),
        ("supervisor_gap", "supervisor", 0.9, 0.2,
         "the supervisor ratings of this result include a rater whose ratings run 0.90 points "
         "above the peers' and self-ratings of the same employees on average (se 0.20, "
         "42 ratings)"),
        ("supervisor_gap", "supervisor", -0.9, 0.2,
         "the supervisor ratings of this result include a rater whose ratings run 0.90 points "
         "below the peers' and self-ratings of the same employees on average (se 0.20, "
         "42 ratings)"),
        ("straight_line", "citizen", 6.0, None,
         "the citizen ratings of this result include a rater who gave the same ratings to all "
         "6 employees they rated (42 ratings)"),
        ("self_inflation", "self", 1.5, 0.3,
         "the self-ratings of this result run 1.50 points above the other raters of the same "
         "employee (se 0.30, 42 ratings)"),
        ("halo", "subordinate", 6.0, None,
         "the subordinate ratings of this result include a rater who gave each of the 6 "
         "employees they rated one level for every aspect, a level that differs between "
         "employees (42 ratings)"),
    ],
)  # fmt: skip
def test_a_flag_says_the_role_and_the_evidence(
    kind: str, kelompok: str, value: float, se: float | None, words: str
) -> None:
    review = RaterReview(finding(kind, kelompok, value, se), RaterReview.nothing().effects)
    ratings = pl.DataFrame(
        {
            "nip": ["198001012005011001", "198001012005011002", "198001012005011003"],
            "penilai_nip": ["199001012020011001", "199001012020011001", ""],
            "kelompok": [kelompok, kelompok, kelompok],
            "nilai": [4.0, 3.0, 5.0],
        }
    )
    flags = touched_flags(review, ratings)
    # the two employees the rater rated, not the one a rater without an id rated
    assert flags["nip"].to_list() == ["198001012005011001", "198001012005011002"]
    assert set(flags["code"]) == {CODES[kind]} and set(flags["severity"]) == {"warning"}
    assert flags["message"].to_list() == [words, words]


def test_the_sawahlunto_example_flags_the_results_of_its_two_raters_found() -> None:
    # `kinerja raters --region sawahlunto` on the example finds one lenient peer
    # (+0.58 points, se 0.14, 21 ratings of 3 employees) and one severe peer (-0.53,
    # se 0.19, 14 ratings of 2 employees); their five results carry the flags.
    rules = load_region_rules(PM, "sawahlunto", as_of="2026-12-01")
    out = appraise_tables(rules, read_tables(ROOT / "examples/sawahlunto/sawahlunto.xlsx"), PM)
    flags = rater_flags(out.flags)
    by_code = {code: sorted(group["nip"]) for (code,), group in flags.group_by("code")}
    assert by_code == {
        "rater_lenient": ["197002041999022619", "197009041998101181", "197310142006082305"],
        "rater_severe": ["197902072006012889", "198412072018112795"],
    }
    assert flags.filter(pl.col("nip") == "197310142006082305")["message"].item() == (
        "the peer ratings of this result include a rater whose ratings run 0.58 points above "
        "what the model expects of the same employees (se 0.14, 21 ratings)"
    )
    raters = set(out.results["nip"]) | set(
        read_tables(ROOT / "examples/sawahlunto/sawahlunto.xlsx").frames["penilaian"]["penilai_nip"]
    )
    assert not [m for m in flags["message"] for who in raters if who and who in m]
    # the fair score beside every score (the region shows it); the score is the rules'
    assert out.results["fair_score"].is_not_null().all()


def test_rules_without_the_section_fit_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> RaterReview:
        raise AssertionError("the model was fitted for rules without rater_effects")

    monkeypatch.setattr(engine, "review_ratings", refuse)
    monkeypatch.setattr(chunked, "review_ratings", refuse)
    rules = load_region_rules(PM, "kasemen", as_of="2026-06-01")
    tables = read_tables(ROOT / "examples/kasemen/kasemen.xlsx")
    for size in (50_000, 10):
        out = appraise_tables(rules, tables, PM, chunk_size=size)
        assert rater_flags(out.flags).is_empty() and "fair_score" not in out.results.columns

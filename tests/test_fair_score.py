"""The fair score: the score again with the raters' estimated effects taken out of their
ratings (``rater_effects.adjust_for_rater_effects``), beside a score that never changes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from region_helpers import nilai, nip, pegawai

from kinerja.cli import main
from kinerja.errors import RulesError
from kinerja.frames import RATINGS
from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables
from kinerja.output.writers import write_run
from kinerja.pipeline import appraise_tables
from kinerja.review.fair import adjusted_ratings
from kinerja.review.touched import EFFECTS, RaterReview
from kinerja.rules import load_rules

PM = make_manager()
RULES = """\
rules_format: 1
region: contoh
title: Contoh
version: "1"
valid_from: "2026-01-01"
basis: competency
period: annual
aspects:
  a: {label: Aspek A, scale: [1, 5]}
  b: {label: Aspek B, scale: [1, 5]}
rater_groups:
  supervisor: {label: Atasan, weight: 0.5, min_count: 1}
  peer: {label: Rekan, weight: 0.5, min_count: 2}
bands:
  nilai:
    - {label: Baik, min: 60}
    - {label: Kurang, max: 60}
components:
  - {name: perilaku, label: Perilaku, expr: "mean(a, b) * 20"}
score:
  weights: {perilaku: 1.0}
predikat:
  labels: [Baik, Kurang]
  expr: band(score, 'nilai')
"""
ADJUST = "rater_effects:\n  adjust_for_rater_effects: true\n"
EMPLOYEES = [nip(i) for i in (1, 2, 3, 4)]
SUPERVISOR, PEERS = nip(90), [nip(91), nip(92), nip(93)]
CLEAN = dict(zip(EMPLOYEES, [(3, 4), (2, 3), (4, 4), (3, 2)], strict=True))
"""What each employee earns on aspects a and b, from a rater with no lean."""


def rules_file(tmp_path: Path, extra: str = ADJUST) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES + extra, "utf-8")
    return path


def sheets(leans: dict[str, float]) -> dict[str, list[dict[str, object]]]:
    """Every rater rates every employee on both aspects: their clean rating plus their lean."""
    rows = []
    for employee, (a, b) in CLEAN.items():
        for rater, lean in leans.items():
            group = "supervisor" if rater == SUPERVISOR else "peer"
            rows += nilai(employee, rater, group, {"a": a + lean, "b": b + lean})
    people = [pegawai(e, f"Pegawai {i}", atasan=SUPERVISOR) for i, e in enumerate(EMPLOYEES)]
    return {"pegawai": people, "penilaian": rows}


def tables(leans: dict[str, float]) -> Tables:
    found = {name: list(enumerate(rows, start=2)) for name, rows in sheets(leans).items()}
    return Tables.from_rows(found, source="test")


def scores(tmp_path: Path, leans: dict[str, float], extra: str = ADJUST) -> pl.DataFrame:
    out = appraise_tables(load_rules(rules_file(tmp_path, extra)), tables(leans), PM)
    return out.results.sort("nip")


def test_a_lenient_rater_is_taken_out_of_the_fair_score(tmp_path: Path) -> None:
    # The supervisor rates everyone 1 point above what they earn (+1), the peers honestly,
    # except one peer who rates 1 point below (-1): the raters' leans average 0, so the
    # model's reference (the average rater) is an honest one. Every rater rates every
    # employee on both aspects: the model's effects are each rater's mean minus the mean
    # of all, exactly +1, 0, 0 and -1, and the fair ratings are the clean ones.
    leans = {SUPERVISOR: 1, PEERS[0]: 0, PEERS[1]: 0, PEERS[2]: -1}
    results = scores(tmp_path, leans)
    # plain, per aspect: 0.5 * (clean + 1) + 0.5 * mean(clean, clean, clean - 1)
    #   = clean + 0.5 - 1/6 = clean + 1/3; perilaku = mean(a, b) * 20 = clean + 20/3
    # E1: (3 + 4) / 2 * 20 = 70 -> 76.667; E2: 2.5 * 20 = 50 -> 56.667;
    # E3: 4 * 20 = 80 -> 86.667; E4: 2.5 * 20 = 50 -> 56.667
    assert results["score"].to_list() == pytest.approx([76.666667, 56.666667, 86.666667, 56.666667])
    assert results["predikat"].to_list() == ["Baik", "Kurang", "Baik", "Kurang"]
    # fair: the score without the leans, as an honest rater would give it
    assert results["fair_score"].to_list() == pytest.approx([70, 50, 80, 50], abs=1e-6)


def test_the_reference_is_the_average_rater_of_the_run(tmp_path: Path) -> None:
    # Only the supervisor leans (+1) among four raters: the model cannot tell one lenient
    # rater from three severe ones, and measures every rater against the average rater,
    # who leans 1/4 point: the supervisor's effect is +0.75, each peer's -0.25, and every
    # fair rating is clean + 0.25.
    results = scores(tmp_path, {SUPERVISOR: 1, PEERS[0]: 0, PEERS[1]: 0, PEERS[2]: 0})
    # plain aspect: 0.5 * (clean + 1) + 0.5 * clean = clean + 0.5 -> perilaku + 10
    # fair aspect: clean + 0.25 -> perilaku + 5; E1: 80 plain, 75 fair
    assert results["score"].to_list() == pytest.approx([80, 60, 90, 60])
    assert results["fair_score"].to_list() == pytest.approx([75, 55, 85, 55], abs=1e-6)


def test_score_and_predikat_never_change(tmp_path: Path) -> None:
    leans = {SUPERVISOR: 1, PEERS[0]: 0, PEERS[1]: 1, PEERS[2]: -1}
    on = scores(tmp_path, leans)
    off = scores(tmp_path, leans, extra="rater_effects: {}\n")
    plain = scores(tmp_path, leans, extra="")
    assert "fair_score" in on.columns
    assert "fair_score" not in off.columns and "fair_score" not in plain.columns
    assert on.drop("fair_score").equals(off)
    assert off.equals(plain)


def test_outputs_carry_the_fair_score_beside_the_score(tmp_path: Path) -> None:
    leans = {SUPERVISOR: 1, PEERS[0]: 0, PEERS[1]: 0, PEERS[2]: -1}
    run = appraise_tables(load_rules(rules_file(tmp_path)), tables(leans), PM)
    write_run(run, tmp_path / "out.csv", "csv")
    header = (tmp_path / "out.csv").read_text("utf-8-sig").splitlines()[0].split(",")
    assert header[:8] == [
        "nip", "nama", "jabatan", "unit_kerja", "score", "fair_score", "predikat", "status"
    ]  # fmt: skip
    write_run(run, tmp_path / "out.json", "json")
    first = json.loads((tmp_path / "out.json").read_text("utf-8"))["results"][0]
    keys = list(first)
    assert keys[keys.index("score") + 1] == "fair_score" and first["fair_score"] == 70
    assert "fair_score" not in first["values"]
    write_run(run, tmp_path / "out.xlsx", "xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)["results"]
    header, first_row = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    at = header.index("Fair score (raters' estimated effects removed)")
    assert header[at - 1] == "Score" and first_row[at] == 70
    # without the setting, no column and no key
    plain = appraise_tables(load_rules(rules_file(tmp_path, extra="")), tables(leans), PM)
    write_run(plain, tmp_path / "plain.json", "json")
    first = json.loads((tmp_path / "plain.json").read_text("utf-8"))["results"][0]
    assert "fair_score" not in first


def test_explain_tells_the_fair_score_beside_the_score(tmp_path: Path) -> None:
    leans = {SUPERVISOR: 1, PEERS[0]: 0, PEERS[1]: 0, PEERS[2]: -1}
    data = tmp_path / "input.json"
    write_tables(sheets(leans), data)  # type: ignore[arg-type]
    args = ["--lang", "en", "explain", "--rules", str(rules_file(tmp_path)), "-i", str(data)]
    done = CliRunner().invoke(main, [*args, "--nip", EMPLOYEES[0]])
    assert done.exit_code == 0, done.output
    line = "   Fair score, removing the raters' estimated leniency or severity: 70 (score 76.67)"
    assert line in done.output.splitlines()
    document = json.loads(
        CliRunner().invoke(main, [*args, "--nip", EMPLOYEES[0], "--format", "json"]).output
    )
    assert document["result"]["fair_score"] == pytest.approx(70)


def _review(effects: list[tuple[str, str, float, float]]) -> RaterReview:
    frame = pl.DataFrame(effects, schema=EFFECTS, orient="row")
    return RaterReview(RaterReview.nothing().findings, frame)


def _ratings(rows: list[tuple[str, str, str, str, float | None]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        rows, schema=["nip", "penilai_nip", "kelompok", "aspek", "nilai"], orient="row"
    )
    return frame.with_columns(
        pl.lit(None, pl.String).alias("tanggal"),
        pl.lit("").alias("catatan"),
        pl.int_range(2, pl.len() + 2).alias("_row"),
    ).cast(RATINGS)  # type: ignore[arg-type]


def test_each_rating_moves_by_its_raters_effect_and_stays_on_the_scale(tmp_path: Path) -> None:
    rules = load_rules(rules_file(tmp_path))
    e, lenient, severe, lone = nip(1), nip(90), nip(91), nip(92)
    ratings = _ratings(
        [
            (e, lenient, "supervisor", "a", 4.0),  # 4 - 0.125 * (5 - 1) = 3.5
            (e, lenient, "supervisor", "b", 1.0),  # 1 - 0.5 = 0.5, kept at the scale's 1
            (e, severe, "peer", "a", 5.0),  # 5 + 0.5 = 5.5, kept at 5
            (e, severe, "peer", "b", 2.0),  # 2 + 0.5 = 2.5
            (e, lone, "peer", "a", 3.0),  # no estimate (se infinite): as it is
            (e, "", "peer", "a", 2.0),  # no rater id: as it is
            (e, severe, "peer", "x", 2.0),  # an aspect the rules do not scale: as it is
        ]
    )
    review = _review(
        [
            ("supervisor", lenient, 0.125, 0.01),
            ("peer", severe, -0.125, 0.02),
            ("peer", lone, 0.4, float("inf")),
            ("supervisor", severe, 0.3, 0.01),  # another role of the same person
        ]
    )
    adjusted = adjusted_ratings(rules, ratings, review)
    assert adjusted["nilai"].to_list() == [3.5, 1.0, 5.0, 2.5, 3.0, 2.0, 2.0]
    assert adjusted.columns == ratings.columns
    assert adjusted.drop("nilai").equals(ratings.drop("nilai"))


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.integers(1, 5), min_size=1, max_size=12),
    effect=st.floats(-1, 1, allow_nan=False),
)
def test_adjusted_ratings_stay_within_the_scale(values: list[int], effect: float) -> None:
    rules = load_rules(Path(__file__).parent.parent / "plugins" / "sawahlunto" / "rules.yaml")
    rater = nip(90)
    rows = [(nip(1), rater, "peer", "akuntabel", float(v)) for v in values]
    adjusted = adjusted_ratings(rules, _ratings(rows), _review([("peer", rater, effect, 0.1)]))
    expected = [min(5.0, max(1.0, v - effect * 4)) for v in values]
    assert adjusted["nilai"].to_list() == pytest.approx(expected)


def test_the_setting_is_a_checked_boolean(tmp_path: Path) -> None:
    path = rules_file(tmp_path, extra="rater_effects:\n  adjust_for_rater_effects: sometimes\n")
    with pytest.raises(RulesError, match="adjust_for_rater_effects"):
        load_rules(path)
    assert load_rules(rules_file(tmp_path)).adjust_for_rater_effects
    assert not load_rules(
        rules_file(tmp_path, extra="rater_effects: {}\n")
    ).adjust_for_rater_effects


def test_no_rule_may_name_a_component_fair_score(tmp_path: Path) -> None:
    text = RULES.replace("name: perilaku", "name: fair_score").replace(
        "{perilaku: 1.0}", "{fair_score: 1.0}"
    )
    path = tmp_path / "clash.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(RulesError, match="the name of a result the rules compute"):
        load_rules(path)

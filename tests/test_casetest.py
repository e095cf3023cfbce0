"""YAML test cases: loading and validation (every problem, located), building the input,
running a case and comparing its result (``kinerja.authoring.caseload``,
``kinerja.authoring.casetest``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

import kinerja.plugins
from kinerja.authoring.caseload import CasesError, load_case_file
from kinerja.authoring.casetest import build_tables, run_case, run_files
from kinerja.input.validate import check_nip
from kinerja.manager import make_manager
from kinerja.schemas import load_schema

PLUGINS = Path(kinerja.plugins.__file__).parent

SMALL_RULES = """\
rules_format: 1
region: uji
title: Aturan uji cakupan
version: "1"
valid_from: "2026-01-01"
basis: mixed
period: annual
indicators:
  layanan: {label: Layanan, kind: normal}
  waktu: {label: Waktu izin, kind: inverse}
aspects:
  sikap: {label: Sikap, scale: [1, 5]}
rater_groups:
  supervisor: {label: Atasan, weight: 0.7}
  peer: {label: Rekan, weight: 0.3, min_count: 2}
bands:
  nilai:
    - {label: Baik, min: 80}
    - {label: Cukup, min: 60, max: 80}
    - {label: Kurang, max: 60}
  lain:
    - {label: Semua, min: 0}
components:
  - name: hasil
    label: Hasil kerja
    expr: achievement_mean
  - name: perilaku
    label: Perilaku
    expr: sikap * 20 if sikap > 1 else 0
score:
  weights: {hasil: 0.5, perilaku: 0.5}
predikat:
  labels: [Baik, Cukup, Kurang]
  expr: band(score, 'nilai')
feedback:
  - when: hasil < 90 or sikap < 3
    text: Perlu perbaikan.
recommendations:
  - code: training
    when: score < 60
    text: Ikuti pelatihan.
peer_comparison:
  by: unit_kerja
"""
"""A small rule file whose coverage items can be counted by hand (see test_coverage.py).

Line numbers matter to the tests: ``perilaku``'s expr is line 29, ``score``'s weights
line 31, ``predikat``'s expr line 34."""

ANI = """\
  - name: ani
    employee: {nama: Ani}
    capaian:
      - {indikator: layanan, target: 100, realisasi: 100}
    penilaian:
      - {kelompok: supervisor, aspek: sikap, nilai: 4}
    expect:
      # hasil = 100/100*100 = 100; sikap 4 (the supervisor alone) -> perilaku = 4*20 = 80
      # score = 0.5*100 + 0.5*80 = 50 + 40 = 90 -> Baik (>= 80)
      components: {hasil: 100, perilaku: 80}
      score: 90
      predikat: Baik
"""


def write(folder: Path, cases: str, name: str = "cases.yaml", header: str = "") -> Path:
    """Write the small rules and a case file (``rules: rules.yaml`` + ``cases``) in ``folder``."""
    (folder / "rules.yaml").write_text(SMALL_RULES, encoding="utf-8")
    path = folder / name
    path.write_text(f"rules: rules.yaml\n{header}cases:\n{cases}", encoding="utf-8")
    return path


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in a fresh folder, so that messages show short relative paths."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_one(path: Path, index: int = 0):
    cases = load_case_file(path)
    return run_case(cases, cases.cases[index], make_manager())


# ------------------------------------------------------------------ loading


def test_every_loading_problem_is_reported_at_once_with_its_location(here: Path) -> None:
    path = write(
        here,
        """\
  - name: one
    employee: {nama: A, hari: 3, nip: "12345"}
    capaian:
      - {indikator: layanna, target: 100, realisasi: 90, bobott: 1}
    penilaian:
      - {kelompok: bawahan, aspek: sikap, nilai: 4}
    expect:
      components: {hasl: 3}
      predikat: baik
      recommendations: [trainig]
      status: finished
      scroe: 1
  - name: one
    employee: {}
    expect: {}
  - name: two
    employee: {}
    expect: {rejected: refused, score: 3}
""",
        header="tolerence: 0.1\n",
    )
    with pytest.raises(CasesError) as caught:
        load_case_file(path)
    assert [str(p) for p in caught.value.problems] == [
        "cases.yaml:2:1: error: unknown key 'tolerence' (did you mean 'tolerance'?)",
        "cases.yaml:5:25: error: unknown employee column 'hari' (columns: nip, nama, jabatan, "
        "unit_kerja, golongan, atasan_nip); the rules declare their extra columns under inputs",
        "cases.yaml:5:39: error: NIP has 5 digits, expected 18 (or expect `rejected` to test "
        "that it is refused)",
        "cases.yaml:7:21: error: unknown indikator 'layanna' (did you mean 'layanan'?) "
        "(or expect `rejected` to test that it is refused)",
        "cases.yaml:7:58: error: unknown key 'bobott' (did you mean 'bobot'?)",
        "cases.yaml:9:20: error: rater group 'bawahan' is not one the rules use; "
        "they use: supervisor, peer",
        "cases.yaml:11:20: error: unknown component 'hasl' (did you mean 'hasil'?)",
        "cases.yaml:12:17: error: unknown predikat 'baik' (did you mean 'Baik'?); "
        "the rules' labels: Baik, Cukup, Kurang",
        "cases.yaml:13:25: error: unknown recommendation code 'trainig' (did you mean "
        "'training'?); the rules' codes: training",
        "cases.yaml:14:15: error: cases/0/expect/status: 'finished' is not one of "
        "['final', 'provisional']",
        "cases.yaml:15:7: error: unknown key 'scroe' (did you mean 'score'?)",
        "cases.yaml:16:11: error: case name 'one' is used twice (first at line 4); "
        "give each case its own name",
        "cases.yaml:18:13: error: cases/1/expect: expect is empty; say what the result must be "
        "(score, predikat, ...)",
        "cases.yaml:21:14: error: a rejected employee has no result, so `rejected` cannot be "
        "combined with score; move those to another case",
    ]


def test_a_missing_or_broken_rule_file_is_reported_where_it_is_named(here: Path) -> None:
    (here / "cases.yaml").write_text("rules: nowhere.yaml\ncases:\n" + ANI, encoding="utf-8")
    with pytest.raises(CasesError) as caught:
        load_case_file(here / "cases.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "cases.yaml:1:8: error: rule file 'nowhere.yaml' not found (looked for nowhere.yaml); "
        "give its path relative to this file"
    ]
    path = write(here, ANI)
    (here / "rules.yaml").write_text(SMALL_RULES.replace("achievement_mean", "achievment_mean"))
    with pytest.raises(CasesError) as caught:
        load_case_file(path)
    first, second = (str(p) for p in caught.value.problems)
    assert first == (
        "cases.yaml:1:8: error: the rule file rules.yaml has 1 problem(s), listed below; "
        "fix them first (kinerja check rules.yaml)"
    )
    assert second.startswith("rules.yaml:26:11: error: unknown name 'achievment_mean'")


def test_yaml_that_cannot_be_parsed_is_one_located_problem(here: Path) -> None:
    path = write(here, "  - name: [unclosed\n")
    with pytest.raises(CasesError) as caught:
        load_case_file(path)
    assert [p.location.line for p in caught.value.problems] == [4]
    assert "YAML syntax" in caught.value.problems[0].message


def test_the_schema_is_draft_07_and_describes_every_field() -> None:
    schema = load_schema("cases")
    jsonschema.Draft7Validator.check_schema(schema)
    undescribed = []

    def walk(node: dict, where: str) -> None:
        if "$ref" not in node and "description" not in node:
            undescribed.append(where)
        for name, child in node.get("properties", {}).items():
            walk(child, f"{where}.{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                walk(node[key], f"{where}[{key}]")

    walk(schema, "(top)")
    for name, definition in schema["definitions"].items():
        walk(definition, name)
    assert undescribed == []


def test_every_built_in_case_file_names_the_schema_and_validates() -> None:
    validator = jsonschema.Draft7Validator(load_schema("cases"))
    for region in ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto"):
        path = PLUGINS / region / "cases.yaml"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schemas/cases.schema.json"
        cases = load_case_file(path)
        assert validator.is_valid(json.loads(json.dumps(cases.loaded.data)))
        assert len(cases.cases) >= 7


# ------------------------------------------------------------------ building the input


def test_tables_get_valid_distinct_nips_placeholders_and_row_numbers(here: Path) -> None:
    given = "198001012005011002"  # what the generator would make second: it must skip it
    path = write(
        here,
        f"""\
  - name: ani
    employee: {{nama: Ani, unit_kerja: Dinas A}}
    penilaian:
      - {{kelompok: supervisor, aspek: sikap, nilai: 4}}
      - {{kelompok: supervisor, aspek: sikap, nilai: 4, penilai_nip: "{given}"}}
    colleagues:
      - employee: {{}}
        capaian:
          - {{indikator: layanan, target: 100, realisasi: 90}}
    expect: {{score: 1}}
""",
    )
    cases = load_case_file(path)
    built = build_tables(cases, cases.cases[0])
    pegawai = built.rows["pegawai"]
    assert [number for number, _ in pegawai] == [2, 3]
    assert pegawai[0][1] == {
        "nama": "Ani",
        "unit_kerja": "Dinas A",
        "nip": "198001012005011001",
        "jabatan": "Pelaksana",
        "golongan": "III/a",
    }
    # the colleague: next free NIP (…002 is taken by a rater), the case name, the same unit
    assert pegawai[1][1]["nip"] == "198001012005011003"
    assert pegawai[1][1]["nama"] == "ani colleague 1"
    assert pegawai[1][1]["unit_kerja"] == "Dinas A"
    raters = [row["penilai_nip"] for _, row in built.rows["penilaian"]]
    assert raters == ["198001012005011004", given]
    assert all(check_nip(n) == (n, None) for n in built.nips + raters)
    assert built.rows["capaian"] == [
        (2, {"indikator": "layanan", "target": 100, "realisasi": 90, "nip": built.nips[1]})
    ]
    # each row remembers where in the case file it came from
    assert built.origin[("penilaian", 3)] == (0, cases.where("cases", 0, "penilaian", 1))
    assert str(built.origin[("capaian", 2)][1]) == "cases.yaml:11:13"


def test_a_self_rating_keeps_an_empty_rater_the_dataset_fills_with_the_employee(
    here: Path,
) -> None:
    rules = PLUGINS / "lampung" / "rules.yaml"
    (here / "cases.yaml").write_text(
        f"""\
rules: {rules}
cases:
  - name: self
    employee: {{nama: Sekar}}
    penilaian:
      - {{kelompok: diri, aspek: sikap, nilai: 5}}
      - {{kelompok: atasan, aspek: sikap, nilai: 4}}
    expect: {{predikat: Baik}}
""",
        encoding="utf-8",
    )
    cases = load_case_file(here / "cases.yaml")
    built = build_tables(cases, cases.cases[0])
    raters = [row.get("penilai_nip") for _, row in built.rows["penilaian"]]
    assert raters == [None, "198001012005011002"]


# ------------------------------------------------------------------ running


def test_a_passing_case(here: Path) -> None:
    result = run_one(write(here, ANI))
    assert result.passed
    assert result.failures == [] and result.rejects == []
    assert str(result.location) == "cases.yaml:3:11"


def test_a_failing_case_says_expected_actual_where_and_which_rule(here: Path) -> None:
    path = write(
        here, ANI.replace("score: 90", "score: 91").replace("predikat: Baik", "predikat: Cukup")
    )
    result = run_one(path)
    assert not result.passed
    score, predikat = result.failures
    assert (score.key, score.expected, score.actual) == ("score", 91, 90.0)
    assert score.lines() == [
        "  cases.yaml:13: score: expected 91, got 90.0 (tolerance 0.005)",
        "    from score = wmean([hasil, perilaku], [0.5, 0.5], 'incomplete') at rules.yaml:31:12",
    ]
    assert predikat.lines() == [
        "  cases.yaml:14: predikat: expected 'Cukup', got 'Baik'",
        "    from predikat = band(score, 'nilai') at rules.yaml:34:9",
    ]


def test_a_component_failure_names_the_component_rule(here: Path) -> None:
    result = run_one(write(here, ANI.replace("perilaku: 80}", "perilaku: 70}")))
    [failure] = result.failures
    assert failure.lines() == [
        "  cases.yaml:12: components.perilaku: expected 70, got 80.0 (tolerance 0.005)",
        "    from component perilaku = sikap * 20 if sikap > 1 else 0 at rules.yaml:29:11",
    ]


def test_feedback_and_recommendation_failures_list_the_conditions(here: Path) -> None:
    path = write(
        here,
        ANI.replace(
            "      predikat: Baik\n",
            "      predikat: Baik\n      feedback: [Perlu perbaikan]\n"
            "      recommendations: [training]\n",
        ),
    )
    feedback, recommendations = run_one(path).failures
    assert feedback.lines() == [
        "  cases.yaml:15: feedback[0]: no feedback line contains 'Perlu perbaikan'; the lines: []",
        "    from feedback 1 when `hasil < 90 or sikap < 3` (false here) at rules.yaml:36:11",
    ]
    assert recommendations.lines() == [
        "  cases.yaml:16: recommendations: expected ['training'], got []",
        "    from recommendation training when `score < 60` (false here) at rules.yaml:40:11",
    ]


def test_tolerance_from_the_file_and_from_the_case(here: Path) -> None:
    # the score is 90: 90.05 is 0.05 off
    off = ANI.replace("score: 90", "score: 90.05")
    assert not run_one(write(here, off)).passed  # default tolerance 0.005
    assert run_one(write(here, off, header="tolerance: 0.1\n")).passed
    strict = off.replace("    expect:", "    tolerance: 0.01\n    expect:")
    failure = run_one(write(here, strict, header="tolerance: 0.1\n")).failures[0]
    assert failure.message == "expected 90.05, got 90.0 (tolerance 0.01)"


def test_rejected_expectation_passes_on_the_reason_and_fails_when_appraised(here: Path) -> None:
    refused = """\
  - name: off-scale
    employee: {nama: Budi}
    penilaian:
      - {kelompok: supervisor, aspek: sikap, nilai: 7}
    expect:
      rejected: "nilai 7 is outside the scale 1-5"
"""
    assert run_one(write(here, refused)).passed
    wrong = run_one(write(here, refused.replace("outside the scale", "above the scale")))
    assert [f.key for f in wrong.failures] == ["rejected"]
    assert wrong.failures[0].message == (
        "no reject reason contains 'nilai 7 is above the scale 1-5'; the reasons: "
        "['nilai 7 is outside the scale 1-5 for aspect sikap', "
        "'not appraised: 1 of their rows was rejected (penilaian row 2)']"
    )
    # with a valid rating but no capaian rows, the employee is rejected for another
    # reason: the score weighs hasil, which has no value
    other = run_one(write(here, refused.replace("nilai: 7", "nilai: 4")))
    assert other.failures[0].message == (
        "no reject reason contains 'nilai 7 is outside the scale 1-5'; the reasons: "
        "['not appraised: the score weighs every component, but hasil (Hasil kerja) has no "
        "value for this employee; add the missing data (capaian rows or ratings)']"
    )
    with_outcome = refused.replace("nilai: 7", "nilai: 4").replace(
        "    penilaian:",
        "    capaian:\n      - {indikator: layanan, target: 100, realisasi: 80}\n    penilaian:",
    )
    appraised = run_one(write(here, with_outcome))
    # hasil 80/100*100 = 80, perilaku 4*20 = 80; score 0.5*80 + 0.5*80 = 80
    assert appraised.failures[0].message == (
        "expected the employee to be rejected ('nilai 7 is outside the scale 1-5'), "
        "but they were appraised (score 80.0, predikat 'Baik')"
    )


def test_an_employee_rejected_unexpectedly_fails_with_the_reasons(here: Path) -> None:
    result = run_one(write(here, ANI.replace("nilai: 4}", "nilai: 9}")))
    [failure] = result.failures
    assert (failure.key, str(failure.location)) == ("appraised", "cases.yaml:3:11")
    assert failure.message == (
        "the employee was rejected instead of appraised: nilai 9 is outside the scale 1-5 "
        "for aspect sikap; not appraised: 1 of their rows was rejected (penilaian row 2)"
    )
    assert result.rejects == [
        "penilaian row 2 (cases.yaml:8): nilai 9 is outside the scale 1-5 for aspect sikap",
        "pegawai row 2 (cases.yaml:4): not appraised: 1 of their rows was rejected "
        "(penilaian row 2)",
    ]


def test_colleagues_are_appraised_in_the_same_batch(here: Path) -> None:
    with_colleagues = ANI.replace(
        "    expect:\n",
        """\
    colleagues:
      # Budi: hasil 120 (capped) and perilaku 5*20 = 100 -> 0.5*120 + 0.5*100 = 110
      - employee: {nama: Budi}
        capaian:
          - {indikator: layanan, target: 100, realisasi: 130}
        penilaian:
          - {kelompok: supervisor, aspek: sikap, nilai: 5}
      # Cici: hasil 50, perilaku 0 (sikap 1 is not > 1) -> 25
      - employee: {nama: Cici}
        capaian:
          - {indikator: layanan, target: 100, realisasi: 50}
        penilaian:
          - {kelompok: supervisor, aspek: sikap, nilai: 1}
    expect:
      # 110 > 90 > 25 in the same unit (colleagues default to the employee's unit)
      peer_rank: "2/3"
""",
    )
    assert run_one(write(here, with_colleagues)).passed
    wrong = run_one(write(here, with_colleagues.replace('"2/3"', '"1/3"')))
    assert [f.lines() for f in wrong.failures] == [
        [
            "  cases.yaml:24: peer_rank: expected '1/3', got '2/3'",
            "    from peer_comparison by unit_kerja at rules.yaml:43:3",
        ]
    ]
    # a colleague whose rows are refused fails the case: the batch is not what was meant
    broken = run_one(write(here, with_colleagues.replace("realisasi: 130", "realisasi: abc")))
    # ... and without Budi, Ani ranks 1 of 2
    assert [f.key for f in broken.failures] == ["input", "peer_rank"]
    assert broken.failures[1].actual == "1/2"
    assert broken.failures[0].message.startswith(
        "rows of colleagues (or whole-input problems) were rejected: capaian row 3 "
        "(cases.yaml:13): realisasi must be a number, found 'abc'"
    )


def test_a_rule_change_breaks_the_built_in_cases(tmp_path: Path) -> None:
    """The kasemen cases pass as shipped and fail when the weights change."""
    for name in ("rules.yaml", "cases.yaml"):
        shutil.copy(PLUGINS / "kasemen" / name, tmp_path / name)
    pm = make_manager()
    assert all(r.ok for r in run_files([tmp_path / "cases.yaml"], pm))
    rules = tmp_path / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace("kompetensi: 0.6", "kompetensi: 0.5").replace(
            "hasil_kerja: 0.4", "hasil_kerja: 0.5"
        ),
        encoding="utf-8",
    )
    [report] = run_files([tmp_path / "cases.yaml"], pm)
    failed = [r.case.name for r in report.results if not r.passed]
    # every score moves (kompetensi and hasil_kerja differ in each case); the rejected
    # case has no score and still passes
    assert failed == [
        "ani-sangat-baik-promotion",
        "budi-baik-training",
        "cici-butuh-perbaikan",
        "dedi-kurang",
        "eko-sangat-kurang",
        "fajar-citizens-below-minimum",
    ]
    # ani: 0.5*82.875 + 0.5*102.5 = 41.4375 + 51.25 = 92.6875 instead of 90.725
    ani = report.results[0].failures[0]
    assert ani.message == "expected 90.725, got 92.6875 (tolerance 0.005)"

"""``kinerja test`` through click's CliRunner: output, exit codes, --json, --coverage."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_casetest import ANI, write

import kinerja.plugins
from kinerja.authoring.caseload import shown
from kinerja.cli import main

PLUGINS = Path(kinerja.plugins.__file__).parent
REGIONS = ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto")
CASES = {"asemrowo": 7, "kasemen": 7, "kutacane": 7, "lampung": 8, "sawahlunto": 7}


def cli(*args: object, code: int = 0) -> Result:
    """Invoke ``kinerja ARGS``; assert the exit code and that no exception escaped."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{result.exception!r}\n{result.output}"
    )
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


FAILING = ANI.replace("score: 90", "score: 91").replace("perilaku: 80}", "perilaku: 70}")


def test_passing_cases(here: Path) -> None:
    write(here, ANI)
    result = cli("test", "cases.yaml")
    assert result.stdout == "cases.yaml: 1 case, 1 passed\n"
    assert result.stderr == ""


def test_failing_case_shows_expected_actual_location_and_rule(here: Path) -> None:
    write(here, ANI + FAILING.replace("name: ani", "name: ani-wrong"))
    result = cli("test", "cases.yaml", code=1)
    assert result.stdout.splitlines() == [
        "cases.yaml: 2 cases, 1 passed, 1 failed",
        "FAIL ani-wrong (cases.yaml:15)",
        # components come first in the case, then the score
        "  cases.yaml:24: components.perilaku: expected 70, got 80.0 (tolerance 0.005)",
        "    from component perilaku = sikap * 20 if sikap > 1 else 0 at rules.yaml:29:11",
        "  cases.yaml:25: score: expected 91, got 90.0 (tolerance 0.005)",
        "    from score = wmean([hasil, perilaku], [0.5, 0.5], 'incomplete') at rules.yaml:31:12",
    ]


def test_rejected_input_rows_are_shown_with_their_reasons(here: Path) -> None:
    write(here, ANI.replace("realisasi: 100}", "realisasi: 100, bobot: -1}"))
    result = cli("test", "cases.yaml", code=1)
    assert result.stdout.splitlines() == [
        "cases.yaml: 1 case, 0 passed, 1 failed",
        "FAIL ani (cases.yaml:3)",
        "  cases.yaml:3: appraised: the employee was rejected instead of appraised: bobot "
        "(weight) must be positive, found -1; not appraised: 1 of their rows was rejected "
        "(capaian row 2)",
        "  rejected input rows:",
        "    capaian row 2 (cases.yaml:6): bobot (weight) must be positive, found -1",
        "    pegawai row 2 (cases.yaml:4): not appraised: 1 of their rows was rejected "
        "(capaian row 2)",
    ]


def test_load_problems_are_listed_and_the_file_not_run(here: Path) -> None:
    write(here, ANI.replace("predikat: Baik", "predikat: Bagus"))
    result = cli("test", "cases.yaml", code=1)
    assert result.stdout.splitlines() == [
        "cases.yaml:14:17: error: unknown predikat 'Bagus'; the rules' labels: Baik, Cukup, Kurang",
        "cases.yaml: not run (1 problem(s))",
    ]


def test_json_report(here: Path) -> None:
    write(here, ANI + FAILING.replace("name: ani", "name: ani-wrong"))
    data = json.loads(cli("test", "cases.yaml", "--json", code=1).stdout)
    assert data["ok"] is False and "coverage" not in data
    [entry] = data["files"]
    assert {k: entry[k] for k in ("file", "rules", "region", "cases", "passed", "failed")} == {
        "file": "cases.yaml",
        "rules": "rules.yaml",
        "region": "uji",
        "cases": 2,
        "passed": 1,
        "failed": 1,
    }
    passed, failed = entry["results"]
    assert (passed["name"], passed["passed"], passed["failures"]) == ("ani", True, [])
    assert (failed["name"], failed["line"], failed["passed"]) == ("ani-wrong", 15, False)
    assert failed["failures"][1] == {
        "key": "score",
        "file": "cases.yaml",
        "line": 25,
        "col": 7,
        "message": "expected 91, got 90.0 (tolerance 0.005)",
        "expected": 91,
        "actual": 90.0,
        "rules": ["score = wmean([hasil, perilaku], [0.5, 0.5], 'incomplete') at rules.yaml:31:12"],
    }


def test_coverage_output_and_json(here: Path) -> None:
    write(here, ANI)
    result = cli("test", "cases.yaml", "--coverage")
    lines = result.stdout.splitlines()
    # 8 of the 18 items counted by hand in test_coverage.py: 8/18 = 44.4%
    assert lines[:2] == [
        "cases.yaml: 1 case, 1 passed",
        "Coverage of uji (rules.yaml): 44.4% (8 of 18 items); not exercised:",
    ]
    assert lines[2] == "  rules.yaml:10:36: indicator kind inverse (waktu)"
    assert len(lines) == 2 + 10
    data = json.loads(cli("test", "cases.yaml", "--coverage", "--json").stdout)
    [coverage] = data["coverage"]
    assert {k: coverage[k] for k in ("region", "items", "covered", "percent")} == {
        "region": "uji",
        "items": 18,
        "covered": 8,
        "percent": 44.44,
    }
    assert coverage["uncovered"][0] == {
        "kind": "indicator_kind",
        "text": "indicator kind inverse (waktu)",
        "file": "rules.yaml",
        "line": 10,
        "col": 36,
    }


def test_threshold_exit_codes(here: Path) -> None:
    write(here, ANI)
    # 8 of 18 = 44.44...%: at or below it passes, above it fails
    cli("test", "cases.yaml", "--threshold", "44")
    cli("test", "cases.yaml", "--threshold", "44.4")
    result = cli("test", "cases.yaml", "--threshold", "45", code=1)
    assert result.stderr == (
        "Coverage of uji is 44.4%, below the threshold 45%; add cases for the items not "
        "exercised.\n"
    )
    assert (
        json.loads(cli("test", "cases.yaml", "--threshold", "45", "--json", code=1).stdout)["ok"]
        is False
    )
    cli("test", "cases.yaml", "--threshold", "101", code=2)  # not a percentage


def test_a_folder_is_searched_for_case_files(here: Path) -> None:
    write(here, ANI, name="a.cases.yaml")
    write(here, ANI.replace("name: ani", "name: ani-2"), name="b.cases.yaml")
    (here / "notes.yaml").write_text("not: a case file\n")
    result = cli("test", ".")
    assert result.stdout.splitlines() == [
        "a.cases.yaml: 1 case, 1 passed",
        "b.cases.yaml: 1 case, 1 passed",
        "2 files, 2 cases, 2 passed",
    ]
    empty = here / "empty"
    empty.mkdir()
    assert cli("test", "empty", code=2).stderr == (
        "Error: no case files (cases.yaml or *.cases.yaml) in empty\n"
    )


def test_a_region_runs_the_case_files_beside_its_rules() -> None:
    result = cli("test", "--region", "kasemen", "--coverage")
    path = shown(PLUGINS / "kasemen" / "cases.yaml")
    rules = shown(PLUGINS / "kasemen" / "rules.yaml")
    assert result.stdout.splitlines() == [
        f"{path}: 7 cases, 7 passed",
        f"Coverage of kasemen ({rules}): 100.0% (35 of 35 items)",
    ]


def test_unknown_region_is_a_usage_error() -> None:
    result = cli("test", "--region", "kasemenn", code=2)
    assert result.stderr.startswith("Error: no region 'kasemenn' is installed (did you mean")


def test_every_installed_region_with_cases_by_default() -> None:
    result = cli("test", "--threshold", "100")
    lines = result.stdout.splitlines()
    # Kutacane also has its 2025 rules, tested by 2025.cases.yaml (5 cases)
    total = sum(CASES.values()) + 5
    files = [
        f"{shown(PLUGINS / r / 'cases.yaml')}: {CASES[r]} cases, {CASES[r]} passed" for r in REGIONS
    ]
    files.insert(2, f"{shown(PLUGINS / 'kutacane' / '2025.cases.yaml')}: 5 cases, 5 passed")
    assert lines[:7] == [*files, f"6 files, {total} cases, {total} passed"]
    coverage = [
        re.fullmatch(r"Coverage of (\w+) \(.+\): 100\.0% \((\d+) of \2 items\)", line)
        for line in lines[7:]
    ]
    assert [m.group(1) if m else line for m, line in zip(coverage, lines[7:], strict=True)] == [
        *REGIONS[:3],
        *REGIONS[2:],
    ]

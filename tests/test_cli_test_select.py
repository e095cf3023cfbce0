"""``kinerja test -k PATTERN``, ``-v``, ``--rules PATH`` and ``--watch`` (issue 12, items 3, 6)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from test_casetest import ANI, SMALL_RULES, write

import kinerja.plugins
from kinerja.authoring.caseload import shown
from kinerja.authoring.selection import NamePattern
from kinerja.cli import main
from kinerja.cli.watch import watch_and_rerun

PLUGINS = Path(kinerja.plugins.__file__).parent

BUDI = """\
  - name: Budi-low
    employee: {nama: Budi}
    capaian:
      - {indikator: waktu, target: 10, realisasi: 15}
    penilaian:
      - {kelompok: supervisor, aspek: sikap, nilai: 1}
      - {kelompok: peer, aspek: sikap, nilai: 1}
      - {kelompok: peer, aspek: sikap, nilai: 1}
    expect:
      # waktu (inverse) = (1 + (1 - 15/10)) * 100 = 50; sikap 1 -> perilaku 0 (not > 1)
      # score = 0.5*50 + 0.5*0 = 25 -> Kurang (< 60)
      score: 25
      predikat: Kurang
      recommendations: [training]
"""
WRONG = ANI.replace("name: ani", "name: ani-wrong").replace("score: 90", "score: 91")
"""Ani's case expecting 91 where the score is 90: it fails."""


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


# ------------------------------------------------------------------ -k expressions


@pytest.mark.parametrize(
    ("pattern", "selected"),
    [
        ("ani", ["ani", "ani-wrong", "Dani"]),  # a part of the name
        ("ANI", ["ani", "ani-wrong", "Dani"]),  # ignoring case
        ("wrong", ["ani-wrong"]),
        ("not wrong", ["ani", "Budi-low", "Dani"]),
        ("budi or wrong", ["ani-wrong", "Budi-low"]),
        ("ani and not wrong", ["ani", "Dani"]),
        ("not (ani or budi)", []),
        ("not not budi", ["Budi-low"]),
        ("dani or budi and low", ["Budi-low", "Dani"]),  # and binds tighter than or
        ("(dani or budi) and low", ["Budi-low"]),
        ("", ["ani", "ani-wrong", "Budi-low", "Dani"]),  # empty: every case, as pytest
    ],
)
def test_name_patterns_select_as_pytest_k(pattern: str, selected: list[str]) -> None:
    names = ["ani", "ani-wrong", "Budi-low", "Dani"]
    assert [n for n in names if NamePattern(pattern).matches(n)] == selected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("ani and", "'ani and' ends too early;"),
        ("(ani", "'(ani' ends too early;"),
        ("ani budi", "'ani budi': 'budi' at position 5 is not expected;"),
        ("or ani", "'or ani': 'or' at position 1 is not expected;"),
        ("ani)", "'ani)': ')' at position 4 is not expected;"),
    ],
)
def test_malformed_patterns_say_where(pattern: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        NamePattern(pattern)
    assert str(caught.value) == (f"{message} write words joined by and, or, not and parentheses")


WORDS = st.text(alphabet="abcAB-_1", min_size=1, max_size=4).filter(
    lambda w: w not in ("and", "or", "not")
)


@settings(max_examples=60, deadline=None)
@given(name=st.text(alphabet="abcAB-_1 ", max_size=10), a=WORDS, b=WORDS)
def test_pattern_algebra(name: str, a: str, b: str) -> None:
    def has(word: str) -> bool:
        return word.casefold() in name.casefold()

    assert NamePattern(a).matches(name) == has(a)
    assert NamePattern(f"not {a}").matches(name) == (not has(a))
    assert NamePattern(f"{a} or {b}").matches(name) == (has(a) or has(b))
    assert NamePattern(f"{a} and not ({b})").matches(name) == (has(a) and not has(b))


# ------------------------------------------------------------------ -k and -v on the CLI


def test_k_runs_only_the_matching_cases(here: Path) -> None:
    write(here, ANI + WRONG + BUDI)
    result = cli("test", "cases.yaml", "-k", "not wrong")
    assert result.stdout == "cases.yaml: 2 cases, 2 passed, 1 deselected\n"
    result = cli("test", "cases.yaml", "-k", "WRONG", code=1)
    assert result.stdout.splitlines()[:2] == [
        "cases.yaml: 1 case, 0 passed, 1 failed, 2 deselected",
        "FAIL ani-wrong (cases.yaml:15)",
    ]


def test_k_totals_over_files_count_the_deselected(here: Path) -> None:
    write(here, ANI + BUDI, name="a.cases.yaml")
    write(here, ANI, name="b.cases.yaml")
    result = cli("test", ".", "-k", "budi")
    assert result.stdout.splitlines() == [
        "a.cases.yaml: 1 case, 1 passed, 1 deselected",
        "b.cases.yaml: 0 cases, 0 passed, 1 deselected",
        "2 files, 1 cases, 1 passed, 2 deselected",
    ]


def test_k_matching_nothing_fails(here: Path) -> None:
    write(here, ANI)
    result = cli("test", "cases.yaml", "-k", "nobody", code=1)
    assert result.stdout == "cases.yaml: 0 cases, 0 passed, 1 deselected\n"
    assert result.stderr == "no case name matches -k 'nobody'\n"


def test_a_malformed_k_is_a_usage_error(here: Path) -> None:
    write(here, ANI)
    result = cli("test", "cases.yaml", "-k", "ani or", code=2)
    assert "Invalid value for '-k': 'ani or' ends too early;" in result.stderr


def test_coverage_of_the_selected_cases_says_so(here: Path) -> None:
    write(here, ANI + BUDI)
    # both cases: 16 of 18 items (test_coverage.py); Budi alone exercises band 'Kurang',
    # the else-branch, `or` stopping, the feedback true, the recommendation true,
    # predikat 'Kurang', kind inverse, sikap by supervisor and by peer: 9 of 18 = 50.0%
    lines = cli("test", "cases.yaml", "-k", "budi", "--coverage").stdout.splitlines()
    assert lines[:3] == [
        "cases.yaml: 1 case, 1 passed, 1 deselected",
        "Coverage counts only the 1 case selected by -k 'budi'.",
        "Coverage of uji (rules.yaml): 50.0% (9 of 18 items); not exercised:",
    ]
    # Ani alone: 8 of 18 = 44.4%, below a threshold of 45 that both together pass
    cli("test", "cases.yaml", "--threshold", "45")
    result = cli("test", "cases.yaml", "-k", "ani", "--threshold", "45", code=1)
    assert "Coverage of uji is 44.4%, below the threshold 45%" in result.stderr


def test_verbose_shows_a_line_per_case(here: Path) -> None:
    write(here, ANI + WRONG)
    lines = cli("test", "cases.yaml", "-v", code=1).stdout.splitlines()
    assert lines[0] == "cases.yaml: 2 cases, 1 passed, 1 failed"
    assert re.fullmatch(r"  PASS ani \(cases\.yaml:3, \d+\.\d\d s\)", lines[1]), lines[1]
    assert re.fullmatch(r"  FAIL ani-wrong \(cases\.yaml:15, \d+\.\d\d s\)", lines[2]), lines[2]
    # then the failures as without -v
    assert lines[3:] == cli("test", "cases.yaml", code=1).stdout.splitlines()[1:]


def test_json_has_the_selection_and_each_case_time(here: Path) -> None:
    write(here, ANI + WRONG)
    data = json.loads(cli("test", "cases.yaml", "-k", "not wrong", "--json").stdout)
    assert data["select"] == "not wrong"
    [entry] = data["files"]
    assert (entry["cases"], entry["passed"], entry["deselected"]) == (1, 1, 1)
    [case] = entry["results"]
    assert case["name"] == "ani" and 0 < case["seconds"] < 30


# ------------------------------------------------------------------ --rules PATH


def test_rules_path_runs_the_case_files_beside_it_that_test_it(here: Path) -> None:
    write(here, ANI)  # rules.yaml and cases.yaml (rules: rules.yaml)
    raised = SMALL_RULES.replace("min: 80}", "min: 95}").replace("max: 80}", "max: 95}")
    (here / "whatif.yaml").write_text(raised)  # Baik from 95, Cukup from 60 to under 95
    what_if = ANI.replace("predikat: Baik", "predikat: Cukup")  # 90 is now under 95
    (here / "whatif.cases.yaml").write_text(f"rules: whatif.yaml\ncases:\n{what_if}")
    assert cli("test", "--rules", "whatif.yaml").stdout == "whatif.cases.yaml: 1 case, 1 passed\n"
    assert cli("test", "--rules", "rules.yaml").stdout == "cases.yaml: 1 case, 1 passed\n"


def test_rules_path_without_case_files_is_a_usage_error(here: Path) -> None:
    (here / "lone.yaml").write_text(SMALL_RULES)
    result = cli("test", "--rules", "lone.yaml", code=2)
    assert result.stderr == (
        "Error: no case file beside lone.yaml tests it; write cases.yaml there with "
        "`rules: lone.yaml` (see schemas/cases.schema.json)\n"
    )


def test_rules_path_of_a_shipped_version() -> None:
    # Kutacane's folder has cases.yaml (rules.yaml) and 2025.cases.yaml (rules-2025.yaml)
    result = cli("test", "--rules", PLUGINS / "kutacane" / "rules-2025.yaml")
    path = shown(PLUGINS / "kutacane" / "2025.cases.yaml")
    assert result.stdout == f"{path}: 5 cases, 5 passed\n"


# ------------------------------------------------------------------ --watch


class FakeWatch:
    """A stand-in for ``watchfiles.watch``: yields the given batches, then Ctrl-C."""

    def __init__(self, *batches: set[str]):
        self.batches = list(batches)
        self.calls: list[tuple[tuple[Path, ...], dict]] = []

    def __call__(self, *folders: Path, **options: object) -> Iterator[set[tuple[int, str]]]:
        self.calls.append((folders, options))
        if not self.batches:
            raise KeyboardInterrupt
        yield {(2, path) for path in self.batches.pop(0)}


def test_watch_loop_reruns_on_each_change_until_ctrl_c(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules, cases = tmp_path / "rules.yaml", tmp_path / "cases.yaml"
    runs: list[int] = []

    def run() -> list[Path]:
        runs.append(len(runs))
        return [cases, rules]

    fake = FakeWatch({str(rules)}, {str(cases), str(rules)})
    watch_and_rerun(run, fake)
    assert runs == [0, 1, 2]  # the first run, then one per batch of changes
    folders, options = fake.calls[0]
    assert folders == (tmp_path.resolve(),) and options["recursive"] is False
    concerns = options["watch_filter"]
    assert concerns(2, str(rules)) and concerns(2, str(cases))  # type: ignore[operator]
    assert not concerns(2, str(tmp_path / "notes.yaml"))  # type: ignore[operator]
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "Stopped watching."
    assert sum(line.startswith("Watching ") for line in err) == 3
    assert len([line for line in err if line.startswith("Changed: ")]) == 2


def test_watch_on_the_cli_reruns_and_exits_0_on_ctrl_c(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import watchfiles

    write(here, WRONG)  # a failing case: still exit 0 when watching stops
    fake = FakeWatch({str(here / "cases.yaml")})
    monkeypatch.setattr(watchfiles, "watch", fake)
    result = cli("test", "cases.yaml", "--watch")
    assert result.stdout.count("cases.yaml: 1 case, 0 passed, 1 failed\n") == 2
    assert result.stderr.splitlines() == [
        "Watching cases.yaml, rules.yaml for changes; press Ctrl-C to stop.",
        "Changed: cases.yaml; running the cases again.",
        "Watching cases.yaml, rules.yaml for changes; press Ctrl-C to stop.",
        "Stopped watching.",
    ]


def test_watch_with_watchfiles_sees_a_real_change(tmp_path: Path) -> None:
    case_file = tmp_path / "cases.yaml"
    case_file.write_text("cases: []\n")
    runs: list[float] = []
    stop = threading.Event()

    def run() -> list[Path]:
        runs.append(time.monotonic())
        if len(runs) == 2:
            stop.set()
        return [case_file]

    thread = threading.Thread(target=watch_and_rerun, args=(run, None, stop), daemon=True)
    thread.start()
    deadline = time.monotonic() + 2.5
    while len(runs) < 2 and time.monotonic() < deadline:
        time.sleep(0.15)  # the watcher may start after the first write: write until seen
        case_file.write_text(f"cases: []  # {time.monotonic()}\n")
    stop.set()
    thread.join(timeout=1)
    assert len(runs) == 2 and not thread.is_alive()

"""Issue 12, item 1: errors where they belong. A band gap or overlap over the values the
rules can give, and rater weights that would be rescaled, are errors of plain `kinerja
check`; rules with them do not run (HR is not blamed with rejects for the rules' own
hole); a failing case covers nothing. Each test here failed before the change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_casetest import ANI, write
from test_lint import CLEAN

from kinerja.authoring.casetest import run_files
from kinerja.authoring.coverage import Tracker
from kinerja.cli import main
from kinerja.manager import make_manager
from kinerja.rules import load_rules
from kinerja.rules.yamlload import RulesError

EXAMPLE = Path(__file__).parents[1] / "examples" / "kasemen" / "kasemen.xlsx"

# CLEAN's bands are Baik from 76, Kurang under 76; the score is an achievement, 0-120.
GAP = CLEAN.replace("    - {label: Kurang, max: 76}", "    - {label: Kurang, max: 75}")
WEIGHTS_09 = CLEAN.replace(
    "components:",
    "aspects:\n  sikap: {label: Sikap, scale: [1, 5]}\nrater_groups:\n"
    "  supervisor: {weight: 0.6}\n  peer: {weight: 0.3}\ncomponents:",
)


def kinerja(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_band_gap_is_an_error_of_plain_check(tmp_path: Path) -> None:
    """75 to under 76 matches no band, and an achievement can be 75.5."""
    path = tmp_path / "gap.yaml"
    path.write_text(GAP, encoding="utf-8")
    checked = kinerja("check", path)
    assert checked.exit_code == 1
    assert (
        f"{path}:11:3: error: in band table 'nilai', values from 75 to under 76 match no band"
    ) in checked.output


def test_rules_with_a_band_gap_do_not_run(tmp_path: Path) -> None:
    path = tmp_path / "gap.yaml"
    path.write_text(GAP, encoding="utf-8")
    out = tmp_path / "hasil.json"
    ran = kinerja("run", "--rules", path, "-i", EXAMPLE, "-o", out)
    assert ran.exit_code == 2
    assert "values from 75 to under 76 match no band" in ran.output
    assert not out.exists()  # no results, no rejects blaming the input
    with pytest.raises(RulesError) as refused:
        load_rules(path)
    assert [p.code for p in refused.value.problems] == ["band-gap"]


def test_rater_weights_summing_to_0_9_are_an_error(tmp_path: Path) -> None:
    """sikap is rated by supervisor 0.6 + peer 0.3 = 0.9: no longer rescaled quietly."""
    path = tmp_path / "weights.yaml"
    path.write_text(WEIGHTS_09, encoding="utf-8")
    checked = kinerja("check", path)
    assert checked.exit_code == 1
    assert (
        "error: the weights of the rater groups rating aspect 'sikap' sum to 0.9 "
        "(supervisor 0.6 + peer 0.3), not 1"
    ) in " ".join(checked.output.split())


def test_a_failing_case_covers_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ANI passes and covers 8 of the 18 items (tests/test_coverage.py); the same case
    expecting a wrong score fails, and then covers none of them."""
    monkeypatch.chdir(tmp_path)
    wrong = ANI.replace("      score: 90\n", "      score: 91\n")
    tracker = Tracker()
    [report] = run_files([write(tmp_path, wrong)], make_manager(), tracker.observe)
    assert not report.ok
    [coverage] = tracker.reports() or [None]
    assert coverage is None or coverage.covered == 0

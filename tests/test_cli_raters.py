"""``kinerja raters``: the rater-effects evidence of a region's workbook, in words and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kinerja.cli import main
from kinerja.input.read import read_tables

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sawahlunto" / "sawahlunto.xlsx"
ARGS = ["raters", "--region", "sawahlunto", "-i", str(EXAMPLE), "--as-of", "2026-12-01"]


def test_every_rater_is_estimated_and_every_finding_is_one_of_them() -> None:
    done = CliRunner().invoke(main, [*ARGS, "--format", "json"])
    assert done.exit_code == 0, done.output
    document = json.loads(done.output)
    assert (document["region"], document["rules_version"]) == ("sawahlunto", "2026.1")
    raters = {(r["kelompok"], r["penilai_nip"]): r for r in document["raters"]}
    # every rater with a NIP in the example's penilaian sheet is estimated
    sheet = read_tables(EXAMPLE).frames["penilaian"]
    named = {(k.strip(), p.strip()) for k, p in sheet.select("kelompok", "penilai_nip").rows() if p}
    assert set(raters) <= named and len(raters) >= 0.9 * len(named)
    assert sum(r["ratings"] for r in raters.values()) <= sheet.height
    for finding in document["findings"]:
        rater = raters[(finding["kelompok"], finding["penilai_nip"])]
        assert finding["ratings"] == rater["ratings"] or finding["kind"] in ("supervisor_gap",)
        assert finding["words"]


def test_the_text_report_says_what_the_json_holds() -> None:
    runner = CliRunner()
    document = json.loads(runner.invoke(main, [*ARGS, "--format", "json"]).output)
    text = runner.invoke(main, ARGS).output
    assert f"findings: {len(document['findings'])}" in text
    for finding in document["findings"]:
        assert finding["words"] in text
        assert f"{finding['penilai_nip']} (" in text


def test_the_rules_set_the_thresholds(tmp_path: Path) -> None:
    """A what-if that raises the leniency threshold to 3 points (of 4) and z to 50 finds
    no leniency or severity in the example; the shipped defaults (0.5 points) do."""
    rules = Path(__file__).resolve().parent.parent / "plugins" / "sawahlunto" / "rules.yaml"
    strict = tmp_path / "sawahlunto-lenient-ok.yaml"
    text = rules.read_text("utf-8")
    assert text.count("\n  leniency: 0.5\n  z: 2.5\n") == 1  # the rules' rater_effects
    lenient_ok = text.replace("\n  leniency: 0.5\n  z: 2.5\n", "\n  leniency: 3\n  z: 50\n")
    strict.write_text(lenient_ok, "utf-8")
    runner = CliRunner()
    plain = json.loads(runner.invoke(main, [*ARGS, "--format", "json"]).output)
    args = ["raters", "--rules", str(strict), "-i", str(EXAMPLE), "--as-of", "2026-12-01"]
    done = runner.invoke(main, [*args, "--format", "json"])
    assert done.exit_code == 0, done.output
    kinds = {f["kind"] for f in json.loads(done.output)["findings"]}
    assert {f["kind"] for f in plain["findings"]} & {"leniency", "severity"}
    assert not kinds & {"leniency", "severity"}

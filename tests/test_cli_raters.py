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

"""Issue 12, item 3: a rule file not yet in a package is taken wherever a region is
(`--rules PATH`), and its checks answer as the region's would."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kinerja.cli import main

WHAT_IF = Path(__file__).parent / "data" / "compare" / "sawahlunto-supervisor-30.yaml"


def test_show_takes_a_rule_file(tmp_path: Path) -> None:
    """The what-if's supervisor weight is its own (line 11); its region's rules the rest."""
    runner = CliRunner()
    shown = runner.invoke(main, ["show", "--rules", str(WHAT_IF), "--json"])
    assert shown.exit_code == 0, shown.output
    entries = {".".join(map(str, e["path"])): e for e in json.loads(shown.output)}
    weight = entries["rater_groups.supervisor.weight"]
    assert weight["value"] == 0.3 and weight["origin"].endswith("sawahlunto-supervisor-30.yaml:11")
    assert entries["region"]["origin"].endswith("plugins/sawahlunto/rules.yaml:12")
    neither = runner.invoke(main, ["show"])
    assert neither.exit_code == 2 and "give either --region NAME or --rules PATH" in neither.output

"""``kinerja explain`` of one employee per region, in Indonesian, against stored snapshots.

Each shipped example workbook (``examples/<region>/<region>.xlsx``) is explained for
one employee through the command line (click's CliRunner on ``kinerja.cli.main``) with
``--lang id``, and the output is compared exactly with
``tests/snapshots/explain/<region>.txt``. The output must read as plain Indonesian:
no expression syntax (``band(``, ``'``, ``==``) and no ``snake_case`` identifiers in
the lines explain writes itself (the feedback, recommendations and flags are shown as
the rules and the checks wrote them, and a stage's detail in brackets likewise, so
they are left out of that check), and none of explain's English framing words.

The snapshots change whenever the rules, the example workbooks, the engine or the
catalogs change the words. To write them again, run::

    KINERJA_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_explain_snapshot.py

then read the diff of ``tests/snapshots/explain/`` before keeping it.

Also here: ``--detail`` shows the expressions, ``--format json`` gives the documented
document (kinerja.output.explain_json), and ``--lang en`` speaks English.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from cli_helpers import cli
from click.testing import CliRunner

from kinerja import i18n
from kinerja.i18n import _, language

ROOT = Path(__file__).parent.parent
SNAPSHOTS = Path(__file__).parent / "snapshots" / "explain"
UPDATE = os.environ.get("KINERJA_UPDATE_SNAPSHOTS") == "1"

EMPLOYEES = {
    # the innovation condition of the predikat, a band component
    "asemrowo": "198902042023052331",
    # a rater group below its minimum, weights rescaled, a provisional result
    "kasemen": "198203242005032936",
    # an objection that changed the predikat
    "kutacane": "197907082014102116",
    # Butuh Perbaikan, with feedback and bias flags
    "lampung": "199704072025051334",
    # the PermenPANRB matrix, subordinates missing
    "sawahlunto": "197310142006082305",
}
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
SYNTAX = ("band(", "'", "==")
ENGLISH = ("Final score", "falls in the range", " weight ", "against target", "Result:")


_OUTPUTS: dict[tuple[str, ...], str] = {}


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def explain(runner: CliRunner, region: str, *extra: str) -> str:
    """``kinerja explain`` of the region's employee (each command line run once)."""
    key = (region, *extra)
    if key not in _OUTPUTS:
        source = ROOT / "examples" / region / f"{region}.xlsx"
        args = ("explain", "-r", region, "-i", source, "--nip", EMPLOYEES[region], *extra)
        try:
            _OUTPUTS[key] = cli(runner, *args).output
        finally:  # the command line leaves its language set for the process
            i18n.use(None)
            i18n.use_rules_language(None)
    return _OUTPUTS[key]


def _written_by_others() -> tuple[str, ...]:
    """The headings of the sections whose lines are texts of the rules or the checks."""
    with language("id"):
        return (_("Feedback and recommendations"), _("Flags for the reviewer"))


def prose(output: str) -> list[str]:
    """The lines explain writes itself (see the module doc)."""
    others, stages = _written_by_others(), None
    with language("id"):
        stages = _("Review stages")
    lines, section = [], ""
    for line in output.splitlines():
        heading = re.match(r"\d+\. (.+)", line)
        if heading:
            section = heading.group(1)
        elif section in others:
            continue
        elif section == stages:
            line = line.split(" (", 1)[0]
        lines.append(line)
    return lines


@pytest.mark.parametrize("region", sorted(EMPLOYEES))
def test_explain_reads_as_plain_indonesian(runner: CliRunner, region: str) -> None:
    output = explain(runner, region, "--lang", "id")
    snapshot = SNAPSHOTS / f"{region}.txt"
    if UPDATE:
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(output, encoding="utf-8")
    assert output == snapshot.read_text(encoding="utf-8")
    for line in prose(output):
        assert not any(s in line for s in SYNTAX), line
        assert not IDENTIFIER.search(line), line
        assert not any(word in line for word in ENGLISH), line
    assert re.search(r"^\d+\. Predikat$", output, re.M)
    assert re.search(r"^\d+\. Nilai akhir$", output, re.M)
    assert re.fullmatch(
        r"Hasil: nilai .+, predikat .+ — (FINAL|SEMENTARA)", output.splitlines()[-1]
    )


def test_detail_shows_the_expressions(runner: CliRunner) -> None:
    plain = explain(runner, "asemrowo", "--lang", "id").splitlines()
    detail = explain(runner, "asemrowo", "--lang", "id", "--detail").splitlines()
    rules = [line.strip() for line in detail if line.strip().startswith("aturan: ")]
    assert "aturan: band(hasil_kerja, 'capaian')" in rules
    assert any("kategori_capaian == 'Sangat Baik'" in line for line in rules)
    assert "     Rentang dalam tabel capaian:" in detail
    assert [
        line for line in detail if line not in plain and not line.startswith("     aturan")
    ] == ["     Rentang dalam tabel capaian:"]


def test_json_for_tools(runner: CliRunner) -> None:
    document = json.loads(explain(runner, "kutacane", "--lang", "id", "--format", "json"))
    assert (document["format"], document["version"], document["language"]) == (
        "kinerja-explain",
        1,
        "id",
    )
    assert document["appraised"] is True
    assert document["employee"]["nip"] == EMPLOYEES["kutacane"]
    assert [s["kind"] for s in document["steps"]][-2:] == ["score", "predikat"]
    predikat = document["steps"][-1]
    assert "band(score, 'nilai')" in predikat["expression"]  # as the rules write it
    assert sum(b["chosen"] for b in predikat["band"]["bands"]) == 1
    assert predikat["value"] == document["result"]["predikat_before_objections"]
    assert document["objections"], "the kutacane example has an objection for this employee"
    assert document["objections"][-1]["after"] == document["result"]["predikat"]
    status = document["result"]["status"]
    with language("id"):
        assert status["label"] == _(
            {"final": "final", "provisional": "provisional"}[status["code"]]
        )
    for stage in document["stages"]:
        assert set(stage["status"]) == {"code", "label"}


def test_english_on_request(runner: CliRunner) -> None:
    output = explain(runner, "kasemen", "--lang", "en")
    assert re.search(r"^\d+\. Final score$", output, re.M)
    assert " falls in the range " in output
    assert "berada pada rentang" not in output and "Nilai akhir" not in output
    assert re.fullmatch(r"Result: .+, .+ — (FINAL|PROVISIONAL)", output.splitlines()[-1])

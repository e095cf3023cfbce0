"""`kinerja diff A B`: only what differs between two policies, in words, exit like diff(1)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import kinerja.plugins
from kinerja import i18n
from kinerja.cli.diff import diff, policy_table
from kinerja.cli.lang import lang_option
from kinerja.compare.items import resolve_items
from kinerja.manager import make_manager

PLUGINS = Path(kinerja.plugins.__file__).parent
WHAT_IF = Path(__file__).parent / "data" / "compare" / "sawahlunto-supervisor-30.yaml"

# `kinerja diff kutacane@2025 kutacane`, by hand from plugins/kutacane/rules-2025.yaml
# and rules.yaml (both extend pp-46-2011; today is 2026-12-01, so `kutacane` is 2026.1):
KUTACANE_2025_TO_2026 = [
    # basis: both mixed, annual, pp-46-2011 -- the same
    # inputs: 2025 reads tanggal_diskusi only; 2026 writes it again as it was and adds
    # hari_kerja and hari_hadir (number, label, required, minimum, maximum) and
    # catatan_diskusi and tindak_lanjut (text, label, optional by default)
    ("inputs", "hari_kerja.type", "added"),
    ("inputs", "hari_kerja.label", "added"),
    ("inputs", "hari_kerja.required", "added"),
    ("inputs", "hari_kerja.minimum", "added"),
    ("inputs", "hari_kerja.maximum", "added"),
    ("inputs", "hari_hadir.type", "added"),
    ("inputs", "hari_hadir.label", "added"),
    ("inputs", "hari_hadir.required", "added"),
    ("inputs", "hari_hadir.minimum", "added"),
    ("inputs", "hari_hadir.maximum", "added"),
    ("inputs", "catatan_diskusi.type", "added"),
    ("inputs", "catatan_diskusi.label", "added"),
    ("inputs", "catatan_diskusi.required", "added"),
    ("inputs", "tindak_lanjut.type", "added"),
    ("inputs", "tindak_lanjut.label", "added"),
    ("inputs", "tindak_lanjut.required", "added"),
    # indicators, aspects, rater_groups: word for word the same
    # stages: the first three the same; catatan_diskusi and tindak_lanjut added
    ("stages", "order", "changed"),
    ("stages", "catatan_diskusi.label", "added"),
    ("stages", "catatan_diskusi.requires", "added"),
    ("stages", "tindak_lanjut.label", "added"),
    ("stages", "tindak_lanjut.requires", "added"),
    # components: skp, perilaku (2025) -> output_layanan, kehadiran, kualitas,
    # teladan_per_unit, nilai_minimal_teladan (2026); no name in common
    ("components", "skp.label", "removed"),
    ("components", "skp.expr", "removed"),
    ("components", "perilaku.label", "removed"),
    ("components", "perilaku.expr", "removed"),
    ("components", "output_layanan.label", "added"),
    ("components", "output_layanan.expr", "added"),
    ("components", "kehadiran.label", "added"),
    ("components", "kehadiran.expr", "added"),
    ("components", "kualitas.label", "added"),
    ("components", "kualitas.expr", "added"),
    ("components", "teladan_per_unit.label", "added"),
    ("components", "teladan_per_unit.expr", "added"),
    ("components", "nilai_minimal_teladan.label", "added"),
    ("components", "nilai_minimal_teladan.expr", "added"),
    # score: 2025 keeps pp-46-2011's (its label, skp 0.6 + perilaku 0.4); 2026 its own
    ("score", "label", "changed"),
    ("score", "weights.skp", "removed"),
    ("score", "weights.perilaku", "removed"),
    ("score", "weights.output_layanan", "added"),
    ("score", "weights.kualitas", "added"),
    ("score", "weights.kehadiran", "added"),
    # bands and predikat: pp-46-2011's in both
    # feedback: gap_feedback true in both; the komunikasi feedback gains `count(...) > 0`
    # in its condition (same text); five more in 2026
    ("feedback", "1", "changed"),
    ("feedback", "2", "added"),
    ("feedback", "3", "added"),
    ("feedback", "4", "added"),
    ("feedback", "5", "added"),
    ("feedback", "6", "added"),
    # recommendations: role_model when score >= 91 -> coaching when score < 61
    ("recommendations", "1", "changed"),
    # objections: 14 days in both
    # version: the period, the version, title, source and description; language (the
    # default) and region the same
    ("version", "valid_from", "changed"),
    ("version", "valid_to", "changed"),
    ("version", "version", "changed"),
    ("version", "title", "changed"),
    ("version", "source", "changed"),
    ("version", "description", "changed"),
]


def invoke(*args: object, code: int) -> Result:
    result = CliRunner().invoke(diff, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == code, result.output
    return result


def as_json(*args: object) -> dict:
    return json.loads(invoke(*args, "--format", "json", code=1).output)


# ------------------------------------------------------------------ two versions
def test_kutacane_2025_against_2026_lists_exactly_their_differences() -> None:
    document = as_json("kutacane@2025", "kutacane")
    found = [(c["section"], c["key"], c["change"]) for c in document["changes"]]
    assert len(KUTACANE_2025_TO_2026) == 54  # 16 + 5 + 14 + 6 + 6 + 1 + 6
    assert found == KUTACANE_2025_TO_2026
    assert document["identical"] is False
    a, b = document["a"], document["b"]
    assert (a["label"], a["kind"], a["version"]) == ("kutacane@2025", "version", "2025.1")
    assert (b["label"], b["kind"], b["version"]) == ("kutacane", "region", "2026.1")
    assert Path(a["path"]).name == "rules-2025.yaml" and len(a["sha256"]) == 64


def test_the_values_of_a_change_and_where_each_is_written() -> None:
    changes = {(c["section"], c["key"]): c for c in as_json("kutacane@2025", "kutacane")["changes"]}
    weight = changes["score", "weights.skp"]
    assert weight["a"] == {"value": 0.6, "where": "baseline pp-46-2011:19"}
    assert weight["b"] is None
    assert (
        weight["words"] == "score: weight of skp 0.6 (60%) in kutacane@2025; absent from kutacane"
    )
    added = changes["score", "weights.kehadiran"]
    assert added["a"] is None and added["b"]["value"] == 0.2
    assert added["b"]["where"].endswith("plugins/kutacane/rules.yaml:90")
    assert (
        "    kehadiran: 0.2" == (PLUGINS / "kutacane" / "rules.yaml").read_text().splitlines()[89]
    )
    recommendation = changes["recommendations", "1"]
    assert recommendation["a"]["value"] == {
        "code": "role_model",
        "when": "score >= 91",
        "text": "Nilai sangat baik; dijadikan teladan bagi pegawai lain.",
    }
    assert recommendation["b"]["value"]["code"] == "coaching"


def test_text_is_one_sentence_per_change_under_its_section() -> None:
    out = invoke("kutacane@2025", "kutacane", code=1).output
    lines = out.splitlines()
    assert lines[0].startswith("kutacane@2025: region kutacane, version 2025.1, ")
    assert lines[1].startswith("kutacane: region kutacane, version 2026.1, ")
    assert "score" in lines
    assert "  version 2025.1 in kutacane@2025, 2026.1 in kutacane" in lines
    assert lines[-1] == "54 differences."
    assert max(len(line) for line in lines) <= 120


def test_as_of_chooses_the_version_of_a_bare_region() -> None:
    out = invoke("--as-of", "2025-06-30", "kutacane", "kutacane@2025", code=0).output
    assert out.splitlines()[-1] == (
        "No differences: kutacane and kutacane@2025 have the same policy."
    )


# ------------------------------------------------------------------ a what-if
def test_a_what_if_gives_exactly_what_it_changes() -> None:
    document = as_json("sawahlunto", WHAT_IF)
    # the what-if extends sawahlunto and changes the supervisor's weight and
    # max_share 0.4 -> 0.3 and the peers' weight 0.4 -> 0.5, and nothing else
    assert [(c["section"], c["key"], c["change"]) for c in document["changes"]] == [
        ("rater_groups", "supervisor.weight", "changed"),
        ("rater_groups", "supervisor.max_share", "changed"),
        ("rater_groups", "peer.weight", "changed"),
    ]
    weight, share, peer = document["changes"]
    assert (peer["a"]["value"], peer["b"]["value"]) == (0.4, 0.5)
    assert (weight["a"]["value"], weight["b"]["value"]) == (0.4, 0.3)
    assert (share["a"]["value"], share["b"]["value"]) == (0.4, 0.3)
    assert weight["a"]["where"].endswith("plugins/sawahlunto/rules.yaml:69")
    assert weight["b"]["where"].endswith("sawahlunto-supervisor-30.yaml:11")
    assert weight["words"] == (
        "rater group supervisor: weight 0.4 (40%) in sawahlunto, "
        "0.3 (30%) in sawahlunto-supervisor-30"
    )
    assert document["b"]["kind"] == "file"


def test_a_what_if_as_markdown_is_a_table() -> None:
    out = invoke("sawahlunto", WHAT_IF, "--format", "md", code=1).output
    lines = out.splitlines()
    assert lines[0] == "# Policy differences: sawahlunto and sawahlunto-supervisor-30"
    header = lines.index("| Section | What | sawahlunto | sawahlunto-supervisor-30 |")
    assert lines[header + 1] == "|---|---|---|---|"
    row = lines[header + 2]
    assert row.startswith("| rater groups | rater group supervisor: weight | 0.4 (40%)<br>`")
    assert row.endswith("sawahlunto-supervisor-30.yaml:11` |")
    assert lines[header + 5] == ""
    assert lines[-1] == "3 differences."


def test_output_writes_the_file_and_still_exits_1(tmp_path: Path) -> None:
    target = tmp_path / "out" / "diff.json"
    result = invoke("sawahlunto", WHAT_IF, "--format", "json", "--output", target, code=1)
    assert result.output == f"Wrote {target}\n"
    assert len(json.loads(target.read_text("utf-8"))["changes"]) == 3


# ------------------------------------------------------------------ identical, errors
@pytest.mark.parametrize(
    "pair",
    [
        ("sawahlunto", "sawahlunto@2026"),
        ("kutacane@2025", "kutacane@2025-06-30"),
        (str(PLUGINS / "lampung" / "rules.yaml"), "lampung"),
    ],
)
def test_identical_items_exit_0(pair: tuple[str, str]) -> None:
    out = invoke(*pair, code=0).output
    assert out.splitlines()[-1].startswith("No differences: ")
    document = json.loads(invoke(*pair, "--format", "json", code=0).output)
    assert document["identical"] is True and document["changes"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sawahlunt", "kasemen"], "Error: no region 'sawahlunt' is installed"),
        (["kutacane@2024.9", "kutacane"], "Error: region 'kutacane' has no version '2024.9'"),
        (["kutacane", "kutacane@2023"], "Error: no rules of region 'kutacane' are in force"),
        (["kasemen", "draft/none.yaml"], "Error: there is no rule file draft/none.yaml"),
    ],
)
def test_an_item_that_cannot_be_compared_exits_2(args: list[str], message: str) -> None:
    result = invoke(*args, code=2)
    assert result.output.startswith(message)
    assert "Traceback" not in result.output


def test_a_bad_date_exits_2() -> None:
    result = invoke("--as-of", "2026-13-01", "kasemen", "lampung", code=2)
    assert "'2026-13-01' is not a date like 2026-12-31" in result.output


# ------------------------------------------------------------------ language
def test_lang_chooses_the_language_of_the_words() -> None:
    # as kinerja.cli registers every command: with --lang (on a copy, without the one
    # kinerja.cli may have added to `diff` already)
    params = [p for p in diff.params if p.name != "lang"]
    command = click.Command("diff", callback=diff.callback, params=params)
    group = click.Group("kinerja")
    group.add_command(lang_option(command))
    try:
        result = CliRunner().invoke(group, ["diff", "--lang", "id", "sawahlunto", str(WHAT_IF)])
    finally:
        i18n.use(None)  # what kinerja.cli's group does after each command
    assert result.exit_code == 1, result.output
    assert "0,4 (40%)" in result.output and "0,3 (30%)" in result.output


# ------------------------------------------------------------------ side by side
def test_policy_table_puts_the_items_side_by_side() -> None:
    items = resolve_items(make_manager(), ["kasemen", "sawahlunto", str(WHAT_IF)])
    rows = {(r.section, r.key): r for r in policy_table(items)}
    weight = rows["rater_groups", "supervisor.weight"]
    assert [c.value if c else None for c in weight.cells] == [0.5, 0.4, 0.3]
    citizen = rows["rater_groups", "citizen.weight"]
    assert [c.value if c else None for c in citizen.cells] == [0.2, None, None]
    assert weight.subject == "rater group supervisor: weight"

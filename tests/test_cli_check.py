"""`kinerja check` and `kinerja schema` through click's CliRunner: every problem of a
broken rule file, located, and the editor schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import KASEMEN, PLUGINS, REGIONS, RULES, cli
from click.testing import CliRunner

from kinerja.rules import load_rules


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


# --------------------------------------------------------------------- check


def ok_line(region: str, path: Path | None = None) -> str:
    path = path or RULES[region]
    count = len(load_rules(RULES[region]).all_expressions())
    return f"{path}: ok ({region} 2026.1, {count} expressions checked)"


KUTACANE_2025 = PLUGINS / "kutacane" / "rules-2025.yaml"
OK_2025 = f"{KUTACANE_2025}: ok (kutacane 2025.1, 6 expressions checked)"


def all_ok_lines() -> list[str]:
    """Every region's current rules, and Kutacane's 2025 rules right after its 2026 ones."""
    lines = []
    for region in REGIONS:
        lines.append(ok_line(region))
        if region == "kutacane":
            lines.append(OK_2025)
    return lines


def test_check_all(runner):
    result = cli(runner, "check")
    assert result.stdout.splitlines() == all_ok_lines()
    assert result.stderr == ""
    report = json.loads(cli(runner, "check", "--json").output)
    assert [(e["region"], e["version"], e["ok"], e["problems"]) for e in report] == [
        (r, "2026.1", True, []) for r in REGIONS[:3]
    ] + [("kutacane", "2025.1", True, [])] + [(r, "2026.1", True, []) for r in REGIONS[3:]]


@pytest.mark.parametrize("region", REGIONS)
def test_check_region(runner, region):
    expected = ok_line(region) + "\n" + (OK_2025 + "\n" if region == "kutacane" else "")
    assert cli(runner, "check", "--region", region).output == expected


def test_check_rules_file_path(runner, tmp_path):
    assert cli(runner, "check", KASEMEN).output == ok_line("kasemen") + "\n"
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(KASEMEN.read_bytes())
    assert cli(runner, "check", copy).output == ok_line("kasemen", copy) + "\n"


def test_check_unknown_region_and_missing_file(runner, tmp_path):
    result = cli(runner, "check", "--region", "lampnug", code=2)
    assert "no region 'lampnug' is installed (did you mean 'lampung'?)" in result.output
    assert "does not exist" in cli(runner, "check", tmp_path / "nope.yaml", code=2).output


def broken_copy(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, str]:
    """A copy of Kasemen's rules with each ``old`` replaced (first occurrence) by ``new``."""
    text = KASEMEN.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def where(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of ``needle``, which must occur on exactly one line."""
    lines = enumerate(text.splitlines(), 1)
    hits = [(n, line.index(needle) + 1) for n, line in lines if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def assert_problems(runner, path: Path, text: str, *expected: tuple[str, str]) -> None:
    """``check PATH`` exits 1 and prints exactly the expected problems, each at its needle.

    ``expected`` holds (needle, message) pairs; ``check --json`` must give the same problems.
    """
    located = sorted((*where(text, needle), message) for needle, message in expected)
    result = cli(runner, "check", path, code=1)
    expected_lines = [f"{path}:{ln}:{col}: error: {m}" for ln, col, m in located]
    assert sorted(result.stdout.splitlines()) == sorted(expected_lines)  # any order
    assert result.stderr == f"{len(expected)} problem(s) found.\n"
    report = json.loads(cli(runner, "check", "--json", path, code=1).stdout)
    assert [(e["file"], e["ok"]) for e in report] == [(str(path), False)]
    found = [
        (p["file"], p["line"], p["col"], p["severity"], p["message"]) for p in report[0]["problems"]
    ]
    assert sorted(found) == [(str(path), ln, col, "error", m) for ln, col, m in located]


ATTRIBUTE = "attribute access (a.b) is not allowed; use a function from the library"


def test_check_broken_expressions(runner, tmp_path):
    path, text = broken_copy(
        tmp_path,
        ("    expr: achievement_mean\n", "    expr: achievement_maen\n"),
        ("  expr: band(score, 'nilai')\n", "  expr: __import__('os')\n"),
        ("    when: score >= 90\n", "    when: score.__class__ == 1\n"),
        ("    when: komunikasi < 3\n", "    when: komunikasi < 3 and x.__class__\n"),
    )
    typo = "unknown name 'achievement_maen' (did you mean 'achievement_mean'?)"
    assert_problems(
        runner,
        path,
        text,
        ("achievement_maen", typo),
        ("__import__", "names starting with '_' are not allowed: __import__"),
        ("score.__class__", ATTRIBUTE),
        ("x.__class__", ATTRIBUTE),
    )
    # A good file next to a broken one: both are reported, the exit code is still 1.
    result = cli(runner, "check", KASEMEN, path, code=1)
    assert result.stdout.splitlines()[0] == ok_line("kasemen")
    assert result.stderr == "4 problem(s) found.\n"


def test_check_broken_yaml(runner, tmp_path):
    path, text = broken_copy(
        tmp_path,
        ("period: semester\n", "period: semester\nbasis: outcome\n"),
        ("    cap: 120\n", "    cap: &cap 120\n"),
        ("    cap: 120\n", "    cap: *cap\n"),
    )
    first = where(text, "basis: mixed")[0]
    assert_problems(
        runner,
        path,
        text,
        ("basis: outcome", f"duplicate key 'basis' (first at line {first}); remove one of them"),
        ("&cap", "anchor &cap is not allowed in rule files; write values out"),
        ("*cap", "alias *cap is not allowed in rule files; write the value out"),
    )


def test_check_unknown_keys_point_at_the_key(runner, tmp_path):
    path, text = broken_copy(
        tmp_path,
        ("gap_feedback: true\n", "gap_feedbak: true\n"),
        ("    cap: 120\n", "    cap: 120\n    capp:\n      - 110\n"),
    )
    hint = "(did you mean 'gap_feedback' or 'feedback'?)"
    assert_problems(
        runner,
        path,
        text,
        ("gap_feedbak", f"unknown key 'gap_feedbak' {hint}"),
        ("capp:", "unknown key 'capp' (did you mean 'cap'?)"),
    )


# --------------------------------------------------------------------- schema


def test_schema(runner, tmp_path):
    printed = cli(runner, "schema").output
    doc = json.loads(printed)
    assert doc["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert {"region", "version", "score", "predikat"} <= set(doc["properties"])
    out = tmp_path / "sub" / "rules.schema.json"
    out.parent.mkdir()
    assert cli(runner, "schema", "--output", out).output == f"Wrote {out}\n"
    assert out.read_text(encoding="utf-8") == printed

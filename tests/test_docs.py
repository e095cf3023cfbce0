"""docs/rules.md: generated from the rules schema and the function library, and kept current."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kinerja.authoring.docs import render_rules_doc, schema_fields
from kinerja.cli import main
from kinerja.functions import FUNCTIONS, REQUIRED
from kinerja.schemas import load_schema

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "rules.md"
UPDATE = "kinerja docs --output docs/rules.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return render_rules_doc()


def invoke(*args: object) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def properties(node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, schema) of every named property in the schema, at any depth."""
    for name, child in node.get("properties", {}).items():
        yield name, child
        yield from properties(child)
    for key in ("additionalProperties", "items"):
        if isinstance(node.get(key), dict):
            yield from properties(node[key])


def table_rows(doc: str) -> list[str]:
    return [line for line in doc.splitlines() if line.startswith("| ")]


# ------------------------------------------------------------------ the committed file
def test_committed_reference_is_current(doc: str) -> None:
    assert DOC.is_file(), f"docs/rules.md is missing: run `{UPDATE}`"
    assert DOC.read_text(encoding="utf-8") == doc, (
        f"docs/rules.md is stale (the schema or the function library changed): run `{UPDATE}`"
    )


# ------------------------------------------------------------------ the generator
def test_every_schema_property_has_a_row(doc: str) -> None:
    rows = table_rows(doc)
    found = list(properties(load_schema("rules")))
    assert len(found) > 60
    for name, schema in found:
        matching = [r for r in rows if re.match(rf"\| `([^`]*\.)?{name}` \|", r)]
        assert matching, f"no row for {name}"
        description = " ".join(schema.get("description", "").split()).replace("|", "\\|")
        assert any(description in r for r in matching), f"{name}: description missing"


def test_fields_give_type_required_and_allowed_values(doc: str) -> None:
    rows = table_rows(doc)
    assert (
        "| `rules_format` | integer | yes | always `1` | The version of this file format. "
        "Always 1. |" in rows
    )
    assert "| `basis` | string | yes | one of `competency`, `outcome`, `mixed` |" in doc
    assert "| `valid_to` | string | no | matches `^[0-9]{4}-[0-9]{2}-[0-9]{2}$` |" in doc
    assert "| `rater_groups.<group>.weight` | number | yes | ≥ 0; ≤ 1 |" in doc
    assert "| `components[].expr` | string | yes | 1 to 2000 characters |" in doc
    assert "| `aspects.<code>.scale` | array of number | yes | 2 items |" in doc
    assert "| `score` | object | yes | exactly one of: `weights`; or `expr` |" in doc
    assert "`bands.<table>[].min`" in doc
    paths = [f.path for f in schema_fields()]
    assert len(paths) == len(set(paths)), "each field is listed once"
    required = set(load_schema("rules")["required"])
    assert {f.path for f in schema_fields() if f.required == "yes" and "." not in f.path} == (
        required
    )


def test_tables_are_well_formed(doc: str) -> None:
    """Every row of a table has as many cells as its header (pipes in values are escaped)."""
    widths: list[int] = []
    for line in doc.splitlines():
        if not line.startswith("|"):
            widths = []
            continue
        cells = len(re.split(r"(?<!\\)\|", line)) - 2
        if not widths:
            widths.append(cells)
        assert cells == widths[0], line
    assert r"`^(outcomes\|ratings:" in doc


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_every_function_is_documented(doc: str, name: str) -> None:
    function = FUNCTIONS[name]
    section = doc.split(f"### `{name}`\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    assert f"`{function.signature}` → {function.returns}" in section
    assert function.doc in section
    for param in function.params:
        shown = f"*{param.name}" if function.variadic else param.name
        default = "required" if param.default is REQUIRED else f"`{param.default!r}`"
        if function.variadic:
            default = "any number, or one list"
        assert f"| `{shown}` | {param.type} | {default} | {param.doc} |" in section
    assert f"Example: `{function.example}` gives `{function.example_result!r}`." in section


def test_functions_in_library_order_then_band(doc: str) -> None:
    headings = re.findall(r"^#{2,3} `([a-z0-9_]+)", doc, re.M)
    assert headings == [*FUNCTIONS, "band"]
    band = doc.split("## `band(value, 'table')`", 1)[1]
    assert "`min ≤ value < max`" in band
    assert "Example: `band(87.5, 'nilai')` gives `'Baik'`." in band
    assert "    - {label: Sangat Kurang, max: 51}" in band


# ------------------------------------------------------------------ the command
def test_docs_prints_the_reference(doc: str) -> None:
    result = invoke("docs")
    assert (result.exit_code, result.stdout) == (0, doc)


def test_docs_writes_and_checks(tmp_path: Path, doc: str) -> None:
    out = tmp_path / "docs" / "rules.md"
    result = invoke("docs", "--output", out)
    assert (result.exit_code, result.stdout) == (0, f"Wrote {out}\n")
    assert out.read_text(encoding="utf-8") == doc
    assert [p.name for p in out.parent.iterdir()] == ["rules.md"], "no temporary file left"
    checked = invoke("docs", "--output", out, "--check")
    assert (checked.exit_code, checked.stdout) == (0, f"{out} is current.\n")


def test_check_fails_on_a_stale_file(tmp_path: Path, doc: str) -> None:
    out = tmp_path / "rules.md"
    lines = doc.splitlines(keepends=True)
    lines[4] = "An edit by hand.\n"
    out.write_text("".join(lines), encoding="utf-8")
    before = out.read_text(encoding="utf-8")
    result = invoke("docs", "--check", "--output", out)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out} is out of date: it differs from what the rules schema and the "
        "function library generate (2 line(s) changed, first at line 5); run "
        f"`kinerja docs --output {out}` to update it\n"
    )
    assert out.read_text(encoding="utf-8") == before, "--check writes nothing"


def test_check_fails_on_a_missing_file(tmp_path: Path) -> None:
    out = tmp_path / "rules.md"
    result = invoke("docs", "--check", "-o", out)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out} does not exist; run `kinerja docs --output {out}` to update it\n"
    )
    assert not out.exists()


def test_check_needs_an_output() -> None:
    result = invoke("docs", "--check")
    assert result.exit_code == 2
    assert "Error: --check needs --output PATH, e.g. --output docs/rules.md" in result.stderr

"""Random damage to real rule files: loading them ends in the rules or in RulesError,
with every problem located, and never in any other exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kinerja.plugins
from kinerja.rules import load_rules
from kinerja.rules.yamlload import RulesError

PLUGINS = Path(kinerja.plugins.__file__).parent
REGIONS = ("asemrowo", "lampung", "sawahlunto")
TEXTS = {r: (PLUGINS / r / "rules.yaml").read_text(encoding="utf-8") for r in REGIONS}
PIECES = [
    "score", "predikat", "true", "null", "1e308", "-1", "0", "'x'", "[", "]", "{", "}", ":",
    "- ", "&a", "*a", "<<", "**", "/ 0", "band(score, 'nilai')", "mean()", "__class__",
    "lambda: 1", "x if y else z", "\\t", "'", '"', "#", "extends: /etc/passwd", "\\x00",
]  # fmt: skip


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """A region's rules with a few random lines deleted, repeated or changed."""
    lines = TEXTS[draw(st.sampled_from(sorted(TEXTS)))].split("\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "repeat", "append", "replace"]))
        piece = draw(st.sampled_from(PIECES))
        if how == "delete":
            del lines[at]
        elif how == "repeat":
            lines.insert(at, lines[at])
        elif how == "append":
            lines[at] += " " + piece
        else:
            head = lines[at].split(":", 1)[0]
            lines[at] = f"{head}: {piece}"
    return "\n".join(lines)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_rules_load_or_are_refused_with_locations(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("r") / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_rules(path)
    except RulesError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location.line >= 1 and problem.message

"""Random damage to real rule files: loading them ends in the rules or in RulesError,
with every problem located, and never in any other exception."""

from __future__ import annotations

import pytest
from damage import damaged_rules
from hypothesis import HealthCheck, given, settings

from kinerja.rules import load_rules
from kinerja.rules.yamlload import RulesError


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_rules())
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

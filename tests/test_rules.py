"""Rule files: schema validation, semantic checks, all problems reported with locations."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_helpers import step_values

from kinerja.rules import load_rules
from kinerja.rules.yamlload import RulesError
from kinerja.schemas import load_schema

MINIMAL = """\
rules_format: 1
region: contoh
title: Contoh
version: "1.0"
valid_from: "2026-01-01"
basis: outcome
period: annual
indicators:
  layanan: {label: Layanan, kind: normal}
bands:
  nilai:
    - {label: Baik, min: 76}
    - {label: Kurang, max: 76}
components:
  - name: hasil
    label: Hasil
    expr: achievement_mean
score:
  weights: {hasil: 1.0}
predikat:
  labels: [Baik, Kurang]
  expr: band(score, 'nilai')
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(RulesError) as info:
        load_rules(write(tmp_path, text))
    return [
        str(p).split(": error: ", 1)[0].rsplit(":", 2)[-2] + ": " + p.message
        for p in info.value.problems
    ]


def test_minimal_rules_load(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, MINIMAL))
    assert rules.region == "contoh"
    assert rules.step_names == ("hasil", "score", "predikat")
    assert len(rules.sha256) == 64
    # 0.5 * 95 / 0.5 ... with one weight the score is the component itself
    assert step_values(rules, {"achievement_mean": 95.0}) == (95.0, 95.0, "Baik")


def test_schema_is_draft_07() -> None:
    assert load_schema("rules")["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert load_schema("input")["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_schema_problems_are_located_and_all_reported(tmp_path: Path) -> None:
    text = MINIMAL.replace("basis: outcome", "basis: outcomes").replace(
        "period: annual", "period: annual\nextra_key: 1\nvalid_fron: x"
    )
    found = problems(tmp_path, text)
    assert "6: basis: 'outcomes' is not one of ['competency', 'outcome', 'mixed']" in found
    assert "8: unknown key 'extra_key' (allowed: " in " ".join(found) or any(
        f.startswith("8: unknown key 'extra_key'") for f in found
    )
    assert "9: unknown key 'valid_fron' (did you mean 'valid_from' or 'valid_to'?)" in found


def test_expression_problems_point_into_the_expression(tmp_path: Path) -> None:
    text = MINIMAL.replace("expr: achievement_mean", "expr: achievement_maen * 2").replace(
        "expr: band(score, 'nilai')", "expr: band(score, 'nilia')"
    )
    with pytest.raises(RulesError) as info:
        load_rules(write(tmp_path, text))
    messages = [(p.location.line, p.location.col, p.message) for p in info.value.problems]
    assert messages == [
        # line 17 is "    expr: achievement_maen * 2": the value starts at column 11
        (17, 11, "unknown name 'achievement_maen' (did you mean 'achievement_mean'?)"),
        # line 22 is "  expr: band(score, 'nilia')": the value starts at column 9 and
        # 'nilia' is 12 characters into it, so column 21
        (22, 21, "no band table 'nilia' (did you mean 'nilai'?); bands: nilai"),
    ]


def test_semantic_checks(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace("weights: {hasil: 1.0}", "weights: {hasil: 0.7, hasl: 0.2}").replace(
            "- {label: Baik, min: 76}", "- {label: Baik, min: 76, max: 70}"
        )
        + "stages:\n  - {id: a, label: A, requires: 'input:tanggal', after: b}\n"
        + "feedback:\n  - {when: score < 80, text: 'Nilai {scor:.1f}'}\n"
    )
    found = problems(tmp_path, text)
    assert any("band 'Baik': min must be below max" in f for f in found)
    assert any("unknown component 'hasl' (did you mean 'hasil'?)" in f for f in found)
    assert any("input 'tanggal' is not declared in inputs" in f for f in found)
    assert any("stage 'b' must be declared before this one" in f for f in found)
    assert any("unknown name 'scor' in text (did you mean 'score'?)" in f for f in found)


def test_weights_must_sum_to_one(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "components:\n", "components:\n  - {name: dua, label: Dua, expr: achievement_mean}\n"
    ).replace("weights: {hasil: 1.0}", "weights: {hasil: 0.7, dua: 0.2}")
    assert any("weights sum to 0.9; they must sum to 1" in f for f in problems(tmp_path, text))


def test_aspect_groups_must_be_declared(tmp_path: Path) -> None:
    text = MINIMAL + (
        "aspects:\n  komunikasi: {label: K, scale: [1, 5], groups: [peer]}\n"
        "rater_groups:\n  supervisor: {weight: 1}\n"
    )
    assert any("group 'peer' is not in rater_groups" in f for f in problems(tmp_path, text))


def test_names_are_declared_once(tmp_path: Path) -> None:
    text = MINIMAL + "inputs:\n  layanan: {type: number, label: L}\n"
    assert any("declared twice" in f for f in problems(tmp_path, text))


@pytest.mark.parametrize("region", ["asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto"])
def test_builtin_rules_carry_the_schema_comment_and_version(region: str) -> None:
    import kinerja.plugins

    path = Path(kinerja.plugins.__file__).parent / region / "rules.yaml"
    assert path.read_text().startswith("# yaml-language-server: $schema=")
    rules = load_rules(path)
    assert rules.version and rules.valid_from


def test_problems_of_every_kind_are_reported_together(tmp_path: Path) -> None:
    text = MINIMAL.replace("period: annual", "period: annual\nperiod: annual\nextra: 1").replace(
        "expr: achievement_mean", "expr: achievement_maen"
    )
    with pytest.raises(RulesError) as info:
        load_rules(write(tmp_path, text))
    found = [(p.location.line, p.message) for p in info.value.problems]
    # line 8: the duplicate, line 9: the unknown key, line 19: the misspelt name
    assert [line for line, _ in found] == [8, 9, 19]
    assert "duplicate key 'period'" in found[0][1]
    assert found[1][1].startswith("unknown key 'extra'")
    assert "did you mean 'achievement_mean'" in found[2][1]


def test_aspect_weights_override_group_weights(tmp_path: Path) -> None:
    text = MINIMAL.replace("expr: achievement_mean", "expr: teknis * 20") + (
        "aspects:\n  teknis: {label: T, scale: [1, 5], weights: {supervisor: 0.25, peer: 0.75}}\n"
        "rater_groups:\n  supervisor: {weight: 0.5}\n  peer: {weight: 0.5}\n"
    )
    rules = load_rules(write(tmp_path, text))
    aspect = rules.aspects["teknis"]
    assert aspect.groups == ("supervisor", "peer")
    assert [aspect.weight(rules.rater_groups[g]) for g in aspect.groups] == [0.25, 0.75]
    bad = text.replace(
        "weights: {supervisor: 0.25, peer: 0.75}",
        "groups: [supervisor], weights: {supervisor: 0.25, peer: 0.75}",
    )
    assert any(
        "group 'peer' has a weight here but is not in this aspect's groups" in f
        for f in problems(tmp_path, bad)
    )


def test_names_with_a_trailing_newline_are_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace("  - name: hasil\n", '  - name: "hasil\\n"\n')
    found = problems(tmp_path, text)
    assert any("does not match" in f for f in found), found


def test_band_bounds_must_be_finite_numbers(tmp_path: Path) -> None:
    text = MINIMAL.replace("- {label: Baik, min: 76}", "- {label: Baik, min: 1e999}")
    assert any("min inf is not a number up to 1e15" in f for f in problems(tmp_path, text))


def test_text_fields_take_only_fixed_point_or_percent_formats(tmp_path: Path) -> None:
    text = MINIMAL + "feedback:\n  - {when: score < 80, text: 'Nilai {score:d}'}\n"
    assert any(
        "field {score:d} must be {name}, {name:.1f} or {name:.0%}" in f
        for f in problems(tmp_path, text)
    )


def test_the_score_and_the_predikat_have_their_types(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "  weights: {hasil: 1.0}", "  expr: \"'tinggi' if hasil > 50 else 'rendah'\""
    )
    text = text.replace("  expr: band(score, 'nilai')", "  expr: score * 2")
    found = problems(tmp_path, text)
    # line 19 is the score's expr, line 22 the predikat's
    assert found == [
        "19: the score must be a number, but `'tinggi' if hasil > 50 else 'rendah'` gives text",
        "22: the predikat must be text, but `score * 2` gives a number",
    ]


def test_a_value_that_is_text_for_some_and_a_number_for_others_is_a_load_error(
    tmp_path: Path,
) -> None:
    text = MINIMAL.replace(
        "    expr: achievement_mean",
        "    expr: \"achievement_mean if achievement_mean > 50 else 'tidak ada'\"",
    )
    [found] = problems(tmp_path, text)
    assert found.startswith("17: `achievement_mean if achievement_mean > 50 else 'tidak ada'`")
    assert "is text for some employees and a number (or true/false) for others" in found


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("score", "the name of a result the rules compute"),
        ("predikat", "the name of a result the rules compute"),
        ("true", "a constant (true, false, null and none read as values)"),
        ("null", "a constant (true, false, null and none read as values)"),
        ("lambda", "a word of the expression language"),
        ("mean", "the name of a library function"),
        ("band", "the name of a library function"),
    ],
)
def test_reserved_names_cannot_be_declared(tmp_path: Path, name: str, why: str) -> None:
    component = f"  - name: '{name}'\n    label: X\n    expr: '1'\n"
    text = MINIMAL.replace("  - name: hasil\n", component + "  - name: hasil\n")
    inputs = f"inputs:\n  {name}: {{type: number, label: X}}\n"
    text = text.replace("basis: outcome\n", "basis: outcome\n" + inputs)
    found = problems(tmp_path, text)
    # line 8 declares the input, line 17 the component
    assert found == [
        f"8: {name!r} cannot be declared: it is {why}; choose another name",
        f"17: {name!r} cannot be declared: it is {why}; choose another name",
    ]


def test_rules_larger_than_a_run_can_afford_are_refused(tmp_path: Path) -> None:
    many = "".join(f"  - name: c{i}\n    label: C\n    expr: '1'\n" for i in range(101))
    found = problems(tmp_path, MINIMAL.replace("components:\n", "components:\n" + many))
    assert found == [
        "15: the rules have 102 components; the limit is 100. Combine components, or split "
        "the policy into regions"
    ]


def test_expression_parts_are_counted_over_the_whole_file(tmp_path: Path) -> None:
    # mean() of 100 names is 204 parts (the expression, the call, the name mean and its
    # load context, then each name with its load context: 1 + 1 + 2 + 100 * 2); ten of
    # them are 2,040, with hasil (3), the weighted score (12) and the predikat's
    # band(score, 'nilai') (7): 2,062 parts, over the limit of 2,000
    total = "mean(" + ", ".join(["achievement_mean"] * 100) + ")"
    many = "".join(f"  - name: c{i}\n    label: C\n    expr: {total}\n" for i in range(10))
    [found] = problems(tmp_path, MINIMAL.replace("components:\n", "components:\n" + many))
    assert found == (
        "1: the rules' expressions have 2,062 parts in all; the limit is 2,000, since every "
        "part is computed for every employee. Simplify the expressions, or move repeated "
        "ones into a component"
    )


def test_max_share_is_read_and_only_one_group_may_have_it(tmp_path: Path) -> None:
    groups = """\
aspects:
  sikap: {label: Sikap, scale: [1, 5], groups: [supervisor, peer]}
rater_groups:
  supervisor: {weight: 0.4, max_share: 0.4}
  peer: {weight: 0.6%s}
"""
    rules = load_rules(write(tmp_path, MINIMAL + groups % ""))
    assert rules.rater_groups["supervisor"].max_share == 0.4
    assert rules.rater_groups["peer"].max_share is None
    # a second limited group: which one yields to which is not defined, so it is refused
    assert problems(tmp_path, MINIMAL + groups % ", max_share: 0.7") == [
        "27: only one rater group may have max_share, and 'supervisor' has one already; "
        "remove it from 'peer' or from 'supervisor'"
    ]
    no_share = (groups % "").replace("max_share: 0.4", "max_share: 0")
    assert problems(tmp_path, MINIMAL + no_share) == [
        "26: rater_groups/supervisor/max_share: 0 is less than or equal to the minimum of 0"
    ]

"""``kinerja eval --explain / --json / --set / --rules``: the evaluation tree of one
expression, through click's CliRunner, on kasemen's rules (numbers: score, komunikasi,
integritas; text: predikat; band table nilai: Sangat Baik >= 90, Baik 76-90,
Butuh Perbaikan 61-76, Kurang 51-61, Sangat Kurang < 51)."""

from __future__ import annotations

import json

import pytest
from cli_helpers import KASEMEN, cli
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def explain(runner: CliRunner, expression: str, *settings: str, code: int = 0) -> list[str]:
    args = [f"--set={s}" for s in settings]
    result = cli(runner, "eval", "-r", "kasemen", expression, "--explain", *args, code=code)
    return result.stdout.splitlines()


def tree(runner: CliRunner, expression: str, *settings: str, code: int = 0) -> dict:
    args = [f"--set={s}" for s in settings]
    result = cli(runner, "eval", "-r", "kasemen", expression, "--json", *args, code=code)
    return json.loads(result.stdout)


# --------------------------------------------------------------------- the text tree


def test_and_of_comparisons(runner):
    # 82.5 > 70 is true, 4 >= 3 is true, so `and` gives the last operand's truth: True
    lines = explain(runner, "score > 70 and komunikasi >= 3", "score=82.5", "komunikasi=4")
    assert lines == [
        "and: True",
        "  score > 70: True",
        "    score: 82.5",
        "  komunikasi >= 3: True",
        "    komunikasi: 4",
    ]


def test_and_stops_at_a_false_operand(runner):
    # 82.5 > 90 is false: Python (and the engine) never looks at the second operand
    lines = explain(runner, "score > 90 and komunikasi >= 3", "score=82.5", "komunikasi=4")
    assert lines == [
        "and: False",
        "  score > 90: False",
        "    score: 82.5",
        "  komunikasi >= 3: not evaluated",
        "    komunikasi: not evaluated",
    ]


def test_arithmetic_and_a_call(runner):
    # -82.5 / 3 = -27.5; round(-27.5, 2) = -27.5; 0.1 * 2 = 0.2; -27.5 + 0.2 = -27.3
    lines = explain(runner, "round(-score / 3, digits=2) + 0.1 * 2", "score=82.5")
    assert lines == [
        "round(-score / 3, digits=2) + 0.1 * 2: -27.3",
        "  round(-score / 3, digits=2): -27.5",
        "    -score / 3: -27.5",
        "      -score: -82.5",
        "        score: 82.5",
        "  0.1 * 2: 0.2",
    ]


def test_or_not_in_and_a_chained_comparison(runner):
    # 'Baik' is in the list, so `not (...)` is False and `or` goes on: 60 < 82.5 <= 90 is True
    lines = explain(
        runner,
        "not (predikat in ['Baik', 'Cukup']) or 60 < score <= 90",
        "score=82.5",
        "predikat='Baik'",
    )
    assert lines == [
        "or: True",
        "  not (predikat in ['Baik', 'Cukup']): False",
        "    predikat in ['Baik', 'Cukup']: True",
        "      predikat: 'Baik'",
        "  60 < score <= 90: True",
        "    score: 82.5",
    ]


def test_a_failing_node_is_shown_and_the_command_fails(runner):
    # 4 / 0 fails; mean() of a list with a failing item fails with it; exit 1, as plain eval
    result = cli(
        runner,
        "eval",
        "-r",
        "kasemen",
        "mean([score, komunikasi / 0])",
        "--explain",
        "--set",
        "score=82.5",
        "--set",
        "komunikasi=4",
        code=1,
    )
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "mean([score, komunikasi / 0]): fails: division by zero in `mean([score, komunikasi / 0])`"
    )
    assert "    komunikasi / 0: fails: division by zero in `komunikasi / 0`" in lines
    assert "      komunikasi: 4" in lines
    assert result.stderr == "Error: division by zero in `mean([score, komunikasi / 0])`\n"


def test_a_missing_value_says_what_the_run_says(runner):
    # null binds the name to no value: the words are the run's reject reason
    lines = explain(runner, "score + 1", "score=null", code=1)
    assert lines[0].startswith("score + 1: fails: score is missing for this employee")
    assert lines[1] == "  score: None"


# --------------------------------------------------------------------- the JSON tree


def test_json_tree_with_a_branch_not_taken(runner):
    # score 82.5 is truthy: the band branch is taken; 82.5 * 1.1 = 90.75 >= 90 -> Sangat Baik
    document = tree(runner, "band(score * 1.1, 'nilai') if score else 'x'", "score=82.5")

    def node(expr, kind, value, children=(), evaluated=True):
        return {
            "expr": expr,
            "kind": kind,
            "value": value,
            "error": None,
            "evaluated": evaluated,
            "children": list(children),
        }

    score = node("score", "name", 82.5)
    product = node("score * 1.1", "arithmetic", 90.75, [score, node("1.1", "constant", 1.1)])
    assert document == node(
        "band(score * 1.1, 'nilai') if score else 'x'",
        "if",
        "Sangat Baik",
        [
            score,
            node("band(score * 1.1, 'nilai')", "call", "Sangat Baik", [product]),
            node("'x'", "constant", None, evaluated=False),
        ],
    )


def test_json_whole_numbers_and_errors(runner):
    # 3 * 2 = 6 is whole: an integer in JSON; 1 / 0 fails with the engine's words
    assert tree(runner, "komunikasi * 2", "komunikasi=3")["value"] == 6
    failed = tree(runner, "1 / (komunikasi - 3)", "komunikasi=3", code=1)
    assert failed["value"] is None
    assert failed["error"] == "division by zero in `1 / (komunikasi - 3)`"
    assert failed["children"][1]["value"] == 0  # 3 - 3


# --------------------------------------------------------------------- --set


@pytest.mark.parametrize(
    "setting, message",
    [
        ("scroe=82.5", "--set scroe=82.5: unknown name 'scroe' (did you mean 'score'?)"),
        ("score", "--set score: write NAME=VALUE, e.g. --set score=82.5"),
        ("=1", "--set =1: write NAME=VALUE, e.g. --set score=82.5"),
        ("score=abc", "--set score=abc: abc is not a number, text in quotes, true or false"),
        ("score='abc'", "--set score='abc': score holds a number; give one, e.g. --set score=82.5"),
        ("score=true", "--set score=true: score holds a number; give one, e.g. --set score=82.5"),
        (
            "predikat=3",
            "--set predikat=3: predikat holds text; give it in quotes, e.g. --set predikat='Baik'",
        ),
    ],
)
def test_set_errors(runner, setting, message):
    result = cli(runner, "eval", "-r", "kasemen", "score", "--set", setting, code=2)
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"


@pytest.mark.parametrize(
    "setting, printed",
    [
        ("score=82.5", "82.5"),
        ("score=-3", "-3"),
        ("score=1e2", "100"),
        ("score=.5", "0.5"),
        ('predikat="Baik"', "Baik"),
    ],
)
def test_set_values_without_explain(runner, setting, printed):
    name = setting.partition("=")[0]
    assert cli(runner, "eval", "-r", "kasemen", name, "--set", setting).stdout == printed + "\n"


def test_set_last_binding_wins_and_names_still_needed(runner):
    # the second --set replaces the first: 5 * 2 = 10
    args = ("eval", "-r", "kasemen", "komunikasi * 2", "--set", "komunikasi=1")
    assert cli(runner, *args, "--set", "komunikasi=5").stdout == "10\n"
    result = cli(runner, "eval", "-r", "kasemen", "score + integritas", "--set", "score=1", code=1)
    assert result.output == (
        "Error: integritas need(s) an employee's values: add --input PATH --nip NIP\n"
    )


# --------------------------------------------------------------------- --rules


def test_rules_path_gives_the_same_tree(runner):
    # kasemen's rule file named by path: band(61, 'nilai') is Butuh Perbaikan (61 <= x < 76)
    args = ("eval", "band(score, 'nilai')", "--explain", "--set", "score=61")
    by_path = cli(runner, *args, "--rules", KASEMEN).stdout
    assert by_path == "band(score, 'nilai'): 'Butuh Perbaikan'\n  score: 61\n"
    assert cli(runner, *args, "-r", "kasemen").stdout == by_path


def test_rules_or_region_not_both(runner):
    both = cli(runner, "eval", "1", "-r", "kasemen", "--rules", KASEMEN, code=2)
    assert both.stderr == "Error: give either --region NAME or --rules PATH\n"
    neither = cli(runner, "eval", "1", code=2)
    assert neither.stderr == "Error: give either --region NAME or --rules PATH\n"


# --------------------------------------------------------------------- the property

NAMES = ("score", "komunikasi", "integritas")
OPERATORS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


def _leaf(values: dict[str, float]):
    names = st.sampled_from(NAMES).map(lambda n: (n, values[n]))
    numbers = st.integers(1, 9).map(lambda k: (str(k), k))
    return names | numbers


def _combine(parts):
    def join(choice):
        (left, a), op, (right, b) = choice
        try:
            value = OPERATORS[op](a, b) if a is not None and b is not None else None
        except ZeroDivisionError:
            value = None
        return f"({left} {op} {right})", value

    return st.tuples(parts, st.sampled_from(sorted(OPERATORS)), parts).map(join)


@st.composite
def arithmetic(draw):
    """An arithmetic expression over bound numbers and its value, computed in Python
    alongside the text (None where Python raises ZeroDivisionError)."""
    values = {n: draw(st.integers(-50, 50)) / 10 for n in NAMES}
    text, value = draw(st.recursive(_leaf(values), _combine, max_leaves=5))
    return values, text, value


@settings(max_examples=15, deadline=None)
@given(arithmetic())
def test_root_equals_plain_eval(drawn):
    values, text, expected = drawn
    runner = CliRunner()
    bindings = [f"{n}={v!r}" for n, v in values.items()]
    code = 1 if expected is None else 0
    document = tree(runner, text, *bindings, code=code)
    plain = cli(runner, "eval", "-r", "kasemen", text, *[f"--set={b}" for b in bindings], code=code)
    if expected is None:
        assert plain.stderr == f"Error: {document['error']}\n"
        assert document["value"] is None
    else:
        # a computed number is tidied to 9 decimals, as a step's result is in a run
        assert document["value"] == json.loads(plain.stdout) == round(expected, 9)
        assert document["error"] is None

"""The columnar expression backend: each construct and failure by hand, then random
expressions over random rows, and every built-in region's rules over a few thousand
rows, each row checked against simpleeval under the engine's rules (values, and the
words of the rows that fail; see ``rule_helpers``)."""

from __future__ import annotations

import ast
import math
import random
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rule_helpers import Reference, failure_words, rule_steps

from kinerja.errors import ExprError
from kinerja.expr.check import Checked, Scope, check_expression
from kinerja.expr.columnar import compile_column, compile_steps
from kinerja.expr.steps import Step
from kinerja.manager import make_manager
from kinerja.regions import find_region, load_region_rules
from kinerja.rules import RuleSet, load_rules

NAMES = {"a": "number", "b": "number", "c": "number", "u": "string", "v": "string", "p": "bool"}
SCOPE = Scope(NAMES, bands=frozenset({"nilai"}))
BANDS = {"nilai": (("Baik", 76.0, None), ("Cukup", 61.0, 76.0), ("Kurang", None, 61.0))}
SCHEMA = {"a": pl.Float64, "b": pl.Float64, "c": pl.Float64}
SCHEMA |= {"u": pl.String, "v": pl.String, "p": pl.Boolean}


def describe(name: str) -> str:
    return f"{name} (empty column)"


def frame_of(rows: Sequence[Mapping[str, object]]) -> pl.DataFrame:
    full = [{n: r.get(n) for n in SCHEMA} for r in rows]
    return pl.DataFrame(full, schema=SCHEMA)


def same_value(expected: object, got: object) -> bool:
    """Values agree: numbers numerically (ints as floats), the rest exactly."""
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        if not isinstance(got, float):
            return False
        if isinstance(expected, int) and abs(expected) > 2**53:
            return math.isclose(got, expected, rel_tol=1e-15)
        return got == expected or (math.isnan(got) and math.isnan(expected))
    return type(got) is type(expected) and got == expected


_REFERENCES: dict[int, tuple[Mapping, Reference]] = {}


def reference(bands: Mapping) -> Reference:
    """simpleeval under the engine's rules for ``bands`` (made once per table set)."""
    if id(bands) not in _REFERENCES:
        _REFERENCES[id(bands)] = (bands, Reference(bands))  # kept, so its id stays its own
    return _REFERENCES[id(bands)][1]


def assert_same(
    steps: Sequence[Step],
    frame: pl.DataFrame,
    *,
    bands: Mapping = BANDS,
    describer: Callable[[str], str] = describe,
    score_weights: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """The columnar program gives simpleeval's values and reasons, row by row."""
    program = compile_steps(
        steps, bands, describe=describer, score_weights=score_weights, labels=labels
    )
    got = program.apply(frame)
    names = [s.name for s in steps]
    for values, row in zip(frame.rows(named=True), got.iter_rows(named=True), strict=True):
        expected, why = reference(bands).run_steps(
            steps, values, describe=describer, score_weights=score_weights, labels=labels
        )
        assert row["_error"] == why, (values, row)
        if expected is not None:
            for name, value in zip(names, expected, strict=True):
                assert same_value(value, row[name]), (values, name, value, row[name])
    return got


def run(source: str, **row: object) -> tuple[object, str | None]:
    """One expression on one row: (value, reason) from the columnar program."""
    checked = check_expression(source, SCOPE)
    steps = [Step("x", checked)]
    got = assert_same(steps, frame_of([row]))
    return got["x"][0], got["_error"][0]


def reason(source: str, why_words: str) -> str:
    return f"not appraised: rule 'x' failed: {why_words}"


# ------------------------------------------------------------------ by hand


def test_arithmetic_follows_python() -> None:
    assert run("a + b * c", a=1.0, b=2.0, c=3.0) == (7.0, None)  # 1 + 2 * 3
    assert run("a / b", a=1.0, b=3.0)[0] == round(1 / 3, 9)  # tidied: 0.333333333
    assert run("a // b", a=1.0, b=0.1)[0] == 9.0  # Python: 1.0 // 0.1 == 9.0 (fmod)
    assert run("a % b", a=-7.0, b=2.0)[0] == 1.0  # -7 % 2 == 1, the divisor's sign
    assert run("a % b", a=7.0, b=-2.0)[0] == -1.0  # 7 % -2 == -1
    assert run("-a + +b", a=2.0, b=5.0)[0] == 3.0  # -2 + 5
    assert run("2 ** 10")[0] == 1024.0
    assert run("(a > 0) + (b > 0)", a=1.0, b=1.0)[0] == 2.0  # True + True == 2


def test_division_by_a_constant_is_exact() -> None:
    # 6855.6200646675 / 7 = 979.3742949525 (correctly rounded), tidied to 979.374294953;
    # times the reciprocal of 7 it is 979.3742949524999, which tidies to ...952
    assert run("a / 7", a=6855.6200646675)[0] == 979.374294953


def test_failures_say_what_python_says() -> None:
    zero = run("a / b", a=1.0, b=0.0)
    assert zero == (None, reason("", "division by zero in `a / b`"))
    missing = run("a + 1", a=None)[1]
    assert missing == reason(
        "",
        "a (empty column) is missing for this employee, so `a + 1` cannot be computed; add "
        "the data, or write the rule with coalesce() or mean(), which skip missing values",
    )
    # a None that is no name's: Python's TypeError words
    none = run("(a if a > 0 else None) + 1", a=-1.0)[1]
    assert none == reason(
        "",
        "TypeError: unsupported operand type(s) for +: 'NoneType' and 'int' "
        "(in `(a if a > 0 else None) + 1`)",
    )
    order = run("(a if a > 0 else None) < 1", a=-1.0)[1]
    assert "'<' not supported between instances of 'NoneType' and 'int'" in str(order)


def test_guards_on_powers_and_shifts() -> None:
    assert run("a ** 0.5", a=-8.0)[1] == reason(
        "",
        "-8.0 ** 0.5 has no real value (a negative number to a fractional power) (in `a ** 0.5`)",
    )
    assert run("a ** b", a=2.0, b=65.0)[1] == reason(
        "", "exponent 65.0 is above the limit of 64 (in `a ** b`)"
    )
    assert run("a ** 3", a=1e200)[1] == reason("", "number too large in `a ** 3`")
    # a whole number a double cannot hold: round(1e200) ** 2 is about 1e400 > 1.8e308
    assert run("round(a) ** 2", a=1e200)[1] == reason("", "number too large in `round(a) ** 2`")
    assert run("0 ** a", a=-1.0)[1] == reason("", "division by zero in `0 ** a`")
    # shifts take whole numbers (ints); a float column's values are floats
    assert run("a << 2", a=3.0)[1] == reason("", "shifts work on whole numbers only (in `a << 2`)")
    assert run("round(a) << 2", a=3.0)[0] == 12.0  # round() gives an int: 3 << 2
    assert run("8 >> a", a=1.0)[1] == reason(
        "", "shift amount must be a whole number from 0 to 64 (in `8 >> a`)"
    )


def test_truthiness_and_short_circuits() -> None:
    # only the branch taken can fail: 1 / 0 is never evaluated for a > 0
    assert run("1 if a > 0 else 1 / 0", a=5.0) == (1.0, None)
    assert run("a > 0 and 1 / a > 0.1", a=0.0) == (False, None)  # and stops at False
    assert run("a > 0 or 1 / a > 0.1", a=1.0) == (True, None)  # or stops at True
    assert run("a or b", a=0.0, b=4.0) == (4.0, None)  # 0.0 is false: b
    assert run("u or 'kosong'", u="") == ("kosong", None)  # '' is false
    assert run("not a", a=None) == (True, None)  # None is false
    assert run("a < b < c", a=3.0, b=2.0, c=None) == (False, None)  # 3 < 2 stops the chain


def test_comparisons_with_none_and_text() -> None:
    assert run("a == b", a=None, b=None) == (True, None)
    assert run("a != b", a=None, b=1.0) == (True, None)
    assert run("u == 'Baik'", u=None) == (False, None)
    assert run("u in ['Baik', 'Cukup']", u="Cukup") == (True, None)
    assert run("a in [1, 2, None]", a=None) == (True, None)
    assert run("u < v", u="abc", v="abd") == (True, None)
    assert run("u + v", u="ab", v="cd") == ("abcd", None)
    assert run("'a' in u", u="bab") == (True, None)


def test_tidied_comparisons_and_bands() -> None:
    # 0.6 * 55.6 + 0.4 * 69.1 = 61 by hand; 60.99999999999999 in floats: tidied to 61
    assert run("band(0.6 * a + 0.4 * b, 'nilai')", a=55.6, b=69.1) == ("Cukup", None)
    assert run("0.1 + 0.2 == 0.3") == (True, None)  # computed operands are tidied
    assert run("band(a, 'nilai')", a=76.0) == ("Baik", None)  # min inclusive
    assert run("band(a, 'nilai')", a=75.999) == ("Cukup", None)
    # a named value is looked up as it is: 60.9999999999 < 61 (tidied, it would be 61.0)
    assert run("band(a, 'nilai')", a=60.9999999999) == ("Kurang", None)
    assert run("band(a, 'nilai')", a=None)[1] == reason(
        "",
        "a (empty column) is missing for this employee, so `band(a, 'nilai')` cannot be "
        "computed; add the data, or write the rule with coalesce() or mean(), which skip "
        "missing values",
    )


def test_intrinsics_as_the_engine_defines_them() -> None:
    # wmean of one value with a constant weight is the value itself: 0.1, not 0.1 * 0.3 / 0.3
    assert run("wmean([a], [0.3])", a=0.1) == (0.1, None)
    # ... a whole number stays one: round(2.0) = 2, and 2 << 1 = 4
    assert run("wmean([round(a)], [0.3]) << 1", a=2.0) == (4.0, None)
    assert run("wmean([a, b], [0.6, 0.4])", a=80.0, b=None) == (80.0, None)  # renormalised
    assert run("wmean([a, b], [0.6, 0.4], 'incomplete')", a=80.0, b=None) == (None, None)
    assert run("coalesce(a, 7)", a=None) == (7.0, None)
    assert run("mean(a, b, c)", a=None, b=4.0, c=5.0) == (4.5, None)  # (4 + 5) / 2


def test_mixed_kinds_are_refused_when_compiling() -> None:
    checked = check_expression("u if p else a", SCOPE)
    with pytest.raises(ExprError, match="is text for some employees and a number"):
        compile_steps([Step("x", checked)], BANDS, describe=describe)
    checked = check_expression("a if p else p", SCOPE)  # numbers and true/false
    with pytest.raises(ExprError, match=r"`a if p else p`"):
        compile_column(checked, BANDS)


def test_compile_column_value_and_words() -> None:
    checked = check_expression("achievement(a, b)", SCOPE)
    column = compile_column(checked, BANDS, describe=describe)
    frame = frame_of([{"a": 95.0, "b": 100.0}, {"a": 1.0, "b": 0.0}, {"a": None, "b": 1.0}])
    got = column.prepare(frame).select(column.value.alias("v"), column.error.alias("e"))
    assert column.type == "number"
    assert got["v"].to_list() == [95.0, None, None]  # 95 / 100 x 100
    assert got["e"].to_list() == [
        None,
        "achievement: target must be above zero, got 0.0; set a positive target for this "
        "indicator (in `achievement(a, b)`)",
        "a (empty column) is missing for this employee, so `achievement(a, b)` cannot be "
        "computed; add the data, or write the rule with coalesce() or mean(), which skip "
        "missing values",
    ]


def test_later_steps_read_earlier_ones_and_fail_with_them() -> None:
    s1 = check_expression("a / b", SCOPE)
    s2 = check_expression("x * 2", SCOPE.with_names({"x": "number"}))
    steps = [Step("x", s1), Step("y", s2)]
    got = assert_same(steps, frame_of([{"a": 1.0, "b": 4.0}, {"a": 1.0, "b": 0.0}]))
    assert got["x"].to_list() == [0.25, None] and got["y"].to_list() == [0.5, None]


def test_score_weighing_a_component_without_value() -> None:
    scope = SCOPE.with_names({"k": "number"})
    steps = [
        Step("k", check_expression("mean(a, b)", SCOPE)),
        Step("score", check_expression("wmean([k, c], [0.5, 0.5], 'incomplete')", scope)),
        Step(
            "predikat",
            check_expression("band(score, 'nilai')", scope.with_names({"score": "number"})),
        ),
    ]
    frame = frame_of([{"a": None, "b": None, "c": 80.0}, {"a": 70.0, "b": 90.0, "c": 80.0}])
    got = assert_same(steps, frame, score_weights={"k": 0.5, "c": 0.5}, labels={"k": "Kompetensi"})
    # k = mean(None, None) is None, so the score is None and band(None) fails
    assert got["_error"][0] == (
        "not appraised: the score weighs every component, but k (Kompetensi) has "
        "no value for this employee; add the missing data (capaian rows or ratings)"
    )
    assert got["predikat"].to_list() == [None, "Baik"]  # (80 x 0.5 + 80 x 0.5) / 1 = 80


def test_names_the_frame_lacks_read_as_none() -> None:
    steps = [Step("x", check_expression("coalesce(a, 5) + 1", SCOPE))]
    program = compile_steps(steps, BANDS, describe=describe)
    got = program.apply(pl.DataFrame({"b": [1.0]}))
    assert got["x"].to_list() == [6.0]  # a is absent: coalesce(None, 5) + 1
    lazy = program.apply(pl.DataFrame({"a": [1.0]}).lazy())
    assert isinstance(lazy, pl.LazyFrame) and lazy.collect()["x"].to_list() == [2.0]


# ------------------------------------------------------------------ random expressions

_NUMBER_LEAVES = ["a", "b", "c", "0", "1", "2", "3", "-1", "0.5", "2.5", "76", "100"]
_TEXT_LEAVES = ["u", "v", "'Baik'", "'sesuai'", "'di atas ekspektasi'", "''"]
_BOOL_LEAVES = ["p", "true", "false"]


class _Draw:
    """Formats ``{n}``, ``{t}``, ``{b}`` fields with a fresh draw each time."""

    def __init__(self, fn: Callable[[], str]):
        self.fn = fn

    def __format__(self, spec: str) -> str:
        return self.fn()


_NUMBER_FORMS = [
    "({n} + {n})",
    "({n} - {n})",
    "({n} * {n})",
    "({n} / {n})",
    "({n} // {n})",
    "({n} % {n})",
    "({n} ** 2)",
    "({n} ** 0.5)",
    "({n} ** -1)",
    "-{n}",
    "mean({n}, {n})",
    "mean([{n}, {n}, {n}])",
    "wmean([{n}, {n}], [0.6, 0.4])",
    "wmean([{n}, {n}], [0.6, 0.4], 'incomplete')",
    "wmean([{n}], [1.0], 'incomplete')",
    "wmean([{n}, {n}], [1, 0], 'zero')",
    "total({n}, {n})",
    "count({n}, {n})",
    "min({n}, {n})",
    "max({n}, {n}, {n})",
    "clamp({n}, 0, 100)",
    "clamp({n}, {n}, {n})",
    "round({n})",
    "round({n}, 2)",
    "abs({n})",
    "gap({n}, {n})",
    "achievement({n}, {n})",
    "achievement({n}, {n}, 100)",
    "achievement_inverse({n}, {n})",
    "achievement_range({n}, 5, 10)",
    "pp46_time_cost({n}, {n})",
    "pp46_skp({n}, {n}, {n})",
    "ikm([{n}, {n}])",
    "ikm([{n}, {n}], 0.11)",
    "jpm([{n}, {n}], [3, 3], cap=true)",
    "jpm([{n}, {n}], [{n}, 4])",
    "coalesce({n}, {n})",
    "({n} if {b} else {n})",
    "({n} if {b} else None)",
    "({n} and {n})",
    "({n} or {n})",
    "({n} ** abs({n}))",
    "+{n}",
    "(round({n}) << 2)",
    "({n} << 1)",
    "(round({n}) >> round(abs({n})))",
    "({b} + {n})",
    "(-({b}))",
    "(count({n}) ** 3)",
]
_TEXT_FORMS = [
    "band({n}, 'nilai')",
    "ikm_grade({n})",
    "jpm_band({n})",
    "predikat_matrix({t}, {t})",
    "({t} if {b} else {t})",
    "({t} + {t})",
    "({t} or 'x')",
]
_BOOL_FORMS = [
    "({n} < {n})",
    "({n} <= {n})",
    "({n} > {n})",
    "({n} >= {n})",
    "({n} == {n})",
    "({n} != {n})",
    "({n} < {n} <= {n})",
    "({t} == {t})",
    "({t} != 'Baik')",
    "({t} in ['Baik', 'x', None])",
    "({n} in [1, 2, 76])",
    "not {b}",
    "({b} and {b})",
    "({b} or {b})",
    "({t} < {t})",
    "({t} in {t})",
    "({n} == {t})",
    "({b} == {n})",
]


@st.composite
def sources(draw: st.DrawFn) -> str:
    """A random well-typed expression over the declared names and the library."""
    kind = draw(st.sampled_from(["number", "number", "text", "bool"]))
    depth = draw(st.integers(1, 3))

    def build(k: str, d: int) -> str:
        pool = {"number": (_NUMBER_LEAVES, _NUMBER_FORMS), "text": (_TEXT_LEAVES, _TEXT_FORMS)}
        pool["bool"] = (_BOOL_LEAVES, _BOOL_FORMS)
        leaf, shapes = pool[k]
        if d <= 0 or draw(st.integers(0, 3)) == 0:
            return draw(st.sampled_from(leaf))
        shape = draw(st.sampled_from(shapes))
        return shape.format(
            n=_Draw(lambda: build("number", d - 1)),
            t=_Draw(lambda: build("text", d - 1)),
            b=_Draw(lambda: build("bool", d - 1)),
        )

    return build(kind, depth)


_NUMBERS = st.one_of(
    st.none(),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 3.0, 4.0, 0.5, 5.0, 61.0, 76.0, 75.9999, 90.0]),
    st.sampled_from([100.0, 120.0, 1e6, -1e6, 1e12, 0.1, 0.2, 0.3]),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 4)),
)
_TEXTS = st.sampled_from([None, "Baik", "sesuai", "di atas ekspektasi", " Di  Bawah ", "", "x'y"])
_ROWS = st.lists(
    st.fixed_dictionaries(
        {"a": _NUMBERS, "b": _NUMBERS, "c": _NUMBERS, "u": _TEXTS, "v": _TEXTS},
        optional={"p": st.sampled_from([None, True, False])},
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=sources(), rows=_ROWS)
def test_columnar_gives_what_simpleeval_gives(source: str, rows: list[dict[str, object]]) -> None:
    checked = check_expression(source, SCOPE)
    frame = frame_of(rows)
    column = compile_column(checked, BANDS, describe=describe)
    program = compile_steps([Step("x", checked)], BANDS, describe=describe)
    got = program.apply(
        column.prepare(frame).with_columns(
            column.value.alias("_value"), column.error.alias("_words")
        )
    )
    for values, row in zip(frame.rows(named=True), got.iter_rows(named=True), strict=True):
        try:
            expected: object = reference(BANDS).value(source, values)
        except Exception as exc:  # noqa: BLE001 - any failure is a failing row
            words = failure_words(exc, checked, values, describe)
            assert (row["_value"], row["_words"]) == (None, words), values
            assert (row["x"], row["_error"]) == (None, reason(source, words)), values
            continue
        assert row["_words"] is None and row["_error"] is None, (values, expected, row)
        assert same_value(expected, row["_value"]), (values, expected, row["_value"])
        assert same_value(expected, row["x"]), (values, expected, row["x"])


def test_checked_type_is_kept() -> None:
    checked: Checked = check_expression("a > 1", SCOPE)
    assert compile_column(checked, BANDS).type == "bool"


# ------------------------------------------------------------------ the regions' rules

REGIONS = ["kasemen", "asemrowo", "kutacane", "sawahlunto", "lampung", "kutacane-2025"]


def _region_rules(name: str) -> RuleSet:
    pm = make_manager()
    if name == "kutacane-2025":
        return load_rules(Path(find_region(pm, "kutacane").rules).with_name("rules-2025.yaml"))
    return load_region_rules(pm, name)


def _describer(rules: RuleSet) -> Callable[[str], str]:
    """``engine._describer``: what a missing name is."""

    def describe_name(name: str) -> str:
        if name in rules.aspects:
            return f"{name} (no ratings)"
        if name in rules.indicators:
            return f"{name} (no capaian row)"
        if name in ("achievement_mean", "indicator_count"):
            return f"{name} (no capaian rows)"
        if name in rules.inputs:
            return f"{name} (empty column)"
        return name

    return describe_name


def _random_column(rules: RuleSet, name: str, kind: str, rng: random.Random, n: int) -> list:
    """Values in and around the name's scale, at the bands' bounds, and some missing."""
    bounds = [b for rows in rules.bands.values() for _, lo, hi in rows for b in (lo, hi) if b]
    if kind == "string":
        pool: list[object] = ["2024-01-31", "2025-02-01", ""]
    elif name in rules.aspects:
        low, high = rules.aspects[name].scale
        pool = [low, high, (low + high) / 2, low - 1, 3.0, 4.5]
    elif name == "indicator_count":
        pool = [0.0, 1.0, 2.0, 3.0]
    else:
        pool = [0.0, 22.0, 100.0, 120.0, -1.0, 1e6, *bounds]
    out: list[object] = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.1:
            out.append(None)
        elif roll < 0.5 or kind == "string":
            out.append(rng.choice(pool))
        else:
            value = rng.uniform(-5, 130) if name not in rules.aspects else rng.uniform(0.5, 5.5)
            out.append(round(value, rng.choice([0, 2, 4, 9])))
    return out


@pytest.mark.parametrize("region", REGIONS)
def test_region_rules_as_simpleeval(region: str) -> None:
    rules = _region_rules(region)
    steps = rule_steps(rules)
    produced = {s.name for s in steps}
    names = {
        n: getattr(node, "kinerja_type", "number")
        for s in steps
        for node in ast.walk(s.checked.tree)
        if isinstance(node, ast.Name) and (n := node.id) not in produced
    }
    rng = random.Random(region)
    n = 3000
    data = {name: _random_column(rules, name, kind, rng, n) for name, kind in names.items()}
    schema = {name: pl.String if kind == "string" else pl.Float64 for name, kind in names.items()}
    frame = pl.DataFrame(data, schema=schema)
    got = assert_same(
        steps,
        frame,
        score_weights=rules.score_weights,
        labels={c.name: c.label for c in rules.components},
        bands=rules.bands,
        describer=_describer(rules),
    )
    failing = got["_error"].is_not_null().sum()
    assert 0 < failing < n  # both kinds of row were checked

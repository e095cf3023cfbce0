"""Safe expressions: what the checker refuses, what the engine guards, and that the
columnar backend computes what simpleeval computes for the same expression."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_helpers import failure_words
from simpleeval import EvalWithCompoundTypes

from kinerja.expr.check import MAX_DEPTH, MAX_LENGTH, Checked, ExprError, Scope, check_expression
from kinerja.expr.columnar import Column, compile_column, compile_steps
from kinerja.expr.evaluate import evaluate_one, row_frame
from kinerja.expr.steps import Step
from kinerja.functions import FUNCTIONS, FunctionError, band_lookup

SCOPE = Scope(
    {"a": "number", "b": "number", "c": "number", "unit": "string", "hasil_kerja": "number"},
    bands=frozenset({"nilai"}),
)
BANDS = {"nilai": (("Baik", 76.0, None), ("Cukup", 61.0, 76.0), ("Kurang", None, 61.0))}


def outcome(source: str, **values: object) -> tuple[object, str | None]:
    """(value, None) or (None, the words of the failing row), from the columnar backend."""
    return evaluate_one(check_expression(source, SCOPE), BANDS, values, SCOPE.names)


def evaluate(source: str, **values: object) -> object:
    value, error = outcome(source, **values)
    assert error is None, error
    return value


def failure(source: str, **values: object) -> str:
    """Why the row fails, in the engine's words (the row must fail)."""
    value, error = outcome(source, **values)
    assert value is None and error is not None, (value, error)
    return error


MISSING_HINT = (
    "add the data, or write the rule with coalesce() or mean(), which skip missing values"
)


def refused(source: str) -> ExprError:
    with pytest.raises(ExprError) as info:
        check_expression(source, SCOPE)
    return info.value


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("__import__('os')", "names starting with '_' are not allowed"),
        ("a.__class__", "attribute access (a.b) is not allowed"),
        ("(1).real", "attribute access (a.b) is not allowed"),
        ("unit.upper()", "only functions from the library can be called"),
        ("[x for x in [1, 2]]", "comprehensions are not allowed"),
        ("(lambda: 1)()", "only functions from the library can be called"),
        ("lambda: 1", "lambda is not allowed"),
        ("{'a': 1}", "dictionaries are not allowed"),
        ("a[0]", "indexing (a[b]) is not allowed"),
        ("f'{a}'", "f-strings are not allowed"),
        ("(x := 1)", "assignment (:=) is not allowed"),
        ("'a' * 10", "repeating text with * is not allowed"),
        ("'%100000000d' % a", "text formatting with % is not allowed"),
        ("unit + 1", "cannot add text and a number"),
        ("unit < 3", "cannot order text against a number"),
        ("~a", "bitwise inversion (~) is not allowed"),
        ("a & b", "operator BitAnd is not allowed"),
        ("10 ** 10 ** 10 ** 20 ** 999999999999999999", "larger than"),
        ("open('x')", "unknown function 'open'"),
        ("eval('1')", "unknown function 'eval'"),
        ("hasil_krja + 1", "unknown name 'hasil_krja' (did you mean 'hasil_kerja'?)"),
        ("meen(a, b)", "unknown function 'meen' (did you mean 'mean' or 'wmean'?)"),
        ("achievement(a)", "achievement() is missing 'target'"),
        ("achievement(a, b, 1, 2)", "achievement() takes at most 3 arguments"),
        ("achievement(a, b, cop=1)", "achievement() has no argument 'cop' (did you mean 'cap'?)"),
        ("band(a, 'nilia')", "no band table 'nilia' (did you mean 'nilai'?)"),
        ("band(a, unit)", "band()'s second argument must be a table name in quotes"),
        ("mean", "mean is a function; call it like mean(...)"),
        ("a +", "syntax error"),
        ("", "the expression is empty"),
    ],
)
def test_refused_with_reason(source: str, reason: str) -> None:
    assert reason in refused(source).message


def test_offset_points_at_the_problem() -> None:
    # "a + hasil_krja": the bad name starts at column 4
    assert refused("a + hasil_krja").offset == 4


def test_caps_on_length_and_depth() -> None:
    assert "limit is" in refused("1 + " * (MAX_LENGTH // 4) + "1").message
    deep = "-" * (MAX_DEPTH + 2) + "1"
    assert "nested more than" in refused(deep).message
    calls = "abs(" * (MAX_DEPTH + 2) + "a" + ")" * (MAX_DEPTH + 2)
    assert "nested more than" in refused(calls).message


def test_yaml_style_literals() -> None:
    assert evaluate("true and not false") is True
    assert evaluate("coalesce(null, 3)") == 3


def test_runtime_guards_on_power_and_shift() -> None:
    # a column holds numbers as floats (2 is 2.0); round() gives a whole number
    assert (
        failure("a ** b", a=2, b=1000) == "exponent 1000.0 is above the limit of 64 (in `a ** b`)"
    )
    assert failure("10 ** 10 ** 10 ** 20") == (
        "exponent 100000000000000000000 is above the limit of 64 (in `10 ** 10 ** 10 ** 20`)"
    )
    # (2 ** 100) ** 50 = 2 ** 5000: past the largest float (about 2 ** 1024)
    assert failure("a ** b", a=2**100, b=50) == "number too large in `a ** b`"
    # as whole numbers: 101 bits x 50 > 4096 bits
    assert failure("round(a) ** round(b)", a=2**100, b=50) == (
        "power result would be too large (in `round(a) ** round(b)`)"
    )
    assert failure("round(a) << b", a=1, b=1000) == (
        "shift amount must be a whole number from 0 to 64 (in `round(a) << b`)"
    )
    assert evaluate("round(a) << round(b)", a=1, b=10) == 1024  # 1 << 10
    assert evaluate("a ** 2", a=3) == 9


def test_band_lookup_and_boundaries() -> None:
    # min inclusive, max exclusive: 76 is Baik, 75.999 Cukup, 61 Cukup, 60.9 Kurang
    assert [evaluate("band(a, 'nilai')", a=v) for v in (76, 75.999, 61, 60.9)] == [
        "Baik",
        "Cukup",
        "Cukup",
        "Kurang",
    ]
    assert failure("band(a, 'nilai')", a=None) == (
        f"a is missing for this employee, so `band(a, 'nilai')` cannot be computed; {MISSING_HINT}"
    )


def test_float_noise_is_tidied_before_bands() -> None:
    # 0.6 * 55.6 + 0.4 * 69.1 = 33.36 + 27.64 = 61 by hand; in binary floats it is
    # 60.99999999999999, which would fall in 'Kurang'. Steps are tidied to 9 decimals.
    program = compile_steps(
        [
            Step("score", check_expression("0.6 * a + 0.4 * b", SCOPE)),
            Step(
                "p", check_expression("band(score, 'nilai')", SCOPE.with_names({"score": "number"}))
            ),
        ],
        BANDS,
        describe=str,
    )
    got = program.apply(row_frame({"a": 55.6, "b": 69.1}))
    assert got.select("score", "p", "_error").row(0) == (61.0, "Cukup", None)


def test_missing_value_in_arithmetic_fails_the_row() -> None:
    # Python's TypeError (None + 1), in words that name the missing value
    assert failure("a + 1", a=None) == (
        f"a is missing for this employee, so `a + 1` cannot be computed; {MISSING_HINT}"
    )


def test_data_is_read_only() -> None:
    values = {"a": 1.0, "b": 2.0}
    evaluate("mean(a, b) + total([a, b])", **values)
    assert values == {"a": 1.0, "b": 2.0}


def test_intrinsics_fall_back_to_the_library() -> None:
    # mean(a, b, c) inlined: with a None it falls back to the library, which skips it
    assert evaluate("mean(a, b, c)", a=None, b=4, c=5) == 4.5
    # wmean with constant weights inlined: renormalise when a value is missing:
    # (80 * 0.6) / 0.6 = 80
    assert evaluate("wmean([a, b], [0.6, 0.4])", a=80, b=None) == 80
    assert evaluate("wmean([a, b], [0.6, 0.4])", a=80, b=90) == pytest.approx(84)
    # text where wmean needs a number: the library's FunctionError
    assert failure("wmean([unit, b], [0.6, 0.4])", unit="x", b=1) == (
        "wmean: value 1 must be a number, got 'x' (str) (in `wmean([unit, b], [0.6, 0.4])`)"
    )
    assert evaluate("coalesce(a, 7)", a=None) == 7


def test_batch_keeps_going_after_a_bad_row() -> None:
    program = compile_steps([Step("x", check_expression("a / b", SCOPE))], {}, describe=str)
    rows = pl.DataFrame({"a": [1.0, 1.0, 3.0], "b": [2.0, 0.0, 1.0]})
    out = program.apply(rows)
    assert out["x"].to_list() == [0.5, None, 3.0]  # 1 / 2, -, 3 / 1
    assert out["_error"].to_list() == [
        None,
        "not appraised: rule 'x' failed: division by zero in `a / b`",
        None,
    ]


def test_a_step_that_is_not_a_finite_number_fails_its_row() -> None:
    steps = [
        Step("x", check_expression("a / b", SCOPE)),
        Step("y", check_expression("x * c", SCOPE.with_names({"x": "number"}))),
    ]
    program = compile_steps(steps, {}, describe=str)
    rows = pl.DataFrame(
        {"a": [5.0, 1e300, 2.0, 1.0], "b": [1e-320, 1e-10, 1.0, 2.0], "c": [1.0, 1.0, 1e308, 3.0]}
    )
    out = program.apply(rows)
    # 5 / 1e-320 and 1e300 / 1e-10 are past the largest double: inf; 2 / 1 = 2, but
    # 2 * 1e308 is inf too; 1 / 2 * 3 = 1.5
    assert out["y"].to_list() == [None, None, None, 1.5]
    assert out["_error"].to_list() == [
        "not appraised: rule 'x' failed: the result is inf, not a finite number, "
        "from a = 5, b = 1e-320 (in `a / b`)",
        "not appraised: rule 'x' failed: the result is inf, not a finite number, "
        "from a = 1e+300, b = 1e-10 (in `a / b`)",
        "not appraised: rule 'y' failed: the result is inf, not a finite number, "
        "from x = 2, c = 1e+308 (in `x * c`)",
        None,
    ]


# ----------------------------------------------------------------------- simpleeval parity
FUNCS = {name: f.impl for name, f in FUNCTIONS.items()}
FUNCS["band"] = lambda value, table: band_lookup(value, BANDS[table])
EXPRESSIONS = [
    "a + b * c",
    "(a - b) / (abs(c) + 1)",
    "a // (abs(b) + 1) + a % (abs(c) + 1)",
    "mean(a, b, c) * 20",
    "wmean([a, b], [0.6, 0.4])",
    "max(a, b) - min(b, c)",
    "a if a > b else b",
    "a > 0 and b > 0 or c > 0",
    "not a < b",
    "band(clamp(a, 0, 100), 'nilai')",
    "round(a, 2) + round(b)",
    "achievement(abs(a) + 1, abs(b) + 1, 120)",
    "-a + +b",
    "a in [1, 2, 3]",
    "coalesce(a, b) <= c",
]
TIDIED_COMPARISONS = {
    "coalesce(a, b) <= c": lambda a, b, c: (a, c),
    "a > 0 and b > 0 or c > 0": lambda a, b, c: (0.0, 0.0),
}
numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
_COLUMNS: dict[str, tuple[Checked, Column]] = {}


def compiled(source: str) -> tuple[Checked, Column]:
    """The checked expression and its columns, compiled once per source."""
    if source not in _COLUMNS:
        checked = check_expression(source, SCOPE)
        _COLUMNS[source] = (checked, compile_column(checked, BANDS))
    return _COLUMNS[source]


@pytest.mark.parametrize("source", EXPRESSIONS)
@settings(max_examples=12, deadline=None)
@given(rows=st.lists(st.tuples(numbers, numbers, numbers), min_size=1, max_size=40))
def test_columnar_matches_simpleeval(source: str, rows: list[tuple[float, float, float]]) -> None:
    checked, column = compiled(source)
    frame = pl.DataFrame(rows, schema=["a", "b", "c"], orient="row")
    frame = frame.with_columns(pl.col("a").alias("hasil_kerja"), pl.lit("x").alias("unit"))
    got = column.prepare(frame).select(column.value.alias("value"), column.error.alias("error"))
    for names, (value, error) in zip(frame.rows(named=True), got.rows(), strict=True):
        same_as_simpleeval(source, checked, names, value, error)


def same_as_simpleeval(
    source: str, checked: Checked, names: dict[str, object], got: object, error: str | None
) -> None:
    """One row: the columnar value and failure words against simpleeval's."""
    a, b, c = names["a"], names["b"], names["c"]
    reference = EvalWithCompoundTypes(functions=FUNCS, names=names)
    try:
        expected: object = reference.eval(source)
    except (ArithmeticError, FunctionError) as exc:
        assert (got, error) == (None, failure_words(exc, checked, names)), names
        return
    assert error is None, (names, error)
    if isinstance(expected, float) and isinstance(got, (int, float)):
        # the engine tidies numeric results to 9 decimals
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-8)
    elif got != expected and source in TIDIED_COMPARISONS:
        # the engine compares computed numbers tidied to 9 decimals, as people do;
        # simpleeval compares raw floats, so they may differ only at a near-tie
        left, right = TIDIED_COMPARISONS[source](a, b, c)
        assert abs(left - right) <= 1e-9
    else:
        assert got == expected


def test_computed_numbers_are_compared_tidied() -> None:
    # mean(1.0, 2.8, 4.6, 3.6) = 12 / 4 = 3 by hand; in floats the sum is 11.999999999999998
    assert evaluate("mean(a, b, c, 3.6) < 3", a=1.0, b=2.8, c=4.6) is False
    assert evaluate("mean([a, b, c, 3.6]) < 3", a=1.0, b=2.8, c=4.6) is False
    # 0.3 * 42.8 + 0.7 * 68.8 = 12.84 + 48.16 = 61 by hand -> Baik (>= 61)
    assert evaluate("band(wmean([a, b], [0.3, 0.7]) + 15, 'nilai')", a=42.8, b=68.8) == "Baik"


def test_number_limits_in_expressions() -> None:
    assert "larger than" in refused("1e999 + a").message
    assert failure("a ** 0.5", a=-8) == (
        "-8.0 ** 0.5 has no real value (a negative number to a fractional power) (in `a ** 0.5`)"
    )
    assert "needs numbers, got true/false" in refused("mean(a > 0, 3)").message
    deep = "-" * 600 + "1"
    assert "nested more than" in refused(deep).message


def test_growing_whole_numbers_are_stopped_between_steps() -> None:
    scope = Scope({"a": "number"})
    steps = [Step("c0", check_expression("round(a) ** 60", scope))]
    for i in range(1, 6):
        scope = scope.with_names({f"c{i - 1}": "number"})
        steps.append(Step(f"c{i}", check_expression(f"c{i - 1} * c{i - 1}", scope)))
    program = compile_steps(steps, {}, describe=str)
    # (10**5) ** 60 = 10**300 is a whole number a double holds; squared, 10**600 is past
    # the largest double (about 1.8 x 10**308): the chain stops at c1
    got = program.apply(row_frame({"a": 10**5})).row(0, named=True)
    assert got["c0"] == 1e300 and got["c1"] is None
    assert got["_error"] == "not appraised: rule 'c1' failed: number too large in `c0 * c0`"


def _compiled_size(source: str) -> int:
    """Characters in the polars expressions of one compiled expression, parts included."""
    column = compile_column(check_expression(source, SCOPE), BANDS)
    parts = [column.value, column.error, *(e for _, e in column.bindings)]
    return sum(len(str(e)) for e in parts)


@pytest.mark.parametrize("template", ["({}) ** 1", "achievement({}, 50, 100)", "round({}) // 2"])
def test_a_compiled_expression_grows_with_its_length_not_its_depth(template: str) -> None:
    # an operator reads its operand many times (its value, its checks, its words); each
    # part is a column of its own, so nesting 8 deep costs twice nesting 4 deep, not
    # the operator's fan-out to the 8th power
    def nested(depth: int) -> str:
        source = "a"
        for _ in range(depth):
            source = template.format(source)
        return source

    four, eight = _compiled_size(nested(4)), _compiled_size(nested(8))
    assert eight < 2.5 * four
    value, error = evaluate_one(check_expression(nested(8), SCOPE), BANDS, {"a": 1.5})
    assert error is None and isinstance(value, float)

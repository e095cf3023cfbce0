"""Tests for kinerja.functions, the library rule expressions may call.

Expected values are computed by hand; the arithmetic is in the comment above each assertion.
"""

from __future__ import annotations

import ast
import dataclasses
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kinerja.functions as fx

EXPECTED_NAMES = {
    "achievement",
    "achievement_inverse",
    "achievement_range",
    "mean",
    "wmean",
    "total",
    "count",
    "coalesce",
    "clamp",
    "round",
    "min",
    "max",
    "abs",
    "predikat_matrix",
    "pp46_time_cost",
    "pp46_skp",
    "ikm",
    "ikm_grade",
    "jpm",
    "jpm_band",
    "gap",
}


def raises(match: str) -> pytest.RaisesContext:  # type: ignore[type-arg]
    """Shorthand: expect a FunctionError whose message contains ``match`` (a regex)."""
    return pytest.raises(fx.FunctionError, match=match)


# --------------------------------------------------------------------------- registry


def test_registry_holds_exactly_the_documented_functions() -> None:
    assert set(fx.FUNCTIONS) == EXPECTED_NAMES
    assert "band_lookup" not in fx.FUNCTIONS


def test_registered_names_point_at_the_python_functions() -> None:
    assert fx.FUNCTIONS["round"].impl is fx.round_half_up
    assert fx.FUNCTIONS["min"].impl is fx.minimum
    assert fx.FUNCTIONS["max"].impl is fx.maximum
    assert fx.FUNCTIONS["abs"].impl is fx.abs_value
    assert fx.FUNCTIONS["total"].impl is fx.total


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_descriptor_is_well_formed(name: str) -> None:
    func = fx.FUNCTIONS[name]
    assert func.name == name
    assert func.returns in fx.TYPES
    assert func.params, "every function describes its parameters"
    assert all(p.type in fx.TYPES for p in func.params)
    assert func.doc.strip() and func.example.strip()
    if func.variadic:
        assert len(func.params) == 1


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_example_evaluates_to_example_result(name: str) -> None:
    func = fx.FUNCTIONS[name]
    call = ast.parse(func.example, mode="eval").body
    assert isinstance(call, ast.Call)
    assert isinstance(call.func, ast.Name) and call.func.id == name
    args = [ast.literal_eval(arg) for arg in call.args]
    kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
    result = func.impl(*args, **kwargs)
    # results keep full float precision (the compiler tidies where values are named)
    assert (
        result == pytest.approx(func.example_result)
        if isinstance(func.example_result, float)
        else result == func.example_result
    )
    assert type(result) is type(func.example_result)


def test_descriptor_signature_and_arity() -> None:
    ach = fx.FUNCTIONS["achievement"]
    assert ach.signature == "achievement(realised, target, cap=120)"
    assert (ach.min_args, ach.max_args) == (2, 3)
    mean = fx.FUNCTIONS["mean"]
    assert mean.signature == "mean(*values)"
    assert (mean.min_args, mean.max_args) == (0, None)
    assert fx.FUNCTIONS["wmean"].params[2].default == "renormalise"
    assert fx.FUNCTIONS["wmean"].params[0].default is fx.REQUIRED


def test_param_and_function_are_frozen() -> None:
    param = fx.Param("x", "number")
    assert param.required and repr(param.default) == "REQUIRED"
    assert not fx.Param("y", "number", 0).required
    with pytest.raises(dataclasses.FrozenInstanceError):
        param.name = "z"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fx.FUNCTIONS["mean"].doc = "x"  # type: ignore[misc]


def test_register_refuses_inconsistent_descriptors() -> None:
    before = dict(fx.FUNCTIONS)

    def one(a: object) -> object:
        return a

    with pytest.raises(ValueError, match="registered twice"):
        fx.register(
            "mean",
            params=(fx.Param("a", "any"),),
            returns="any",
            doc="d",
            example="mean(1)",
            example_result=1,
        )(one)
    with pytest.raises(ValueError, match="unknown type"):
        fx.register(
            "_t1",
            params=(fx.Param("a", "integer"),),
            returns="any",
            doc="d",
            example="_t1(1)",
            example_result=1,
        )(one)
    with pytest.raises(TypeError, match="do not match"):
        fx.register(
            "_t2",
            params=(fx.Param("b", "any"),),
            returns="any",
            doc="d",
            example="_t2(1)",
            example_result=1,
        )(one)
    with pytest.raises(TypeError, match="default"):
        fx.register(
            "_t3",
            params=(fx.Param("a", "any", 5),),
            returns="any",
            doc="d",
            example="_t3(1)",
            example_result=1,
        )(one)
    with pytest.raises(TypeError, match="variadic"):
        fx.register(
            "_t4",
            params=(fx.Param("a", "any"),),
            returns="any",
            doc="d",
            example="_t4(1)",
            example_result=1,
            variadic=True,
        )(one)
    assert fx.FUNCTIONS == before


def test_function_error_is_a_value_error() -> None:
    assert issubclass(fx.FunctionError, ValueError)


# --------------------------------------------------------------------------- achievement


def test_achievement_normal() -> None:
    # 95 / 100 * 100 = 95.0
    assert fx.achievement(95, 100) == 95.0
    # 45 / 50 * 100 = 90.0
    assert fx.achievement(45, 50) == 90.0
    # 0.57 / 1 * 100 = 57.0 exactly (no 56.99999999999999 float artifact)
    assert fx.achievement(0.57, 1) == pytest.approx(57.0)


def test_achievement_cap_and_floor() -> None:
    # 130 / 100 * 100 = 130 -> capped at 120
    assert fx.achievement(130, 100) == 120.0
    # 130 / 100 * 100 = 130, cap 150 leaves it alone
    assert fx.achievement(130, 100, 150) == 130.0
    # 110 / 100 * 100 = 110 -> capped at 100
    assert fx.achievement(110, 100, cap=100) == 100.0
    # -5 / 100 * 100 = -5 -> floored at 0
    assert fx.achievement(-5, 100) == 0.0


def test_achievement_errors() -> None:
    with raises("^achievement: realised value is missing"):
        fx.achievement(None, 100)
    with raises("^achievement: target value is missing"):
        fx.achievement(95, None)
    with raises("target must be above zero, got 0"):
        fx.achievement(95, 0)
    with raises("target must be above zero"):
        fx.achievement(95, -10)
    with raises("realised value must be a number, got 'abc'"):
        fx.achievement("abc", 100)
    with raises("realised value must be a number"):
        fx.achievement(True, 100)
    with raises("must be a finite number"):
        fx.achievement(float("nan"), 100)
    with raises("cap must be above zero"):
        fx.achievement(95, 100, 0)


def test_achievement_inverse() -> None:
    # (1 + (1 - 9/10)) * 100 = (1 + 0.1) * 100 = 110.0
    assert fx.achievement_inverse(9, 10) == pytest.approx(110.0)
    # (1 + (1 - 10/10)) * 100 = 100.0
    assert fx.achievement_inverse(10, 10) == 100.0
    # (1 + (1 - 12/10)) * 100 = (1 - 0.2) * 100 = 80.0
    assert fx.achievement_inverse(12, 10) == 80.0
    # (1 + (1 - 5/10)) * 100 = 150 -> capped at 120
    assert fx.achievement_inverse(5, 10) == 120.0
    # (1 + (1 - 5/10)) * 100 = 150, cap 200 leaves it alone
    assert fx.achievement_inverse(5, 10, 200) == 150.0
    # (1 + (1 - 25/10)) * 100 = (1 - 1.5) * 100 = -50 -> floored at 0
    assert fx.achievement_inverse(25, 10) == 0.0


def test_achievement_inverse_errors() -> None:
    with raises("^achievement_inverse: realised value is missing"):
        fx.achievement_inverse(None, 10)
    with raises("^achievement_inverse: target must be above zero"):
        fx.achievement_inverse(5, 0)


def test_achievement_range() -> None:
    # 7 lies inside [5, 10] -> 100
    assert fx.achievement_range(7, 5, 10) == 100.0
    # both bounds are inside the range -> 100
    assert fx.achievement_range(5, 5, 10) == 100.0
    assert fx.achievement_range(10, 5, 10) == 100.0
    # above: 11 / 10 * 100 = 110.0
    assert fx.achievement_range(11, 5, 10) == pytest.approx(110.0)
    # above: 15 / 10 * 100 = 150 -> capped at 120
    assert fx.achievement_range(15, 5, 10) == 120.0
    # above: 15 / 10 * 100 = 150, cap 200 leaves it alone
    assert fx.achievement_range(15, 5, 10, 200) == 150.0
    # below: 4 / 5 * 100 = 80.0
    assert fx.achievement_range(4, 5, 10) == 80.0
    # below: -1 / 5 * 100 = -20 -> floored at 0
    assert fx.achievement_range(-1, 5, 10) == 0.0
    # below a range starting at 0 only happens for negatives -> 0
    assert fx.achievement_range(-1, 0, 5) == 0.0
    # a degenerate range [8, 8]: 8 inside -> 100
    assert fx.achievement_range(8, 8, 8) == 100.0


def test_achievement_range_errors() -> None:
    with raises("lower bound 10 is above upper bound 5; swap them"):
        fx.achievement_range(7, 10, 5)
    with raises("range must lie above zero"):
        fx.achievement_range(7, -1, 5)
    with raises("range must lie above zero"):
        fx.achievement_range(7, 0, 0)
    with raises("^achievement_range: realised value is missing"):
        fx.achievement_range(None, 5, 10)
    with raises("^achievement_range: upper bound is missing"):
        fx.achievement_range(7, 5, None)


# --------------------------------------------------------------------------- aggregates


def test_mean() -> None:
    # (80 + 90) / 2 = 85.0, None skipped
    assert fx.mean(80, None, 90) == 85.0
    # single list: (70 + 80) / 2 = 75.0
    assert fx.mean([70, 80, None]) == 75.0
    # tuple works the same: (1 + 2 + 4) / 3 = 2.333...
    assert fx.mean((1, 2, 4)) == pytest.approx(7 / 3)
    # (0.1 + 0.2) / 2 = 0.15 exactly
    assert fx.mean(0.1, 0.2) == pytest.approx(0.15)
    # a single number: 42 / 1 = 42.0
    assert fx.mean(42) == 42.0
    assert fx.mean(None, None) is None
    assert fx.mean() is None
    assert fx.mean([]) is None


def test_mean_errors() -> None:
    with raises("value 1 is a list; pass either one list or several numbers"):
        fx.mean([1, 2], 3)
    with raises("^mean: value 2 must be a number, got 'x'"):
        fx.mean(1, "x")
    with raises("more than the limit of 10000"):
        fx.mean([1] * 10_001)
    # 10_000 ones: 10000 / 10000 = 1.0, the limit itself is allowed
    assert fx.mean([1] * 10_000) == 1.0


def test_wmean_renormalise() -> None:
    # (80*0.6 + 90*0.4) / (0.6 + 0.4) = (48 + 36) / 1 = 84.0
    assert fx.wmean([80, 90], [0.6, 0.4]) == 84.0
    # weights need not sum to 1: (80*3 + 90*1) / 4 = 330 / 4 = 82.5
    assert fx.wmean((80, 90), (3, 1)) == 82.5
    # None dropped: (80*0.5 + 90*0.2) / (0.5 + 0.2) = 58 / 0.7 = 82.857142...
    assert fx.wmean([80, None, 90], [0.5, 0.3, 0.2]) == pytest.approx(580 / 7)
    # nothing left -> missing
    assert fx.wmean([None, None], [1, 1]) is None
    # the only present value has weight 0 -> no weighted information -> missing
    assert fx.wmean([None, 5], [1, 0]) is None


def test_wmean_zero_and_incomplete() -> None:
    # None counts as 0: (80*0.5 + 0*0.3 + 90*0.2) / 1.0 = (40 + 0 + 18) / 1 = 58.0
    assert fx.wmean([80, None, 90], [0.5, 0.3, 0.2], "zero") == 58.0
    # all None as zero: 0 / 2 = 0.0
    assert fx.wmean([None, None], [1, 1], "zero") == 0.0
    assert fx.wmean([80, None, 90], [0.5, 0.3, 0.2], "incomplete") is None
    # complete: (80*0.5 + 70*0.3 + 90*0.2) / 1.0 = 40 + 21 + 18 = 79.0
    assert fx.wmean([80, 70, 90], [0.5, 0.3, 0.2], "incomplete") == 79.0


def test_wmean_errors() -> None:
    with raises("2 values but 3 weights"):
        fx.wmean([1, 2], [1, 1, 1])
    with raises("weight 2 is negative"):
        fx.wmean([1, 2], [1, -1])
    with raises("all weights are zero"):
        fx.wmean([1, 2], [0, 0])
    with raises("missing must be one of 'renormalise', 'zero', 'incomplete'"):
        fx.wmean([1, 2], [1, 1], "drop")
    with raises("^wmean: weight 1 is missing"):
        fx.wmean([1, 2], [None, 1])
    with raises("^wmean: values must be a list"):
        fx.wmean(5, [1])
    with raises("^wmean: value 2 must be a number"):
        fx.wmean([1, "a"], [1, 1])
    with raises("more than the limit"):
        fx.wmean([1] * 10_001, [1] * 10_001)


def test_arguments_are_not_mutated() -> None:
    values, weights = [80, None, 90], [0.5, 0.3, 0.2]
    fx.wmean(values, weights)
    fx.mean(values)
    fx.jpm([3, 4], [3, 3])
    assert values == [80, None, 90] and weights == [0.5, 0.3, 0.2]


def test_total_and_count() -> None:
    # 10 + 5 = 15, None skipped, stays an int
    assert fx.total(10, None, 5) == 15
    assert isinstance(fx.total(10, None, 5), int)
    # 0.1 + 0.2 = 0.3 exactly
    assert fx.total(0.1, 0.2) == pytest.approx(0.3)
    # list: 1 + 2 + 3 = 6
    assert fx.total([1, 2, None, 3]) == 6
    # nothing to add: 0
    assert fx.total(None, None) == 0
    assert fx.total() == 0
    with raises("^total: value 1 must be a number"):
        fx.total("7")
    # 10 and 5 are present, None is not: 2
    assert fx.count(10, None, 5) == 2
    assert fx.count([None, None]) == 0
    assert fx.count() == 0
    # count works on any value: "a" and 0 are present
    assert fx.count("a", None, 0) == 2
    with raises("more than the limit"):
        fx.count([1] * 10_001)


def test_coalesce() -> None:
    assert fx.coalesce(None, 70) == 70
    # 0 is a value, not a missing one
    assert fx.coalesce(None, 0, 5) == 0
    assert fx.coalesce(None, "x") == "x"
    assert fx.coalesce(None, None) is None
    assert fx.coalesce() is None
    # a list result comes back as a tuple, never a mutable list
    assert fx.coalesce(None, [1, 2]) == (1, 2)


def test_min_and_max() -> None:
    assert fx.minimum(80, None, 75) == 75
    assert fx.maximum(80, None, 75) == 80
    assert fx.minimum([3.5, None, -1]) == -1
    assert fx.maximum((3.5, None, -1)) == 3.5
    assert fx.minimum(None) is None
    assert fx.maximum() is None
    with raises("^max: value 2 must be a number"):
        fx.maximum(1, "2")


# --------------------------------------------------------------------------- transformations


def test_clamp() -> None:
    assert fx.clamp(130, 0, 120) == 120
    assert fx.clamp(-5, 0, 120) == 0
    assert fx.clamp(50, 0, 120) == 50
    assert fx.clamp(0, 0, 120) == 0
    assert fx.clamp(None, 0, 120) is None
    with raises("lower limit 5 is above upper limit 1; swap them"):
        fx.clamp(3, 5, 1)
    with raises("^clamp: lower limit is missing"):
        fx.clamp(3, None, 1)


def test_round_half_up() -> None:
    # half goes up: 2.5 -> 3 (Python's round gives 2)
    assert fx.round_half_up(2.5) == 3
    assert isinstance(fx.round_half_up(2.5), int)
    # 3.5 -> 4, 2.4 -> 2
    assert fx.round_half_up(3.5) == 4
    assert fx.round_half_up(2.4) == 2
    # 2.45 at 1 digit: the 5 rounds up -> 2.5 (binary 2.4500000000000001776 is ignored)
    assert fx.round_half_up(2.45, 1) == 2.5
    # 2.675 at 2 digits -> 2.68 (Python's round gives 2.67)
    assert fx.round_half_up(2.675, 2) == 2.68
    # 1.005 at 2 digits -> 1.01
    assert fx.round_half_up(1.005, 2) == 1.01
    # negative halves round away from zero: -2.5 -> -3
    assert fx.round_half_up(-2.5) == -3
    # tens: 1235 -> 1240, 1234 -> 1230
    assert fx.round_half_up(1235, -1) == 1240
    assert fx.round_half_up(1234, -1) == 1230
    # an int with digits >= 0 is already rounded
    assert fx.round_half_up(7, 2) == 7
    # digits given as 2.0 is accepted: 3.14159 -> 3.14
    assert fx.round_half_up(3.14159, 2.0) == 3.14
    assert fx.round_half_up(None, 2) is None


def test_round_errors() -> None:
    with raises("^round: digits must be a whole number"):
        fx.round_half_up(2.5, 1.5)
    with raises("digits must be between -20 and 20"):
        fx.round_half_up(2.5, 21)
    with raises("^round: value must be a number"):
        fx.round_half_up("2.5")


def test_abs_and_gap() -> None:
    assert fx.abs_value(-3.5) == 3.5
    assert fx.abs_value(4) == 4
    assert fx.abs_value(None) is None
    # 95 - 100 = -5
    assert fx.gap(95, 100) == -5
    # 120 - 100 = 20
    assert fx.gap(120, 100) == 20
    # 0.3 - 0.1 = 0.2 exactly
    assert fx.gap(0.3, 0.1) == pytest.approx(0.2)
    assert fx.gap(None, 100) is None
    assert fx.gap(95, None) is None
    with raises("^gap: target value must be a number"):
        fx.gap(95, "100")


# --------------------------------------------------------------------------- properties

finite = st.floats(allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
positive = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False)


@given(realised=finite, target=positive, cap=positive)
def test_achievement_within_zero_and_cap(realised: float, target: float, cap: float) -> None:
    for result in (
        fx.achievement(realised, target, cap),
        fx.achievement_inverse(realised, target, cap),
    ):
        assert 0 <= result <= cap


@given(realised=moderate, low=positive, width=st.floats(min_value=0, max_value=1e9), cap=positive)
def test_achievement_range_within_zero_and_cap(
    realised: float, low: float, width: float, cap: float
) -> None:
    result = fx.achievement_range(realised, low, low + width, cap)
    assert 0 <= result <= cap


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), moderate),
            st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_subnormal=False),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_wmean_renormalise_between_min_and_max(pairs: list[tuple[float | None, float]]) -> None:
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    if not any(weights):
        with raises("all weights are zero"):
            fx.wmean(values, weights)
        return
    result = fx.wmean(values, weights)
    weighted_present = [v for v, w in pairs if v is not None and w > 0]
    if not weighted_present:
        assert result is None
        return
    assert result is not None
    # Results are tidied to 9 decimals (fx.DECIMALS), so allow that much slack.
    slack = 10**-fx.DECIMALS + 1e-12 * max(abs(v) for v in weighted_present)
    assert min(weighted_present) - slack <= result <= max(weighted_present) + slack


@given(st.lists(st.one_of(st.none(), moderate), max_size=30))
def test_mean_between_min_and_max(values: list[float | None]) -> None:
    present = [v for v in values if v is not None]
    result = fx.mean(values)
    if not present:
        assert result is None
    else:
        slack = 10**-fx.DECIMALS + 1e-12 * max(abs(v) for v in present)
        assert result is not None and min(present) - slack <= result <= max(present) + slack


@given(
    value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    digits=st.integers(min_value=-3, max_value=8),
)
def test_round_half_up_matches_decimal(value: float, digits: int) -> None:
    expected = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    result = fx.round_half_up(value, digits)
    if digits <= 0:
        assert isinstance(result, int) and result == int(expected)
    else:
        assert isinstance(result, float) and result == float(expected)
    # and it never moves the value by more than half a unit of the last kept digit
    assert abs(Decimal(repr(result)) - Decimal(repr(value))) <= Decimal(5).scaleb(-digits - 1)

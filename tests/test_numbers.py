"""The engine's number semantics: every kernel equals its Python expression, element by element."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja import numbers
from kinerja.functions import DECIMALS
from kinerja.functions import round_half_up as library_round
from kinerja.numbers import (
    fixed,
    format_fixed,
    format_general,
    format_percent,
    format_repr,
    general,
    ordered_sum,
    percent,
    round_correct,
    round_half_up,
    round_half_up_array,
    shown,
    tidy,
    tidy_array,
)

INF, NAN = float("inf"), float("nan")
SPECIAL = [0.0, -0.0, INF, -INF, NAN, 5e-324, -5e-324, 1.7976931348623157e308, 2.0**53, 2.0**62]


# ---------------------------------------------------------------- value strategies


def _nudged(value: float, ulps: int) -> float:
    """``value`` moved by ``ulps`` units in the last place (either way)."""
    toward = INF if ulps > 0 else -INF
    for _ in range(abs(ulps)):
        value = float(np.nextafter(value, toward))
    return value


wide = st.floats(allow_nan=True, allow_infinity=True)
moderate = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False)
few_decimals = st.builds(lambda n, k: n / 10**k, st.integers(-(10**12), 10**12), st.integers(0, 12))
near_ninth = st.builds(  # k / 10**9 and (k + 1/2) / 10**9, a few ulps either side
    lambda k, half, ulps: _nudged((2 * k + half) / 2e9, ulps),
    st.integers(-(10**13), 10**13),
    st.sampled_from([0, 1]),
    st.integers(-3, 3),
)
tenth_five = st.builds(  # x.xxxxxxxxx5: ten decimals ending in 5, a tie at nine
    lambda m: (10 * m + 5) / 10**10, st.integers(-(10**14), 10**14)
)
decimal_ties = st.builds(  # m + 1/2 at 0 to 6 places, e.g. 2.675 at two places
    lambda m, k: (2 * m + 1) / (2 * 10**k), st.integers(-(10**9), 10**9), st.integers(0, 6)
)
scores = st.one_of(wide, moderate, few_decimals, near_ninth, tenth_five, decimal_ties)
batches = st.lists(scores, min_size=1, max_size=40)


def _same(got: list[float], want: list[float]) -> None:
    """Equal floats, nan equal to nan, and the sign of zero compared too."""
    assert [repr(v) for v in got] == [repr(v) for v in want]


def _python_half_up(value: float, digits: int) -> float:
    if value != value or value in (INF, -INF):
        return value
    with localcontext() as ctx:
        ctx.prec = 400
        step = Decimal(1).scaleb(-digits)
        return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------- hand-computed examples


def test_tidy_hand_computed() -> None:
    values = np.array([0.1 + 0.2, 60.99999999999999, 0.6 * 55.6 + 0.4 * 69.1, 1.0000000005])
    # 0.1 + 0.2 = 0.30000000000000004 -> 0.3;  60.99999999999999 is 61 to nine places;
    # 0.6 * 55.6 + 0.4 * 69.1 = 33.36 + 27.64 = 61 by hand;
    # the double 1.0000000005 is 1.00000000050000004137... above the tie -> 1.000000001
    # (polars' own .round(9) gives 1.0 here).
    assert tidy_array(values).tolist() == [0.3, 61.0, 61.0, 1.000000001]
    # 1.5e-9 is 1.49999999999999999002e-9 (below the tie) -> 1e-9;
    # 2.5e-9 is 2.50000000000000005231e-9 (above) -> 3e-9; a plain tie 0.5 -> 0 (even).
    assert tidy_array(np.array([1.5e-9, 2.5e-9, -1.5e-9])).tolist() == [1e-9, 3e-9, -1e-9]
    # 324843800000 / 10**9 = 324.8438 (polars' scalar division gives 324.84380000000004)
    assert tidy_array(np.array([324.8438000000001])).tolist() == [324.8438]


def test_tidy_special_values_as_python_round() -> None:
    got = tidy_array(np.array(SPECIAL + [-1e-12, 12345678.123456789]))
    _same(got.tolist(), [round(v, DECIMALS) for v in SPECIAL + [-1e-12, 12345678.123456789]])
    assert repr(tidy_array(np.array([-1e-12])).tolist()[0]) == "-0.0"  # a negative rounding to zero


def test_round_correct_is_the_integer_before_dividing() -> None:
    # ties to even on exact values: 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, 0.5 -> 0
    assert round_correct(np.array([2.5, 3.5, -2.5, 0.5]), 0).tolist() == [2, 4, -2, 0]
    # 1.0000000005 * 10**9 = 1000000000.5000000413... -> 1000000001 (not a tie)
    assert round_correct(np.array([1.0000000005]), 9).tolist() == [1000000001]
    # negative places: 1250 / 100 = 12.5 -> 12 (even); 1350 / 100 = 13.5 -> 14; 1251 -> 13
    assert round_correct(np.array([1250.0, 1350.0, 1251.0]), -2).tolist() == [12, 14, 13]


def test_round_half_up_hand_computed() -> None:
    values = np.array([2.675, 2.5, -2.5, 0.125, 1.005])
    # repr 2.675 is a tie at two places -> 2.68 (the double is 2.67499999...; round() gives
    # 2.67); 2.5 -> 3.0 and -2.5 -> -3.0 (away from zero); 0.125 -> 0.13; 1.005 -> 1.01.
    assert round_half_up_array(values, 2).tolist() == [2.68, 2.5, -2.5, 0.13, 1.01]
    assert round_half_up_array(values, 0).tolist() == [3.0, 3.0, -3.0, 0.0, 1.0]
    # round(2.45, 1) -> 2.5, the library's own worked example; 1250 to hundreds -> 1300
    assert round_half_up_array(np.array([2.45]), 1).tolist() == [2.5]
    assert round_half_up_array(np.array([1250.0]), -2).tolist() == [1300.0]


def test_text_hand_computed() -> None:
    values = np.array([2.675, 0.125, 0.375, -0.001, 1234567.0, 0.285])
    # 2.675 is 2.67499.. -> 2.67; 0.125 is an exact tie -> 0.12 (even); 0.375 -> 0.38
    assert format_fixed(values, 2).to_list() == [
        "2.67",
        "0.12",
        "0.38",
        "-0.00",
        "1234567.00",
        "0.28",
    ]
    # 0.125 * 100 = 12.5 (a tie) -> 12%; 0.285 * 100 = 28.499999999999996 -> 28%
    assert format_percent(values[[1, 5]], 0).to_list() == ["12%", "28%"]
    # six significant digits: 1234567 -> 1.23457e+06; 0.00001 -> 1e-05; 100.0 -> 100
    general_values = np.array([1234567.0, 0.00001, 100.0, 0.0001, -5.0, 0.0, 123456.5])
    assert format_general(general_values).to_list() == [
        "1.23457e+06",
        "1e-05",
        "100",
        "0.0001",
        "-5",
        "0",
        "123456",  # 123456.5: tie, even
    ]
    assert format_general(np.array([5.0, -5.0, 0.0, NAN]), plus=True).to_list() == [
        "+5",
        "-5",
        "+0",
        "+nan",
    ]
    assert format_repr(np.array([1e16, 1e-5, 2.5e-7, NAN, -0.0, 0.1 + 0.2, 3.0])).to_list() == [
        "1e+16",
        "1e-05",
        "2.5e-07",
        "nan",
        "-0.0",
        "0.30000000000000004",
        "3.0",
    ]


# ---------------------------------------------------------------- properties: the kernels


@settings(max_examples=150, deadline=None)
@given(batches)
def test_tidy_array_is_python_round(values: list[float]) -> None:
    _same(tidy_array(np.array(values)).tolist(), [round(v, DECIMALS) for v in values])


@settings(max_examples=120, deadline=None)
@given(batches, st.integers(-12, 22))
def test_round_correct_is_the_exact_nearest_integer(values: list[float], digits: int) -> None:
    got = round_correct(np.array(values), digits)
    for value, n in zip(values, got.tolist(), strict=True):
        if value != value or value in (INF, -INF):
            assert repr(n) == repr(value * 1.0)
            continue
        exact = Fraction(value) * Fraction(10) ** digits
        if abs(exact) < 2**53:
            assert n == round(exact), (value, digits)  # Fraction rounds half to even
            assert round(value, digits) == float(round(exact) / Fraction(10) ** digits)


@settings(max_examples=150, deadline=None)
@given(batches, st.integers(-20, 20))
def test_round_half_up_array_is_the_library_round(values: list[float], digits: int) -> None:
    got = round_half_up_array(np.array(values), digits).tolist()
    _same(got, [_python_half_up(v, digits) for v in values])
    finite = [(v, g) for v, g in zip(values, got, strict=True) if abs(v) < INF]
    for value, rounded in finite:  # the same number the function of the rules returns
        assert rounded == float(library_round(value, digits))


@settings(max_examples=120, deadline=None)
@given(batches, st.integers(0, 17))
def test_format_fixed_is_python_format(values: list[float], digits: int) -> None:
    want = [format(v, f".{digits}f") for v in values]
    assert format_fixed(np.array(values), digits).to_list() == want


@settings(max_examples=100, deadline=None)
@given(batches, st.integers(0, 3))
def test_format_percent_is_python_format(values: list[float], digits: int) -> None:
    want = [format(v, f".{digits}%") for v in values]
    assert format_percent(np.array(values), digits).to_list() == want


@settings(max_examples=150, deadline=None)
@given(batches, st.booleans())
def test_format_general_is_python_format(values: list[float], plus: bool) -> None:
    want = [format(v, "+g" if plus else "g") for v in values]
    assert format_general(np.array(values), plus).to_list() == want


@settings(max_examples=150, deadline=None)
@given(batches)
def test_format_repr_is_python_str(values: list[float]) -> None:
    assert format_repr(np.array(values)).to_list() == [str(v) for v in values]


# ---------------------------------------------------------------- properties: the front ends


def _column(values: list[float | None], expr: pl.Expr) -> list[object]:
    """``expr`` over a column, in a LazyFrame."""
    frame = pl.LazyFrame({"x": values}, schema={"x": pl.Float64})
    return frame.select(expr.alias("out")).collect()["out"].to_list()


nullable = st.lists(st.one_of(st.none(), scores), min_size=1, max_size=30)


def _shown_python(value: float) -> str:
    text = str(value)
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text


@settings(max_examples=60, deadline=None)
@given(nullable, st.integers(0, 4), st.booleans())
def test_front_ends_keep_nulls_and_equal_python(
    values: list[float | None], digits: int, plus: bool
) -> None:
    x = pl.col("x")

    def each(fn):  # the Python expression of each value, None for null
        return [None if v is None else fn(v) for v in values]

    _same_or_none(_column(values, tidy(x)), each(lambda v: round(v, DECIMALS)))
    _same_or_none(
        _column(values, round_half_up(x, digits)), each(lambda v: _python_half_up(v, digits))
    )
    assert _column(values, fixed(x, digits)) == each(lambda v: format(v, f".{digits}f"))
    assert _column(values, percent(x, digits)) == each(lambda v: format(v, f".{digits}%"))
    assert _column(values, general(x, plus)) == each(lambda v: format(v, "+g" if plus else "g"))
    assert _column(values, shown(x)) == each(_shown_python)


def _same_or_none(got: list[object], want: list[object]) -> None:
    assert [repr(v) for v in got] == [repr(v) for v in want]


def test_front_ends_in_eager_lazy_and_streaming_frames() -> None:
    frame = pl.DataFrame({"x": [1.0000000005, None, 2.675, 3.0], "n": [1, None, 3, 10**16]})
    expressions = [
        tidy(pl.col("x")).alias("tidy"),
        round_half_up(pl.col("x"), 2).alias("half_up"),
        fixed(pl.col("x"), 1).alias("fixed"),
        shown(pl.col("x")).alias("shown"),
        shown(pl.col("n")).alias("shown_int"),
    ]
    eager = frame.with_columns(expressions)
    lazy = frame.lazy().with_columns(expressions).collect()
    streaming = frame.lazy().with_columns(expressions).collect(engine="streaming")
    assert eager.equals(lazy) and eager.equals(streaming)
    assert eager["tidy"].to_list() == [1.000000001, None, 2.675, 3.0]
    assert eager["half_up"].to_list() == [1.0, None, 2.68, 3.0]
    assert eager["fixed"].to_list() == ["1.0", None, "2.7", "3.0"]
    assert eager["shown"].to_list() == ["1.0000000005", None, "2.675", "3"]
    assert eager["shown_int"].to_list() == ["1", None, "3", "10000000000000000"]
    assert eager.schema["tidy"] == pl.Float64 and eager.schema["shown"] == pl.String


def test_shown_drops_only_a_whole_numbers_point_zero() -> None:
    values = [3.0, -0.0, 2.5, 1e16, 1e15, -7.0, 1e-05, INF, NAN]
    # 3.0 -> "3", -0.0 -> "0", 1e15 -> "1000000000000000"; 1e16 stays "1e+16" as str() has it
    assert _column(values, shown(pl.col("x"))) == [
        "3",
        "0",
        "2.5",
        "1e+16",
        "1000000000000000",
        "-7",
        "1e-05",
        "inf",
        "nan",
    ]


def test_front_ends_work_per_group() -> None:
    frame = pl.DataFrame({"g": [1, 1, 2], "x": [1.5e-9, None, 2.5e-9]})
    out = frame.group_by("g", maintain_order=True).agg(tidy(pl.col("x")))
    assert out["x"].to_list() == [[1e-9, None], [3e-9]]


# ---------------------------------------------------------------- summation order


def test_ordered_sum_adds_left_to_right() -> None:
    frame = pl.DataFrame({"a": [0.1, -0.0], "b": [0.2, -0.0], "c": [0.3, -0.0]})
    terms = [pl.col("a"), pl.col("b"), pl.col("c")]
    # (0.1 + 0.2) + 0.3 = 0.30000000000000004 + 0.3 = 0.6000000000000001;
    # (0.3 + 0.2) + 0.1 = 0.5 + 0.1 = 0.6; the loop starts at 0.0, so -0.0 terms give 0.0
    forward = frame.select(ordered_sum(terms)).to_series().to_list()
    backward = frame.select(ordered_sum(terms[::-1])).to_series().to_list()
    assert [repr(v) for v in forward] == ["0.6000000000000001", "0.0"]
    assert backward[0] == 0.6
    assert frame.select(ordered_sum([])).item(0, 0) == 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(moderate, min_size=3, max_size=3), min_size=1, max_size=10))
def test_ordered_sum_is_the_python_loop(rows: list[list[float]]) -> None:
    frame = pl.DataFrame(rows, schema=["a", "b", "c"], orient="row")
    got = frame.select(ordered_sum([pl.col("a"), pl.col("b"), pl.col("c")])).to_series()
    want = []
    for row in rows:
        total = 0.0
        for term in row:
            total += term
        want.append(total)
    _same(got.to_list(), want)


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize("digits", [True, 2.0, "2"])
def test_digits_must_be_whole_numbers(digits: object) -> None:
    with pytest.raises(TypeError):
        round_half_up_array(np.array([1.0]), digits)  # type: ignore[arg-type]


@pytest.mark.parametrize("digits", [23, -23])
def test_digits_beyond_exact_powers_of_ten_are_refused(digits: int) -> None:
    with pytest.raises(ValueError, match="between -22 and 22"):
        round_correct(np.array([1.0]), digits)


def test_front_ends_accept_an_empty_batch() -> None:
    # a filter that keeps no rows hands the kernels an empty batch
    empty = pl.DataFrame({"x": [1.5]}).filter(pl.col("x") > 5)
    out = empty.select(
        numbers.tidy(pl.col("x")).alias("t"),
        numbers.fixed(pl.col("x"), 2).alias("f"),
        numbers.general(pl.col("x")).alias("g"),
        numbers.shown(pl.col("x")).alias("s"),
    )
    assert out.height == 0
    assert out.schema == {"t": pl.Float64, "f": pl.String, "g": pl.String, "s": pl.String}

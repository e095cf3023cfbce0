"""Each vectorised library function against its Python implementation, row by row:
the value, its Python type (int, float, bool) and the FunctionError words."""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.errors import FunctionError
from kinerja.functions import FUNCTIONS, band_lookup
from kinerja.functions.columnar import VECTORISED
from kinerja.functions.columnar_values import (
    FUNCTION_ERROR,
    LIST,
    NUMBER,
    OTHER_ERROR,
    OVERFLOW,
    STRING,
    TAG_CODES,
    Val,
    as_expr,
    column,
    constant,
    tag_code,
)


class Col:
    """A column argument: its value per row comes from the frame."""

    def __init__(self, name: str):
        self.name = name


A, B, C, S, T = Col("a"), Col("b"), Col("c"), Col("s"), Col("t")
CALLS: list[tuple[str, list[object]]] = [
    ("achievement", [A, B]),
    ("achievement", [A, B, C]),
    ("achievement", [A, B, 100]),
    ("achievement_inverse", [A, B]),
    ("achievement_inverse", [A, B, C]),
    ("achievement_range", [A, B, C]),
    ("achievement_range", [A, 5, 10, C]),
    ("mean", [A, B, C]),
    ("mean", [[A, B]]),
    ("mean", [[A], B]),
    ("wmean", [[A, B], [C, 0.5]]),
    ("wmean", [[A, B], [0.6, 0.4], "incomplete"]),
    ("wmean", [[A, B, C], [1, 0, 2], "zero"]),
    ("wmean", [[A], [0.5, 0.5]]),
    ("wmean", [[A, B], [0.6, 0.4], "sometimes"]),
    ("total", [A, B, C]),
    ("total", [A, 2]),
    ("count", [A, B, C]),
    ("count", [[A, B]]),
    ("coalesce", [A, B, 7]),
    ("min", [A, B, C]),
    ("max", [A, 3, C]),
    ("clamp", [A, B, C]),
    ("clamp", [A, 0, 100]),
    ("round", [A]),
    ("round", [A, 2]),
    ("round", [A, B]),
    ("abs", [A]),
    ("gap", [A, B]),
    ("gap", [A, 3]),
    ("predikat_matrix", [S, T]),
    ("predikat_matrix", [S, A]),
    ("pp46_time_cost", [A, B]),
    ("pp46_skp", [A, B, C]),
    ("pp46_skp", [A, B, C, A]),
    ("ikm", [[A, B, C]]),
    ("ikm", [[A, B], C]),
    ("ikm", [[]]),
    ("ikm_grade", [A]),
    ("jpm", [[A, B], [C, 3]]),
    ("jpm", [[A, B], [3, 3], True]),
    ("jpm", [[A], [3, 3]]),
    ("jpm", [[A, B], [3, 4], A]),
    ("jpm_band", [A]),
]


def test_every_library_function_has_a_vectorised_form() -> None:
    assert set(FUNCTIONS) | {"band"} <= set(VECTORISED)
    assert {name for name, _ in CALLS} == set(FUNCTIONS)  # and every one is tested here


def _arg(spec: object) -> Val:
    if isinstance(spec, Col):
        kind = STRING if spec.name in ("s", "t") else NUMBER
        return column(kind, pl.col(spec.name), finite=False)
    if isinstance(spec, list):
        items = tuple(_arg(s) for s in spec)
        return Val(LIST, pl.lit(None), items=items, nullable=False)
    return constant(spec)


def _python_arg(spec: object, row: dict[str, object]) -> object:
    if isinstance(spec, Col):
        return row[spec.name]
    if isinstance(spec, list):
        return [_python_arg(s, row) for s in spec]
    return spec


def _type_code(value: object) -> int | None:
    if isinstance(value, bool):
        return TAG_CODES["bool"]
    if isinstance(value, int):
        return TAG_CODES["int"]
    return TAG_CODES["float"] if isinstance(value, float) else None


def check_call(name: str, specs: Sequence[object], rows: list[dict[str, object]]) -> None:
    """The vectorised ``name`` gives, per row, what ``FUNCTIONS[name].impl`` gives."""
    result = VECTORISED[name](*(_arg(s) for s in specs))
    frame = pl.DataFrame(
        rows,
        schema={"a": pl.Float64, "b": pl.Float64, "c": pl.Float64, "s": pl.String, "t": pl.String},
    )
    parts = [
        result.value.alias("value"),
        as_expr(result.fail).alias("fail"),
        (result.error if result.error is not None else pl.lit(None, pl.String)).alias("error"),
    ]
    if result.kind == NUMBER:
        parts.append(tag_code(result).alias("tag"))
    got = frame.with_columns(parts)
    impl = FUNCTIONS[name].impl
    for i, row in enumerate(rows):
        out = got.row(i, named=True)
        try:
            expected = impl(*(_python_arg(s, row) for s in specs))
        except FunctionError as exc:
            assert out["fail"] and out["error"] == FUNCTION_ERROR + str(exc), (name, row, out)
            continue
        except OverflowError:
            assert out["fail"] and out["error"].startswith(OVERFLOW), (name, row, out)
            continue
        except ArithmeticError as exc:  # decimal's InvalidOperation, for one
            words = f"{OTHER_ERROR}{type(exc).__name__}: {exc}"
            assert out["fail"] and out["error"] == words, (name, row, out)
            continue
        assert not out["fail"], (name, row, out, expected)
        if isinstance(expected, float) and math.isnan(expected):
            assert math.isnan(out["value"])
        elif isinstance(expected, int) and abs(expected) > 2**53:  # a float holds it nearly
            assert math.isclose(out["value"], expected, rel_tol=1e-15), (name, row, out)
        else:
            assert out["value"] == expected, (name, row, out, expected)
        if result.kind == NUMBER and expected is not None:
            assert out["tag"] == _type_code(expected), (name, row, out, expected)


# ------------------------------------------------------------------ by hand

ROWS: list[dict[str, object]] = [
    {"a": 95.0, "b": 100.0, "c": 120.0},  # achievement 95 / 100 x 100 = 95
    {"a": 130.0, "b": 100.0, "c": 120.0},  # 130 capped at the cap: 120
    {"a": 1.0, "b": 0.0, "c": 4.0},  # a target of zero
    {"a": None, "b": 2.0, "c": 3.0},  # a missing value
    {"a": -5.0, "b": 10.0, "c": -1.0},  # negatives
    {"a": 2.675, "b": 2.0, "c": 3.0},  # round(2.675, 2) = 2.68 half up on the repr
    {"a": 3.0, "b": 3.5, "c": 3.5},  # NRRs inside 1..4: IKM (3 + 3.5 + 3.5) / 3 x 25
    {"a": float("inf"), "b": 1.0, "c": 1.0},  # not a finite number
    {"a": 0.1, "b": 0.2, "c": 0.3},  # fsum: 0.1 + 0.2 + 0.3 = 0.6 exactly rounded
    {"a": 1e308, "b": 1e308, "c": 1.0},  # sums that overflow
    {"a": 88.305, "b": 76.605, "c": 25.0},  # IKM grade bounds after half-up rounding
]
for r in ROWS:
    r.setdefault("s", "di atas ekspektasi")
    r.setdefault("t", " Sesuai ")
ROWS[3]["s"] = None
ROWS[4]["t"] = "bagus"


@pytest.mark.parametrize(
    ("name", "specs"), CALLS, ids=[f"{n}{i}" for i, (n, _) in enumerate(CALLS)]
)
def test_hand_picked_rows(name: str, specs: list[object]) -> None:
    check_call(name, specs, ROWS)


def test_hand_computed_values() -> None:
    def one(name: str, *specs: object, **row: object) -> object:
        result = VECTORISED[name](*(_arg(s) for s in specs))
        full = {"a": None, "b": None, "c": None, "s": None, "t": None, **row}
        frame = pl.DataFrame(
            [full], schema={k: pl.String if k in "st" else pl.Float64 for k in full}
        )
        return frame.with_columns(result.value.alias("v"))["v"][0]

    assert one("achievement", A, B, a=95.0, b=100.0) == 95.0  # 95 / 100 x 100
    # (2 - 9 / 10) x 100 = 110 by hand; 110.00000000000001 in floats (a step tidies it)
    assert one("achievement_inverse", A, B, a=9.0, b=10.0) == 110.00000000000001
    assert one("total", A, B, C, a=0.1, b=0.2, c=0.3) == 0.6  # fsum; 0.6000000000000001 added
    assert one("ikm", [A, B, C], a=3.0, b=3.5, c=3.5) == pytest.approx(83.333333333)  # 10/3 x 25
    assert one("round", A, 2, a=2.675) == 2.68  # half up on the shortest repr
    assert one("predikat_matrix", S, T, s="di atas", t=" Sesuai ") == "Baik"
    assert one("jpm", [A, B], [3, 3], True, a=4.0, b=2.0) == pytest.approx(83.333333333)


# ------------------------------------------------------------------ random rows

_VALUES = st.one_of(
    st.none(),
    st.sampled_from([0.0, -0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0, 24.0, 100.0, 120.0, -1.0, 0.5]),
    st.sampled_from([76.61, 88.31, 65.0, 25.0, 2.675, 1e308, float("inf"), float("nan")]),
    st.floats(-1e4, 1e4, allow_nan=False),
)
_LABELS = st.sampled_from(
    [None, "di atas ekspektasi", "sesuai", "Di  Bawah", "bagus", "", "sesuai ekspektasi"]
)
_ROW = st.fixed_dictionaries({"a": _VALUES, "b": _VALUES, "c": _VALUES, "s": _LABELS, "t": _LABELS})


@settings(max_examples=12, deadline=None)
@given(rows=st.lists(_ROW, min_size=1, max_size=8))
def test_random_rows(rows: list[dict[str, object]]) -> None:
    for name, specs in CALLS:
        check_call(name, specs, rows)


# ------------------------------------------------------------------ band

GAPPED = (("Baik", 76.0, None), ("Cukup", 61.0, 75.9999999995), ("Kurang", None, 61.0))


def _band(value: float | None, rows: Sequence, tidied: bool) -> tuple[object, object]:
    v = column(NUMBER, pl.col("a"), finite=False)
    result = VECTORISED["band"](v, rows, tidied=tidied)
    frame = pl.DataFrame({"a": [value]}, schema={"a": pl.Float64})
    got = frame.with_columns(result.value.alias("v"), as_expr(result.fail).alias("f"))
    got = got.with_columns((result.error if result.error is not None else pl.lit(None)).alias("e"))
    return (None, got["e"][0]) if got["f"][0] else (got["v"][0], None)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (76.0, "Baik"),  # min inclusive
        (75.99999999999, "Baik"),  # tidied to 9 decimals: 76.0
        (75.9999999997, "Baik"),  # misses every band as it is, but tidies to 76.0
        (61.0, "Cukup"),
        (60.9, "Kurang"),
        (1e15, "Baik"),
        (None, None),  # band_lookup's FunctionError
        (float("inf"), None),  # band_lookup's FunctionError
    ],
)
def test_band_as_band_lookup(value: float | None, label: str | None) -> None:
    # a named value is banded as band_lookup bands it: tidied, then min <= value < max
    try:
        expected: tuple[object, object] = (band_lookup(value, GAPPED), None)
    except FunctionError as exc:
        expected = (None, FUNCTION_ERROR + str(exc))
    assert expected[0] == label
    assert _band(value, GAPPED, tidied=False) == expected


def test_a_named_value_is_looked_up_as_it_is() -> None:
    # 60.9999999999 < 61: Kurang, as a person reads it; band_lookup tidies it to 61.0 first
    assert _band(60.9999999999, GAPPED, tidied=False) == ("Kurang", None)
    assert band_lookup(60.9999999999, GAPPED) == "Cukup"


def test_band_words_when_nothing_matches() -> None:
    rows = (("Baik", 76.0, None), ("Kurang", None, 61.0))
    with pytest.raises(FunctionError) as info:
        band_lookup(70.0, rows)
    assert _band(70.0, rows, tidied=True) == (None, FUNCTION_ERROR + str(info.value))
    assert str(info.value).startswith("value 70.0 falls in no band; bands cover under 61")

"""The words of the function library in Indonesian and in English.

The Indonesian expected here is the translation written for the catalog (the lead
merges it into ``core/i18n/locale/id``); English is the library's words as they were.
A function's words are built when it fails, in the language in use, the same in its
per-value form and in its vectorised (columnar) form.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import polars as pl
import pytest
from test_functions_columnar import CALLS, ROWS, check_call

from kinerja.errors import FunctionError
from kinerja.functions import achievement, band_lookup, mean
from kinerja.functions.columnar import VECTORISED
from kinerja.functions.columnar_operators import binary
from kinerja.functions.columnar_values import (
    EVALUATION_ERROR,
    FUNCTION_ERROR,
    NUMBER,
    Val,
    column,
    constant,
)
from kinerja.i18n import language

BANDS = [("C", 0, 50), ("B", 50, 100)]


def _words(call: Callable[..., object], *args: object) -> str:
    """The words of the FunctionError ``call(*args)`` raises."""
    with pytest.raises(FunctionError) as caught:
        call(*args)
    return str(caught.value)


def _column_error(val: Val, **row: float | None) -> str | None:
    """The error text of a vectorised value on one row of numbers ``a``, ``b``."""
    frame = pl.DataFrame([{"a": None, "b": None, **row}], schema={"a": pl.Float64, "b": pl.Float64})
    return frame.select(val.error.alias("e"))["e"][0]


def test_a_function_fails_in_the_language_in_use() -> None:
    with language("id"):
        # the message, with the name of the argument ("value {position}") translated too
        assert _words(achievement, 95, 0) == (
            "achievement: target harus di atas nol, tetapi berisi 0; "
            "tetapkan target positif untuk indikator ini"
        )
        assert _words(mean, 80, "x") == (
            "mean: nilai ke-2 harus berupa angka, tetapi berisi 'x' (str)"
        )
    with language("en"):
        assert _words(achievement, 95, 0) == (
            "achievement: target must be above zero, got 0; "
            "set a positive target for this indicator"
        )
        assert _words(mean, 80, "x") == "mean: value 2 must be a number, got 'x' (str)"


def test_a_value_in_no_band_names_the_bands_in_the_language_in_use() -> None:
    # the bands cover [0, 50) and [50, 100): merged, 0 to under 100; 150.0 is above them
    id_words = (
        "nilai 150.0 tidak masuk ke band mana pun; band yang ada mencakup 0 sampai di bawah 100. "
        "Tambahkan band untuk nilai ini atau perbaiki nilainya"
    )
    en_words = (
        "value 150.0 falls in no band; bands cover 0 to under 100. "
        "Add a band for this value or correct the value"
    )
    for lang, words in (("id", id_words), ("en", en_words)):
        with language(lang):
            assert _words(band_lookup, 150.0, BANDS) == words
            looked_up = VECTORISED["band"](column(NUMBER, pl.col("a")), BANDS, tidied=True)
            assert _column_error(looked_up, a=150.0) == FUNCTION_ERROR + words


def test_the_columnar_forms_say_what_the_python_forms_say_in_indonesian() -> None:
    with language("id"):
        for name, specs in CALLS:  # each vectorised function against its Python twin
            check_call(name, specs, ROWS)
        # row b = 0: a target of zero, written 0.0 as Python writes the float
        target = VECTORISED["achievement"](column(NUMBER, pl.col("a")), column(NUMBER, pl.col("b")))
        assert _column_error(target, a=1.0, b=0.0) == FUNCTION_ERROR + (
            "achievement: target harus di atas nol, tetapi berisi 0.0; "
            "tetapkan target positif untuk indikator ini"
        )
        # a whole 2**100 (101 bits) to the power 64: 101 x 64 = 6464 bits, over the 4096 allowed
        whole = Val(NUMBER, pl.col("a"), "int")
        assert _column_error(binary(ast.Pow, whole, constant(64)), a=2.0**100) == (
            EVALUATION_ERROR + "hasil pemangkatan akan terlalu besar"
        )
        assert _column_error(binary(ast.Pow, whole, constant(65)), a=2.0) == (
            EVALUATION_ERROR + "pangkat 65 melebihi batas 64"
        )
    with language("en"):
        assert _column_error(binary(ast.Pow, whole, constant(65)), a=2.0) == (
            EVALUATION_ERROR + "exponent 65 is above the limit of 64"
        )

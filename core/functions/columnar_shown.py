"""What Python shows of each row's value, and the library's argument checks.

``repr``, ``str``, the type name and ``kinerja.functions.arguments._show`` of each
row of a :class:`~kinerja.functions.columnar_values.Val`, exactly as Python writes
them (floats through :func:`kinerja.numbers.format_repr`, text once per distinct
value), and :func:`check_number`, the columnar ``_number`` / ``_optional_number``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import polars as pl

from kinerja.functions.arguments import _named
from kinerja.functions.columnar_values import (
    BOOL,
    FUNCTION_ERROR,
    LIST,
    NONE,
    NUMBER,
    STRING,
    TAG_CODES,
    Checks,
    Cond,
    Val,
    all_of,
    filled,
    has_tag,
    is_missing,
    negate,
    pick,
    present,
)
from kinerja.i18n import _
from kinerja.numbers import format_repr

__all__ = [
    "check_number",
    "float_repr",
    "int_repr",
    "py_repr",
    "py_str",
    "show",
    "text_repr",
    "type_name",
]


def _text_batch(kernel: Callable[[np.ndarray], pl.Series]) -> Callable[[pl.Series], pl.Series]:
    def batch(series: pl.Series) -> pl.Series:
        values = series.cast(pl.Float64)
        missing = values.is_null()
        text = kernel(values.fill_null(0.0).to_numpy())
        if missing.any():
            text = text.scatter(np.flatnonzero(missing.to_numpy()), None)
        return text.alias(series.name)

    return batch


def _int_text(x: np.ndarray) -> pl.Series:
    """``str(int(x))`` for whole numbers held as floats."""
    small = np.abs(x) < 2.0**62
    text = pl.Series(np.where(small, x, 0.0).astype(np.int64)).cast(pl.String)
    if not small.all():
        rows = np.flatnonzero(~small)
        shown = [str(int(v)) if np.isfinite(v) else repr(float(v)) for v in x[rows]]
        text = text.scatter(rows, pl.Series(shown, dtype=pl.String))
    return text


def float_repr(expr: pl.Expr) -> pl.Expr:
    """``repr(x)`` of each float (``0.1``, ``3.0``, ``1e-05``); null stays null."""
    return expr.map_batches(_text_batch(format_repr), return_dtype=pl.String, is_elementwise=True)


def int_repr(expr: pl.Expr) -> pl.Expr:
    """``repr(int(x))`` of each whole number held as a float; null stays null."""
    return expr.map_batches(_text_batch(_int_text), return_dtype=pl.String, is_elementwise=True)


def _python_text(fn: Callable[[str], str]) -> Callable[[pl.Series], pl.Series]:
    def batch(series: pl.Series) -> pl.Series:
        distinct = series.drop_nulls().unique()
        shown = pl.Series([fn(s) for s in distinct], dtype=pl.String)
        return series.replace_strict(distinct, shown, default=None, return_dtype=pl.String)

    return batch


def text_repr(expr: pl.Expr) -> pl.Expr:
    """``repr(s)`` of each text value, with its quotes (computed once per distinct text)."""
    return expr.map_batches(_python_text(repr), return_dtype=pl.String, is_elementwise=True)


def _number_repr(v: Val) -> pl.Expr:
    if isinstance(v.tag, str):
        if v.tag == "int":
            return int_repr(v.value)
        if v.tag == "bool":
            return pl.when(v.value != 0).then(pl.lit("True")).otherwise(pl.lit("False"))
        return float_repr(v.value)
    return pick(
        [
            (v.tag == TAG_CODES["bool"], _number_repr(replace(v, tag="bool"))),
            (v.tag == TAG_CODES["int"], _number_repr(replace(v, tag="int"))),
        ],
        _number_repr(replace(v, tag="float")),
    )


def py_repr(v: Val) -> pl.Expr:
    """``repr(value)`` of each row (``None`` for a missing value)."""
    if v.is_const:
        return pl.lit(repr(v.const))
    if v.kind == NONE:
        return pl.lit("None")
    if v.kind == LIST:
        return pl.lit(repr(tuple(i.const for i in v.items)))
    if v.kind == BOOL:
        shown = pl.when(v.value).then(pl.lit("True")).otherwise(pl.lit("False"))
    elif v.kind == STRING:
        shown = text_repr(v.value)
    else:
        shown = _number_repr(v)
    return pl.when(v.value.is_null()).then(pl.lit("None")).otherwise(shown) if v.nullable else shown


def py_str(v: Val) -> pl.Expr:
    """``str(value)`` of each row: as ``repr`` but text without quotes."""
    if v.kind == STRING and not v.is_const:
        return pl.when(v.value.is_null()).then(pl.lit("None")).otherwise(v.value)
    if v.is_const and isinstance(v.const, str):
        return pl.lit(v.const)
    return py_repr(v)


def type_name(v: Val) -> pl.Expr:
    """``type(value).__name__`` of each row."""
    names = {STRING: "str", BOOL: "bool", NONE: "NoneType", LIST: "tuple"}
    if v.kind in names:
        name = pl.lit(names[v.kind])
    elif isinstance(v.tag, str):
        name = pl.lit(v.tag)
    else:
        name = pick(
            [
                (v.tag == TAG_CODES["bool"], pl.lit("bool")),
                (v.tag == TAG_CODES["int"], pl.lit("int")),
            ],
            pl.lit("float"),
        )
    if v.kind in (NONE, LIST) or not v.nullable:
        return name
    return pl.when(v.value.is_null()).then(pl.lit("NoneType")).otherwise(name)


def show(v: Val) -> pl.Expr:
    """``kinerja.functions.arguments._show`` of each row: a number's repr, else a short
    repr with the type name, or ``a list of N items``."""
    if v.kind == LIST:
        return pl.lit(_("a list of {n} items", n=len(v.items)))
    text = py_repr(v)
    if v.kind == STRING:
        text = (
            pl.when(text.str.len_chars() > 40).then(text.str.slice(0, 37) + "...").otherwise(text)
        )
    other = pl.concat_str([text, pl.lit(" ("), type_name(v), pl.lit(")")])
    if v.kind == NUMBER:
        return pick([(all_of(present(v), negate(has_tag(v, "bool"))), text)], other)
    return other


# ------------------------------------------------------------------ argument checks


def check_number(
    checks: Checks,
    fn: str,
    what: str,
    v: Val,
    *,
    optional: bool = False,
    position: int | None = None,
) -> None:
    """``arguments._number`` (or ``_optional_number``): missing, not a number, not finite.

    ``what`` names the argument, a message marked with ``N_`` (its ``{position}`` filled
    from ``position``), as for ``_number``.
    """
    named = _named(what, position)
    if v.kind == LIST:
        _not_a_number(checks, True, fn, named, v)
        return
    if not optional:
        checks.add(
            is_missing(v),
            FUNCTION_ERROR,
            *filled(
                _(
                    "{fn}: {what} is missing; fill it in, or give a fallback "
                    "with coalesce(value, fallback)"
                ),
                fn=fn,
                what=named,
            ),
        )
    if v.kind in (STRING, BOOL):
        _not_a_number(checks, present(v), fn, named, v)
        return
    if v.kind == NUMBER:
        _not_a_number(checks, all_of(present(v), has_tag(v, "bool")), fn, named, v)
        if not v.finite:
            checks.add(
                ~v.value.is_finite(),
                FUNCTION_ERROR,
                *filled(
                    _("{fn}: {what} must be a finite number, got {value}"),
                    fn=fn,
                    what=named,
                    value=py_repr(v),
                ),
            )


def _not_a_number(checks: Checks, cond: Cond, fn: str, named: str, v: Val) -> None:
    words = _("{fn}: {what} must be a number, got {value}")
    checks.add(cond, FUNCTION_ERROR, *filled(words, fn=fn, what=named, value=show(v)))

"""Code cells as column expressions: indicator, aspect and predikat codes, and rater groups.

A code the rules know, typed exactly, is accepted without leaving polars. Every other
value (another case, stray spaces, a typo, a number cell) is looked up once per
distinct value by today's Python (:class:`kinerja.input.cells._Codes`, with its
"did you mean" hint; :data:`kinerja.input.spec.GROUP_ALIASES` for rater groups).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

import polars as pl

from kinerja.i18n import _
from kinerja.input.cells import _Codes, code_empty, text_of
from kinerja.input.distinct import by_distinct
from kinerja.input.read import normalise_header
from kinerja.input.spec import GROUP_ALIASES
from kinerja.input.texts import Cell, text_value
from kinerja.model import RATER_GROUPS

__all__ = ["code_columns", "group_columns"]

_FOUND = pl.Struct({"value": pl.String, "why": pl.String})
_GROUPS = ", ".join(RATER_GROUPS)


def _cell_inputs(cell: Cell) -> list[pl.Expr]:
    return [cell.text, cell.kind] if cell.typed else [cell.text]


def code_columns(
    cell: Cell, codes: Iterable[str], what: str, names: tuple[str, str]
) -> list[list[pl.Expr]]:
    """Columns ``names = (code, why)``: the rules' code for ``cell``, or why there is none.

    Stages of expressions (each reads the ones before).
    ``what`` names the code in the reasons: a message of the catalogs (``N_("indicator")``,
    ``N_("aspect")``, ``N_("predikat")``). With no known codes any non-empty text is
    accepted as it is (``_Codes.get``).
    """
    lookup = _Codes(codes, what, cell.name)
    code, why = names
    if not lookup.known:
        value = text_value(cell)
        empty = code_empty(cell.name, what)
        given = pl.col(code)
        return [
            [value.alias(code)],
            [
                pl.when(given != "").then(given).alias(code),
                pl.when(given == "").then(pl.lit(empty)).alias(why),
            ],
        ]

    def find(text: str | None, kind: str | None = None) -> dict[str, str | None]:
        value, reason = lookup.find(text_of(text, kind))
        return {"value": value, "why": reason}

    exact = (cell.is_text() & cell.text.is_in(sorted(lookup.exact))).fill_null(False)
    return _with_python(cell, pl.when(exact).then(cell.text), find, names)


def _with_python(
    cell: Cell, fast: pl.Expr, find: Callable[..., dict[str, str | None]], names: tuple[str, str]
) -> list[list[pl.Expr]]:
    """Three stages: the fast path's value, Python's answers where it has none, ``names``.

    ``names = (value, why)``; ``find(text, kind)`` answers ``{"value": ..., "why": ...}``.
    """
    value, why = names
    answers = pl.col(f"{value}.found")
    found = by_distinct(find, _cell_inputs(cell), _FOUND, where=pl.col(value).is_null())
    return [
        [fast.alias(value)],
        [found.alias(f"{value}.found")],
        [
            pl.coalesce(value, answers.struct.field("value")).alias(value),
            answers.struct.field("why").alias(why),
        ],
    ]


def group_columns(cell: Cell, used: Collection[str], names: tuple[str, str]) -> list[list[pl.Expr]]:
    """Columns ``names = (group, why)``: the canonical rater group of a ``kelompok`` cell
    (stages of expressions).

    ``why`` says the value is no rater group, or a group the rules do not use (the
    group is still given then, as it always was, so that its rater NIP is checked).
    """
    listed = ", ".join(sorted(used))

    def find(text: str | None, kind: str | None = None) -> dict[str, str | None]:
        group = GROUP_ALIASES.get(text) if kind is None and text is not None else None
        if group is None and not (text is None and kind is None):
            group = GROUP_ALIASES.get(normalise_header(text_of(text, kind)))
        why = None
        if group is None:
            why = _(
                "kelompok {value} is not a rater group; use one of {groups} "
                "(or diri, atasan, rekan, bawahan, masyarakat)",
                value=repr(text_of(text, kind)),
                groups=_GROUPS,
            )
        elif used and group not in used:
            why = _(
                "rater group {group} is not used by the region's rules (they use: {listed})",
                group=repr(group),
                listed=listed,
            )
        return {"value": group, "why": why}

    fine = {alias: g for alias, g in GROUP_ALIASES.items() if not used or g in used}
    mapped = cell.text.replace_strict(fine, default=None, return_dtype=pl.String)
    return _with_python(cell, pl.when(cell.is_text()).then(mapped), find, names)

"""Cells as column expressions: a cell's text and kind, blanks, text values, quoting.

A raw sheet holds each cell as text plus, where some cells were not text, a
``<name>#kind`` companion (see :mod:`kinerja.input.tables`). :class:`Cell` pairs the
two for one column; the functions here read it the way :mod:`kinerja.input.cells`
reads one Python value (``_blank``, ``_text``, ``_raw_nip``, ``repr``), as expressions
over the whole column.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import polars as pl

from kinerja.i18n import _
from kinerja.input.cells import LONG_DIGITS
from kinerja.input.distinct import by_distinct
from kinerja.input.tables import kind_column

__all__ = [
    "PY_SPACE",
    "SPACE_CLASS",
    "Cell",
    "int_text",
    "python_repr",
    "raw_nip",
    "strip",
    "text_value",
    "without_spaces",
]

PY_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character Python's ``str.isspace`` accepts (what ``strip`` and ``split`` remove)."""

SPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):X}}}" for c in PY_SPACE) + "]"
"""A regex class of :data:`PY_SPACE` (polars' ``\\s`` is a slightly different set)."""

_BLANK = f"^{SPACE_CLASS}*$"
_SIMPLE = r"^[ -~]*$"
"""Printable ASCII: Python's repr only adds quotes (unless a quote or backslash is inside)."""
_MIDNIGHT = r"^.{10}T00:00:00(?:[+-].*)?$"
"""An ISO datetime at midnight (with or without a UTC offset)."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One column of a raw sheet: its text, and its kind (null for text and empty cells)."""

    name: str
    text: pl.Expr
    kind: pl.Expr
    typed: bool
    """Whether the sheet has a kind companion for this column (some cells not text)."""

    @classmethod
    def of(cls, columns: Collection[str], name: str) -> Cell:
        """The cell ``name`` of a frame with ``columns`` (all null when there is no such column)."""
        text = pl.col(name) if name in columns else pl.lit(None, pl.String)
        typed = kind_column(name) in columns
        kind = pl.col(kind_column(name)) if typed else pl.lit(None, pl.String)
        return cls(name, text, kind, typed)

    def is_text(self) -> pl.Expr:
        """Text or empty cells (Python ``str`` or ``None``)."""
        return self.kind.is_null() if self.typed else pl.lit(True)

    def kind_is(self, *kinds: str) -> pl.Expr:
        """Cells of one of ``kinds`` (false for text and empty cells)."""
        return self.kind.is_in(kinds).fill_null(False) if self.typed else pl.lit(False)

    def blank(self) -> pl.Expr:
        """Empty, or text of spaces only (``cells._blank``)."""
        spaces = self.text.str.contains(_BLANK) & self.is_text()
        return self.text.is_null() | spaces


def strip(text: pl.Expr) -> pl.Expr:
    """``str.strip()``: Python's whitespace removed from both ends."""
    return text.str.strip_chars(PY_SPACE)


def without_spaces(text: pl.Expr) -> pl.Expr:
    """``"".join(text.split())``: every Python whitespace character removed."""
    return text.str.replace_all(SPACE_CLASS, "")


def int_text(digits: pl.Expr) -> pl.Expr:
    """An integer's digits, shortened past 24 characters (``cells._int_text``, in the
    language in use)."""
    n = digits.str.len_chars()
    short = pl.format(_(LONG_DIGITS), digits.str.head(12), n)
    return pl.when(n <= 24).then(digits).otherwise(short)


def _float_text(text: pl.Expr) -> pl.Expr:
    """A float cell as ``_text`` shows it: a whole number without ``.0``, else its repr."""
    x = text.cast(pl.Float64, strict=False)
    whole = x.is_finite() & (x == x.floor())
    huge = whole & (x.abs() >= 2.0**63)
    exact = by_distinct(lambda t: str(int(float(t))), [pl.when(huge).then(text)], pl.String())
    return (
        pl.when(huge)
        .then(exact)
        .when(whole)
        .then(x.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(text)
    )


def text_value(cell: Cell) -> pl.Expr:
    """The cell as text, ``""`` when empty (``cells._text``)."""
    plain = strip(cell.text).fill_null("")
    if not cell.typed:
        return plain
    kind, text = cell.kind, cell.text
    midnight = text.str.contains(_MIDNIGHT)
    return (
        pl.when(kind.is_null())
        .then(plain)
        .when(kind == "int")
        .then(int_text(text))
        .when(kind == "float")
        .then(_float_text(text))
        .when((kind == "datetime") & midnight)
        .then(text.str.head(10))
        .otherwise(text)
    )


def raw_nip(cell: Cell) -> pl.Expr:
    """The NIP cell as shown for a rejected row, null when blank (``cells._raw_nip``)."""
    given = Cell(cell.name, pl.when(~cell.blank()).then(cell.text), cell.kind, cell.typed)
    shown = without_spaces(text_value(given) if cell.typed else strip(given.text))
    if not cell.typed:
        return shown
    is_float = cell.kind == "float"
    number = by_distinct(
        lambda t: f"{float(t):.15g}", [pl.when(is_float).then(cell.text)], pl.String()
    )
    return pl.when(is_float).then(number).when(given.text.is_not_null()).then(shown)


def python_repr(text: pl.Expr) -> pl.Expr:
    """``repr(text)`` of a String expression (Python for the rare text that needs escapes)."""
    simple = text.str.contains(_SIMPLE) & ~text.str.contains("\\", literal=True)
    single = text.str.contains("'", literal=True)
    double = text.str.contains('"', literal=True)
    hard = ~simple | (single & double)
    escaped = by_distinct(repr, [pl.when(hard).then(text)], pl.String())
    return (
        pl.when(hard)
        .then(escaped)
        .when(single)
        .then(pl.concat_str(pl.lit('"'), text, pl.lit('"')))
        .otherwise(pl.concat_str(pl.lit("'"), text, pl.lit("'")))
    )

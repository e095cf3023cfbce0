"""NIP cells as column expressions: the checks and words of :func:`kinerja.input.nip.check_nip`.

:func:`nip_columns` adds, for a NIP cell, the Int64 value of its 18 digits (the key:
an 18-digit NIP fits) and whether it is valid; :func:`nip_reason` gives today's
words for the rows that are not, naming the first check they fail. A text of 18
ASCII digits (nearly every cell) is read without a regex; the birth date and the
appointment month are checked against the sets of every real date and month in the
plausible years (one lookup each, not date arithmetic).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from kinerja.i18n import _
from kinerja.input.dates import valid_date
from kinerja.input.distinct import by_distinct, on_rows
from kinerja.input.nip import (
    _SCIENTIFIC,
    NIP_APPOINTED_DATE,
    NIP_APPOINTED_YEAR,
    NIP_BIRTH_DATE,
    NIP_BIRTH_YEAR,
    NIP_DATE_CELL,
    NIP_EMPTY,
    NIP_LENGTH,
    NIP_NOT_TEXT,
    NIP_SEX,
    NUMBER_NIP,
    _check_nip_text,
    number_shown,
)
from kinerja.input.texts import Cell, without_spaces

__all__ = ["OWN", "NipColumns", "nip_columns", "nip_reason"]

_SMALLEST = 10**17
"""The smallest 18-digit number: a text cell at or above it with 18 bytes is 18 digits."""


def _births() -> pl.Series:
    """YYYYMMDD of every day of 1940-2010, the birth dates a NIP may encode."""
    days = pl.date_range(dt.date(1940, 1, 1), dt.date(2010, 12, 31), eager=True)
    return days.dt.to_string("%Y%m%d").cast(pl.Int64)


_BIRTHS = _births()
_APPOINTMENTS = pl.Series([y * 100 + m for y in range(1960, 2036) for m in range(1, 13)])
"""YYYYMM of every month of 1960-2035, the appointments a NIP may encode."""


class NipColumns:
    """The columns :func:`nip_columns` adds for the NIP cell ``column``, named after ``prefix``."""

    def __init__(self, prefix: str, column: str) -> None:
        self.column = column
        self.quick = f"@{prefix}.quick"
        """Int64 of a text of 18 ASCII digits and nothing else (the fast path), else null."""
        self.slow = f"@{prefix}.slow"
        """The other text cells without spaces (null on the fast path)."""
        self.key = f"@{prefix}.key"
        """Int64 of the 18 digits (valid or not), null when the cell is not 18 digits."""
        self.ok = f"@{prefix}.ok"
        """Boolean: a valid NIP."""

    def valid(self) -> pl.Expr:
        """Rows whose NIP is valid."""
        return pl.col(self.ok)

    def text(self) -> pl.Expr:
        """The cell as ``check_nip`` reads it: without spaces (fast path: the cell itself)."""
        return pl.coalesce(pl.col(self.slow), pl.col(self.column))

    def nip(self) -> pl.Expr:
        """The valid NIP as text, null otherwise."""
        return pl.when(self.valid()).then(self.text())


OWN = NipColumns("nip", "nip")
"""A sheet's own ``nip`` column: the employee in pegawai, the record's owner elsewhere."""


def nip_columns(cell: Cell, names: NipColumns) -> list[list[pl.Expr]]:
    """Stages of expressions (each reads the ones before) that add ``names``' columns."""
    raw = pl.when(cell.is_text()).then(cell.text)
    as_int = raw.cast(pl.Int64, strict=False)
    fast = (raw.str.len_bytes() == 18) & (as_int >= _SMALLEST)
    quick = pl.col(names.quick)
    slow = pl.col(names.slow)
    whole = pl.when(slow.str.contains("^[0-9]{18}$")).then(slow.cast(pl.Int64, strict=False))
    key = pl.col(names.key)
    born, appointed, sex = key // 10**10, key // 10**4 % 10**6, key // 1000 % 10
    ok = born.is_in(_BIRTHS.implode()) & appointed.is_in(_APPOINTMENTS.implode())
    ok = (ok & sex.is_in([1, 2])).fill_null(False)
    return [
        [pl.when(fast).then(as_int).alias(names.quick)],
        [
            on_rows(without_spaces, quick.is_null() & raw.is_not_null(), [raw], pl.String()).alias(
                names.slow
            )
        ],
        [pl.coalesce(quick, whole).alias(names.key)],
        [ok.alias(names.ok)],
    ]


def _number_shown(cell: Cell) -> pl.Expr:
    """A NIP number cell as the spreadsheet shows it (:func:`~kinerja.input.nip.number_shown`);
    a NIP typed as text in scientific form as it was typed."""
    value = cell.text.cast(pl.Float64, strict=False)
    number = cell.kind_is("int", "float")
    shown = by_distinct(number_shown, [pl.when(number).then(value)], pl.String())
    return pl.when(number).then(shown).otherwise(without_spaces(cell.text))


def _status(cell: Cell, names: NipColumns) -> pl.Expr:
    """The first check a NIP fails (``check_nip``'s order), for the rows that fail one."""
    text, key = pl.when(cell.is_text()).then(names.text()), pl.col(names.key)
    digits = text.str.contains("^[0-9]+$")
    scientific = text.str.contains(f"^(?:{_SCIENTIFIC.pattern})$")
    year, month, day = key // 10**14, key // 10**12 % 100, key // 10**10 % 100
    since, appointed = key // 10**6 % 10**4, key // 10**4 % 100
    sex = key // 1000 % 10
    return (
        pl.when(cell.kind_is("bool"))
        .then(pl.lit("bool"))
        .when(cell.kind_is("int", "float"))
        .then(pl.lit("number"))
        .when(cell.kind_is("date", "datetime"))
        .then(pl.lit("date"))
        .when(cell.kind_is("other"))
        .then(pl.lit("other"))
        .when(text.is_null() | (text == ""))
        .then(pl.lit("empty"))
        .when(~digits & scientific)
        .then(pl.lit("number"))
        .when(~digits)
        .then(pl.lit("chars"))
        .when(text.str.len_bytes() != 18)
        .then(pl.lit("length"))
        .when(~valid_date(year, month, day))
        .then(pl.lit("birth_date"))
        .when(~year.is_between(1940, 2010))
        .then(pl.lit("birth_year"))
        .when(~valid_date(since, appointed, pl.lit(1)))
        .then(pl.lit("appointed_date"))
        .when(~since.is_between(1960, 2035))
        .then(pl.lit("appointed_year"))
        .when(~sex.is_in([1, 2]))
        .then(pl.lit("sex"))
    )


def nip_reason(cell: Cell, names: NipColumns) -> pl.Expr:
    """Today's words for a NIP that is not valid (``check_nip``), on the rows that fail,
    in the language in use."""
    status, text = _status(cell, names), names.text()
    chars = by_distinct(
        lambda s: _check_nip_text(s)[1], [pl.when(status == "chars").then(text)], pl.String()
    )
    birth, appointed = text.str.head(8), text.str.slice(8, 6)
    return (
        pl.when(status == "empty")
        .then(pl.lit(_(NIP_EMPTY)))
        .when(status == "number")
        .then(pl.format(_(NUMBER_NIP), _number_shown(cell)))
        .when(status == "bool")
        .then(pl.format(_(NIP_NOT_TEXT), cell.text))
        .when(status == "date")
        .then(pl.lit(_(NIP_DATE_CELL)))
        .when(status == "other")
        .then(pl.format(_(NIP_NOT_TEXT), _type_name(cell.text)))
        .when(status == "chars")
        .then(chars)
        .when(status == "length")
        .then(pl.format(_(NIP_LENGTH), text.str.len_bytes()))
        .when(status == "birth_date")
        .then(pl.format(_(NIP_BIRTH_DATE), birth))
        .when(status == "birth_year")
        .then(pl.format(_(NIP_BIRTH_YEAR), birth, text.str.head(4)))
        .when(status == "appointed_date")
        .then(pl.format(_(NIP_APPOINTED_DATE), appointed))
        .when(status == "appointed_year")
        .then(pl.format(_(NIP_APPOINTED_YEAR), appointed, text.str.slice(8, 4)))
        .when(status == "sex")
        .then(pl.format(_(NIP_SEX), text.str.slice(14, 1)))
    )


def _type_name(text: pl.Expr) -> pl.Expr:
    """The Python type an ``other`` cell most likely held (its text is all that is kept)."""
    return (
        pl.when(text.str.starts_with("["))
        .then(pl.lit("list"))
        .when(text.str.starts_with("{"))
        .then(pl.lit("dict"))
        .when(text.str.contains(r"^[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?$"))
        .then(pl.lit("time"))
        .when(text.str.contains(r"day|^[0-9]+:[0-9]{2}:[0-9]{2}"))
        .then(pl.lit("timedelta"))
        .otherwise(pl.lit("object"))
    )

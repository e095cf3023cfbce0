"""Checking a NIP, the 18-digit civil-servant number, cell by cell.

:func:`check_nip` says whether a cell holds a valid NIP and, when not, why in words a
person can act on: the birth date and appointment month it encodes must be real
dates in plausible years, the sex digit 1 or 2, and the cell must be text (a number
cell has lost digits).

The words are messages of the catalogs (:mod:`kinerja.i18n`), shared with the column
expressions of :mod:`kinerja.input.nips`; those with ``{}`` are filled in order.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from kinerja.i18n import N_, _

__all__ = ["NUMBER_NIP", "check_nip", "number_shown"]

NUMBER_NIP = N_(
    "NIP is stored as a number ({}), which loses digits; format the nip column as Text and "
    "re-type it"
)
"""Filled with the number as the cell shows it once widened (:func:`number_shown`)."""
NIP_EMPTY = N_("NIP is empty; every row needs the employee's 18-digit NIP")
NIP_DATE_CELL = N_("NIP cell holds a date; format the nip column as Text and type the 18 digits")
NIP_NOT_TEXT = N_("NIP must be 18 digits as text, found {}")
NIP_CHARS = N_("NIP {} contains characters other than digits ({}); type 18 digits")
NIP_LENGTH = N_("NIP has {} digits, expected 18")
NIP_BIRTH_DATE = N_("NIP digits 1-8 (birth date) {} are not a valid date")
NIP_BIRTH_YEAR = N_("NIP digits 1-8 (birth date) {}: year {} is not in 1940-2010")
NIP_APPOINTED_DATE = N_(
    "NIP digits 9-14 (appointment year and month) {} are not a valid year and month"
)
NIP_APPOINTED_YEAR = N_(
    "NIP digits 9-14 (appointment year and month) {}: year {} is not in 1960-2035"
)
NIP_SEX = N_("NIP digit 15 (sex) is {}, expected 1 or 2")
_SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+|[0-9]+[.,]0+")

_Why = tuple[str, tuple[str, ...]]
"""A message of the catalogs (not yet translated) and the values of its ``{}``."""


@lru_cache(maxsize=8192)
def _date_ok(digits: str, lo: int, hi: int) -> Literal["ok", "date", "year"]:
    """Check YYYYMMDD or YYYYMM digits: "ok", "date" (not a date) or "year" (out of range)."""
    try:
        dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]) if len(digits) > 6 else 1)
    except ValueError:
        return "date"
    return "ok" if lo <= int(digits[:4]) <= hi else "year"


@lru_cache(maxsize=1 << 18)
def _read_nip_text(text: str) -> tuple[str | None, _Why | None]:
    """A text cell's NIP, or why it is none (in no language yet: the cache holds it)."""
    s = "".join(text.split())
    if not s:
        return None, (NIP_EMPTY, ())
    if not (s.isascii() and s.isdigit()):
        if _SCIENTIFIC.fullmatch(s):
            return None, (NUMBER_NIP, (s,))
        odd = "".join(sorted({c for c in s if not (c.isascii() and c.isdigit())}))
        return None, (NIP_CHARS, (repr(s), repr(odd)))
    if len(s) != 18:
        return None, (NIP_LENGTH, (str(len(s)),))
    birth, appointed, sex = s[:8], s[8:14], s[14]
    state = _date_ok(birth, 1940, 2010)
    if state == "date":
        return None, (NIP_BIRTH_DATE, (birth,))
    if state == "year":
        return None, (NIP_BIRTH_YEAR, (birth, birth[:4]))
    state = _date_ok(appointed, 1960, 2035)
    if state == "date":
        return None, (NIP_APPOINTED_DATE, (appointed,))
    if state == "year":
        return None, (NIP_APPOINTED_YEAR, (appointed, appointed[:4]))
    if sex not in "12":
        return None, (NIP_SEX, (sex,))
    return s, None


def _check_nip_text(text: str) -> tuple[str | None, str | None]:
    """:func:`check_nip` of a text cell, the reason in the language in use."""
    nip, why = _read_nip_text(text)
    return nip, None if why is None else _(why[0]).format(*why[1])


def number_shown(value: float) -> str:
    """A number cell as a spreadsheet shows it once its column is wide enough: 15
    significant digits, whole numbers without a decimal point (``198001012005011000`` for
    the NIP 198001012005011001 typed as a number)."""
    shown = Decimal(f"{float(value):.14e}")
    if shown == shown.to_integral_value() and abs(shown) < 10**30:
        return f"{shown.quantize(Decimal(1)):f}"
    return f"{float(value):.15g}"


def check_nip(value: object) -> tuple[str | None, str | None]:
    """Check a NIP cell: ``(nip, None)`` when valid, ``(None, reason)`` when not.

    A NIP is 18 digits as text: birth date YYYYMMDD (year 1940-2010), appointment
    YYYYMM (year 1960-2035), sex 1 or 2, sequence. Spaces are removed. A numeric
    cell is refused because a number loses digits. The reason is in the language in
    use (:mod:`kinerja.i18n`).
    """
    if isinstance(value, str):
        return _check_nip_text(value)
    if value is None:
        return None, _(NIP_EMPTY)
    if isinstance(value, bool):
        return None, _(NIP_NOT_TEXT).format(value)
    if isinstance(value, int | float):
        return None, _(NUMBER_NIP).format(number_shown(value))
    if isinstance(value, dt.date):
        return None, _(NIP_DATE_CELL)
    return None, _(NIP_NOT_TEXT).format(type(value).__name__)

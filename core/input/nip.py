"""Checking a NIP, the 18-digit civil-servant number, cell by cell.

:func:`check_nip` says whether a cell holds a valid NIP and, when not, why in words a
person can act on: the birth date and appointment month it encodes must be real
dates in plausible years, the sex digit 1 or 2, and the cell must be text (a number
cell has lost digits).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Literal

__all__ = ["NUMBER_NIP", "check_nip"]

NUMBER_NIP = (
    "NIP is stored as a number, which loses digits; format the nip column as Text and re-type it"
)
_SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+|[0-9]+[.,]0+")


@lru_cache(maxsize=8192)
def _date_ok(digits: str, lo: int, hi: int) -> Literal["ok", "date", "year"]:
    """Check YYYYMMDD or YYYYMM digits: "ok", "date" (not a date) or "year" (out of range)."""
    try:
        dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]) if len(digits) > 6 else 1)
    except ValueError:
        return "date"
    return "ok" if lo <= int(digits[:4]) <= hi else "year"


@lru_cache(maxsize=1 << 18)
def _check_nip_text(text: str) -> tuple[str | None, str | None]:
    s = "".join(text.split())
    if not s:
        return None, "NIP is empty; every row needs the employee's 18-digit NIP"
    if not (s.isascii() and s.isdigit()):
        if _SCIENTIFIC.fullmatch(s):
            return None, NUMBER_NIP
        odd = "".join(sorted({c for c in s if not (c.isascii() and c.isdigit())}))
        return None, f"NIP {s!r} contains characters other than digits ({odd!r}); type 18 digits"
    if len(s) != 18:
        return None, f"NIP has {len(s)} digits, expected 18"
    birth, appointed, sex = s[:8], s[8:14], s[14]
    state = _date_ok(birth, 1940, 2010)
    if state == "date":
        return None, f"NIP digits 1-8 (birth date) {birth} are not a valid date"
    if state == "year":
        return None, f"NIP digits 1-8 (birth date) {birth}: year {birth[:4]} is not in 1940-2010"
    state, what = _date_ok(appointed, 1960, 2035), "NIP digits 9-14 (appointment year and month)"
    if state == "date":
        return None, f"{what} {appointed} are not a valid year and month"
    if state == "year":
        return None, f"{what} {appointed}: year {appointed[:4]} is not in 1960-2035"
    if sex not in "12":
        return None, f"NIP digit 15 (sex) is {sex}, expected 1 or 2"
    return s, None


def check_nip(value: object) -> tuple[str | None, str | None]:
    """Check a NIP cell: ``(nip, None)`` when valid, ``(None, reason)`` when not.

    A NIP is 18 digits as text: birth date YYYYMMDD (year 1940-2010), appointment
    YYYYMM (year 1960-2035), sex 1 or 2, sequence. Spaces are removed. A numeric
    cell is refused because a number loses digits.
    """
    if isinstance(value, str):
        return _check_nip_text(value)
    if value is None:
        return None, "NIP is empty; every row needs the employee's 18-digit NIP"
    if isinstance(value, bool):
        return None, f"NIP must be 18 digits as text, found {value}"
    if isinstance(value, int | float):
        return None, NUMBER_NIP
    if isinstance(value, dt.date):
        return None, "NIP cell holds a date; format the nip column as Text and type the 18 digits"
    return None, f"NIP must be 18 digits as text, found {type(value).__name__}"

"""Reading one cell of an input sheet: text, numbers, dates, codes and NIPs in other columns.

Each reader returns the cell's value, or records a :class:`_Bad` (the column and a
reason a person can act on) in the row's :data:`Problems` and returns ``None``, so
that a row reports all its problems at once. Numbers take ``.`` or ``,`` as the
decimal separator and must be finite and within :data:`MAX_NUMBER`; a text like
``1.500`` (which is 1.5 or 1500 depending on the locale) is refused as ambiguous.
Dates are ``YYYY-MM-DD`` text or date cells. Parsing of repeated texts is cached.

These are today's rules for one Python value. Validation reads whole columns with
the expressions of :mod:`kinerja.input.texts`, :mod:`kinerja.input.numbers` and
:mod:`kinerja.input.dates`, which give the same values and words (a property test
holds them to these functions); it calls these for the few words it builds once per
distinct value (a "did you mean" hint, a number as ``{x:g}``). :func:`text_of` reads
a cell as a reader stores it (text and kind, see :mod:`kinerja.input.tables`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from kinerja.input.nip import check_nip
from kinerja.input.spec import AttributeSpec

__all__ = [
    "FIRST_YEAR",
    "ISO_TIME",
    "LAST_YEAR",
    "MAX_NUMBER",
    "OUT_OF_YEARS",
    "Problems",
    "text_of",
]

MAX_NUMBER = 1e15
"""Largest magnitude a number cell may have; anything larger is a typing or export error."""

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DOT_GROUPS = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
"""``1.500`` or ``12.000.000``: dots that may be thousands separators (Indonesian style)."""
_NO_GROUPS = "write the number without thousands separators"
ISO_TIME = (
    r"(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
"""What may follow a date: a real time of day, and a time zone."""
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})" + ISO_TIME)
FIRST_YEAR, LAST_YEAR = 1950, 2100
"""The years a date in an input may have: a date outside them is a typing mistake."""
OUT_OF_YEARS = f"is outside the years {FIRST_YEAR} to {LAST_YEAR}; check the year"


class _Bad(NamedTuple):
    """A field-level problem: the column and what to tell the user."""

    column: str
    reason: str


Problems = list[_Bad]


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _int_text(v: int) -> str:
    """An integer as digits, shortened when it is too long to show (or to convert)."""
    try:
        digits = str(v)
    except ValueError:  # more digits than Python converts to text
        return "a number with thousands of digits"
    return digits if len(digits) <= 24 else f"{digits[:12]}... ({len(digits)} digits)"


def _text(v: object) -> str:
    if isinstance(v, str):
        return v.strip()
    if v is None:
        return ""
    if type(v) is int:
        return _int_text(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _raw_nip(v: object) -> str | None:
    """The NIP cell as text, to identify a rejected row even when the NIP is invalid."""
    if isinstance(v, float):
        return f"{v:.15g}"  # as a spreadsheet shows it, without inventing digits
    return None if _blank(v) else "".join(_text(v).split())


def _fmt(x: float) -> str:
    if type(x) is int:
        return _int_text(x)
    if not math.isfinite(x):
        return str(x)
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e20 else f"{x:g}"


def _out_of_range(shown: str) -> str:
    """The reason for a number too large to be real (the caller puts the column first)."""
    return f"is {shown}, beyond the accepted range of -10^15 to 10^15; check the value"


@lru_cache(maxsize=65536)
def _number_text(text: str) -> float | str:
    """Parse a numeric string (``.`` or ``,`` decimal separator): the number, or why not."""
    s = text.strip().replace(" ", "")
    if _DOT_GROUPS.fullmatch(s):
        plain = s.replace(".", "")
        if s.count(".") == 1:
            return f"{text.strip()!r} could be {float(s):g} or {plain}; {_NO_GROUPS}"
        return f"{text.strip()!r} uses . to group thousands; {_NO_GROUPS} ({plain})"
    if "," in s:
        # 1.234,5 (Indonesian) or 1,234.5 (English): the last separator is the decimal one
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    if not _NUMBER.fullmatch(s):
        hint = " (remove the % sign)" if s.endswith("%") else ""
        return f"must be a number, found {text.strip()!r}{hint}"
    x = float(s)
    if abs(x) > MAX_NUMBER:  # also inf, from hundreds of digits
        shown = text.strip()
        return _out_of_range(shown if len(shown) <= 24 else f"{shown[:12]}... ({len(s)} chars)")
    return x


def _number(v: object, column: str, p: Problems) -> float | None:
    """A number cell as float; on a problem, record it in ``p`` and return None."""
    t = type(v)
    if t is int:
        if -MAX_NUMBER <= v <= MAX_NUMBER:  # type: ignore[operator]
            return float(v)  # type: ignore[arg-type]
        p.append(_Bad(column, f"{column} {_out_of_range(_int_text(v))}"))  # type: ignore[arg-type]
        return None
    if t is float:
        if -MAX_NUMBER <= v <= MAX_NUMBER:  # type: ignore[operator]
            return v  # type: ignore[return-value]
        if math.isfinite(v):  # type: ignore[arg-type]
            p.append(_Bad(column, f"{column} {_out_of_range(f'{v:g}')}"))
        else:
            p.append(_Bad(column, f"{column} must be a finite number, found {v!r}"))
        return None
    if isinstance(v, str):
        parsed = _number_text(v)
        if type(parsed) is float:
            return parsed
        p.append(_Bad(column, f"{column} {parsed}"))
        return None
    if isinstance(v, int | float) and not isinstance(v, bool):  # subclasses, e.g. numpy
        return _number(float(v) if isinstance(v, float) else int(v), column, p)
    p.append(_Bad(column, f"{column} must be a number, found {_text(v)!r}"))
    return None


@lru_cache(maxsize=65536)
def _iso_text(s: str) -> str | None:
    m = _ISO_DATE.fullmatch(s.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def _date(v: object, column: str, p: Problems) -> str | None:
    """A date cell (ISO text or a date cell) as ``YYYY-MM-DD``, in the years
    :data:`FIRST_YEAR` to :data:`LAST_YEAR`; problems go to ``p``."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        reason = f"{column} is a number ({_fmt(v)}), not a date; format the cell as a date"
        p.append(_Bad(column, reason + " or type it as YYYY-MM-DD"))
        return None
    iso = _date_text(v)
    if iso is None:
        shown = repr(v.strip()) if isinstance(v, str) else repr(v)
        reason = f"{column} {shown} is not a date in the form YYYY-MM-DD (e.g. 2024-01-31)"
        p.append(_Bad(column, reason))
        return None
    if not FIRST_YEAR <= int(iso[:4]) <= LAST_YEAR:
        p.append(_Bad(column, f"{column} {iso} {OUT_OF_YEARS}"))
        return None
    return iso


def _date_text(v: object) -> str | None:
    """The ``YYYY-MM-DD`` of ISO text or a date cell; None for anything else."""
    if isinstance(v, str):
        return _iso_text(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return None


def _required_date(row: dict[str, object], column: str, p: Problems) -> str | None:
    v = row.get(column)
    if _blank(v):
        p.append(_Bad(column, f"{column} is empty; give the date as YYYY-MM-DD"))
        return None
    return _date(v, column, p)


def _other_nip(raw: object, column: str, p: Problems) -> str | None:
    """A NIP in another column (supervisor, rater, decider); problems go to ``p``."""
    nip, err = check_nip(raw)
    if err is not None:
        p.append(_Bad(column, f"{column}: {err}"))
    return nip


def _attribute(v: object, spec: AttributeSpec, p: Problems) -> object:
    name = spec.name
    if _blank(v):
        if spec.required:
            p.append(_Bad(name, f"{name} is empty but the region's rules require it"))
        return None
    if spec.type == "date":
        return _date(v, name, p)
    if spec.type == "text":
        return _text(v)
    x = _number(v, name, p)
    if x is None:
        return None
    if spec.minimum is not None and x < spec.minimum:
        p.append(_Bad(name, f"{name} is {_fmt(x)}, below the minimum {_fmt(spec.minimum)}"))
    elif spec.maximum is not None and x > spec.maximum:
        p.append(_Bad(name, f"{name} is {_fmt(x)}, above the maximum {_fmt(spec.maximum)}"))
    integral = type(v) is int or (type(v) is str and x.is_integer() and not {".", ","} & set(v))
    return int(x) if integral else x


class _Codes:
    """Known codes (case-insensitive), with a cached 'did you mean' message for unknown ones."""

    def __init__(self, codes: Iterable[str], what: str, column: str) -> None:
        self.exact = frozenset(codes)
        self.known = {c.strip().lower(): c for c in self.exact}
        self.what, self.column = what, column
        self.cache: dict[str, str] = {}

    def get(self, raw: object, p: Problems) -> str | None:
        if type(raw) is str and raw in self.exact:
            return raw  # type: ignore[return-value]
        code, reason = self.find(_text(raw))
        if reason is not None:
            p.append(_Bad(self.column, reason))
        return code

    def find(self, code: str) -> tuple[str | None, str | None]:
        """A cell's text (``_text``) as ``(code, None)``, or ``(None, reason)``."""
        if not code:
            return None, f"{self.column} is empty; give the {self.what} code"
        if not self.known:
            return code, None
        found = self.known.get(code.lower())
        if found is not None:
            return found, None
        if code not in self.cache:
            names = sorted(self.known.values())
            close = difflib.get_close_matches(code, names, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            listed = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
            self.cache[code] = (
                f"unknown {self.what} {code!r} in column {self.column}; {hint}"
                f"the region's rules know: {listed}"
            )
        return None, self.cache[code]


def text_of(text: str | None, kind: str | None) -> str:
    """``_text`` of the cell a reader stored as ``(text, kind)`` (see ``tables.cell_text``)."""
    if kind is None:
        return "" if text is None else text.strip()
    if kind == "int":
        return text if len(text) <= 24 else f"{text[:12]}... ({len(text)} digits)"  # type: ignore[arg-type]
    if kind == "float":
        return _text(float(text))  # type: ignore[arg-type]
    if kind == "datetime":
        return _text(dt.datetime.fromisoformat(text))  # type: ignore[arg-type]
    return text  # type: ignore[return-value]

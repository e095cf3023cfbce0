"""Reading one cell of an input sheet: text, numbers, dates, codes and NIPs in other columns.

Each reader returns the cell's value, or records a :class:`_Bad` (the column and a
reason a person can act on) in the row's :data:`Problems` and returns ``None``, so
that a row reports all its problems at once. Numbers take ``.`` or ``,`` as the
decimal separator and must be finite and within :data:`MAX_NUMBER`; a text like
``1.500`` (which is 1.5 or 1500 depending on the locale) is refused as ambiguous.
Dates are ``YYYY-MM-DD``, ``DD/MM/YYYY`` or ``D Maret 2026`` text, or date cells;
ambiguous forms (a two-digit year, the year first with slashes) are refused. Parsing
of repeated texts is cached.

These are today's rules for one Python value. Validation reads whole columns with
the expressions of :mod:`kinerja.input.texts`, :mod:`kinerja.input.numbers` and
:mod:`kinerja.input.dates`, which give the same values and words (a property test
holds them to these functions); it calls these for the few words it builds once per
distinct value (a "did you mean" hint, a number as ``{x:g}``). :func:`text_of` reads
a cell as a reader stores it (text and kind, see :mod:`kinerja.input.tables`).

The words are messages of the catalogs (:mod:`kinerja.i18n`), in the language in use;
those with ``{}`` are shared with the column expressions, which fill them in order
with ``pl.format`` (here ``str.format`` does).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from kinerja.i18n import N_, _
from kinerja.input.nip import check_nip
from kinerja.input.spec import AttributeSpec

__all__ = [
    "ATTRIBUTE_ABOVE",
    "ATTRIBUTE_BELOW",
    "ATTRIBUTE_REQUIRED",
    "COULD_BE",
    "DATE_EMPTY",
    "DATE_IS_NUMBER",
    "FIRST_YEAR",
    "GROUPED",
    "ISO_TIME",
    "LAST_YEAR",
    "LONG_DIGITS",
    "MAX_NUMBER",
    "NOT_A_DATE",
    "DATE_DAY_FIRST",
    "DATE_TWO_DIGIT_YEAR",
    "DATE_YEAR_FIRST",
    "MONTHS",
    "DAY_FIRST",
    "MONTH_NAMED",
    "TWO_DIGIT_YEAR",
    "YEAR_FIRST",
    "NOT_A_NUMBER",
    "NOT_A_NUMBER_PERCENT",
    "NOT_FINITE",
    "OUT_OF_RANGE",
    "OUT_OF_RANGE_LONG",
    "OUT_OF_YEARS",
    "Problems",
    "code_empty",
    "text_of",
]

MAX_NUMBER = 1e15
"""Largest magnitude a number cell may have; anything larger is a typing or export error."""

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DOT_GROUPS = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
"""``1.500`` or ``12.000.000``: dots that may be thousands separators (Indonesian style)."""
ISO_TIME = (
    r"(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
"""What may follow a date: a real time of day, and a time zone."""
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})" + ISO_TIME)
FIRST_YEAR, LAST_YEAR = 1950, 2100
"""The years a date in an input may have: a date outside them is a typing mistake."""

# The reasons, each filled in order: the column first, then the values shown.
COULD_BE = N_("{} {} could be {} or {}; write the number without thousands separators")
GROUPED = N_("{} {} uses . to group thousands; write the number without thousands separators ({})")
NOT_A_NUMBER = N_("{} must be a number, found {}")
NOT_A_NUMBER_PERCENT = N_("{} must be a number, found {} (remove the % sign)")
NOT_FINITE = N_("{} must be a finite number, found {}")
OUT_OF_RANGE = N_("{} is {}, beyond the accepted range of -10^15 to 10^15; check the value")
OUT_OF_RANGE_LONG = N_(
    "{} is {}... ({} chars), beyond the accepted range of -10^15 to 10^15; check the value"
)
"""A number too large, its text too long to show whole: its first 12 characters and length."""
DATE_IS_NUMBER = N_(
    "{} is a number ({}), not a date; format the cell as a date or type it as DD/MM/YYYY "
    "(31/01/2024)"
)
NOT_A_DATE = N_(
    "{} {} is not a date; write it as DD/MM/YYYY (31/01/2024), YYYY-MM-DD (2024-01-31) "
    "or with the month in words (31 Januari 2024)"
)
OUT_OF_YEARS = N_("{} {} is outside the years {} to {}; check the year")
"""Filled with the column, the date, :data:`FIRST_YEAR` and :data:`LAST_YEAR`."""
DATE_EMPTY = N_("{} is empty; give the date, e.g. 31/01/2024, 2024-01-31 or 31 Januari 2024")
DATE_TWO_DIGIT_YEAR = N_(
    "{} {} has a two-digit year, which could be of any century; write the year in full, "
    "as DD/MM/YYYY (e.g. 31/01/2024) or YYYY-MM-DD"
)
DATE_YEAR_FIRST = N_(
    "{} {} puts the year first with slashes, which reads either way; write it as "
    "YYYY-MM-DD (e.g. 2024-01-31) or DD/MM/YYYY"
)
DATE_DAY_FIRST = N_(
    "{} {} is read day first (DD/MM/YYYY), and {} is not a month; write it as DD/MM/YYYY "
    "(e.g. 31/01/2024) or YYYY-MM-DD"
)
"""Filled with the column, the date and the number in the month's place."""
MONTHS = {
    **{
        name: number
        for number, name in enumerate(
            "januari februari maret april mei juni juli agustus september oktober november "
            "desember".split(),
            start=1,
        )
    },
    **{
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
        "agu": 8, "ags": 8, "sep": 9, "okt": 10, "nov": 11, "des": 12,
    },
}  # fmt: skip
"""Indonesian month names, whole and short, in lower case -> the month's number."""
DAY_FIRST = r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$"
"""``D/M/YYYY`` or ``DD/MM/YYYY``: the day first, as Indonesians write dates."""
MONTH_NAMED = r"^([0-9]{1,2}) +([A-Za-z]+) +([0-9]{4})$"
"""``D Maret 2026``: the month by its Indonesian name (any case)."""
TWO_DIGIT_YEAR = r"^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}$"
YEAR_FIRST = r"^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}$"
ATTRIBUTE_REQUIRED = N_("{} is empty but the region's rules require it")
ATTRIBUTE_BELOW = N_("{} is {}, below the minimum {}")
ATTRIBUTE_ABOVE = N_("{} is {}, above the maximum {}")
LONG_DIGITS = N_("{}... ({} digits)")
"""An integer too long to show: its first 12 digits and how many it has."""
_CODE_EMPTY = N_("{column} is empty; give the {what} code")

_Why = tuple[str, tuple[str, ...]]
"""A reason not yet in words: its message (filled in order, after the column) and values."""


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
        return _("a number with thousands of digits")
    return digits if len(digits) <= 24 else _(LONG_DIGITS).format(digits[:12], len(digits))


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


@lru_cache(maxsize=65536)
def _number_text(text: str) -> float | _Why:
    """Parse a numeric string (``.`` or ``,`` decimal separator): the number, or why not
    (a message and its values after the column: no words yet, the cache holds them)."""
    s = text.strip().replace(" ", "")
    if _DOT_GROUPS.fullmatch(s):
        plain = s.replace(".", "")
        if s.count(".") == 1:
            return COULD_BE, (repr(text.strip()), f"{float(s):g}", plain)
        return GROUPED, (repr(text.strip()), plain)
    if "," in s:
        # 1.234,5 (Indonesian) or 1,234.5 (English): the last separator is the decimal one
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    if not _NUMBER.fullmatch(s):
        return NOT_A_NUMBER_PERCENT if s.endswith("%") else NOT_A_NUMBER, (repr(text.strip()),)
    x = float(s)
    if abs(x) > MAX_NUMBER:  # also inf, from hundreds of digits
        shown = text.strip()
        if len(shown) <= 24:
            return OUT_OF_RANGE, (shown,)
        return OUT_OF_RANGE_LONG, (shown[:12], str(len(s)))
    return x


def _number(v: object, column: str, p: Problems) -> float | None:
    """A number cell as float; on a problem, record it in ``p`` and return None."""
    t = type(v)
    if t is int:
        if -MAX_NUMBER <= v <= MAX_NUMBER:  # type: ignore[operator]
            return float(v)  # type: ignore[arg-type]
        p.append(_Bad(column, _(OUT_OF_RANGE).format(column, _int_text(v))))  # type: ignore[arg-type]
        return None
    if t is float:
        if -MAX_NUMBER <= v <= MAX_NUMBER:  # type: ignore[operator]
            return v  # type: ignore[return-value]
        if math.isfinite(v):  # type: ignore[arg-type]
            p.append(_Bad(column, _(OUT_OF_RANGE).format(column, f"{v:g}")))
        else:
            p.append(_Bad(column, _(NOT_FINITE).format(column, repr(v))))
        return None
    if isinstance(v, str):
        parsed = _number_text(v)
        if type(parsed) is float:
            return parsed
        message, values = parsed  # type: ignore[misc]
        p.append(_Bad(column, _(message).format(column, *values)))
        return None
    if isinstance(v, int | float) and not isinstance(v, bool):  # subclasses, e.g. numpy
        return _number(float(v) if isinstance(v, float) else int(v), column, p)
    p.append(_Bad(column, _(NOT_A_NUMBER).format(column, repr(_text(v)))))
    return None


@lru_cache(maxsize=65536)
def _iso_text(s: str) -> str | None:
    """The ``YYYY-MM-DD`` of a date written ``YYYY-MM-DD``, ``DD/MM/YYYY`` or ``D Maret
    2026`` that is a real date; None for anything else."""
    s = s.strip()
    m = _ISO_DATE.fullmatch(s)
    if m:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := re.match(DAY_FIRST, s):
        year, month, day = int(m[3]), int(m[2]), int(m[1])
    elif (m := re.match(MONTH_NAMED, s)) and m[2].lower() in MONTHS:
        year, month, day = int(m[3]), MONTHS[m[2].lower()], int(m[1])
    else:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _date_refusal(s: str) -> tuple[str, tuple[object, ...]]:
    """Why the text ``s`` is not a date: the message and the values after the column
    and the date shown."""
    s = s.strip()
    if re.match(TWO_DIGIT_YEAR, s):
        return DATE_TWO_DIGIT_YEAR, ()
    if re.match(YEAR_FIRST, s):
        return DATE_YEAR_FIRST, ()
    m = re.match(DAY_FIRST, s)
    if m and int(m[2]) > 12:
        return DATE_DAY_FIRST, (m[2],)
    return NOT_A_DATE, ()


def _date(v: object, column: str, p: Problems) -> str | None:
    """A date cell (ISO text or a date cell) as ``YYYY-MM-DD``, in the years
    :data:`FIRST_YEAR` to :data:`LAST_YEAR`; problems go to ``p``."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        p.append(_Bad(column, _(DATE_IS_NUMBER).format(column, _fmt(v))))
        return None
    iso = _date_text(v)
    if iso is None:
        shown = repr(v.strip()) if isinstance(v, str) else repr(v)
        message, values = _date_refusal(v) if isinstance(v, str) else (NOT_A_DATE, ())
        p.append(_Bad(column, _(message).format(column, shown, *values)))
        return None
    if not FIRST_YEAR <= int(iso[:4]) <= LAST_YEAR:
        p.append(_Bad(column, _(OUT_OF_YEARS).format(column, iso, FIRST_YEAR, LAST_YEAR)))
        return None
    return iso


def _date_text(v: object) -> str | None:
    """The ``YYYY-MM-DD`` of date text (see :func:`_iso_text`) or a date cell; None for
    anything else."""
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
        p.append(_Bad(column, _(DATE_EMPTY).format(column)))
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
            p.append(_Bad(name, _(ATTRIBUTE_REQUIRED).format(name)))
        return None
    if spec.type == "date":
        return _date(v, name, p)
    if spec.type == "text":
        return _text(v)
    x = _number(v, name, p)
    if x is None:
        return None
    if spec.minimum is not None and x < spec.minimum:
        p.append(_Bad(name, _(ATTRIBUTE_BELOW).format(name, _fmt(x), _fmt(spec.minimum))))
    elif spec.maximum is not None and x > spec.maximum:
        p.append(_Bad(name, _(ATTRIBUTE_ABOVE).format(name, _fmt(x), _fmt(spec.maximum))))
    integral = type(v) is int or (type(v) is str and x.is_integer() and not {".", ","} & set(v))
    return int(x) if integral else x


def code_empty(column: str, what: str) -> str:
    """The reason for an empty code cell; ``what`` is a message naming the code
    (``N_("indicator")``)."""
    return _(_CODE_EMPTY, column=column, what=_(what))


class _Codes:
    """Known codes (case-insensitive), with a cached 'did you mean' message for unknown ones.

    ``what`` names the code in the reasons: a message of the catalogs (``N_("aspect")``).
    """

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
            return None, code_empty(self.column, self.what)
        if not self.known:
            return code, None
        found = self.known.get(code.lower())
        if found is not None:
            return found, None
        if code not in self.cache:
            names = sorted(self.known.values())
            close = difflib.get_close_matches(code, names, n=1, cutoff=0.6)
            listed = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
            shown = {"what": _(self.what), "code": repr(code), "column": self.column}
            self.cache[code] = (
                _(
                    "unknown {what} {code} in column {column}; did you mean {close}? "
                    "the region's rules know: {listed}",
                    close=repr(close[0]),
                    listed=listed,
                    **shown,
                )
                if close
                else _(
                    "unknown {what} {code} in column {column}; the region's rules know: {listed}",
                    listed=listed,
                    **shown,
                )
            )
        return None, self.cache[code]


def text_of(text: str | None, kind: str | None) -> str:
    """``_text`` of the cell a reader stored as ``(text, kind)`` (see ``tables.cell_text``)."""
    if kind is None:
        return "" if text is None else text.strip()
    if kind == "int":
        return text if len(text) <= 24 else _(LONG_DIGITS).format(text[:12], len(text))  # type: ignore[arg-type]
    if kind == "float":
        return _text(float(text))  # type: ignore[arg-type]
    if kind == "datetime":
        return _text(dt.datetime.fromisoformat(text))  # type: ignore[arg-type]
    return text  # type: ignore[return-value]

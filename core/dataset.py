"""Validating raw input tables into a :class:`~kinerja.model.Dataset`.

Every row is either used or rejected with a reason a person can act on (what is
wrong, where, how to fix it). A bad row never stops the batch. An employee with any
rejected row in ``capaian``, ``penilaian`` or ``keberatan`` is not appraised at all
(their result would come from partial data): they are rejected too, so that
employees read = employees appraised + employees rejected.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple

from kinerja.io.tables import KNOWN_SHEETS, Tables, normalise_header
from kinerja.model import RATER_GROUPS, Dataset, Employee, Objection, Outcome, Rating, Reject
from kinerja.model import Source as Src

__all__ = ["AttributeSpec", "GROUP_ALIASES", "InputSpec", "build_dataset", "check_nip"]


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """An extra ``pegawai`` column the region's rules read, and how to check it."""

    name: str
    type: Literal["number", "text", "date"]
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class InputSpec:
    """What the region's rules expect in the input.

    An empty ``indicators``, ``aspects``, ``groups`` or ``predikat_labels`` means the
    rules do not restrict that field (any value is accepted).
    """

    attributes: tuple[AttributeSpec, ...] = ()
    indicators: frozenset[str] = frozenset()
    """Known indicator codes; an unknown code in capaian is a reject."""
    aspects: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Aspect code -> (min, max) of its rating scale."""
    groups: frozenset[str] = frozenset()
    """Rater groups the rules use; a rating from another group is a reject."""
    predikat_labels: tuple[str, ...] = ()
    """Allowed values for ``keberatan.predikat_baru``."""


GROUP_ALIASES: dict[str, str] = {
    **{g: g for g in RATER_GROUPS},
    "diri": "self",
    "diri_sendiri": "self",
    "atasan": "supervisor",
    "rekan": "peer",
    "rekan_kerja": "peer",
    "bawahan": "subordinate",
    "masyarakat": "citizen",
}
"""Accepted ``kelompok`` values (English or Indonesian) -> rater group."""

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "pegawai": ("nip", "nama", "jabatan", "unit_kerja", "golongan", "atasan_nip"),
    "capaian": ("nip", "indikator", "target", "realisasi"),
    "penilaian": ("nip", "penilai_nip", "kelompok", "aspek", "nilai"),
    "keberatan": ("nip", "tanggal_terima", "tanggal_ajuan", "pemutus_nip", "keputusan", "alasan"),
}

NUMBER_NIP = (
    "NIP is stored as a number, which loses digits; format the nip column as Text and re-type it"
)
_SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+|[0-9]+[.,]0+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ][0-9:.]+)?")


class _Bad(NamedTuple):
    """A field-level problem: the column and what to tell the user."""

    column: str
    reason: str


Problems = list[_Bad]


# --------------------------------------------------------------------- fields


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


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _text(v: object) -> str:
    if isinstance(v, str):
        return v.strip()
    if v is None:
        return ""
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
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@lru_cache(maxsize=65536)
def _number_text(text: str) -> float | str:
    """Parse a numeric string (``.`` or ``,`` decimal separator): the number, or why not."""
    s = text.strip().replace(" ", "")
    if "," in s:
        # 1.234,5 (Indonesian) or 1,234.5 (English): the last separator is the decimal one
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    if not _NUMBER.fullmatch(s):
        hint = " (remove the % sign)" if s.endswith("%") else ""
        return f"must be a number, found {text.strip()!r}{hint}"
    return float(s)


def _number(v: object, column: str, p: Problems) -> float | None:
    """A number cell as float; on a problem, record it in ``p`` and return None."""
    t = type(v)
    if t is float or t is int:
        x = float(v)  # type: ignore[arg-type]
        if math.isfinite(x):
            return x
        p.append(_Bad(column, f"{column} must be a finite number, found {v!r}"))
        return None
    if isinstance(v, str):
        parsed = _number_text(v)
        if type(parsed) is float:
            return parsed
        p.append(_Bad(column, f"{column} {parsed}"))
        return None
    if isinstance(v, int | float) and not isinstance(v, bool):
        return _number(float(v), column, p)
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
    """A date cell (ISO text or a date cell) as ``YYYY-MM-DD``; problems go to ``p``."""
    if isinstance(v, str):
        iso = _iso_text(v)
        if iso is not None:
            return iso
        shown = repr(v.strip())
    elif isinstance(v, dt.datetime):
        return v.date().isoformat()
    elif isinstance(v, dt.date):
        return v.isoformat()
    elif isinstance(v, int | float) and not isinstance(v, bool):
        reason = f"{column} is a number ({_fmt(v)}), not a date; format the cell as a date"
        p.append(_Bad(column, reason + " or type it as YYYY-MM-DD"))
        return None
    else:
        shown = repr(v)
    reason = f"{column} {shown} is not a date in the form YYYY-MM-DD (e.g. 2024-01-31)"
    p.append(_Bad(column, reason))
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
        code = _text(raw)
        if not code:
            p.append(_Bad(self.column, f"{self.column} is empty; give the {self.what} code"))
            return None
        if not self.known:
            return code
        found = self.known.get(code.lower())
        if found is not None:
            return found
        if code not in self.cache:
            names = sorted(self.known.values())
            close = difflib.get_close_matches(code, names, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            listed = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
            self.cache[code] = (
                f"unknown {self.what} {code!r} in column {self.column}; {hint}"
                f"the region's rules know: {listed}"
            )
        p.append(_Bad(self.column, self.cache[code]))
        return None


# --------------------------------------------------------------------- building

Row = dict[str, object]


@dataclass(slots=True)
class _State:
    spec: InputSpec
    rows_by_sheet: dict[str, list[tuple[int, Row]]]
    columns: dict[str, list[str]]
    rejects: list[Reject] = field(default_factory=list)
    employees: dict[str, Employee] = field(default_factory=dict)
    rejected_emp: dict[str, int] = field(default_factory=dict)
    """NIP -> pegawai row, for employees whose first pegawai row was rejected."""
    bad_rows: dict[str, list[str]] = field(default_factory=dict)
    """Appraisable NIP -> ["capaian row 7", ...]: rows of theirs that were rejected."""

    def missing_columns(self, sheet: str) -> _Bad | None:
        """The whole-sheet problem when required columns are missing, else None."""
        rows = self.rows_by_sheet.get(sheet, [])
        found = self.columns.get(sheet)
        if found is None:  # Tables built by hand: the union of the rows' keys
            found = list(dict.fromkeys(k for _, r in rows for k in r))
        required = REQUIRED_COLUMNS[sheet]
        if sheet == "pegawai":
            required += tuple(normalise_header(a.name) for a in self.spec.attributes if a.required)
        missing = [c for c in required if c not in found]
        if not missing:
            return None
        word = "column" if len(missing) == 1 else "columns"
        return _Bad(
            ", ".join(missing),
            f"sheet {sheet} is missing the {word} {', '.join(missing)} (columns found: "
            f"{', '.join(found) or 'none'}); add a column with the header {missing[0]}",
        )

    def reject(self, sheet: str, number: int, nip: str | None, problems: Problems) -> None:
        """Record one rejected row; several problems are numbered in one reason."""
        columns = list(dict.fromkeys(p.column for p in problems if p.column))
        if len(problems) == 1:
            reason = problems[0].reason
        else:
            reason = " ".join(f"({i}) {p.reason};" for i, p in enumerate(problems, 1))[:-1]
        self.rejects.append(Reject(sheet, number, nip, reason, ", ".join(columns) or None))

    def owner(self, raw: object, p: Problems) -> str | None:
        """Check a record's ``nip``: valid, and an employee in the pegawai sheet."""
        nip, err = check_nip(raw)
        if err is not None:
            p.append(_Bad("nip", err))
            return None
        if nip in self.employees:
            return nip
        if nip in self.rejected_emp:
            row = self.rejected_emp[nip]
            reason = f"employee not appraised: their pegawai row {row} was rejected"
        else:
            where = "" if "pegawai" in self.rows_by_sheet else " (the input has no pegawai sheet)"
            reason = (
                f"NIP not found in pegawai sheet{where}; add the employee to pegawai "
                "or correct the NIP"
            )
        p.append(_Bad("nip", reason))
        return nip


def _pegawai(state: _State) -> None:
    missing = state.missing_columns("pegawai")
    first_row: dict[str, int] = {}
    attrs = [(normalise_header(a.name), a) for a in state.spec.attributes]
    for number, row in state.rows_by_sheet.get("pegawai", []):
        get = row.get
        nip, err = check_nip(get("nip"))
        p: Problems = []
        if err is not None:
            p.append(_Bad("nip", err))
        elif nip in first_row:
            reason = f"duplicate NIP, first seen at pegawai row {first_row[nip]}"
            state.reject("pegawai", number, nip, [_Bad("nip", reason + "; remove this row")])
            continue
        else:
            first_row[nip] = number  # type: ignore[index]
        if missing is not None:
            p = [missing]
        else:
            nama = _text(get("nama"))
            if not nama:
                p.append(_Bad("nama", "nama is empty; fill in the employee's name"))
            atasan = None
            if not _blank(get("atasan_nip")):
                atasan = _other_nip(get("atasan_nip"), "atasan_nip", p)
                if atasan is not None and atasan == nip:
                    reason = "atasan_nip is the employee's own NIP; leave it empty if none"
                    p.append(_Bad("atasan_nip", reason))
            values = {a.name: _attribute(get(key), a, p) for key, a in attrs}
        if p:
            state.reject("pegawai", number, nip or _raw_nip(get("nip")), p)
            if nip is not None:
                state.rejected_emp[nip] = number
            continue
        post, unit, grade = _text(get("jabatan")), _text(get("unit_kerja")), _text(get("golongan"))
        src = Src("pegawai", number)
        employee = Employee(nip, nama, post, unit, grade, atasan, values, src)  # type: ignore[arg-type]
        state.employees[nip] = employee  # type: ignore[index]


Maker = Callable[[str, Row, Src, Problems], object]


def _records(state: _State, sheet: str, make: Maker) -> dict[str, list]:
    """Validate one record sheet; return accepted records by NIP (before the cascade)."""
    out: dict[str, list] = {}
    missing = state.missing_columns(sheet)
    employees, bad_rows = state.employees, state.bad_rows
    for number, row in state.rows_by_sheet.get(sheet, []):
        raw = row.get("nip")
        p: Problems = []
        nip = state.owner(raw, p)
        record = None
        if missing is not None:
            p = [missing]
        else:
            record = make(nip, row, Src(sheet, number), p)  # type: ignore[arg-type]
        if p:
            state.reject(sheet, number, nip or _raw_nip(raw), p)
            if nip in employees:
                bad_rows.setdefault(nip, []).append(f"{sheet} row {number}")  # type: ignore[arg-type]
            continue
        if nip in out:
            out[nip].append(record)
        else:
            out[nip] = [record]  # type: ignore[index]
    return out


def _makers(spec: InputSpec) -> tuple[Maker, Maker, Maker]:
    """Record builders for capaian, penilaian and keberatan rows under ``spec``."""
    indicators = _Codes(spec.indicators, "indicator", "indikator")
    aspects = _Codes(spec.aspects, "aspect", "aspek")
    labels = _Codes(spec.predikat_labels, "predikat", "predikat_baru")
    scales = spec.aspects
    groups = spec.groups
    used = ", ".join(sorted(groups))
    known = ", ".join(RATER_GROUPS) + " (or diri, atasan, rekan, bawahan, masyarakat)"

    def outcome(nip: str, row: Row, src: Src, p: Problems) -> Outcome | None:
        get = row.get
        code = indicators.get(get("indikator"), p)
        target = _number(get("target"), "target", p)
        if target is not None and target <= 0:
            reason = "target must be positive (achievement is realised / target), found "
            p.append(_Bad("target", reason + _fmt(target)))
        real = _number(get("realisasi"), "realisasi", p)
        tmax = get("target_maks")
        tmax = None if _blank(tmax) else _number(tmax, "target_maks", p)
        if tmax is not None and target is not None and tmax < target:
            reason = f"target_maks (upper bound of the range) {_fmt(tmax)} is below target "
            p.append(_Bad("target_maks", reason + _fmt(target)))
        bobot = get("bobot")
        bobot = 1.0 if _blank(bobot) else _number(bobot, "bobot", p)
        if bobot is not None and bobot <= 0:
            p.append(_Bad("bobot", f"bobot (weight) must be positive, found {_fmt(bobot)}"))
        if p:
            return None
        return Outcome(nip, code, target, real, tmax, bobot, src)  # type: ignore[arg-type]

    def rating(nip: str, row: Row, src: Src, p: Problems) -> Rating | None:
        get = row.get
        raw_group = get("kelompok")
        group = GROUP_ALIASES.get(raw_group) if type(raw_group) is str else None
        if group is None and raw_group is not None:
            group = GROUP_ALIASES.get(normalise_header(_text(raw_group)))
        if group is None:
            reason = f"kelompok {_text(raw_group)!r} is not a rater group; use one of {known}"
            p.append(_Bad("kelompok", reason))
        elif groups and group not in groups:
            reason = f"rater group {group!r} is not used by the region's rules (they use: {used})"
            p.append(_Bad("kelompok", reason))
        rater = get("penilai_nip")
        if group == "self" and _blank(rater):
            rater = nip  # a self-rating's rater is the employee
        elif group == "citizen":
            rater = _raw_nip(rater) or ""
        elif group is not None:
            rater = _other_nip(rater, "penilai_nip", p)
        code = aspects.get(get("aspek"), p)
        nilai = _number(get("nilai"), "nilai", p)
        if code is not None and nilai is not None and code in scales:
            lo, hi = scales[code]
            if not lo <= nilai <= hi:
                reason = f"nilai {_fmt(nilai)} is outside the scale {_fmt(lo)}-{_fmt(hi)}"
                p.append(_Bad("nilai", f"{reason} for aspect {code}"))
        tgl = get("tanggal")
        tgl = None if _blank(tgl) else _date(tgl, "tanggal", p)
        catatan = _text(get("catatan"))
        if p:
            return None
        return Rating(nip, rater, group, code, nilai, tgl, catatan, src)  # type: ignore[arg-type]

    def objection(nip: str, row: Row, src: Src, p: Problems) -> Objection | None:
        get = row.get
        terima = _required_date(row, "tanggal_terima", p)
        ajuan = _required_date(row, "tanggal_ajuan", p)
        pemutus = _other_nip(get("pemutus_nip"), "pemutus_nip", p)
        keputusan = _text(get("keputusan")).lower()
        if keputusan not in ("tetap", "ubah"):
            reason = f"keputusan {_text(get('keputusan'))!r} must be 'tetap' (keep the result)"
            p.append(_Bad("keputusan", reason + " or 'ubah' (change it)"))
        raw_new = get("predikat_baru")
        new = None
        if not _blank(raw_new):
            new = labels.get(raw_new, p)
        elif keputusan == "ubah":
            reason = "predikat_baru is empty; it is required when keputusan is ubah"
            p.append(_Bad("predikat_baru", reason + " (give the changed predikat)"))
        alasan = _text(get("alasan"))
        if not alasan:
            p.append(_Bad("alasan", "alasan is empty; every objection decision needs its reason"))
        if p:
            return None
        return Objection(nip, terima, ajuan, pemutus, keputusan, new, alasan, src)  # type: ignore[arg-type]

    return outcome, rating, objection


def build_dataset(tables: Tables, spec: InputSpec) -> Dataset:
    """Validate raw tables into a :class:`Dataset`; every unusable row becomes a ``Reject``.

    ``rows_in`` counts non-blank data rows per known sheet; whole-file problems from
    reading are carried into ``rejects``; records are grouped by NIP in input order.
    An employee with any rejected capaian/penilaian/keberatan row is rejected as well
    (a ``pegawai`` reject listing those rows) and their other records are left out.
    """
    state = _State(spec, tables.tables, tables.columns)
    _pegawai(state)
    outcome, rating, objection = _makers(spec)
    outcomes = _records(state, "capaian", outcome)
    ratings = _records(state, "penilaian", rating)
    objections = _records(state, "keberatan", objection)

    for nip, where in state.bad_rows.items():
        emp = state.employees.pop(nip)
        n = len(where)
        listed = ", ".join(where[:10]) + (f", and {n - 10} more" if n > 10 else "")
        verb = "was" if n == 1 else "were"
        reason = f"not appraised: {n} of their rows {verb} rejected ({listed})"
        state.rejects.append(Reject("pegawai", emp.source.row, nip, reason))

    order = {s: i for i, s in enumerate(KNOWN_SHEETS)}
    state.rejects.sort(key=lambda r: (order.get(r.sheet, len(order)), r.row))
    employees = list(state.employees.values())
    return Dataset(
        employees=employees,
        outcomes={e.nip: outcomes.get(e.nip, []) for e in employees},
        ratings={e.nip: ratings.get(e.nip, []) for e in employees},
        objections={e.nip: objections.get(e.nip, []) for e in employees},
        rejects=list(tables.problems) + state.rejects,
        rows_in=_rows_in(tables),
        source=tables.source,
        sha256=tables.sha256,
    )


def _rows_in(tables: Tables) -> dict[str, int]:
    """Data rows read per sheet, counting rows the reader could not parse (row > 0 problems)."""
    counts = {s: len(tables.tables.get(s, [])) for s in KNOWN_SHEETS}
    for problem in tables.problems:
        if problem.row > 0 and problem.sheet in counts:
            counts[problem.sheet] += 1
    return counts

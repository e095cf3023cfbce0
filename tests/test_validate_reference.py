"""The columnar validation gives today's answer: a property test against the row-by-row one.

:func:`validate` is a faithful copy of the per-row Python that validated input before
validation became column expressions (``kinerja.input.validate``/``records`` at the
layout commit), reading Python cell values with :mod:`kinerja.input.cells` and
:func:`kinerja.input.nip.check_nip`. Random messy sheets (NIPs valid, spaced, typed
as numbers or dates, repeated; numbers in both locales, ambiguous, huge, not finite;
dates, codes in other cases, unknown groups, missing columns, the reader's cell
problems) go through both; rejects (sheet, row, NIP, reason, column, in order) and
every accepted record must be the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.frames import Batch
from kinerja.input.cells import (
    Problems,
    _attribute,
    _Bad,
    _blank,
    _Codes,
    _date,
    _fmt,
    _number,
    _other_nip,
    _raw_nip,
    _required_date,
    _text,
)
from kinerja.input.nip import check_nip
from kinerja.input.read import KNOWN_SHEETS, normalise_header
from kinerja.input.spec import (
    GROUP_ALIASES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    AttributeSpec,
    InputSpec,
)
from kinerja.input.tables import Tables
from kinerja.input.validate import build_dataset
from kinerja.model import RATER_GROUPS

Row = dict[str, object]
Rows = dict[str, list[tuple[int, Row]]]
Reject = tuple[str, int, "str | None", str, "str | None"]


@dataclass
class Answer:
    """What validation decided: rejects in order, and the accepted records by sheet."""

    rejects: list[Reject]
    employees: list[dict[str, object]]
    records: dict[str, list[dict[str, object]]]


@dataclass
class _State:
    spec: InputSpec
    rows: Rows
    columns: dict[str, list[str]]
    cell_problems: dict[str, dict[int, list[tuple[str, str]]]]
    rejects: list[Reject] = field(default_factory=list)
    employees: dict[str, dict[str, object]] = field(default_factory=dict)
    rejected_emp: dict[str, int] = field(default_factory=dict)
    bad_rows: dict[str, list[str]] = field(default_factory=dict)

    def missing(self, sheet: str) -> _Bad | None:
        found = self.columns.get(sheet)
        if found is None:
            found = list(dict.fromkeys(k for _, r in self.rows.get(sheet, []) for k in r))
        required = REQUIRED_COLUMNS[sheet]
        if sheet == "pegawai":
            required += tuple(normalise_header(a.name) for a in self.spec.attributes if a.required)
        lacking = [c for c in required if c not in found]
        if not lacking:
            return None
        word = "column" if len(lacking) == 1 else "columns"
        return _Bad(
            ", ".join(lacking),
            f"sheet {sheet} is missing the {word} {', '.join(lacking)} (columns found: "
            f"{', '.join(found) or 'none'}); add a column with the header {lacking[0]}",
        )

    def read_problems(self, sheet: str, number: int) -> Problems:
        found = self.cell_problems.get(sheet, {}).get(number)
        if not found:
            return []
        read = set(REQUIRED_COLUMNS[sheet] + OPTIONAL_COLUMNS[sheet])
        if sheet == "pegawai":
            read.update(normalise_header(a.name) for a in self.spec.attributes)
        return [_Bad(column, reason) for column, reason in found if column in read]

    def reject(self, sheet: str, number: int, nip: str | None, problems: Problems) -> None:
        columns = list(dict.fromkeys(p.column for p in problems if p.column))
        if len(problems) == 1:
            reason = problems[0].reason
        else:
            reason = " ".join(f"({i}) {p.reason};" for i, p in enumerate(problems, 1))[:-1]
        self.rejects.append((sheet, number, nip, reason, ", ".join(columns) or None))

    def owner(self, raw: object, p: Problems) -> str | None:
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
            where = "" if "pegawai" in self.rows else " (the input has no pegawai sheet)"
            reason = (
                f"NIP not found in pegawai sheet{where}; add the employee to pegawai "
                "or correct the NIP"
            )
        p.append(_Bad("nip", reason))
        return nip


def _merged(p: Problems, first: int) -> Problems:
    if not first:
        return p
    columns = {b.column for b in p[:first]}
    return p[:first] + [b for b in p[first:] if b.column not in columns]


def _pegawai(state: _State) -> None:
    missing = state.missing("pegawai")
    first_row: dict[str, int] = {}
    attrs = [(normalise_header(a.name), a) for a in state.spec.attributes]
    for number, row in state.rows.get("pegawai", []):
        get = row.get
        nip, err = check_nip(get("nip"))
        p = state.read_problems("pegawai", number)
        first = len(p)
        if err is not None:
            p.append(_Bad("nip", err))
        elif nip in first_row:
            reason = f"duplicate NIP, first seen at pegawai row {first_row[nip]}"
            state.reject("pegawai", number, nip, [_Bad("nip", reason + "; remove this row")])
            continue
        else:
            first_row[nip] = number  # type: ignore[index]
        values: dict[str, object] = {}
        atasan = None
        if missing is not None:
            p = [missing]
        else:
            if not _text(get("nama")):
                p.append(_Bad("nama", "nama is empty; fill in the employee's name"))
            if not _blank(get("atasan_nip")):
                atasan = _other_nip(get("atasan_nip"), "atasan_nip", p)
                if atasan is not None and atasan == nip:
                    reason = "atasan_nip is the employee's own NIP; leave it empty if none"
                    p.append(_Bad("atasan_nip", reason))
            values = {a.name: _attribute(get(key), a, p) for key, a in attrs}
            p = _merged(p, first)
        if p:
            state.reject("pegawai", number, nip or _raw_nip(get("nip")), p)
            if nip is not None:
                state.rejected_emp[nip] = number
            continue
        state.employees[nip] = {  # type: ignore[index]
            "nip": nip,
            "nama": _text(get("nama")),
            "jabatan": _text(get("jabatan")),
            "unit_kerja": _text(get("unit_kerja")),
            "golongan": _text(get("golongan")),
            "atasan_nip": atasan,
            "_row": number,
            **values,
        }


Maker = Callable[[str, Row, int, Problems], "dict[str, object] | None"]


def _makers(spec: InputSpec) -> dict[str, Maker]:
    indicators = _Codes(spec.indicators, "indicator", "indikator")
    aspects = _Codes(spec.aspects, "aspect", "aspek")
    labels = _Codes(spec.predikat_labels, "predikat", "predikat_baru")
    groups = spec.groups
    used = ", ".join(sorted(groups))
    known = ", ".join(RATER_GROUPS) + " (or diri, atasan, rekan, bawahan, masyarakat)"
    rated: dict[tuple[str, str, str, str], int] = {}

    def outcome(nip: str, row: Row, number: int, p: Problems) -> dict[str, object] | None:
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
        return {"nip": nip, "indikator": code, "target": target, "realisasi": real,
                "target_maks": tmax, "bobot": bobot, "_row": number}  # fmt: skip

    def rating(nip: str, row: Row, number: int, p: Problems) -> dict[str, object] | None:
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
            rater = nip
        elif group == "citizen":
            rater = _raw_nip(rater) or ""
        elif group is not None:
            rater = _other_nip(rater, "penilai_nip", p)
        code = aspects.get(get("aspek"), p)
        nilai = _number(get("nilai"), "nilai", p)
        if code is not None and nilai is not None and code in spec.aspects:
            lo, hi = spec.aspects[code]
            if not lo <= nilai <= hi:
                reason = f"nilai {_fmt(nilai)} is outside the scale {_fmt(lo)}-{_fmt(hi)}"
                p.append(_Bad("nilai", f"{reason} for aspect {code}"))
        tgl = get("tanggal")
        tgl = None if _blank(tgl) else _date(tgl, "tanggal", p)
        catatan = _text(get("catatan"))
        if rater and rater == nip and group is not None and group != "self":
            reason = "penilai_nip is the employee themself; only kelompok self may rate oneself"
            p.append(_Bad("penilai_nip", reason))
        if p:
            return None
        key = (nip, rater, group, code)
        if rater:
            if key in rated:  # type: ignore[comparison-overlap]
                reason = "duplicate rating: this rater already rated this aspect at penilaian "
                p.append(_Bad("penilai_nip", f"{reason}row {rated[key]}; remove one of the rows"))  # type: ignore[index]
                return None
            rated[key] = number  # type: ignore[index]
        return {"nip": nip, "penilai_nip": rater, "kelompok": group, "aspek": code,
                "nilai": nilai, "tanggal": tgl, "catatan": catatan, "_row": number}  # fmt: skip

    def objection(nip: str, row: Row, number: int, p: Problems) -> dict[str, object] | None:
        get = row.get
        terima = _required_date(row, "tanggal_terima", p)
        ajuan = _required_date(row, "tanggal_ajuan", p)
        if terima is not None and ajuan is not None and ajuan < terima:
            reason = (
                f"tanggal_ajuan {ajuan} is before tanggal_terima {terima}: the objection was "
                "filed before the result was received; check both dates"
            )
            p.append(_Bad("tanggal_ajuan", reason))
        pemutus = _other_nip(get("pemutus_nip"), "pemutus_nip", p)
        if pemutus is not None and pemutus == nip:
            reason = "pemutus_nip is the employee's own NIP; an employee cannot decide their own"
            p.append(_Bad("pemutus_nip", reason + " objection (give the deciding official's NIP)"))
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
        return {"nip": nip, "tanggal_terima": terima, "tanggal_ajuan": ajuan,
                "pemutus_nip": pemutus, "keputusan": keputusan, "predikat_baru": new,
                "alasan": alasan, "_row": number}  # fmt: skip

    return {"capaian": outcome, "penilaian": rating, "keberatan": objection}


def _records(state: _State, sheet: str, make: Maker) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    missing = state.missing(sheet)
    for number, row in state.rows.get(sheet, []):
        raw = row.get("nip")
        p = state.read_problems(sheet, number)
        first = len(p)
        nip = state.owner(raw, p)
        record = None
        if missing is not None:
            p = [missing]
        else:
            record = make(nip, row, number, p)  # type: ignore[arg-type]
            p = _merged(p, first)
        if p:
            state.reject(sheet, number, nip or _raw_nip(raw), p)
            if nip in state.employees:
                state.bad_rows.setdefault(nip, []).append(f"{sheet} row {number}")  # type: ignore[arg-type]
            continue
        out.append(record)  # type: ignore[arg-type]
    return out


def validate(
    rows: Rows,
    spec: InputSpec,
    columns: dict[str, list[str]] | None = None,
    cell_problems: dict[str, dict[int, list[tuple[str, str]]]] | None = None,
) -> Answer:
    """Today's answer for ``rows`` (``{sheet: [(row, {column: value})]}``) under ``spec``."""
    state = _State(spec, rows, dict(columns or {}), dict(cell_problems or {}))
    _pegawai(state)
    makers = _makers(spec)
    records = {s: _records(state, s, makers[s]) for s in ("capaian", "penilaian", "keberatan")}
    for nip, where in state.bad_rows.items():
        emp = state.employees.pop(nip)
        n = len(where)
        listed = ", ".join(where[:10]) + (f", and {n - 10} more" if n > 10 else "")
        verb = "was" if n == 1 else "were"
        reason = f"not appraised: {n} of their rows {verb} rejected ({listed})"
        state.rejects.append(("pegawai", emp["_row"], nip, reason, None))  # type: ignore[arg-type]
    order = {s: i for i, s in enumerate(KNOWN_SHEETS)}
    state.rejects.sort(key=lambda r: (order.get(r[0], len(order)), r[1]))
    kept = {r["nip"] for r in state.employees.values()}
    return Answer(
        state.rejects,
        list(state.employees.values()),
        {s: [r for r in rs if r["nip"] in kept] for s, rs in records.items()},
    )


# --------------------------------------------------------------------- the property

A, B, C = "198001012005011001", "198001012005011002", "196512312000121003"
PEOPLE = [A, B, C, "197002282001022004", "200012312035122005", "194001011960011006"]
"""Valid NIPs (the last two at the edges of the years a NIP may encode)."""
OUTSIDE = "197505052000052007"
"""A valid NIP of someone outside the data (the usual rater and decider)."""
SPEC = InputSpec(
    attributes=(
        AttributeSpec("masa_kerja", "number", minimum=0, maximum=40),
        AttributeSpec("tmt", "date"),
        AttributeSpec("pendidikan", "text"),
        AttributeSpec("jpm", "number", required=True),
    ),
    indicators=frozenset({"IKU1", "IKU2", "LAYANAN"}),
    aspects={"integritas": (1.0, 5.0), "kerjasama": (0.0, 100.0)},
    groups=frozenset({"self", "supervisor", "peer", "citizen"}),
    predikat_labels=("Sangat Baik", "Baik", "Butuh Perbaikan"),
)
ODD = [None, "", "  ", True, dt.date(2024, 5, 6), dt.datetime(2024, 5, 6, 7, 8), 3.0, 7, [1, 2]]
NIPS = st.sampled_from(
    [A, B, C, f" {A[:8]} {A[8:14]} {A[14]} {A[15:]} ", "123", A[:17] + "X", "1.98001E+17",
     "198013322005011001", "193001012005011001", "198001012005131001", "198001012040011001",
     "198001012005013001", "000001012005011001", int(B), float(C), *ODD]
)  # fmt: skip
NUMBERS = st.one_of(
    st.sampled_from(
        ["1.500", "-2.250", "12.000.000", "1.234,5", "1,234.5", "47,5", "0.500", "95%", "n/a",
         " 12 ", "1 000", "1e5", "inf", "+3", ".5", "5.", "9" * 30, "1" + "0" * 20, "0", "-5",
         "100", "1000000000000000", "1000000000000001", "0,0", "1.2.3", ",5", "40", "41",
         "-0.0", "\u00a012\u00a0", "1.000", "1,5", "3,25", "100.000,00", "\u0661", *ODD]
    ),
    st.integers(-(10**16), 10**16),
    st.sampled_from([10**15, 10**16, -(10**16), 10**400]),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.from_regex(r"[+-]?[0-9]{1,4}([.,][0-9]{1,4}){0,2}", fullmatch=True),
)  # fmt: skip
DATES = st.one_of(
    st.sampled_from(
        ["2024-01-31", "2024-02-30", " 2024-03-01 ", "2024-03-01T10:00:00", "01/02/2010",
         "0000-01-01", "2024-1-5", 45000, 45000.5, "31/01/2024", "1/2/2026", "30/02/2024",
         "04/13/2026", "03/04/26", "2026/03/04", "5 Maret 2026", " 17 AGS 2045 ", "5 Foo 2026",
         "31 April 2026", "5 mei 1949", *ODD]
    ),
    st.dates(),
    st.datetimes(),
    st.from_regex(r"[0-9]{1,4}[/.-][0-9]{1,2}[/.-][0-9]{2,4}", fullmatch=True),
    st.from_regex(r"[0-9]{1,2} {1,2}(Jan|februari|MARET|Mei|agu|Des|juni|Sept) [0-9]{4}",
                  fullmatch=True),
)  # fmt: skip
TEXTS = st.one_of(
    st.sampled_from(["Ani", " Budi ", "it's", 'a "b"', "x\ty", "\x7f", *ODD]), st.text(max_size=4)
)
CODES = st.sampled_from(["IKU1", "iku2", " LAYANAN ", "IKU_1", "integritas", "KERJASAMA", "Baik",
                         "sangat baik", "Cukup", "integritass", 1, *ODD])  # fmt: skip
GROUPS = st.sampled_from(["atasan", "diri", " Rekan ", "MASYARAKAT", "citizen", "Bawahan",
                          "tetangga", "diri sendiri", "rekan-kerja", "self", 5, *ODD])  # fmt: skip
DECISIONS = st.sampled_from(["tetap", "Ubah", "UBAH ", "batal", *ODD])
COLUMNS = {
    "pegawai": {"nip": NIPS, "nama": TEXTS, "jabatan": TEXTS, "unit_kerja": TEXTS,
                "golongan": TEXTS, "atasan_nip": NIPS, "masa_kerja": NUMBERS, "tmt": DATES,
                "pendidikan": TEXTS, "jpm": NUMBERS},
    "capaian": {"nip": NIPS, "indikator": CODES, "target": NUMBERS, "realisasi": NUMBERS,
                "target_maks": NUMBERS, "bobot": NUMBERS},
    "penilaian": {"nip": NIPS, "penilai_nip": st.one_of(NIPS, st.sampled_from(["warga-1", ""])),
                  "kelompok": GROUPS, "aspek": CODES, "nilai": NUMBERS, "tanggal": DATES,
                  "catatan": TEXTS},
    "keberatan": {"nip": NIPS, "tanggal_terima": DATES, "tanggal_ajuan": DATES,
                  "pemutus_nip": NIPS, "keputusan": DECISIONS, "predikat_baru": CODES,
                  "alasan": TEXTS},
}  # fmt: skip
"""Per sheet: each column's messy values (a valid value is among them, or the usual one)."""
USUAL = {
    "pegawai": {"nama": "Ani", "jabatan": "J", "unit_kerja": "U", "golongan": "III/a",
                "atasan_nip": None, "jpm": "80"},
    "capaian": {"indikator": "IKU1", "target": "100", "realisasi": "90"},
    "penilaian": {"penilai_nip": OUTSIDE, "kelompok": "atasan", "aspek": "integritas",
                  "nilai": "4"},
    "keberatan": {"tanggal_terima": "2024-01-10", "tanggal_ajuan": "2024-01-15",
                  "pemutus_nip": OUTSIDE, "keputusan": "ubah", "predikat_baru": "Baik",
                  "alasan": "bukti baru"},
}  # fmt: skip


@st.composite
def _row(draw: st.DrawFn, sheet: str, nip: str | None = None) -> Row:
    """A row: its usual values, with none, one or two columns messy (rarely absent)."""
    row: Row = {"nip": nip or draw(st.sampled_from(PEOPLE)), **USUAL[sheet]}
    count = max(0, draw(st.integers(0, 3)) - 1)
    columns = st.sampled_from(sorted(COLUMNS[sheet]))
    for column in draw(st.lists(columns, min_size=count, max_size=count)):
        if draw(st.integers(0, 9)) == 0:
            row.pop(column, None)
        else:
            row[column] = draw(COLUMNS[sheet][column])
    return row


@st.composite
def _input(draw: st.DrawFn) -> tuple[Rows, dict[str, dict[int, list[tuple[str, str]]]]]:
    """Most of the people in pegawai (sometimes no such sheet), a few records, cell problems."""
    sheets: dict[str, list[Row]] = {}
    if draw(st.integers(0, 11)):
        people = draw(st.permutations(PEOPLE))[: draw(st.integers(2, len(PEOPLE)))]
        sheets["pegawai"] = [draw(_row("pegawai", nip)) for nip in people]
        sheets["pegawai"] += draw(st.lists(_row("pegawai"), max_size=2))  # repeats, maybe
    for sheet in ("capaian", "penilaian", "keberatan"):
        if draw(st.integers(0, 5)):
            sheets[sheet] = draw(st.lists(_row(sheet), max_size=6))
    rows = {sheet: [(i + 2, r) for i, r in enumerate(rs)] for sheet, rs in sheets.items()}
    problems: dict[str, dict[int, list[tuple[str, str]]]] = {}
    for sheet, sheet_rows in rows.items():
        for number, _ in sheet_rows:
            if draw(st.integers(0, 14)) == 0:
                column = draw(st.sampled_from([*COLUMNS[sheet], "keterangan"]))
                problems.setdefault(sheet, {})[number] = [(column, f"the {column} cell is broken")]
    return rows, problems


def _answer(batch: Batch) -> Answer:
    records = {"capaian": batch.outcomes, "penilaian": batch.ratings, "keberatan": batch.objections}
    return Answer(
        batch.rejects.rows(),
        batch.employees.rows(named=True),
        {sheet: frame.rows(named=True) for sheet, frame in records.items()},
    )


@settings(max_examples=25, deadline=None)
@given(_input())
def test_columnar_validation_gives_todays_answer(case: tuple[Rows, dict]) -> None:
    rows, problems = case
    columns = {s: list(dict.fromkeys(k for _, r in rs for k in r)) for s, rs in rows.items()}
    tables = Tables.from_rows(rows, columns=columns, cell_problems=problems)
    got = _answer(build_dataset(tables, SPEC))
    want = validate(rows, SPEC, columns, problems)
    assert got.rejects == want.rejects
    assert got.employees == want.employees
    assert got.records == want.records

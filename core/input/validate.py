"""Validating raw input tables into a :class:`~kinerja.model.Dataset`.

Every row is either used or rejected with a reason a person can act on (what is
wrong, where, how to fix it). A bad row never stops the batch. An employee with any
rejected row in ``capaian``, ``penilaian`` or ``keberatan`` is not appraised at all
(their result would come from partial data): they are rejected too, so that
employees read = employees appraised + employees rejected.

This module holds the whole-batch work: the ``pegawai`` sheet, the record sheets'
owners and missing columns, the cells the reader found unusable
(:attr:`~kinerja.input.read.Tables.cell_problems`, e.g. a formula with no saved value),
and the cascade. Reading a cell is
:mod:`kinerja.input.cells`, a NIP :mod:`kinerja.input.nip`, a record row
:mod:`kinerja.input.records`;
what the rules expect is :mod:`kinerja.input.spec`. The names this module always
offered (:class:`InputSpec`, :func:`check_nip`, ...) are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kinerja.input.cells import Problems, _attribute, _Bad, _blank, _other_nip, _raw_nip, _text
from kinerja.input.nip import NUMBER_NIP as NUMBER_NIP  # re-exported, as before the split
from kinerja.input.nip import check_nip
from kinerja.input.read import KNOWN_SHEETS, Tables, normalise_header
from kinerja.input.records import Maker, Row, record_makers
from kinerja.input.spec import (
    GROUP_ALIASES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    AttributeSpec,
    InputSpec,
)
from kinerja.model import Dataset, Employee, Reject
from kinerja.model import Source as Src

__all__ = ["AttributeSpec", "GROUP_ALIASES", "InputSpec", "build_dataset", "check_nip"]


@dataclass(slots=True)
class _State:
    spec: InputSpec
    rows_by_sheet: dict[str, list[tuple[int, Row]]]
    columns: dict[str, list[str]]
    cell_problems: dict[str, dict[int, list[tuple[str, str]]]] = field(default_factory=dict)
    """From the reader: sheet -> row -> [(column, reason)] for cells with no usable value."""
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

    def read_problems(self, sheet: str, number: int) -> Problems:
        """The reader's problems with this row's cells, in the columns validation reads."""
        found = self.cell_problems.get(sheet, {}).get(number)
        if not found:
            return []
        read = set(REQUIRED_COLUMNS[sheet] + OPTIONAL_COLUMNS[sheet])
        if sheet == "pegawai":
            read.update(normalise_header(a.name) for a in self.spec.attributes)
        return [_Bad(column, reason) for column, reason in found if column in read]

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


def _merged(p: Problems, first: int) -> Problems:
    """``p`` whose first ``first`` problems came from the reader: drop later ones on their columns.

    A formula cell with no saved value reads as empty; "realisasi must be a number,
    found ''" would only repeat the reader's better reason.
    """
    if not first:
        return p
    columns = {b.column for b in p[:first]}
    return p[:first] + [b for b in p[first:] if b.column not in columns]


def _pegawai(state: _State) -> None:
    missing = state.missing_columns("pegawai")
    first_row: dict[str, int] = {}
    attrs = [(normalise_header(a.name), a) for a in state.spec.attributes]
    for number, row in state.rows_by_sheet.get("pegawai", []):
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
            p = _merged(p, first)
        if p:
            state.reject("pegawai", number, nip or _raw_nip(get("nip")), p)
            if nip is not None:
                state.rejected_emp[nip] = number
            continue
        post, unit, grade = _text(get("jabatan")), _text(get("unit_kerja")), _text(get("golongan"))
        src = Src("pegawai", number)
        employee = Employee(nip, nama, post, unit, grade, atasan, values, src)  # type: ignore[arg-type]
        state.employees[nip] = employee  # type: ignore[index]


def _records(state: _State, sheet: str, make: Maker) -> dict[str, list]:
    """Validate one record sheet; return accepted records by NIP (before the cascade)."""
    out: dict[str, list] = {}
    missing = state.missing_columns(sheet)
    employees, bad_rows = state.employees, state.bad_rows
    for number, row in state.rows_by_sheet.get(sheet, []):
        raw = row.get("nip")
        p = state.read_problems(sheet, number)
        first = len(p)
        nip = state.owner(raw, p)
        record = None
        if missing is not None:
            p = [missing]
        else:
            record = make(nip, row, Src(sheet, number), p)  # type: ignore[arg-type]
            p = _merged(p, first)
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


def build_dataset(tables: Tables, spec: InputSpec) -> Dataset:
    """Validate raw tables into a :class:`Dataset`; every unusable row becomes a ``Reject``.

    ``rows_in`` counts non-blank data rows per known sheet; whole-file problems from
    reading are carried into ``rejects``; records are grouped by NIP in input order.
    An employee with any rejected capaian/penilaian/keberatan row is rejected as well
    (a ``pegawai`` reject listing those rows) and their other records are left out.
    """
    state = _State(spec, tables.tables, tables.columns, tables.cell_problems)
    _pegawai(state)
    outcome, rating, objection = record_makers(spec)
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

"""Running YAML test cases against a region's rules (``kinerja test``).

Each case becomes a small input (the case's employee and its colleagues, with
valid distinct NIPs, placeholder posts and grades, and row numbers filled in),
goes through :func:`~kinerja.pipeline.appraise_tables` exactly as a workbook
would, and the employee's result is compared with the case's ``expect``. A failure
says what was expected, what came out, where the expectation is in the case file,
and which rule produced the value, with that rule's ``file:line:col``. Loading and validation live
in :mod:`kinerja.authoring.caseload`; coverage in :mod:`kinerja.authoring.coverage`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pluggy

from kinerja.authoring.caseload import (
    Case,
    CaseFile,
    CasesError,
    Person,
    RulesCache,
    load_case_file,
    shown,
)
from kinerja.expr.evaluate import evaluate_one
from kinerja.frames import RunOutput
from kinerja.i18n import _, language
from kinerja.input.read import normalise_header
from kinerja.input.tables import Tables
from kinerja.input.validate import GROUP_ALIASES
from kinerja.model import Result, StageState
from kinerja.output.views import result_of
from kinerja.pipeline import appraise_tables
from kinerja.rules import RuleSet
from kinerja.rules.yamlload import Location, Problem

COLUMNS = {
    "pegawai": ["nip", "nama", "jabatan", "unit_kerja", "golongan", "atasan_nip"],
    "capaian": ["nip", "indikator", "target", "realisasi", "target_maks", "bobot"],
    "penilaian": ["nip", "penilai_nip", "kelompok", "aspek", "nilai", "tanggal", "catatan"],
    "keberatan": [
        "nip",
        "tanggal_terima",
        "tanggal_ajuan",
        "pemutus_nip",
        "keputusan",
        "predikat_baru",
        "alasan",
    ],
}
"""The columns of each sheet a case fills (pegawai also gets the rules' inputs)."""

PLACEHOLDERS = {"jabatan": "Pelaksana", "golongan": "III/a", "unit_kerja": "Unit Kerja"}
"""Employee columns filled in when a case leaves them out."""

Observer = Callable[[RuleSet, RunOutput], None]
"""Called with every case's run, e.g. to record coverage."""


@dataclass(slots=True)
class Failure:
    """One expectation that did not hold, with where it is and the rule behind the value."""

    key: str
    location: Location
    message: str
    expected: object = None
    actual: object = None
    rules: list[str] = field(default_factory=list)
    """The producing rules, each ``what at file:line:col``."""

    def lines(self) -> list[str]:
        """The failure as indented text lines."""
        where = f"{self.location.file}:{self.location.line}"
        head = f"  {where}: {self.key}: {self.message}"
        return [head] + ["    " + _("from {rule}", rule=r) for r in self.rules]


@dataclass(slots=True)
class CaseResult:
    """The outcome of one case."""

    case: Case
    location: Location
    failures: list[Failure]
    rejects: list[str]
    """Input rows the dataset or the engine rejected, each in words."""
    seconds: float = 0.0
    """How long the case took to build, appraise and compare (wall clock)."""

    @property
    def passed(self) -> bool:
        """True when every expectation held."""
        return not self.failures


@dataclass(slots=True)
class FileReport:
    """The outcome of one case file: its load problems, or its cases' results."""

    path: str
    cases: CaseFile | None = None
    problems: list[Problem] = field(default_factory=list)
    results: list[CaseResult] = field(default_factory=list)
    deselected: int = 0
    """The file's cases left out by a selection (``kinerja test -k``)."""

    @property
    def ok(self) -> bool:
        """True when the file loaded and every case passed."""
        return not self.problems and all(r.passed for r in self.results)


def run_files(
    paths: list[Path],
    pm: pluggy.PluginManager,
    observer: Observer | None = None,
    select: Callable[[Case], bool] | None = None,
) -> list[FileReport]:
    """Load and run every case file; a file with problems is reported, not run.

    :param select: which cases to run (e.g. by name, ``kinerja test -k``); None: all.
    """
    cache = RulesCache()
    reports = []
    for path in paths:
        try:
            loaded = load_case_file(path, cache)
        except CasesError as exc:
            reports.append(FileReport(shown(path), problems=exc.problems))
            continue
        chosen = [case for case in loaded.cases if select is None or select(case)]
        results = [_timed_case(loaded, case, pm, observer) for case in chosen]
        left_out = len(loaded.cases) - len(chosen)
        reports.append(FileReport(loaded.path, loaded, results=results, deselected=left_out))
    return reports


def _timed_case(
    cases: CaseFile, case: Case, pm: pluggy.PluginManager, observer: Observer | None
) -> CaseResult:
    """:func:`run_case`, with the seconds it took."""
    start = time.perf_counter()
    result = run_case(cases, case, pm, observer)
    result.seconds = time.perf_counter() - start
    return result


@dataclass(slots=True)
class Built:
    """A case as input tables, with where each generated row came from."""

    tables: Tables
    nips: list[str]
    """Each person's NIP, the case's employee first."""
    origin: dict[tuple[str, int], tuple[int, Location]]
    """(sheet, row) -> (person index, location in the case file)."""
    rows: dict[str, list[tuple[int, dict[str, object]]]] = field(default_factory=dict)
    """The rows as built from the case, before they became frames: sheet -> [(row, cells)]."""


def build_tables(cases: CaseFile, case: Case) -> Built:
    """The case's rows as :class:`Tables`, with defaults filled in (see the module doc)."""
    people = [case.main, *case.colleagues]
    nips = _NipMaker(people)
    sheets: dict[str, list[tuple[int, dict[str, object]]]] = {s: [] for s in COLUMNS}
    origin: dict[tuple[str, int], tuple[int, Location]] = {}
    person_nips = [_text(p.employee.get("nip")) or nips.next() for p in people]
    main_unit = case.main.employee.get("unit_kerja", PLACEHOLDERS["unit_kerja"])

    def add(sheet: str, index: int, row: dict[str, object], path: tuple) -> None:
        number = len(sheets[sheet]) + 2  # row 1 is the header, as in a spreadsheet
        sheets[sheet].append((number, row))
        origin[(sheet, number)] = (index, cases.where(*path))

    for index, person in enumerate(people):
        nip = person_nips[index]
        row: dict[str, object] = {normalise_header(k): v for k, v in person.employee.items()}
        row["nip"] = nip
        row.setdefault("nama", case.name if index == 0 else f"{case.name} colleague {index}")
        for column, value in PLACEHOLDERS.items():
            row.setdefault(column, main_unit if column == "unit_kerja" and index else value)
        add("pegawai", index, row, (*person.path, "employee"))
        for j, capaian in enumerate(person.capaian):
            add("capaian", index, {**capaian, "nip": nip}, (*person.path, "capaian", j))
        for j, rating in enumerate(person.penilaian):
            rating = {**rating, "nip": nip}
            raw = rating.get("kelompok")
            group = GROUP_ALIASES.get(normalise_header(raw)) if isinstance(raw, str) else None
            if rating.get("penilai_nip") is None and group != "self":
                rating["penilai_nip"] = nips.next()
            add("penilaian", index, rating, (*person.path, "penilaian", j))
        for j, objection in enumerate(person.keberatan):
            add("keberatan", index, {**objection, "nip": nip}, (*person.path, "keberatan", j))
    columns = {s: list(c) for s, c in COLUMNS.items()}
    columns["pegawai"] += [normalise_header(n) for n in cases.rules.inputs]
    digest = hashlib.sha256(json.dumps(sheets, sort_keys=True, default=str).encode()).hexdigest()
    tables = Tables.from_rows(sheets, f"{cases.path}#{case.name}", digest, [], columns)
    return Built(tables, person_nips, origin, sheets)


class _NipMaker:
    """Valid 18-digit NIPs (born 1980, appointed 2005-01, sex 1) not used in the case."""

    def __init__(self, people: list[Person]):
        self.used: set[str] = set()
        for person in people:
            for column in ("nip", "atasan_nip"):
                self.used.add(_text(person.employee.get(column)))
            for row in person.penilaian:
                self.used.add(_text(row.get("penilai_nip")))
            for row in person.keberatan:
                self.used.add(_text(row.get("pemutus_nip")))
        self.seq = 0

    def next(self) -> str:
        """The next valid NIP that nobody in the case uses."""
        while True:
            self.seq += 1
            day, number = 1 + self.seq // 1000, self.seq % 1000
            nip = f"198001{day:02d}2005011{number:03d}"
            if number and nip not in self.used:
                self.used.add(nip)
                return nip


def _text(value: object) -> str:
    return "".join(value.split()) if isinstance(value, str) else ""


def run_case(
    cases: CaseFile, case: Case, pm: pluggy.PluginManager, observer: Observer | None = None
) -> CaseResult:
    """Build the case's input, appraise it, and compare the employee's result.

    ``observer`` sees the output of a case that passes: a failing case covers nothing
    (its run is not what the rules were meant to give).
    """
    rules = cases.rules
    built = build_tables(cases, case)
    with language(cases.language):  # the reasons in the language the cases expect
        output = appraise_tables(rules, built.tables, pm)
    result = _judged(cases, case, built, output)
    if observer is not None and result.passed:
        observer(rules, output)
    return result


def _judged(cases: CaseFile, case: Case, built: Built, output: RunOutput) -> CaseResult:
    """The case's expectations against the output of its run."""
    rules = cases.rules
    location = cases.where("cases", case.index, "name")
    failures: list[Failure] = []
    main_rejects, other_rejects = [], []
    # the rows' own reasons first, then "not appraised: ..." that follows from them
    rejects = output.rejects.rows(named=True)
    for reject in sorted(rejects, key=lambda r: r["reason"].startswith("not appraised")):
        sheet, row, reason = reject["sheet"], reject["row"], reject["reason"]
        person, at = built.origin.get((sheet, row), (None, None))
        where = f"{at.file}:{at.line}" if at else sheet
        text = _(
            "{sheet} row {row} ({where}): {reason}",
            sheet=sheet,
            row=row,
            where=where,
            reason=reason,
        )
        (main_rejects if person == 0 else other_rejects).append((text, reason))
    shown_rejects = [text for text, _reason in main_rejects + other_rejects]
    expect = case.expect
    key_at = _KeyAt(cases, case)
    if other_rejects:
        failures.append(
            Failure(
                "input",
                location,
                _(
                    "rows of colleagues (or whole-input problems) were rejected: {rows}",
                    rows="; ".join(text for text, _reason in other_rejects),
                ),
            )
        )
    result = result_of(output, built.nips[0])
    if "rejected" in expect:
        wanted = expect["rejected"]
        if result is not None:
            failures.append(
                Failure(
                    "rejected",
                    key_at("rejected"),
                    _(
                        "expected the employee to be rejected ({wanted}), but they were "
                        "appraised (score {score}, predikat {predikat})",
                        wanted=repr(wanted),
                        score=_show(result.score),
                        predikat=_show(result.predikat),
                    ),
                    wanted,
                    None,
                )
            )
        elif not any(wanted in reason for _text, reason in main_rejects):
            reasons = [reason for _text, reason in main_rejects]
            failures.append(
                Failure(
                    "rejected",
                    key_at("rejected"),
                    _(
                        "no reject reason contains {wanted}; the reasons: {reasons}",
                        wanted=repr(wanted),
                        reasons=reasons,
                    ),
                    wanted,
                    reasons,
                )
            )
        return CaseResult(case, location, failures, shown_rejects)
    if result is None:
        reasons = [reason for _text, reason in main_rejects] or [_("(no reason recorded)")]
        failures.append(
            Failure(
                "appraised",
                location,
                _(
                    "the employee was rejected instead of appraised: {reasons}",
                    reasons="; ".join(reasons),
                ),
                None,
                reasons,
            )
        )
        return CaseResult(case, location, failures, shown_rejects)
    compare = _Compare(rules, result, case.tolerance, key_at)
    for key, wanted in expect.items():
        failures += compare.check(key, wanted)
    return CaseResult(case, location, failures, shown_rejects)


class _KeyAt:
    """Locations of a case's expect keys."""

    def __init__(self, cases: CaseFile, case: Case):
        self.cases, self.index = cases, case.index

    def __call__(self, *key: str) -> Location:
        return self.cases.where_key("cases", self.index, "expect", *key)


def _show(value: object) -> str:
    """A value as a failure message shows it."""
    if value is None:
        return _("missing")
    if isinstance(value, float):
        return repr(round(value, 9))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value)


def _same(expected: object, actual: object, tolerance: float) -> bool:
    numbers = (int, float)
    if (
        isinstance(expected, numbers)
        and isinstance(actual, numbers)
        and not isinstance(expected, bool)
        and not isinstance(actual, bool)
    ):
        return abs(float(expected) - float(actual)) <= tolerance + 1e-9
    return expected == actual


_FLAG_SOURCES = {
    "bias_leniency": ("bias_checks", "leniency"),
    "bias_identical": ("bias_checks", "identical_min"),
    "bias_disagreement": ("bias_checks", "disagreement"),
    "bias_self_inflation": ("bias_checks", "self_inflation"),
    "bias_supervisor_self_gap": ("bias_checks", "supervisor_self_gap"),
    "objection_late": ("objections", "window_days"),
    "objection_decider": ("objections",),
    "incomplete": ("rater_groups",),
    "group_missing": ("rater_groups",),
}
"""Flag code -> where in the rules the setting that raises it is."""


class _Compare:
    """Compares one expectation with the result and explains a mismatch."""

    def __init__(self, rules: RuleSet, result: Result, tolerance: float, key_at: _KeyAt):
        self.rules, self.result, self.tolerance, self.key_at = rules, result, tolerance, key_at

    def check(self, key: str, wanted: object) -> list[Failure]:
        """The failures of expectation ``key`` (none when it holds)."""
        return getattr(self, f"_{key}")(wanted)

    def _mismatch(
        self, key: tuple[str, ...], wanted: object, got: object, rules: list[str]
    ) -> Failure:
        values = {"expected": _show(wanted), "actual": _show(got)}
        if isinstance(wanted, (int, float)) and isinstance(got, (int, float)):
            values["tolerance"] = f"{self.tolerance:g}"
            message = _("expected {expected}, got {actual} (tolerance {tolerance})", **values)
        else:
            message = _("expected {expected}, got {actual}", **values)
        return Failure(".".join(key), self.key_at(*key), message, wanted, got, rules)

    def _components(self, wanted: dict[str, object]) -> list[Failure]:
        values = {c.name: c.value for c in self.result.components}
        failures = []
        for name, value in wanted.items():
            got = values.get(name)
            if not _same(value, got, self.tolerance):
                component = next(c for c in self.rules.components if c.name == name)
                rule = _(
                    "component {name} = {source} at {where}",
                    name=name,
                    source=component.checked.source,
                    where=component.location,
                )
                failures.append(self._mismatch(("components", name), value, got, [rule]))
        return failures

    def _score(self, wanted: float) -> list[Failure]:
        if _same(wanted, self.result.score, self.tolerance):
            return []
        where = self.rules.where("score", "weights" if self.rules.score_weights else "expr")
        rule = _("score = {source} at {where}", source=self.rules.score.source, where=where)
        return [self._mismatch(("score",), wanted, self.result.score, [rule])]

    def _predikat(self, wanted: str) -> list[Failure]:
        if wanted == self.result.predikat:
            return []
        where = self.rules.where("predikat", "expr")
        source = self.rules.predikat.source
        rules = [_("predikat = {source} at {where}", source=source, where=where)]
        rules += [
            _(
                "objection {source}: {action} {before} -> {after} ({reason})",
                source=a.source,
                action=a.action,
                before=_show(a.before),
                after=_show(a.after),
                reason=a.reason,
            )
            for a in self.result.audit
            if a.action == "objection_changed"
        ]
        return [self._mismatch(("predikat",), wanted, self.result.predikat, rules)]

    def _status(self, wanted: str) -> list[Failure]:
        got = self.result.status
        if wanted == got:
            return []
        rules = [
            self._stage_state(i, s) for i, s in enumerate(self.result.stages) if s.status != "done"
        ]
        rules += [
            _("flag incomplete: {message}", message=f.message)
            for f in self.result.flags
            if f.code == "incomplete"
        ]
        return [self._mismatch(("status",), wanted, got, rules)]

    def _stage_state(self, index: int, state: StageState) -> str:
        """Where a result's stage stands, in words, with where the stage is in the rules."""
        where = self.rules.where("stages", index)
        if state.detail:
            return _(
                "stage {stage} is {status}: {detail} (stage at {where})",
                stage=state.id,
                status=state.status,
                detail=state.detail,
                where=where,
            )
        return _(
            "stage {stage} is {status} (stage at {where})",
            stage=state.id,
            status=state.status,
            where=where,
        )

    def _conditions(self, section: str) -> list[str]:
        conditions = self.rules.feedback if section == "feedback" else self.rules.recommendations
        lines = []
        for i, condition in enumerate(conditions):
            value, error = evaluate_one(condition.checked, self.rules.bands, self.result.values)
            if error is not None:
                holds = _("not evaluated: {error}", error=error)
            else:
                holds = _("true here") if value else _("false here")
            what = (
                _("feedback {number}", number=i + 1)
                if section == "feedback"
                else _("recommendation {code}", code=condition.code)
            )
            lines.append(
                _(
                    "{what} when `{source}` ({holds}) at {where}",
                    what=what,
                    source=condition.checked.source,
                    holds=holds,
                    where=self.rules.where(section, i, "when"),
                )
            )
        return lines

    def _feedback(self, wanted: list[str]) -> list[Failure]:
        lines = self.result.feedback
        failures = []
        for j, text in enumerate(wanted):
            if any(text in line for line in lines):
                continue
            message = _(
                "no feedback line contains {text}; the lines: {lines}",
                text=repr(text),
                lines=_show(lines),
            )
            failures.append(
                Failure(
                    f"feedback[{j}]",
                    self.key_at("feedback"),
                    message,
                    text,
                    lines,
                    self._conditions("feedback"),
                )
            )
        return failures

    def _recommendations(self, wanted: list[str]) -> list[Failure]:
        got = [r.code for r in self.result.recommendations]
        if got == wanted:
            return []
        return [
            self._mismatch(("recommendations",), wanted, got, self._conditions("recommendations"))
        ]

    def _flags(self, wanted: list[str]) -> list[Failure]:
        got = [f.code for f in self.result.flags]
        missing = [code for code in wanted if code not in got]
        if not missing:
            return []
        rules = []
        for code in missing:
            path = _FLAG_SOURCES.get(code)
            if path and path[0] in self.rules.data:
                rules.append(
                    _(
                        "{setting} at {where} (raises {code})",
                        setting=".".join(path),
                        where=self.rules.where(*path),
                        code=code,
                    )
                )
        message = _(
            "expected {missing} among the flags, got {actual}",
            missing=_show(missing),
            actual=_show(got),
        )
        return [Failure("flags", self.key_at("flags"), message, wanted, got, rules)]

    def _stages(self, wanted: dict[str, str]) -> list[Failure]:
        states = {s.id: s for s in self.result.stages}
        failures = []
        for stage_id, status in wanted.items():
            state = states.get(stage_id)
            got = state.status if state else None
            if got == status:
                continue
            i, stage = next((i, s) for i, s in enumerate(self.rules.stages) if s.id == stage_id)
            where = self.rules.where("stages", i)
            if stage.after:
                rule = _(
                    "stage {stage} requires {requires} after {after} at {where}",
                    stage=stage_id,
                    requires=stage.requires,
                    after=stage.after,
                    where=where,
                )
            else:
                rule = _(
                    "stage {stage} requires {requires} at {where}",
                    stage=stage_id,
                    requires=stage.requires,
                    where=where,
                )
            failure = self._mismatch(("stages", stage_id), status, got, [rule])
            if state is not None and state.detail:
                failure.message += f" ({state.detail})"
            failures.append(failure)
        return failures

    def _peer_rank(self, wanted: str) -> list[Failure]:
        if wanted == self.result.peer_rank:
            return []
        where = self.rules.where("peer_comparison")
        rule = _("peer_comparison by {by} at {where}", by=self.rules.peer_comparison, where=where)
        return [self._mismatch(("peer_rank",), wanted, self.result.peer_rank, [rule])]


__all__ = [
    "Built",
    "CaseResult",
    "Failure",
    "FileReport",
    "build_tables",
    "run_case",
    "run_files",
]

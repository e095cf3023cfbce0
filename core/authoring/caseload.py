"""Loading and validating YAML test cases for a region's rules (``kinerja test``).

A case file (``cases.yaml`` or ``*.cases.yaml`` beside a region's ``rules.yaml``)
names the rule file it tests and lists cases: one employee's input rows, optional
colleagues appraised in the same batch, and what the result must be. The file is
read with the strict loader, validated against ``schemas/cases.schema.json`` and
then against the rules it names (component names, predikat labels, recommendation
codes, stage ids, input columns, indicator and aspect codes). Every problem is
reported at once, each as ``file:line:col: message``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from kinerja.builtin.training import given_codes as training_codes
from kinerja.errors import CasesError
from kinerja.expr.check import suggest
from kinerja.i18n import _
from kinerja.input.read import normalise_header
from kinerja.input.validate import GROUP_ALIASES, check_nip
from kinerja.rules import RuleSet, load_rules
from kinerja.rules.schemacheck import located_schema_problems
from kinerja.rules.yamlload import LoadedYaml, Location, Problem, RulesError, load_yaml
from kinerja.schemas import load_schema

DEFAULT_TOLERANCE = 0.005
"""Absolute tolerance for expected numbers when neither the file nor the case gives one."""

PEGAWAI_COLUMNS = ("nip", "nama", "jabatan", "unit_kerja", "golongan", "atasan_nip")
"""The fixed pegawai columns a case's ``employee`` may give (plus the rules' inputs)."""

CASE_FILE_NAMES = ("cases.yaml", "*.cases.yaml")
"""The names of case files beside a rule file, or in a folder given to ``kinerja test``."""


@dataclass(slots=True)
class Person:
    """One employee's rows in a case: the case's own employee or a colleague."""

    employee: dict[str, Any]
    capaian: list[dict[str, Any]]
    penilaian: list[dict[str, Any]]
    keberatan: list[dict[str, Any]]
    path: tuple[str | int, ...]
    """Where this person is in the case file's data (for locations)."""


@dataclass(slots=True)
class Case:
    """One test case: an employee, colleagues, and what the employee's result must be."""

    name: str
    index: int
    """Position in the file's ``cases`` list."""
    description: str
    main: Person
    colleagues: list[Person]
    expect: dict[str, Any]
    tolerance: float


@dataclass(slots=True)
class CaseFile:
    """A validated case file and the rule set it tests."""

    path: str
    rules: RuleSet
    cases: list[Case]
    loaded: LoadedYaml = field(repr=False)
    language: str = "en"
    """The language of the reject reasons the cases expect (``en`` unless the file says)."""

    def where(self, *path: str | int) -> Location:
        """The location of a value in the case file."""
        return self.loaded.where(tuple(path))

    def where_key(self, *path: str | int) -> Location:
        """The location of the key naming a value in the case file."""
        return self.loaded.where_key(tuple(path))


def shown(path: str | Path) -> str:
    """A path as messages show it: relative to the working folder when inside it."""
    absolute = Path(path).resolve()
    try:
        return str(absolute.relative_to(Path.cwd().resolve()))
    except ValueError:
        return os.path.normpath(str(path))


def find_case_files(folder: Path, *, recursive: bool = False) -> list[Path]:
    """The case files in ``folder`` (``cases.yaml`` and ``*.cases.yaml``), sorted.

    With ``recursive``, sub-folders are searched too, except hidden ones (``.venv``, ``.git``).
    """
    found: set[Path] = set()
    for pattern in CASE_FILE_NAMES:
        found.update(folder.rglob(pattern) if recursive else folder.glob(pattern))
    return sorted(
        p
        for p in found
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


class RulesCache:
    """Rule sets by resolved path, loaded once per run; a broken file keeps its error."""

    def __init__(self) -> None:
        self.loaded: dict[Path, RuleSet | RulesError] = {}

    def get(self, path: Path) -> RuleSet | RulesError:
        """The rule set at ``path`` (loaded on first use), or the error loading it gave."""
        key = path.resolve()
        if key not in self.loaded:
            try:
                self.loaded[key] = load_rules(shown(path))
            except RulesError as exc:
                self.loaded[key] = exc
        return self.loaded[key]


def load_case_file(path: str | Path, cache: RulesCache | None = None) -> CaseFile:
    """Load and validate a case file and the rule file it names.

    :param path: the case file.
    :param cache: rule sets already loaded in this run.
    :raises CasesError: with every problem in the file, each ``file:line:col``.
    """
    cache = cache or RulesCache()
    file = shown(path)
    try:
        loaded = load_yaml(file, keep_going=True)
    except RulesError as exc:
        raise CasesError(exc.problems) from None
    except OSError as exc:
        message = _("cannot read the file: {error}", error=exc)
        raise CasesError([Problem(Location(file, 1, 1), message)]) from None
    problems = list(loaded.problems) + _schema_problems(loaded)
    data = loaded.data
    rules: RuleSet | None = None
    if isinstance(data, dict) and isinstance(data.get("rules"), str):
        rules_path = Path(file).parent / data["rules"]
        where = loaded.where(("rules",))
        if not rules_path.is_file():
            problems.append(
                Problem(
                    where,
                    _(
                        "rule file {name} not found (looked for {path}); "
                        "give its path relative to this file",
                        name=repr(data["rules"]),
                        path=shown(rules_path),
                    ),
                )
            )
        else:
            found = cache.get(rules_path)
            if isinstance(found, RulesError):
                problems.append(
                    Problem(
                        where,
                        _(
                            "the rule file {path} has {n} problem(s), listed below; "
                            "fix them first (kinerja check {path})",
                            path=shown(rules_path),
                            n=len(found.problems),
                        ),
                    )
                )
                problems += found.problems
            else:
                rules = found
    cases: list[Case] = []
    if rules is not None and isinstance(data, dict):
        checker = _Semantics(loaded, rules)
        cases = checker.cases()
        problems += checker.problems
    if problems:
        unique = list(dict.fromkeys(problems))
        raise CasesError(sorted(unique, key=lambda p: (p.location.file != file, _order(p))))
    assert rules is not None
    return CaseFile(file, rules, cases, loaded, str(loaded.data.get("language", "en")))


def _order(problem: Problem) -> tuple[str, int, int]:
    return (problem.location.file, problem.location.line, problem.location.col)


def _schema_problems(loaded: LoadedYaml) -> list[Problem]:
    """Every JSON Schema violation in a loaded case file, located and in plain words."""
    if not isinstance(loaded.data, dict):
        message = _("a case file must be a mapping with rules and cases")
        return [Problem(loaded.where(()), message)]
    validator = jsonschema.Draft7Validator(load_schema("cases"))
    return located_schema_problems(loaded, validator, _reword)


def _reword(error: jsonschema.ValidationError, path: tuple) -> str | None:
    if error.validator == "minProperties" and path and path[-1] == "expect":
        return _("expect is empty; say what the result must be (score, predikat, ...)")
    return None


class _Semantics:
    """Checks a schema-shaped case file against its rules; builds the cases."""

    def __init__(self, loaded: LoadedYaml, rules: RuleSet):
        self.loaded = loaded
        self.rules = rules
        self.problems: list[Problem] = []

    def problem(self, path: tuple, message: str, *, key: bool = False) -> None:
        where = self.loaded.where_key(path) if key else self.loaded.where(path)
        self.problems.append(Problem(where, message))

    def cases(self) -> list[Case]:
        data: dict[str, Any] = self.loaded.data  # type: ignore[assignment]
        default = data.get("tolerance", DEFAULT_TOLERANCE)
        entries = data.get("cases")
        if not isinstance(entries, list):
            return []
        seen: dict[str, int] = {}
        cases = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            name = entry["name"]
            if name in seen:
                self.problem(
                    ("cases", i, "name"),
                    _(
                        "case name {name} is used twice (first at line {line}); "
                        "give each case its own name",
                        name=repr(name),
                        line=seen[name],
                    ),
                )
            else:
                seen[name] = self.loaded.where(("cases", i, "name")).line
            expect = entry.get("expect") if isinstance(entry.get("expect"), dict) else {}
            strict = "rejected" not in expect
            main = self.person(entry, ("cases", i), strict)
            colleagues = [
                self.person(c, ("cases", i, "colleagues", j), True)
                for j, c in enumerate(entry.get("colleagues") or [])
                if isinstance(c, dict)
            ]
            self.expectations(expect, ("cases", i, "expect"))
            tolerance = entry.get("tolerance", default)
            cases.append(
                Case(
                    name,
                    i,
                    str(entry.get("description", "")),
                    main,
                    colleagues,
                    expect,
                    float(tolerance) if isinstance(tolerance, (int, float)) else DEFAULT_TOLERANCE,
                )
            )
        return cases

    def person(self, entry: dict[str, Any], path: tuple, strict: bool) -> Person:
        """One person's rows; with ``strict``, codes and NIPs must be valid for the rules."""
        employee = entry.get("employee") if isinstance(entry.get("employee"), dict) else {}
        rows = {
            sheet: [r for r in (entry.get(sheet) or []) if isinstance(r, dict)]
            for sheet in ("capaian", "penilaian", "keberatan")
        }
        known = list(PEGAWAI_COLUMNS) + list(self.rules.inputs)
        for column in employee:
            if normalise_header(column) not in known:
                self.problem(
                    (*path, "employee", column), self.unknown_column(column, known), key=True
                )
        if not strict:
            return Person(employee, rows["capaian"], rows["penilaian"], rows["keberatan"], path)
        for column in ("nip", "atasan_nip"):
            self.nip(employee.get(column), (*path, "employee", column))
        self.codes(rows["capaian"], (*path, "capaian"), "indikator", list(self.rules.indicators))
        self.codes(rows["penilaian"], (*path, "penilaian"), "aspek", list(self.rules.aspects))
        groups = list(self.rules.rater_groups)
        for j, row in enumerate(rows["penilaian"]):
            raw = row.get("kelompok")
            group = GROUP_ALIASES.get(normalise_header(raw)) if isinstance(raw, str) else None
            if isinstance(raw, str) and group not in groups:
                self.problem(
                    (*path, "penilaian", j, "kelompok"),
                    _(
                        "rater group {group} is not one the rules use{hint}; they use: {groups}",
                        group=repr(raw),
                        hint=suggest(raw, groups),
                        groups=_listed(groups),
                    ),
                )
            if group != "citizen":  # a citizen's rater id is not a NIP
                self.nip(row.get("penilai_nip"), (*path, "penilaian", j, "penilai_nip"))
        return Person(employee, rows["capaian"], rows["penilaian"], rows["keberatan"], path)

    @staticmethod
    def unknown_column(column: str, known: list[str]) -> str:
        """The problem of an employee column neither pegawai nor the rules' inputs know."""
        hint = suggest(column, known)
        if hint:
            return _(
                "unknown employee column {column}{hint}; the rules declare their extra "
                "columns under inputs",
                column=repr(column),
                hint=hint,
            )
        return _(
            "unknown employee column {column} (columns: {columns}); the rules declare their "
            "extra columns under inputs",
            column=repr(column),
            columns=", ".join(known),
        )

    def nip(self, value: object, path: tuple) -> None:
        if value is None:
            return
        _valid, reason = check_nip(value)
        if reason is not None:
            self.problem(
                path, _("{reason} (or expect `rejected` to test that it is refused)", reason=reason)
            )

    def codes(self, rows: list[dict[str, Any]], path: tuple, column: str, known: list) -> None:
        for j, row in enumerate(rows):
            code = row.get(column)
            if isinstance(code, str) and code not in known:
                self.problem((*path, j, column), _unknown_code(column, code, known))

    def expectations(self, expect: dict[str, Any], path: tuple) -> None:
        rules = self.rules
        if "rejected" in expect and len(expect) > 1:
            others = ", ".join(k for k in expect if k != "rejected")
            self.problem(
                (*path, "rejected"),
                _(
                    "a rejected employee has no result, so `rejected` cannot be combined with "
                    "{others}; move those to another case",
                    others=others,
                ),
                key=True,
            )
        components = expect.get("components")
        if isinstance(components, dict):
            names = [c.name for c in rules.components]
            for name in components:
                if name not in names:
                    self.problem(
                        (*path, "components", name), _unknown_component(name, names), key=True
                    )
        label = expect.get("predikat")
        if isinstance(label, str) and label not in rules.predikat_labels:
            labels = list(rules.predikat_labels)
            self.problem(
                (*path, "predikat"),
                _(
                    "unknown predikat {label}{hint}; the rules' labels: {labels}",
                    label=repr(label),
                    hint=suggest(label, labels),
                    labels=", ".join(labels),
                ),
            )
        given = (c.code for c in rules.recommendations)
        codes = list(dict.fromkeys([*given, *training_codes(rules)]))
        for j, code in enumerate(expect.get("recommendations") or []):
            if isinstance(code, str) and code not in codes:
                self.problem(
                    (*path, "recommendations", j),
                    _(
                        "unknown recommendation code {code}{hint}; the rules' codes: {codes}",
                        code=repr(code),
                        hint=suggest(code, codes),
                        codes=_listed(codes),
                    ),
                )
        stages = expect.get("stages")
        if isinstance(stages, dict):
            ids = [s.id for s in rules.stages]
            for stage in stages:
                if stage not in ids:
                    self.problem((*path, "stages", stage), _unknown_stage(stage, ids), key=True)
        if "peer_rank" in expect and rules.peer_comparison is None:
            self.problem(
                (*path, "peer_rank"),
                _("these rules do not rank peers (no peer_comparison); remove peer_rank"),
                key=True,
            )


def _listed(names: list[str]) -> str:
    """Names as a message lists them: comma-separated, or the word for none."""
    return ", ".join(names) or _("none")


def _unknown_code(column: str, code: str, known: list[str]) -> str:
    """The problem of an indicator or aspect code (``column``) the rules do not know."""
    hint = suggest(code, known)
    if hint:
        return _(
            "unknown {column} {code}{hint} (or expect `rejected` to test that it is refused)",
            column=column,
            code=repr(code),
            hint=hint,
        )
    return _(
        "unknown {column} {code}; the rules know: {known} (or expect `rejected` to test that "
        "it is refused)",
        column=column,
        code=repr(code),
        known=_listed(known),
    )


def _unknown_component(name: str, names: list[str]) -> str:
    """The problem of an expected component the rules do not have."""
    hint = suggest(name, names)
    if hint:
        return _("unknown component {name}{hint}", name=repr(name), hint=hint)
    return _(
        "unknown component {name}; components: {names}", name=repr(name), names=", ".join(names)
    )


def _unknown_stage(stage: str, ids: list[str]) -> str:
    """The problem of an expected stage the rules do not have."""
    hint = suggest(stage, ids)
    if hint:
        return _("unknown stage {stage}{hint}", stage=repr(stage), hint=hint)
    return _("unknown stage {stage}; stages: {ids}", stage=repr(stage), ids=_listed(ids))


__all__ = [
    "CASE_FILE_NAMES",
    "DEFAULT_TOLERANCE",
    "Case",
    "CaseFile",
    "CasesError",
    "Person",
    "RulesCache",
    "find_case_files",
    "load_case_file",
    "shown",
]

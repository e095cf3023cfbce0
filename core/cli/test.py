"""`kinerja test`: run the YAML test cases beside a region's rules, with coverage.

Regional IT teams keep ``cases.yaml`` (or ``*.cases.yaml``) next to their
``rules.yaml``: each case is one employee's input and the result it must get.
After a rule change, ``kinerja test`` says at once which cases broke, and
``--coverage`` which bands, branches and conditions no case exercises. ``-k``
runs the cases whose names match, ``-v`` shows each case, and ``--watch`` runs
them again whenever a rule or case file changes.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
import pluggy

from kinerja.authoring.caseload import RulesCache, find_case_files, shown
from kinerja.authoring.casetest import CaseResult, FileReport, run_files
from kinerja.authoring.coverage import Coverage, Tracker
from kinerja.authoring.selection import NamePattern
from kinerja.cli.common import fail, manager, rules_version_options
from kinerja.cli.watch import watch_and_rerun
from kinerja.i18n import _, count, ngettext, number
from kinerja.regions import UnknownRegion, find_region, list_regions
from kinerja.rules import RuleSet
from kinerja.rules.yamlload import Location, RulesError, load_yaml


def _name_pattern(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> NamePattern | None:
    """The click callback of ``-k``: the parsed pattern, or a usage error."""
    if value is None:
        return None
    try:
        return NamePattern(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command(name="test")
@click.option("--region", "-r", help="Run this installed region's case files.")
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A rule file not yet in a package: run the case files beside it "
    "(cases.yaml, *.cases.yaml) that test it.",
)
@click.option(
    "-k",
    "pattern",
    metavar="PATTERN",
    callback=_name_pattern,
    help="Run only the cases whose name contains PATTERN (ignoring case); words may be "
    "joined by and, or, not and parentheses, as pytest's -k.",
)
@click.option(
    "--verbose", "-v", is_flag=True, help="Show one line per case: PASS or FAIL, and its time."
)
@click.option(
    "--watch",
    is_flag=True,
    help="Run, then run again whenever one of the rule or case files changes; stop with Ctrl-C.",
)
@click.option("--coverage", "with_coverage", is_flag=True, help="Report rule coverage.")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    help="Exit 1 when a rule file's coverage is below PCT percent (implies --coverage).",
    metavar="PCT",
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@rules_version_options
def test(
    region: str | None,
    rules_path: Path | None,
    pattern: NamePattern | None,
    verbose: bool,
    watch: bool,
    with_coverage: bool,
    threshold: float | None,
    as_json: bool,
    paths: tuple[Path, ...],
    as_of: str | None,
    period: int | None,
) -> None:
    """Run YAML test cases against rules. Exits 1 on any failure.

    PATHS are case files or folders (searched for cases.yaml and *.cases.yaml).
    With no region and no PATHS, every installed region's case files are run:
    cases.yaml and *.cases.yaml beside its rules file.
    """
    pm = manager()
    files = _case_files(pm, region, rules_path, paths)
    if as_of is not None or period is not None:
        files = _in_force(files, as_of, period)
    plan = Plan(files, pattern, verbose, with_coverage or threshold is not None, threshold, as_json)
    if watch:
        watch_and_rerun(lambda: run_plan(pm, plan).watched)
        return
    if not run_plan(pm, plan).ok:
        sys.exit(1)


@dataclass(slots=True)
class Plan:
    """What one run of the cases does and shows (the command's options)."""

    files: list[Path]
    select: NamePattern | None = None
    verbose: bool = False
    with_coverage: bool = False
    threshold: float | None = None
    as_json: bool = False


@dataclass(slots=True)
class Outcome:
    """What one run of the cases found."""

    ok: bool
    watched: list[Path] = field(default_factory=list)
    """The case files and the rule files they test (with any baselines), to watch."""


def run_plan(pm: pluggy.PluginManager, plan: Plan) -> Outcome:
    """Run the plan's case files once and print the report; whether all went well."""
    tracker = Tracker() if plan.with_coverage else None
    reports = run_files(plan.files, pm, tracker.observe if tracker else None, plan.select)
    coverage = tracker.reports() if tracker else []
    threshold = plan.threshold
    below = [c for c in coverage if threshold is not None and c.below(threshold)]
    unmatched = plan.select is not None and _nothing_selected(reports)
    ok = all(r.ok for r in reports) and not below and not unmatched
    if plan.as_json:
        data: dict[str, object] = {"ok": ok, "files": report_json(reports)}
        if plan.select is not None:
            data["select"] = plan.select.text
        if tracker is not None:
            data["coverage"] = [_coverage_json(c) for c in coverage]
            data["threshold"] = threshold
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _echo_text(plan, reports, coverage, below)
    if unmatched:
        pattern = repr(plan.select.text) if plan.select else ""
        click.echo(_("no case name matches -k {pattern}", pattern=pattern), err=True)
    return Outcome(ok, involved_files(plan.files, reports))


def _nothing_selected(reports: list[FileReport]) -> bool:
    """Whether cases were loaded but the selection left out every one."""
    loaded = [r for r in reports if r.cases is not None]
    return bool(loaded) and not any(r.results for r in loaded)


def _echo_text(
    plan: Plan, reports: list[FileReport], coverage: list[Coverage], below: list[Coverage]
) -> None:
    """The report for people: each file, the totals, coverage, coverage below threshold."""
    for report in reports:
        click.echo("\n".join(report_lines(report, verbose=plan.verbose)))
    if len(reports) > 1:
        click.echo(summary_line(reports))
    if coverage and plan.select is not None:
        selected = sum(len(r.results) for r in reports)
        click.echo(
            ngettext(
                "Coverage counts only the {n} case selected by -k {pattern}.",
                "Coverage counts only the {n} cases selected by -k {pattern}.",
                selected,
                pattern=repr(plan.select.text),
            )
        )
    for entry in coverage:
        click.echo("\n".join(coverage_lines(entry)))
    for entry in below:
        click.echo(
            _(
                "Coverage of {region} is {percent}%, below the threshold {threshold}%; "
                "add cases for the items not exercised.",
                region=entry.region,
                percent=_percent(entry),
                threshold=format(plan.threshold, "g"),
            ),
            err=True,
        )


def involved_files(case_files: list[Path], reports: list[FileReport]) -> list[Path]:
    """The case files and the rule files they test (a loaded rule set's every layer,
    its baselines too; else the file the case file names), each once."""
    found = list(case_files)
    for path, report in zip(case_files, reports, strict=True):
        if report.cases is not None:
            found += [Path(file) for file, _text in report.cases.rules.loaded.layers]
        else:
            named = _named_rules(path)
            found += [named] if named is not None else []
    return list(dict.fromkeys(p.resolve() for p in found))


def summary_line(reports: list[FileReport]) -> str:
    """The totals over several case files: files, cases, passed, failed, not run."""
    cases = sum(len(r.results) for r in reports)
    passed = sum(c.passed for r in reports for c in r.results)
    broken = sum(1 for r in reports if r.problems)
    parts = [
        _(
            "{files} files, {cases} cases, {passed} passed",
            files=count(len(reports)),
            cases=count(cases),
            passed=count(passed),
        )
    ]
    if cases > passed:
        parts.append(_("{n} failed", n=count(cases - passed)))
    if broken:
        parts.append(_("{n} not run", n=count(broken)))
    deselected = sum(r.deselected for r in reports)
    if deselected:
        parts.append(_("{n} deselected", n=count(deselected)))
    return ", ".join(parts)


def _percent(entry: Coverage) -> str:
    """A coverage percentage to one decimal, as the language in use writes it."""
    return number(round(entry.percent, 1), 1)


def _case_files(
    pm: pluggy.PluginManager, region: str | None, rules_path: Path | None, paths: tuple[Path, ...]
) -> list[Path]:
    """The case files to run: from PATHS, the region's folder, the ones beside ``--rules``
    that test it, or every installed region's."""
    files: list[Path] = []
    for path in paths:
        found = find_case_files(path, recursive=True) if path.is_dir() else [path]
        if not found:
            fail(_("no case files (cases.yaml or *.cases.yaml) in {path}", path=path))
        files += found
    if region:
        try:
            rules = find_region(pm, region).rules
        except UnknownRegion as exc:
            fail(str(exc))
        found = find_case_files(Path(rules).parent)
        if not found:
            fail(
                _(
                    "region {region} has no case files; write cases.yaml beside "
                    "{rules} (see schemas/cases.schema.json)",
                    region=repr(region),
                    rules=rules,
                )
            )
        files += found
    if rules_path is not None:
        files += _cases_beside(rules_path)
    if not paths and not region and rules_path is None:
        for spec in list_regions(pm).values():
            files += find_case_files(Path(spec.rules).parent)
        if not files:
            fail(_("no installed region has case files (cases.yaml beside its rules.yaml)"))
    return list(dict.fromkeys(files))


def _cases_beside(rules_path: Path) -> list[Path]:
    """The case files beside a rule file (as beside a region's) that name it as their rules."""
    target = rules_path.resolve()
    found = [
        path
        for path in find_case_files(rules_path.parent)
        if (named := _named_rules(path)) is not None and named.resolve() == target
    ]
    if not found:
        fail(
            _(
                "no case file beside {rules} tests it; write cases.yaml there with "
                "`rules: {name}` (see schemas/cases.schema.json)",
                rules=shown(rules_path),
                name=rules_path.name,
            )
        )
    return found


def _named_rules(path: Path) -> Path | None:
    """The rule file a case file names (``rules:``), if it can be read."""
    try:
        data = load_yaml(path, keep_going=True).data
    except (RulesError, OSError):  # its problems are reported when it is run
        return None
    target = data.get("rules") if isinstance(data, dict) else None
    return path.parent / target if isinstance(target, str) else None


def _in_force(files: list[Path], as_of: str | None, period: int | None) -> list[Path]:
    """The case files whose rules are in force on ``as_of`` or during ``period``.

    A case file whose rules cannot be read is kept, so its problems are reported.
    """
    first = as_of or f"{period}-01-01"
    last = as_of or f"{period}-12-31"
    cache = RulesCache()
    kept = []
    for path in files:
        named = _named_rules(path)
        rules = cache.get(named) if named is not None else None
        if not isinstance(rules, RuleSet) or (
            rules.valid_from <= last and (rules.valid_to or "9999") >= first
        ):
            kept.append(path)
    if not kept:
        if as_of:
            fail(_("no case files test rules in force on {date}", date=first))
        fail(_("no case files test rules in force during {period}", period=period))
    return kept


def coverage_lines(entry: Coverage) -> list[str]:
    """A rule file's coverage as text: the percentage, then each item not exercised."""
    values = {
        "region": entry.region,
        "rules": entry.rules,
        "percent": _percent(entry),
        "covered": count(entry.covered),
        "items": count(len(entry.items)),
    }
    missing = entry.uncovered()
    if not missing:
        return [
            _("Coverage of {region} ({rules}): {percent}% ({covered} of {items} items)", **values)
        ]
    head = _(
        "Coverage of {region} ({rules}): {percent}% ({covered} of {items} items); not exercised:",
        **values,
    )
    return [head] + [f"  {item.location}: {item.text}" for item in missing]


def _where(location: Location) -> dict[str, object]:
    return {"file": location.file, "line": location.line, "col": location.col}


def _coverage_json(entry: Coverage) -> dict[str, object]:
    return {
        "region": entry.region,
        "rules": entry.rules,
        "items": len(entry.items),
        "covered": entry.covered,
        "percent": round(entry.percent, 2),
        "uncovered": [
            {"kind": item.kind, "text": item.text, **_where(item.location)}
            for item in entry.uncovered()
        ],
    }


def report_json(reports: list[FileReport]) -> list[dict[str, object]]:
    """The reports as plain data, for ``--json``."""

    where = _where

    files = []
    for report in reports:
        results = [
            {
                "name": r.case.name,
                **where(r.location),
                "passed": r.passed,
                "failures": [
                    {
                        "key": f.key,
                        **where(f.location),
                        "message": f.message,
                        "expected": f.expected,
                        "actual": f.actual,
                        "rules": f.rules,
                    }
                    for f in r.failures
                ],
                "rejects": r.rejects,
                "seconds": round(r.seconds, 3),
            }
            for r in report.results
        ]
        files.append(
            {
                "file": report.path,
                "rules": report.cases.rules.path if report.cases else None,
                "region": report.cases.rules.region if report.cases else None,
                "ok": report.ok,
                "cases": len(report.results),
                "passed": sum(r.passed for r in report.results),
                "failed": sum(not r.passed for r in report.results),
                "deselected": report.deselected,
                "problems": [
                    {**where(p.location), "severity": p.severity, "message": p.message}
                    for p in report.problems
                ],
                "results": results,
            }
        )
    return files


def report_lines(report: FileReport, *, verbose: bool = False) -> list[str]:
    """A file's report as text: problems, or a summary line (with ``verbose``, a line
    per case) and a block per failed case."""
    if report.problems:
        lines = [str(p) for p in report.problems]
        problems = count(len(report.problems))
        return lines + [_("{path}: not run ({n} problem(s))", path=report.path, n=problems)]
    total = len(report.results)
    passed = sum(r.passed for r in report.results)
    failed = total - passed
    summary = ngettext(
        "{path}: {n} case, {passed} passed",
        "{path}: {n} cases, {passed} passed",
        total,
        path=report.path,
        passed=count(passed),
    )
    if failed:
        summary += ", " + _("{n} failed", n=count(failed))
    if report.deselected:
        summary += ", " + _("{n} deselected", n=count(report.deselected))
    lines = [summary]
    if verbose:
        lines += ["  " + case_line(result) for result in report.results]
    for result in report.results:
        if result.passed:
            continue
        where = f"{result.location.file}:{result.location.line}"
        lines.append(_("FAIL {case} ({where})", case=result.case.name, where=where))
        for failure in result.failures:
            lines += failure.lines()
        if result.rejects:
            lines.append("  " + _("rejected input rows:"))
            lines += [f"    {text}" for text in result.rejects]
    return lines


def case_line(result: CaseResult) -> str:
    """One case in a line: PASS or FAIL, its name, where it is and how long it took."""
    where = f"{result.location.file}:{result.location.line}"
    seconds = number(round(result.seconds, 2), 2)
    if result.passed:
        return _(
            "PASS {case} ({where}, {seconds} s)",
            case=result.case.name,
            where=where,
            seconds=seconds,
        )
    return _(
        "FAIL {case} ({where}, {seconds} s)", case=result.case.name, where=where, seconds=seconds
    )

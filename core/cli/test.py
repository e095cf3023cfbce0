"""`kinerja test`: run the YAML test cases beside a region's rules, with coverage.

Regional IT teams keep ``cases.yaml`` (or ``*.cases.yaml``) next to their
``rules.yaml``: each case is one employee's input and the result it must get.
After a rule change, ``kinerja test`` says at once which cases broke, and
``--coverage`` which bands, branches and conditions no case exercises.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import pluggy

from kinerja.authoring.caseload import RulesCache, find_case_files
from kinerja.authoring.casetest import FileReport, run_files
from kinerja.authoring.coverage import Coverage, Tracker
from kinerja.cli.common import fail, manager, rules_version_options
from kinerja.i18n import _, count, ngettext, number
from kinerja.regions import UnknownRegion, find_region, list_regions
from kinerja.rules import RuleSet
from kinerja.rules.yamlload import Location, load_yaml


@click.command(name="test")
@click.option("--region", "-r", help="Run this installed region's case files.")
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
    files = _case_files(pm, region, paths)
    if as_of is not None or period is not None:
        files = _in_force(files, as_of, period)
    tracker = Tracker() if with_coverage or threshold is not None else None
    reports = run_files(files, pm, tracker.observe if tracker else None)
    coverage = tracker.reports() if tracker else []
    below = [c for c in coverage if threshold is not None and c.below(threshold)]
    ok = all(r.ok for r in reports) and not below
    if as_json:
        data: dict[str, object] = {"ok": ok, "files": report_json(reports)}
        if tracker is not None:
            data["coverage"] = [_coverage_json(c) for c in coverage]
            data["threshold"] = threshold
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for report in reports:
            click.echo("\n".join(report_lines(report)))
        if len(reports) > 1:
            click.echo(summary_line(reports))
        for entry in coverage:
            click.echo("\n".join(coverage_lines(entry)))
        for entry in below:
            click.echo(
                _(
                    "Coverage of {region} is {percent}%, below the threshold {threshold}%; "
                    "add cases for the items not exercised.",
                    region=entry.region,
                    percent=_percent(entry),
                    threshold=format(threshold, "g"),
                ),
                err=True,
            )
    if not ok:
        sys.exit(1)


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
    return ", ".join(parts)


def _percent(entry: Coverage) -> str:
    """A coverage percentage to one decimal, as the language in use writes it."""
    return number(round(entry.percent, 1), 1)


def _case_files(
    pm: pluggy.PluginManager, region: str | None, paths: tuple[Path, ...]
) -> list[Path]:
    """The case files to run: from PATHS, the region's folder, or every installed region."""
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
    if not paths and not region:
        for spec in list_regions(pm).values():
            files += find_case_files(Path(spec.rules).parent)
        if not files:
            fail(_("no installed region has case files (cases.yaml beside its rules.yaml)"))
    return list(dict.fromkeys(files))


def _in_force(files: list[Path], as_of: str | None, period: int | None) -> list[Path]:
    """The case files whose rules are in force on ``as_of`` or during ``period``.

    A case file whose rules cannot be read is kept, so its problems are reported.
    """
    first = as_of or f"{period}-01-01"
    last = as_of or f"{period}-12-31"
    cache = RulesCache()
    kept = []
    for path in files:
        data = load_yaml(path, keep_going=True).data
        target = data.get("rules") if isinstance(data, dict) else None
        rules = cache.get(path.parent / target) if isinstance(target, str) else None
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
                "problems": [
                    {**where(p.location), "severity": p.severity, "message": p.message}
                    for p in report.problems
                ],
                "results": results,
            }
        )
    return files


def report_lines(report: FileReport) -> list[str]:
    """A file's report as text: problems, or a summary line and a block per failed case."""
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
    lines = [summary + (", " + _("{n} failed", n=count(failed)) if failed else "")]
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

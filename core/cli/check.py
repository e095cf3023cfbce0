"""`kinerja check` and `kinerja schema`: for rule authors and their editors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kinerja.authoring.lint import ERROR_CODES, lint_rules
from kinerja.cli.common import fail, manager
from kinerja.i18n import _
from kinerja.output.atomic import atomic_write
from kinerja.regions import UnknownRegion, find_region, list_regions, version_problems
from kinerja.rules import RuleSet, load_rules
from kinerja.rules.yamlload import Problem, RulesError
from kinerja.schemas import schema_text


@click.command()
@click.option("--region", "-r", help="Check this installed region's rules.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@click.option(
    "--strict",
    is_flag=True,
    help="Also report warnings: unused declarations, unreachable bands and labels, "
    "impossible comparisons, constant conditions. Exits 1 on any. (Band gaps and overlaps "
    "and rater weights not summing to 1 are errors without it.)",
)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(region: str | None, as_json: bool, strict: bool, paths: tuple[Path, ...]) -> None:
    """Validate rule files: schema, expressions, names. Exits 1 on any problem.

    With no region and no PATHS, every installed region is checked, each with all its
    rule versions and whether their periods overlap or leave gaps. With --strict,
    findings are printed as file:line:col: warning: message and count as problems.
    """
    pm = manager()
    groups: list[list[Path]] = [list(paths)] if paths else []  # versions compared by region
    if region:
        try:
            groups.append(list(find_region(pm, region).rule_files()))
        except UnknownRegion as exc:
            fail(str(exc))
    if not groups:
        groups = [list(spec.rule_files()) for spec in list_regions(pm).values()]
    report = []
    for files in groups:
        entries = [_check_file(path, strict) for path in files]
        report += [entry for entry, _ in entries]
        loaded = [rules for _, rules in entries if rules is not None]
        by_region = {r.region: [v for v in loaded if v.region == r.region] for r in loaded}
        found = [p for versions in by_region.values() for p in version_problems(versions)]
        for problem in found:  # a region's versions side by side, however they were named
            entry = next(
                e
                for e in report
                if Path(e["file"]).resolve() == Path(problem.location.file).resolve()
            )
            entry["ok"] = False
            entry["problems"].append(_problem_dict(problem))
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for entry in report:
            if entry["ok"]:
                click.echo(_ok_line(entry))
            for p in entry["problems"]:
                click.echo(f"{p['file']}:{p['line']}:{p['col']}: {p['severity']}: {p['message']}")
        bad = sum(len(e["problems"]) for e in report)
        if bad:
            click.echo(_("{n} problem(s) found.", n=str(bad)), err=True)
    if any(not e["ok"] for e in report):
        sys.exit(1)


def _ok_line(entry: dict[str, Any]) -> str:
    """``FILE: ok (REGION VERSION, N expressions checked)`` for a file without problems."""
    return _(
        "{file}: ok ({region} {version}, {n} expressions checked)",
        file=entry["file"],
        region=entry["region"],
        version=entry["version"],
        n=str(entry["expressions"]),
    )


def _problem_dict(problem: Problem) -> dict[str, object]:
    as_dict = getattr(problem, "as_dict", None)
    if as_dict is not None:
        return as_dict()  # type: ignore[no-any-return]
    return {
        "file": problem.location.file,
        "line": problem.location.line,
        "col": problem.location.col,
        "severity": problem.severity,
        "message": problem.message,
    }


def _check_file(path: Path, strict: bool) -> tuple[dict[str, Any], RuleSet | None]:
    """One file's report entry, and its rules when they load."""
    try:
        rules = load_rules(path)
    except RulesError as exc:
        if not (strict and all(getattr(p, "code", "") in ERROR_CODES for p in exc.problems)):
            return {
                "file": str(path),
                "ok": False,
                "problems": [_problem_dict(p) for p in exc.problems],
            }, None
        rules = load_rules(path, refuse_analysis_errors=False)  # its errors beside the warnings
    except OSError as exc:
        problem = {"file": str(path), "line": 0, "col": 0, "severity": "error", "message": str(exc)}
        return {"file": str(path), "ok": False, "problems": [problem]}, None
    findings = lint_rules(rules) if strict else []
    loads = not any(f.code in ERROR_CODES for f in findings)
    entry = {
        "file": str(path),
        "ok": not findings,
        "region": rules.region,
        "version": rules.version,
        "expressions": len(rules.all_expressions()),
        "problems": [f.as_dict() for f in findings],
    }
    return entry, rules if loads else None


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of printing it.",
)
def schema(output: Path | None) -> None:
    """Print the JSON Schema (draft-07) of rule files, for editors and validators."""
    text = schema_text("rules")
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text.encode("utf-8"))
        click.echo(_("Wrote {path}", path=output))

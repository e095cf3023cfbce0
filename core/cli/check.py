"""`kinerja check` and `kinerja schema`: for rule authors and their editors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kinerja.cli.common import fail, manager
from kinerja.io.atomic import atomic_write
from kinerja.regions import UnknownRegion, find_region, list_regions
from kinerja.rules import load_rules
from kinerja.schemas import schema_text
from kinerja.yamlload import RulesError


@click.command()
@click.option("--region", "-r", help="Check this installed region's rules.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(region: str | None, as_json: bool, paths: tuple[Path, ...]) -> None:
    """Validate rule files: schema, expressions, names. Exits 1 on any problem.

    With no region and no PATHS, every installed region is checked.
    """
    pm = manager()
    targets: list[Path] = list(paths)
    if region:
        try:
            targets.append(find_region(pm, region).rules)
        except UnknownRegion as exc:
            fail(str(exc))
    if not targets:
        targets = [spec.rules for spec in list_regions(pm).values()]
    report = []
    for path in targets:
        try:
            rules = load_rules(path)
            report.append(
                {
                    "file": str(path),
                    "ok": True,
                    "region": rules.region,
                    "version": rules.version,
                    "expressions": len(rules.all_expressions()),
                    "problems": [],
                }
            )
        except RulesError as exc:
            report.append(
                {
                    "file": str(path),
                    "ok": False,
                    "problems": [
                        {
                            "file": p.location.file,
                            "line": p.location.line,
                            "col": p.location.col,
                            "severity": p.severity,
                            "message": p.message,
                        }
                        for p in exc.problems
                    ],
                }
            )
        except OSError as exc:
            report.append(
                {
                    "file": str(path),
                    "ok": False,
                    "problems": [
                        {
                            "file": str(path),
                            "line": 0,
                            "col": 0,
                            "severity": "error",
                            "message": str(exc),
                        }
                    ],
                }
            )
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for entry in report:
            if entry["ok"]:
                click.echo(
                    f"{entry['file']}: ok ({entry['region']} {entry['version']}, "
                    f"{entry['expressions']} expressions checked)"
                )
            for p in entry["problems"]:
                click.echo(f"{p['file']}:{p['line']}:{p['col']}: {p['severity']}: {p['message']}")
        bad = sum(len(e["problems"]) for e in report)
        if bad:
            click.echo(f"{bad} problem(s) found.", err=True)
    if any(not e["ok"] for e in report):
        sys.exit(1)


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
        click.echo(f"Wrote {output}")

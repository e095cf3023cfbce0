"""The ``kinerja`` command line: for HR staff, rule authors and the central agency."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click
import pluggy
from kinerja import __version__
from kinerja.dataset import build_dataset
from kinerja.engine import appraise
from kinerja.explain import explain_rejected, explain_result, fmt
from kinerja.expr.check import ExprError, check_expression, suggest
from kinerja.expr.compile import compile_expression, explain_failure
from kinerja.io.atomic import atomic_write
from kinerja.io.tables import InputError, read_tables, write_tables
from kinerja.io.writers import rejects_path, write_run
from kinerja.manager import make_manager
from kinerja.model import RunOutput
from kinerja.regions import UnknownRegion, find_region, list_regions
from kinerja.rules import RuleSet, load_rules
from kinerja.sample import generate
from kinerja.schemas import schema_text
from kinerja.yamlload import RulesError

FORMATS = ("xlsx", "csv", "json")


def _manager() -> pluggy.PluginManager:
    return make_manager()


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _region_rules(pm: pluggy.PluginManager, region: str) -> RuleSet:
    try:
        return load_rules(find_region(pm, region).rules)
    except UnknownRegion as exc:
        _fail(str(exc))
    except RulesError as exc:
        _fail(f"the rules of region {region!r} have problems:\n{exc}\nRun `kinerja check`.")
    raise AssertionError("unreachable")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kinerja")
def main() -> None:
    """Appraise civil servants (ASN) under each region's own rules."""


# ------------------------------------------------------------------ regions
@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def regions(as_json: bool) -> None:
    """List the installed regions with version, basis and rules file."""
    pm = _manager()
    rows = []
    for name, spec in list_regions(pm).items():
        row = {
            "name": name,
            "plugin": spec.plugin,
            "rules": str(spec.rules),
            "summary": spec.summary,
        }
        try:
            rules = load_rules(spec.rules)
            row.update(
                version=rules.version,
                basis=rules.basis,
                period=rules.period,
                valid_from=rules.valid_from,
                valid_to=rules.valid_to,
                status="ok",
            )
        except RulesError as exc:
            row.update(status=f"invalid: {len(exc.problems)} problem(s), run `kinerja check`")
        rows.append(row)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No regions installed.")
        return
    for row in rows:
        if row["status"] == "ok":
            click.echo(
                f"{row['name']:<12} {row['version']:<8} {row['basis']:<11} {row['period']:<9} "
                f"{row['rules']}"
            )
        else:
            click.echo(f"{row['name']:<12} {row['status']}  {row['rules']}")
        if row["summary"]:
            click.echo(f"{'':<12} {row['summary']}")


# ------------------------------------------------------------------ check / schema
@main.command()
@click.option("--region", "-r", help="Check this installed region's rules.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(region: str | None, as_json: bool, paths: tuple[Path, ...]) -> None:
    """Validate rule files: schema, expressions, names. Exits 1 on any problem.

    With no region and no PATHS, every installed region is checked.
    """
    pm = _manager()
    targets: list[Path] = list(paths)
    if region:
        try:
            targets.append(find_region(pm, region).rules)
        except UnknownRegion as exc:
            _fail(str(exc))
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


@main.command()
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


# ------------------------------------------------------------------ run
def _appraise(pm: pluggy.PluginManager, rules: RuleSet, input_path: Path) -> RunOutput:
    try:
        tables = read_tables(input_path)
    except InputError as exc:
        _fail(str(exc))
    dataset = build_dataset(tables, rules.input_spec())
    total = len(dataset.employees)
    if sys.stderr.isatty() and total > 0:
        with click.progressbar(length=total, label="Appraising", file=sys.stderr) as bar:
            return appraise(rules, dataset, pm, progress=bar.update)
    return appraise(rules, dataset, pm)


@main.command()
@click.option("--region", "-r", required=True, help="The region whose rules apply.")
@click.option(
    "--input",
    "-i",
    "input_path",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="The workbook (.xlsx), a folder of CSV files, or a .json file.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write results [default: <region>-results.<format>].",
)
@click.option(
    "--format",
    "-f",
    "fmt_",
    type=click.Choice(FORMATS),
    help="Output format [default: from --output's suffix, else xlsx].",
)
def run(region: str, input_path: Path, output: Path | None, fmt_: str | None) -> None:
    """Appraise every employee in INPUT under REGION's rules and write the results."""
    pm = _manager()
    rules = _region_rules(pm, region)
    if fmt_ is None:
        suffix = output.suffix.lstrip(".").lower() if output else ""
        fmt_ = suffix if suffix in FORMATS else "xlsx"
    if output is None:
        output = Path(f"{region}-results.{fmt_}")
    result = _appraise(pm, rules, input_path)
    written = write_run(result, output, fmt_)  # type: ignore[arg-type]
    _summary(rules, result, written)


def _summary(rules: RuleSet, run_output: RunOutput, written: list[Path]) -> None:
    info = run_output.info
    click.echo(f"Region {info.region} — rules {info.rules_version} ({rules.title})")
    click.echo(f"Input  {info.input} (sha256 {info.input_sha256[:12]}…)")
    click.echo(
        f"Employees: {info.employees_in} in = {info.appraised} appraised "
        f"+ {info.rejected_employees} rejected"
    )
    counts = Counter(r.predikat for r in run_output.results)
    click.echo("Predikat:")
    for label in rules.predikat_labels:
        click.echo(f"  {label:<22} {counts.get(label, 0):>7}")
    for label, n in counts.items():
        if label not in rules.predikat_labels:
            click.echo(f"  {fmt(label):<22} {n:>7}")
    status = Counter(r.status for r in run_output.results)
    click.echo(
        f"Status: {status.get('final', 0)} final, {status.get('provisional', 0)} provisional"
    )
    flagged = sum(1 for r in run_output.results if r.flags)
    if flagged:
        click.echo(f"Flags: {flagged} result(s) carry flags for the reviewer")
    other_rows = info.rejected_rows - info.rejected_employees
    click.echo(
        f"Rejects: {info.rejected_rows} row(s) ({info.rejected_employees} employee(s), "
        f"{other_rows} other row(s)); see {rejects_path(written[0])}"
    )
    for path in written:
        click.echo(f"Wrote {path}")


# ------------------------------------------------------------------ explain
@main.command()
@click.option("--region", "-r", required=True)
@click.option(
    "--input", "-i", "input_path", required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option("--nip", required=True, help="The employee's 18-digit NIP.")
def explain(region: str, input_path: Path, nip: str) -> None:
    """Explain step by step how one employee's result came about."""
    pm = _manager()
    rules = _region_rules(pm, region)
    nip = nip.replace(" ", "")
    result = _appraise(pm, rules, input_path)
    for r in result.results:
        if r.nip == nip:
            click.echo("\n".join(explain_result(rules, r, result.info)))
            return
    if any(r.nip == nip for r in result.rejects):
        click.echo("\n".join(explain_rejected(nip, result.rejects)))
        sys.exit(1)
    known = [r.nip for r in result.results]
    _fail(f"NIP {nip} is not in {input_path}{suggest(nip, known)}", 1)


# ------------------------------------------------------------------ eval
@main.command(name="eval")
@click.option("--region", "-r", required=True)
@click.option("--input", "-i", "input_path", type=click.Path(exists=True, path_type=Path))
@click.option("--nip", help="Evaluate with this employee's values (needs --input).")
@click.argument("expression")
def eval_(region: str, input_path: Path | None, nip: str | None, expression: str) -> None:
    """Check and evaluate one EXPRESSION under the region's rules, for rule authors."""
    pm = _manager()
    rules = _region_rules(pm, region)
    try:
        checked = check_expression(expression, rules.scope)
    except ExprError as exc:
        click.echo(f"Refused: {exc.message}", err=True)
        click.echo(f"  {expression}\n  {' ' * exc.offset}^", err=True)
        sys.exit(1)
    values: dict[str, object] = {}
    if (input_path is None) != (nip is None):
        _fail("--input and --nip go together")
    if input_path is not None and nip is not None:
        output = _appraise(pm, rules, input_path)
        match = next((r for r in output.results if r.nip == nip.replace(" ", "")), None)
        if match is None:
            _fail(f"NIP {nip} has no result in {input_path}", 1)
        values = dict(match.values)  # type: ignore[union-attr]
    missing = [n for n in checked.names if n not in values]
    if missing:
        _fail(f"{', '.join(missing)} need(s) an employee's values: add --input PATH --nip NIP", 1)
    try:
        value = compile_expression(checked, rules.bands)(values)
    except Exception as exc:  # noqa: BLE001 - shown to the author, never a traceback
        _fail(explain_failure(exc, checked, values), 1)
    click.echo(json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value)


# ------------------------------------------------------------------ sample data
@main.command(name="sample-data")
@click.option("--region", "-r", required=True)
@click.option("--employees", "-n", type=click.IntRange(1, 5_000_000), default=50, show_default=True)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(path_type=Path),
    help="A .xlsx or .json file, or a folder for CSV files.",
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--bad-rows",
    type=click.IntRange(0, 1000),
    default=0,
    show_default=True,
    help="Include this many faulty rows, to see how rejects look.",
)
def sample_data(region: str, employees: int, output: Path, seed: int, bad_rows: int) -> None:
    """Write deterministic synthetic input for a region, in the input format."""
    pm = _manager()
    rules = _region_rules(pm, region)
    tables = generate(rules, employees, seed=seed, bad_rows=bad_rows)
    write_tables(tables, output)
    rows = ", ".join(f"{name} {len(rows)}" for name, rows in tables.items())
    click.echo(f"Wrote {output} ({rows} rows)")


if __name__ == "__main__":  # pragma: no cover
    main()

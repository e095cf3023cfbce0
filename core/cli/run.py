"""`kinerja run` and `kinerja explain`: for HR staff."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import polars as pl

from kinerja.cli.common import (
    FORMATS,
    appraise_input,
    budget_options,
    fail,
    input_limit_options,
    manager,
    region_rules,
    rules_version_options,
    run_input,
)
from kinerja.expr.check import suggest
from kinerja.frames import RunParts
from kinerja.input.chunks import CHUNK_EMPLOYEES
from kinerja.output.explain import explain_rejected, explain_result, fmt
from kinerja.output.views import result_of
from kinerja.output.writers import rejects_path
from kinerja.rules import RuleSet


@click.command()
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
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=CHUNK_EMPLOYEES,
    show_default=True,
    help="About how many employees to appraise at a time (whole units together); "
    "smaller uses less memory.",
)
@rules_version_options
@input_limit_options
@budget_options
def run(
    region: str,
    input_path: Path,
    output: Path | None,
    fmt_: str | None,
    chunk_size: int,
    as_of: str | None,
    period: int | None,
) -> None:
    """Appraise every employee in INPUT under REGION's rules and write the results."""
    pm = manager()
    rules = region_rules(pm, region, as_of, None if period is None else str(period))
    if fmt_ is None:
        suffix = output.suffix.lstrip(".").lower() if output else ""
        fmt_ = suffix if suffix in FORMATS else "xlsx"
    if output is None:
        output = Path(f"{region}-results.{fmt_}")
    result, written = run_input(
        pm,
        rules,
        input_path,
        output,
        fmt_,
        chunk_size=chunk_size,  # type: ignore[arg-type]
    )
    _summary(rules, result, written)


def _summary(rules: RuleSet, run_output: RunParts, written: list[Path]) -> None:
    info = run_output.info
    tally = run_output.tally
    click.echo(f"Region {info.region} — rules {info.rules_version} ({rules.title})")
    click.echo(f"Input  {info.input} (sha256 {info.input_sha256[:12]}…)")
    click.echo(
        f"Employees: {info.employees_in} in = {info.appraised} appraised "
        f"+ {info.rejected_employees} rejected"
    )
    counts = tally.predikat
    click.echo("Predikat:")
    for label in rules.predikat_labels:
        click.echo(f"  {label:<22} {counts.get(label, 0):>7}")
    for label, n in counts.items():
        if label not in rules.predikat_labels:
            click.echo(f"  {fmt(label):<22} {n:>7}")
    status = tally.status
    click.echo(
        f"Status: {status.get('final', 0)} final, {status.get('provisional', 0)} provisional"
    )
    flagged = tally.flagged
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
@click.command()
@click.option("--region", "-r", required=True)
@click.option(
    "--input", "-i", "input_path", required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option("--nip", required=True, help="The employee's 18-digit NIP.")
@rules_version_options
@input_limit_options
@budget_options
def explain(region: str, input_path: Path, nip: str, as_of: str | None, period: int | None) -> None:
    """Explain step by step how one employee's result came about."""
    pm = manager()
    rules = region_rules(pm, region, as_of, None if period is None else str(period))
    nip = nip.replace(" ", "")
    output = appraise_input(pm, rules, input_path)
    found = result_of(output, nip)
    if found is not None:
        click.echo("\n".join(explain_result(rules, found, output.info)))
        return
    rejects = output.rejects.filter(pl.col("nip") == nip)
    if rejects.height:
        click.echo("\n".join(explain_rejected(nip, rejects)))
        sys.exit(1)
    known = output.results["nip"].to_list()
    fail(f"NIP {nip} is not in {input_path}{suggest(nip, known)}", 1)

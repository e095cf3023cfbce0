"""`kinerja run`: for HR staff."""

from __future__ import annotations

from pathlib import Path

import click
import pluggy

from kinerja.cli.common import (
    FORMATS,
    budget_options,
    chosen_rules,
    fail,
    input_limit_options,
    input_option,
    manager,
    rules_options,
    rules_version_options,
    run_input,
)
from kinerja.errors import InputError, KinerjaError
from kinerja.frames import RunParts
from kinerja.i18n import N_, _, count
from kinerja.input.chunks import CHUNK_EMPLOYEES
from kinerja.input.read import read_tables
from kinerja.input.stream import is_large
from kinerja.likeness import looks_like
from kinerja.outcome import DONE, UNUSABLE, outcome
from kinerja.output.explain import fmt
from kinerja.output.writers import rejects_path
from kinerja.regions import list_regions, load_region_rules
from kinerja.rules import RuleSet


@click.command(
    epilog=N_(
        "Exit codes: 0 when at least one employee was appraised (the rejects file lists any "
        "rows that were not); 1 when the input could be read but no employee could be "
        "appraised; 2 when the input cannot be used as it is (no pegawai sheet, no "
        "employees, a sheet the rules need is empty, every employee refused for the same "
        "column) or the command line is wrong; 3 when the run was stopped by --max-memory "
        "or --max-seconds. The cause of 1, 2 and 3 is printed on one line."
    )
)
@rules_options
@input_option
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
@click.option(
    "--db",
    metavar="URL|FILE",
    is_flag=False,
    flag_value="",
    help=N_(
        "Also keep the run in a history database: --db alone keeps it in kinerja.db beside "
        "the output (SQLite: one file, no set-up); or give a SQLite file or a URL "
        "(postgresql+psycopg://user@host/db). A rerun of the same input is recognised, not "
        "stored twice."
    ),
)
@rules_version_options
@input_limit_options
@budget_options
def run(
    region: str | None,
    rules_path: Path | None,
    input_path: Path,
    output: Path | None,
    fmt_: str | None,
    chunk_size: int,
    db: str | None,
    as_of: str | None,
    period: int | None,
) -> None:
    """Appraise every employee in INPUT under REGION's rules and write the results."""
    pm = manager()
    rules = chosen_rules(pm, region, rules_path, as_of, period)
    if fmt_ is None:
        suffix = output.suffix.lstrip(".").lower() if output else ""
        fmt_ = suffix if suffix in FORMATS else "xlsx"
    if output is None:
        output = Path(f"{rules.region}-results.{fmt_}")
    if db is not None:
        db = _database(db, output)
    result, written = run_input(
        pm,
        rules,
        input_path,
        output,
        fmt_,
        chunk_size=chunk_size,  # type: ignore[arg-type]
        db=db,
    )
    _summary(rules, result, written)
    if result.history is not None:
        click.echo(result.history.message())
    _finish(pm, rules, result, input_path)


def _database(given: str, output: Path) -> str:
    """The history database's URL: ``kinerja.db`` beside ``output`` for ``--db`` alone."""
    from kinerja.cli.history_db import supported_url
    from kinerja.store import default_url

    return supported_url(given) if given else default_url(output.resolve().parent)


def _summary(rules: RuleSet, run_output: RunParts, written: list[Path]) -> None:
    info = run_output.info
    tally = run_output.tally
    click.echo(
        _(
            "Region {region} — rules {version} ({title})",
            region=info.region,
            version=info.rules_version,
            title=rules.title,
        )
    )
    click.echo(
        _("Input  {input} (sha256 {digest}…)", input=info.input, digest=info.input_sha256[:12])
    )
    click.echo(
        _(
            "Employees: {n} in = {appraised} appraised + {rejected} rejected",
            n=count(info.employees_in),
            appraised=count(info.appraised),
            rejected=count(info.rejected_employees),
        )
    )
    counts = tally.predikat
    click.echo(_("Predikat:"))
    for label in rules.predikat_labels:
        click.echo(f"  {label:<22} {counts.get(label, 0):>7}")
    for label, n in counts.items():
        if label not in rules.predikat_labels:
            click.echo(f"  {fmt(label):<22} {n:>7}")
    status = tally.status
    click.echo(
        _(
            "Status: {final} final, {provisional} provisional",
            final=count(status.get("final", 0)),
            provisional=count(status.get("provisional", 0)),
        )
    )
    flagged = tally.flagged
    if flagged:
        click.echo(_("Flags: {n} result(s) carry flags for the reviewer", n=count(flagged)))
    _guideline_lines(run_output, written)
    other_rows = info.rejected_rows - info.rejected_employees
    click.echo(
        _(
            "Rejects: {rows} row(s) ({employees} employee(s), {other} other row(s)); see {path}",
            rows=count(info.rejected_rows),
            employees=count(info.rejected_employees),
            other=count(other_rows),
            path=rejects_path(written[0]),
        )
    )
    for path in written:
        click.echo(_("Wrote {path}", path=path))


GUIDELINE_SHOWN = 10
"""Breaches of the distribution guideline the summary lists (the rest are counted)."""


def _guideline_lines(run_output: RunParts, written: list[Path]) -> None:
    """The distribution guideline's summary, and its breaches one a line."""
    found = run_output.guideline
    if found is None:
        return
    listed = [p for p in written if p.name.endswith("-guideline.csv")]
    for line in found.summary(see=str(listed[0]) if listed else None):
        click.echo(line)
    messages = found.breaches.get_column("message").to_list()
    for message in messages[:GUIDELINE_SHOWN]:
        click.echo(f"  {message}")
    if len(messages) > GUIDELINE_SHOWN:
        click.echo("  " + _("… and {n} more", n=count(len(messages) - GUIDELINE_SHOWN)))


def _finish(pm: pluggy.PluginManager, rules: RuleSet, run_output: RunParts, source: Path) -> None:
    """Exit with the run's code (:mod:`kinerja.outcome`), its cause on stderr in one line:
    when nobody was appraised and another region's rules know the workbook better,
    that is the cause (:mod:`kinerja.likeness`)."""
    result = outcome(run_output, rules)
    if result.code == DONE:
        return
    other = _other_region(pm, rules, source)
    fail(other or result.cause or "", UNUSABLE if other else result.code)


def _other_region(pm: pluggy.PluginManager, rules: RuleSet, source: Path) -> str | None:
    """The line naming the region a workbook looks made for, if it is another one."""
    if source.is_dir() and is_large(source):
        return None  # a national folder is not read twice to say so
    try:
        tables = read_tables(source)
    except InputError:
        return None
    others = {}
    for name in list_regions(pm):
        try:
            others[name] = load_region_rules(pm, name)
        except KinerjaError:
            continue  # a region whose rules do not load is no candidate
    return looks_like(tables, rules, others)

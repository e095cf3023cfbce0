"""`kinerja sample-data`: deterministic synthetic input."""

from __future__ import annotations

from pathlib import Path

import click

from kinerja.authoring.sample import generate
from kinerja.cli.common import manager, region_rules
from kinerja.input.read import write_tables


@click.command(name="sample-data")
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
    pm = manager()
    rules = region_rules(pm, region)
    tables = generate(rules, employees, seed=seed, bad_rows=bad_rows)
    write_tables(tables, output)
    rows = ", ".join(f"{name} {len(rows)}" for name, rows in tables.items())
    click.echo(f"Wrote {output} ({rows} rows)")

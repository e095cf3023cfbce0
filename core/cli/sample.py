"""`kinerja sample-data`: deterministic synthetic input."""

from __future__ import annotations

from pathlib import Path

import click

from kinerja.authoring.sample import cells, generate_frames, generate_lazy
from kinerja.cli.common import fail, manager, region_rules
from kinerja.errors import KinerjaError
from kinerja.output.tables import FOLDER_FORMATS, check_excel_rows, write_tables


@click.command(name="sample-data")
@click.option("--region", "-r", required=True)
@click.option("--employees", "-n", type=click.IntRange(1, 5_000_000), default=50, show_default=True)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(path_type=Path),
    help="A .xlsx or .json file, or a folder for CSV or Parquet files.",
)
@click.option(
    "--format",
    "folder_format",
    type=click.Choice(FOLDER_FORMATS),
    default=None,
    help="The files of a folder output  [default: csv].",
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--bad-rows",
    type=click.IntRange(0, 1000),
    default=0,
    show_default=True,
    help="Include this many faulty rows, to see how rejects look.",
)
def sample_data(
    region: str, employees: int, output: Path, folder_format: str | None, seed: int, bad_rows: int
) -> None:
    """Write deterministic synthetic input for a region, in the input format."""
    pm = manager()
    rules = region_rules(pm, region)
    suffix = output.suffix.lower()
    if folder_format and suffix in (".xlsx", ".xlsm", ".json"):
        raise click.UsageError(f"--format is for a folder output; {output} is a {suffix} file")
    rows: dict[str, int] = {}
    try:
        if suffix in (".xlsx", ".xlsm"):  # cell by cell, so that each cell keeps its type
            frames = generate_frames(rules, employees, seed=seed, bad_rows=bad_rows)
            rows = {name: frame.height for name, frame in frames.items()}
            check_excel_rows(rows, output)
            tables = cells(frames)
        else:  # streamed, a chunk of employees at a time
            tables = generate_lazy(rules, employees, seed=seed, bad_rows=bad_rows, rows=rows)
        write_tables(tables, output, folder_format)
    except KinerjaError as exc:
        fail(str(exc))
    counts = ", ".join(f"{name} {rows.get(name, 0)}" for name in tables)
    click.echo(f"Wrote {output} ({counts} rows)")

"""`kinerja sample-data`: deterministic synthetic input, for one region or (``--national``)
one workforce that every installed region can appraise."""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from kinerja.authoring.sample import cells, generate_frames, generate_lazy
from kinerja.authoring.sample.national import (
    generate_national_frames,
    generate_national_lazy,
    national_rules,
)
from kinerja.cli.common import fail, manager, region_rules
from kinerja.errors import KinerjaError
from kinerja.i18n import _
from kinerja.output.tables import FOLDER_FORMATS, check_excel_rows, write_tables


@click.command(name="sample-data")
@click.option("--region", "-r", help="The region whose rules shape the data.")
@click.option(
    "--national",
    is_flag=True,
    help="One workforce for every installed region (their rules in force today): units "
    "in several provinces, every region's inputs, indicators, aspects and rater groups, "
    "and planted differences between units.",
)
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
    region: str | None,
    national: bool,
    employees: int,
    output: Path,
    folder_format: str | None,
    seed: int,
    bad_rows: int,
) -> None:
    """Write deterministic synthetic input for a region or, with --national, for all of them."""
    _check_arguments(region, national, bad_rows)
    suffix = output.suffix.lower()
    if folder_format and suffix in (".xlsx", ".xlsm", ".json"):
        raise click.UsageError(
            _(
                "--format is for a folder output; {output} is a {suffix} file",
                output=output,
                suffix=suffix,
            )
        )
    workbook = suffix in (".xlsx", ".xlsm")
    rows: dict[str, int] = {}
    try:
        if national:
            tables = _national(employees, seed, workbook, rows)
        else:
            tables = _regional(str(region), employees, seed, bad_rows, workbook, rows)
        if workbook:
            check_excel_rows(rows, output)
            tables = cells(tables)  # cell by cell, so that each cell keeps its type
        write_tables(tables, output, folder_format)
    except KinerjaError as exc:
        fail(str(exc))
    counts = ", ".join(f"{name} {rows.get(name, 0)}" for name in tables)
    click.echo(_("Wrote {output} ({counts} rows)", output=output, counts=counts))


def _check_arguments(region: str | None, national: bool, bad_rows: int) -> None:
    """Exactly one of --region and --national; --bad-rows only with a region."""
    if national and region is not None:
        raise click.UsageError(_("give either --region or --national, not both"))
    if not national and region is None:
        raise click.UsageError(_("give --region NAME, or --national for every region"))
    if national and bad_rows:
        raise click.UsageError(_("--bad-rows is for one region's data, not --national"))


def _regional(
    region: str, employees: int, seed: int, bad_rows: int, workbook: bool, rows: dict[str, int]
) -> dict[str, pl.DataFrame] | dict[str, pl.LazyFrame]:
    """One region's tables: frames for a workbook, else streamed a chunk at a time."""
    rules = region_rules(manager(), region)
    if not workbook:
        return generate_lazy(rules, employees, seed=seed, bad_rows=bad_rows, rows=rows)
    frames = generate_frames(rules, employees, seed=seed, bad_rows=bad_rows)
    rows.update({name: frame.height for name, frame in frames.items()})
    return frames


def _national(
    employees: int, seed: int, workbook: bool, rows: dict[str, int]
) -> dict[str, pl.DataFrame] | dict[str, pl.LazyFrame]:
    """The national workforce's tables for every installed region's rules in force today."""
    regions = national_rules(manager())
    if not workbook:
        return generate_national_lazy(regions, employees, seed=seed, rows=rows)
    frames = generate_national_frames(regions, employees, seed=seed)
    rows.update({name: frame.height for name, frame in frames.items()})
    return frames

"""`kinerja publish`: a region's results as a static site, where its rules publish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kinerja import i18n
from kinerja.cli.common import fail, iso_date, manager
from kinerja.errors import PublishError, RulesError, UnknownRegion
from kinerja.i18n import N_, _, count
from kinerja.regions import region_versions

__all__ = ["publish_command"]


@click.command(
    "publish",
    epilog=N_(
        "Exit codes: 0 when the site was written; 2 when it was not (the region does not "
        "publish, the results are not its own, a folder is wrong); the previous site is "
        "then left as it was."
    ),
)
@click.option("--region", "-r", required=True, help=N_("The region whose results these are."))
@click.option(
    "--results",
    "results_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("The JSON results of kinerja run (--format json)."),
)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=N_("The site's folder: written whole, replacing the previous site only when done."),
)
@click.option(
    "--since",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help=N_("The previous published site: show each ASN's change since then."),
)
@click.option(
    "--date",
    "published_on",
    callback=iso_date,
    metavar="YYYY-MM-DD",
    help=N_("The day of publication, shown on the site [default: today]."),
)
def publish_command(
    region: str,
    results_path: Path,
    output: Path,
    since: Path | None,
    published_on: str | None,
) -> None:
    """Publish REGION's results as a static site of criteria and results beside peers."""
    pm = manager()
    try:
        versions = region_versions(pm, region)
    except UnknownRegion as exc:
        fail(str(exc))
    except RulesError as exc:
        fail(_("the rules of region {region} have problems:\n{problems}\nRun `kinerja check`.",
               region=repr(region), problems=exc))  # fmt: skip
    if versions:
        i18n.use_rules_language(versions[-1].language)
    from kinerja.publish.publish import publish  # jinja2, xlsxwriter: only to publish

    day = dt.date.fromisoformat(published_on) if published_on else None
    try:
        done = publish(versions, results_path, output, since=since, published_on=day)
    except PublishError as exc:
        fail(str(exc))
    click.echo(
        _(
            "Published {employees} employees of {units} work units in {pages} pages: {folder}",
            employees=count(done.employees),
            units=count(done.units),
            pages=count(done.pages),
            folder=done.folder / "index.html",
        )
    )
    if done.withheld_units:
        click.echo(_("{n} units shown by their totals only (too few employees to show anyone)",
                     n=count(done.withheld_units)))  # fmt: skip

"""Publishing a region's results as a static site: what ``kinerja publish`` does.

:func:`publish` refuses a region whose rules do not publish and results made under
other rules; reads the results (:mod:`~kinerja.publish.results`), keeps only what the
rules make public (:mod:`~kinerja.publish.privacy`), adds each ASN's change since the
previous site where the rules show it (:mod:`~kinerja.publish.since`), and writes the
pages (:mod:`~kinerja.publish.site`) and downloads (:mod:`~kinerja.publish.downloads`)
into a new folder that then replaces the site whole (:mod:`~kinerja.publish.swap`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kinerja.errors import PublishError
from kinerja.i18n import _
from kinerja.publish.columns import column
from kinerja.publish.datapackage import PackageMeta, run_sources
from kinerja.publish.downloads import write_downloads
from kinerja.publish.privacy import PublicTables, public_tables
from kinerja.publish.results import PublishedRun, read_results
from kinerja.publish.since import DATA, previous_table, with_change
from kinerja.publish.site import SiteInput, site_pages
from kinerja.publish.swap import atomic_folder
from kinerja.rules import RuleSet

__all__ = ["Published", "made_under", "publish", "refusal"]


@dataclass(frozen=True, slots=True)
class Published:
    """What a publish wrote."""

    folder: Path
    pages: int
    employees: int
    """Employees whose row is published (units big enough)."""
    units: int
    withheld_units: int
    """Units shown by their number of employees only."""


def refusal(rules: RuleSet) -> str | None:
    """Why ``rules`` cannot publish (None: they can)."""
    if rules.publication is not None:
        return None
    return _(
        "region {region} does not publish its results: its rules (version {version}, "
        "{path}) have no publication section. A region that publishes says which fields "
        "are public in publication: (see kinerja docs)",
        region=rules.region,
        version=rules.version,
        path=rules.path,
    )


def publish(
    versions: Sequence[RuleSet],
    results: Path,
    output: Path,
    *,
    since: Path | None = None,
    published_on: dt.date | None = None,
) -> Published:
    """Publish ``results`` as a site in the folder ``output``, under the one of the
    region's rule ``versions`` that made them (the site shows the rules that did).

    :raises PublishError: the results are not of these rules or cannot be read, the
        rules do not publish, or ``since`` is not a published site. Nothing is written
        then: the previous site is intact.
    """
    run = read_results(results)
    rules = made_under(versions, run)
    why = refusal(rules)
    if why is not None:
        raise PublishError(why)
    assert rules.publication is not None
    tables = public_tables(run.table, rules.publication, rules.predikat_labels)
    if since is not None:
        tables = _since(rules, tables, since)
    today = published_on or dt.date.today()
    with atomic_folder(output) as folder:
        downloads = _downloads(rules, run, tables, folder, today)
        pages = site_pages(SiteInput(rules, run, tables, today, downloads))
        for name, html in pages.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(html, encoding="utf-8")
    units = tables.units
    return Published(
        output,
        len(pages),
        tables.rows.height,
        units.height,
        units.filter(~units.get_column("shown")).height,
    )


def made_under(versions: Sequence[RuleSet], run: PublishedRun) -> RuleSet:
    """The version of the rules whose hash the results carry.

    :raises PublishError: the results are another region's, or of rules not installed.
    """
    region, digest = run.info.get("region"), run.info.get("rules_sha256")
    own = [r for r in versions if r.region == region]
    if not own:
        name = versions[0].region if versions else "?"
        raise PublishError(_("{path}: these are results of region {other}, not {region}",
                             path=run.path, other=region, region=name))  # fmt: skip
    for rules in own:
        if rules.sha256 == digest:
            return rules
    raise PublishError(
        _(
            "{path}: these results were made under rules of {region} that are not installed "
            "(version {version}, sha256 {digest}; installed: {installed}); the site must "
            "show the rules that made them: run again under the installed rules",
            path=run.path,
            region=region,
            version=run.info.get("rules_version"),
            digest=str(digest)[:12],
            installed=", ".join(f"{r.version} ({r.sha256[:12]})" for r in own),
        )
    )


def _since(rules: RuleSet, tables: PublicTables, since: Path) -> PublicTables:
    assert rules.publication is not None
    if not rules.publication.show_change:
        message = _(
            "region {region}'s rules do not show changes since the last period "
            "(publication: show_change: true)",
            region=rules.region,
        )
        raise PublishError(message)
    rows = with_change(tables.rows, previous_table(since, rules.region))
    return PublicTables(rows, tables.units, tables.withheld)


def _downloads(
    rules: RuleSet, run: PublishedRun, tables: PublicTables, folder: Path, today: dt.date
) -> tuple[tuple[str, str], ...]:
    """Write the downloads into ``folder/data``; their labels and paths for the pages."""
    data = folder / DATA.parent
    data.mkdir()
    meta = PackageMeta(
        name=f"kinerja-{rules.region}-{rules.version}",
        title=rules.title,
        description=_(
            "Published appraisal results of {region}, rules version {version}",
            region=rules.region,
            version=rules.version,
        ),  # fmt: skip
        created=dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC),
        version=rules.version,
        sources=run_sources(rules.version, rules.sha256, str(run.info.get("input_sha256", ""))),
    )
    columns = [column(name) for name in tables.rows.columns]
    write_downloads(tables.rows, columns, data, name=DATA.stem, meta=meta)
    labels = {
        "csv": _("The table as CSV"),
        "xlsx": _("The table as a workbook (XLSX)"),
        "json": _("The table as JSON"),
    }
    found = [(label, f"{DATA.parent}/{DATA.stem}.{suffix}") for suffix, label in labels.items()]
    found.append(
        (_("Description of the columns (datapackage.json)"), f"{DATA.parent}/datapackage.json")
    )
    return tuple(found)

"""The pages of a published site: an index, and one page per work unit.

Pages are jinja2 templates with autoescape on (a name is always text, never markup).
Each page carries its style sheet and its one small script inline, and a
Content-Security-Policy (:func:`csp`) that allows exactly those two by their hashes:
nothing else runs, nothing is fetched, so the site works from a file as from any
server. The search box is hidden until the script shows it; without the script the
tables are whole.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

import jinja2
import polars as pl
from markupsafe import Markup

from kinerja import __version__
from kinerja.i18n import _, count, current
from kinerja.i18n.numbers import number_column
from kinerja.output.charts import Bar, bar_chart
from kinerja.publish.columns import column
from kinerja.publish.criteria import criteria
from kinerja.publish.pages import NUMERIC, page_cells
from kinerja.publish.privacy import PublicTables
from kinerja.publish.results import PublishedRun
from kinerja.publish.words import page_words
from kinerja.rules import RuleSet

__all__ = ["NATIONAL_WINDOW_DAYS", "SCRIPT", "STYLE", "SiteInput", "csp", "site_pages", "unit_file"]

NATIONAL_WINDOW_DAYS = 14
"""The objection window of PP 30/2019 art. 59, for rules that set none."""
STYLE = resources.files("kinerja.publish.templates").joinpath("site.css").read_text("utf-8")
SCRIPT = resources.files("kinerja.publish.templates").joinpath("search.js").read_text("utf-8")
_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("kinerja.publish", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=False,
)


def _hash(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def csp() -> str:
    """The pages' Content-Security-Policy: their own style and script, by hash; nothing
    else, from anywhere."""
    return (
        f"default-src 'none'; script-src 'sha256-{_hash(SCRIPT)}'; "
        f"style-src 'sha256-{_hash(STYLE)}'; img-src 'none'; font-src 'none'; "
        "connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


@dataclass(frozen=True, slots=True)
class SiteInput:
    """What the pages are made of."""

    rules: RuleSet
    run: PublishedRun
    tables: PublicTables
    published_on: date
    downloads: tuple[tuple[str, str], ...] = ()
    """``(label, path from the site's root)`` of each download."""


def unit_file(name: str) -> str:
    """The page of unit ``name``: ``units/<words>-<hash>.html``, the same for the same
    name in every period (the hash keeps two names that read alike apart)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "unit"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"units/{words}-{digest}.html"


def site_pages(given: SiteInput) -> dict[str, str]:
    """Every page of the site: its path from the site's root -> its HTML."""
    pages = {"index.html": _index(given)}
    rows = given.tables.rows
    cells = page_cells(rows.drop("unit_kerja")).with_columns(rows.get_column("unit_kerja"))
    by_unit = cells.partition_by("unit_kerja", as_dict=True, maintain_order=True)
    shown = _unit_words(given.tables.units.filter(pl.col("shown")))
    for unit in shown.iter_rows(named=True):
        people = by_unit.get((unit["unit_kerja"],), cells.clear()).drop("unit_kerja")
        pages[unit_file(unit["unit_kerja"])] = _unit(given, unit, people)
    return pages


def _unit_words(units: pl.DataFrame) -> pl.DataFrame:
    """``units`` with ``@mean`` and ``@median`` as the page writes them."""
    return units.with_columns(
        number_column(pl.col("mean")).fill_null("–").alias("@mean"),
        number_column(pl.col("median")).fill_null("–").alias("@median"),
    )


def _common(given: SiteInput, heading: str, home: str) -> dict[str, Any]:
    rules = given.rules
    return {
        "lang": current(),
        "csp": csp(),
        "engine": __version__,
        "style": Markup(STYLE),
        "script": Markup(SCRIPT),
        "words": page_words(),
        "site_title": rules.title,
        "page_title": f"{heading} — {rules.title}" if heading != rules.title else heading,
        "heading": heading,
        "home": home,
    }


def _index(given: SiteInput) -> str:
    rules, tables = given.rules, given.tables
    context = _common(given, rules.title, "index.html")
    context.update(
        description=rules.description.strip(),
        meta=_meta(given),
        criteria=criteria(rules),
        objection=_objection(given),
        chart=Markup(
            bar_chart(
                "all",
                _("Predikat of the employees of the units shown"),
                _bars(tables.units.filter(pl.col("shown")), rules.predikat_labels),
            )
        ),  # fmt: skip
        table_id="units",
        unit_headers=[
            (_("Work unit"), False),
            (_("Appraised employees"), True),
            (_("Mean score"), True),
            (_("Median score"), True),
            (_("Note"), False),
        ],
        units=_unit_rows(tables.units, rules.publication.min_unit_size if rules.publication else 1),
        withheld=tables.withheld,
        downloads=given.downloads,
    )
    return _ENV.get_template("index.html.j2").render(context)


def _meta(given: SiteInput) -> list[tuple[str, str]]:
    rules, info = given.rules, given.run.info
    period = _("{start} to {end}", start=rules.valid_from, end=rules.valid_to or "…")
    return [
        (_("Region"), rules.region),
        (_("Rules version"), rules.version),
        (_("Rules sha256"), str(info.get("rules_sha256", rules.sha256))),
        (_("In force"), period),
        (_("Date of the run"), str(info.get("run_on") or "–")),
        (_("Published on"), given.published_on.isoformat()),
        (_("Appraised employees"), count(given.run.table.height)),
        (_("Input sha256"), str(info.get("input_sha256", "–"))),
    ]


def _objection(given: SiteInput) -> list[str]:
    """How and by when to object, in words."""
    rules = given.rules
    days = rules.objection_window_days
    lines = []
    if days is None:
        days = NATIONAL_WINDOW_DAYS
        lines.append(_("An ASN who disagrees with their result may object within {days} days "
                       "of receiving it (PP 30/2019 art. 59).", days=days))  # fmt: skip
    else:
        lines.append(_("An ASN who disagrees with their result may object within {days} days "
                       "of receiving it (the region's rules).", days=days))  # fmt: skip
    deadline = given.published_on + timedelta(days=days)
    lines.append(_("For a result received on the day of publication, {published}, that is by "
                   "{deadline}.", published=given.published_on.isoformat(),
                   deadline=deadline.isoformat()))  # fmt: skip
    if rules.publication and rules.publication.how_to_object.strip():
        lines.append(rules.publication.how_to_object.strip())
    return lines


def _bars(units: pl.DataFrame, labels: tuple[str, ...]) -> list[Bar]:
    """The predikat mix of ``units`` (one row or many) as chart bars with shares."""
    counts = [int(units.get_column(label).sum()) for label in labels]
    total = sum(counts)
    return [
        (label, n, n / total if total else None) for label, n in zip(labels, counts, strict=True)
    ]


def _unit_rows(units: pl.DataFrame, minimum: int) -> list[dict[str, Any]]:
    """The index's table of units: name, link (None for a unit too small to show), cells."""
    cells = units.select(
        "unit_kerja",
        "shown",
        pl.col("employees").cast(pl.Int64),
        number_column(pl.col("mean")).fill_null("–").alias("mean"),
        number_column(pl.col("median")).fill_null("–").alias("median"),
    )
    small = _("only its number of employees is shown: fewer than {n} appraised", n=minimum)
    return [
        {
            "name": row["unit_kerja"],
            "href": unit_file(row["unit_kerja"]) if row["shown"] else None,
            "cells": (count(row["employees"]), row["mean"], row["median"]),
            "note": "" if row["shown"] else small,
        }
        for row in cells.iter_rows(named=True)
    ]


def _unit(given: SiteInput, unit: dict[str, Any], cells: pl.DataFrame) -> str:
    """A unit's page: ``unit`` its row of :func:`_unit_words`, ``cells`` its people's rows
    as the page writes them (:func:`~kinerja.publish.pages.page_cells`)."""
    name = unit["unit_kerja"]
    context = _common(given, name, "../index.html")
    names = cells.columns
    numeric = [c in NUMERIC for c in names]
    labels = given.rules.predikat_labels
    total = unit["employees"]
    bars = [(label, unit[label], unit[label] / total if total else None) for label in labels]
    context.update(
        summary=[
            (_("Appraised employees"), count(unit["employees"])),
            (_("Mean score"), unit["@mean"]),
            (_("Median score"), unit["@median"]),
        ],
        chart=Markup(bar_chart("unit", _("Predikat in {unit}", unit=name), bars)),
        table_id="people",
        caption=_("Employees of {unit}, highest score first", unit=name),
        headers=[(column(c).title, n) for c, n in zip(names, numeric, strict=True)],
        rows=[list(zip(row, numeric, strict=True)) for row in cells.iter_rows()],
    )
    return _ENV.get_template("unit.html.j2").render(context)

"""`kinerja compare A B [C...]`: policies side by side and, with --input, their impact.

Each item is an installed region (``NAME``), a dated version
(``NAME@2025``) or a rule file (``./draft/what-if.yaml``: a
what-if). With ``--input``, the same workforce is appraised under every item, as
``kinerja run`` would, and the report shows what the differences do to people.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from kinerja.cli.common import (
    budget_options,
    fail,
    input_limit_options,
    iso_date,
    manager,
    write_error,
)
from kinerja.compare.comparison import Comparison, compare
from kinerja.compare.items import ItemError, resolve_items
from kinerja.compare.report_json import json_report
from kinerja.compare.report_text import markdown_report, text_report
from kinerja.errors import InputError, UnknownRegion
from kinerja.i18n import N_, _
from kinerja.input.chunks import CHUNK_EMPLOYEES
from kinerja.output.atomic import atomic_write

__all__ = ["FORMATS", "compare_command"]


def _html(comparison: Comparison) -> str:
    from kinerja.compare.report_html import html_report

    return html_report(comparison)


TEXTS: dict[str, Callable[[Comparison], str]] = {
    "text": text_report,
    "md": markdown_report,
    "json": json_report,
    "html": _html,
}
FORMATS = (*TEXTS, "xlsx")
_SUFFIXES = {".md": "md", ".json": "json", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}


@click.command("compare")
@click.argument("items", nargs=-1, required=True)
@click.option(
    "--input",
    "-i",
    "input_path",
    type=click.Path(exists=True, path_type=Path),
    help=N_("A workforce to appraise under every item (a workbook, or a CSV or Parquet folder)."),
)
@click.option(
    "--format",
    "form",
    type=click.Choice(FORMATS),
    help=N_("text (default on a terminal), md, json, html or xlsx (default: from --output)."),
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help=N_("Write the report here."))
@click.option(
    "--as-of",
    callback=iso_date,
    help=N_("Use the regions' rules in force on this date (YYYY-MM-DD)."),
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=CHUNK_EMPLOYEES,
    show_default=True,
    help=N_("About how many employees (whole units) are appraised at a time."),
)
@click.option(
    "--all",
    "every_value",
    is_flag=True,
    help=N_("Show every policy value in the text report, not only those that differ."),
)
@input_limit_options
@budget_options
def compare_command(
    items: tuple[str, ...],
    input_path: Path | None,
    form: str | None,
    output: Path | None,
    as_of: str | None,
    chunk_size: int,
    every_value: bool,
) -> None:
    """Compare rule sets: their policies side by side and, with --input, their impact."""
    if len(items) < 2:
        fail(_("name at least two items to compare, e.g. kinerja compare NAME_A NAME_B"))
    pm = manager()
    try:
        resolved = resolve_items(pm, items, as_of=as_of)
    except (ItemError, UnknownRegion) as exc:
        fail(str(exc))
    chosen = _format(form, output)
    if chosen == "xlsx" and output is None:
        fail(_("an xlsx report needs --output PATH.xlsx"))
    say = _say if input_path is not None else None
    try:
        comparison = compare(resolved, pm, input_path, chunk_size=chunk_size, say=say)
    except InputError as exc:
        fail(str(exc))
    _write(comparison, chosen, output, every_value)


def _say(message: str) -> None:
    if sys.stderr.isatty():
        click.echo(message, err=True)


def _format(form: str | None, output: Path | None) -> str:
    """The report's format: as given, else from the output's suffix, else text."""
    if form is not None:
        return form
    if output is not None:
        return _SUFFIXES.get(output.suffix.lower(), "text")
    return "text"


def _write(comparison: Comparison, form: str, output: Path | None, every: bool = False) -> None:
    """Print the report, or write it to ``output`` whole or not at all; ``every``: every
    policy value in the text report."""
    if form == "xlsx":
        if output is None:
            fail(_("an xlsx report needs --output PATH.xlsx"))
        from kinerja.compare.report_xlsx import xlsx_report

        data = xlsx_report(comparison)
    else:
        text = (
            text_report(comparison, every_policy_row=True)
            if every and form == "text"
            else (TEXTS[form](comparison))
        )
        if output is None:
            click.echo(text, nl=False)
            return
        data = text.encode("utf-8")
    try:
        atomic_write(output, data)
    except OSError as exc:
        fail(write_error(exc, output))
    click.echo(_("Wrote {path}", path=output))

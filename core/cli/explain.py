"""`kinerja explain`: how one employee's result came about, for HR staff."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pluggy
import polars as pl

from kinerja.cli.common import (
    appraise_input,
    budget_options,
    chosen_rules,
    fail,
    input_limit_options,
    manager,
    rules_options,
    rules_version_options,
)
from kinerja.compare.items import ItemError, resolve_items
from kinerja.compare.workforce import foreign_codes, readers, without_foreign
from kinerja.errors import UnknownRegion
from kinerja.expr.check import suggest
from kinerja.frames import RunOutput
from kinerja.i18n import N_, _
from kinerja.input.tables import Tables
from kinerja.model import Result
from kinerja.output.explain import explain_rejected, explain_result
from kinerja.output.explain_json import explain_document, rejected_document
from kinerja.output.views import result_of
from kinerja.rules import RuleSet


@click.command()
@rules_options
@click.option(
    "--input", "-i", "input_path", required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--alongside",
    "alongside",
    multiple=True,
    metavar="ITEM",
    help=N_(
        "Read the input as `kinerja compare` does with these other items: their records "
        "(indicators, aspects, rater groups the rules here do not know) are left out."
    ),
)
@click.option("--nip", required=True, help="The employee's 18-digit NIP.")
@click.option(
    "--detail",
    is_flag=True,
    help=N_(
        "Also show each rule's expression, the names of the band tables and the codes of "
        "flags and recommendations."
    ),
)
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help=N_(
        "text: the steps in words; json: the same as a document for tools (stable English "
        "keys, each value a person reads with a code and a label)."
    ),
)
@rules_version_options
@input_limit_options
@budget_options
def explain(
    region: str | None,
    rules_path: Path | None,
    input_path: Path,
    alongside: tuple[str, ...],
    nip: str,
    detail: bool,
    form: str,
    as_of: str | None,
    period: int | None,
) -> None:
    """Explain step by step how one employee's result came about."""
    pm = manager()
    rules = chosen_rules(pm, region, rules_path, as_of, period)
    nip = nip.replace(" ", "")
    output = appraise_input(pm, rules, input_path, each=_alongside(pm, rules, alongside, as_of))
    found = result_of(output, nip)
    if found is not None:
        names = _decider_names(output, found)
        if form == "json":
            _echo_json(explain_document(rules, found, output.info, names))
        else:
            lines = explain_result(rules, found, output.info, detail=detail, names=names)
            click.echo("\n".join(lines))
        return
    rejects = output.rejects.filter(pl.col("nip") == nip)
    if rejects.height:
        if form == "json":
            _echo_json(rejected_document(nip, rejects))
        else:
            click.echo("\n".join(explain_rejected(nip, rejects)))
        sys.exit(1)
    known = output.results["nip"].to_list()
    fail(
        _("NIP {nip} is not in {input}{hint}", nip=nip, input=input_path, hint=suggest(nip, known)),
        1,
    )


def _alongside(
    pm: pluggy.PluginManager, rules: RuleSet, items: tuple[str, ...], as_of: str | None
) -> Callable[[Tables], Tables] | None:
    """How each chunk is read beside ``items`` (None: as ``kinerja run`` reads it)."""
    if not items:
        return None
    try:
        others = [item.rules for item in resolve_items(pm, items, as_of=as_of)]
    except (ItemError, UnknownRegion) as exc:
        fail(str(exc))
    foreign = foreign_codes(rules, readers(pm, others))
    return lambda tables: without_foreign(tables, foreign, {})


def _decider_names(output: RunOutput, result: Result) -> dict[str, str]:
    """The names of the employees who decided ``result``'s objections, where known."""
    deciders = sorted({entry.by for entry in result.audit if entry.by})
    if not deciders:
        return {}
    known = output.results.filter(pl.col("nip").is_in(deciders)).select("nip", "nama")
    return dict(known.iter_rows())


def _echo_json(document: dict[str, object]) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))

"""`kinerja explain`: how one employee's result came about, for HR staff."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import polars as pl

from kinerja.cli.common import (
    appraise_input,
    budget_options,
    fail,
    input_limit_options,
    manager,
    region_rules,
    rules_version_options,
)
from kinerja.expr.check import suggest
from kinerja.frames import RunOutput
from kinerja.i18n import N_, _
from kinerja.model import Result
from kinerja.output.explain import explain_rejected, explain_result
from kinerja.output.explain_json import explain_document, rejected_document
from kinerja.output.views import result_of


@click.command()
@click.option("--region", "-r", required=True)
@click.option(
    "--input", "-i", "input_path", required=True, type=click.Path(exists=True, path_type=Path)
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
    region: str,
    input_path: Path,
    nip: str,
    detail: bool,
    form: str,
    as_of: str | None,
    period: int | None,
) -> None:
    """Explain step by step how one employee's result came about."""
    pm = manager()
    rules = region_rules(pm, region, as_of, None if period is None else str(period))
    nip = nip.replace(" ", "")
    output = appraise_input(pm, rules, input_path)
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


def _decider_names(output: RunOutput, result: Result) -> dict[str, str]:
    """The names of the employees who decided ``result``'s objections, where known."""
    deciders = sorted({entry.by for entry in result.audit if entry.by})
    if not deciders:
        return {}
    known = output.results.filter(pl.col("nip").is_in(deciders)).select("nip", "nama")
    return dict(known.iter_rows())


def _echo_json(document: dict[str, object]) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))

"""`kinerja regions`: the installed regions."""

from __future__ import annotations

import json

import click

from kinerja.cli.common import manager
from kinerja.i18n import _
from kinerja.regions import clash_message, list_regions, region_clashes
from kinerja.rules import load_rules
from kinerja.rules.yamlload import RulesError


@click.command()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON instead of a table: each region's status is ok, invalid or clash, "
    "and its message says why in words.",
)
def regions(as_json: bool) -> None:
    """List the installed regions with version, basis and rules file."""
    pm = manager()
    rows = []
    for name, spec in list_regions(pm).items():
        row = {
            "name": name,
            "plugin": spec.plugin,
            "rules": str(spec.rules),
            "summary": spec.summary,
        }
        try:
            rules = load_rules(spec.rules)
            row.update(
                version=rules.version,
                basis=rules.basis,
                period=rules.period,
                valid_from=rules.valid_from,
                valid_to=rules.valid_to,
                status="ok",
            )
        except RulesError as exc:
            message = _("invalid: {n} problem(s), run `kinerja check`", n=str(len(exc.problems)))
            row.update(status="invalid", message=message)
        rows.append(row)
    for name, plugins in region_clashes(pm).items():
        rows.append(
            {
                "name": name,
                "plugin": " ".join(plugins),
                "rules": "",
                "summary": "",
                "status": "clash",
                "message": _("clash: {reason}", reason=clash_message(name, plugins)),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo(_("No regions installed."))
        return
    for row in rows:
        if row["status"] == "ok":
            click.echo(
                f"{row['name']:<12} {row['version']:<8} {row['basis']:<11} {row['period']:<9} "
                f"{row['rules']}"
            )
        else:
            click.echo(f"{row['name']:<12} {row['message']}  {row['rules']}")
        if row["summary"]:
            click.echo(f"{'':<12} {row['summary']}")

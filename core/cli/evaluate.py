"""`kinerja eval`: one expression under a region's rules, for rule authors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kinerja.cli.common import (
    appraise_input,
    fail,
    manager,
    region_rules,
    rules_version_options,
)
from kinerja.expr.check import ExprError, check_expression
from kinerja.expr.evaluate import evaluate_one
from kinerja.i18n import _
from kinerja.output.views import result_of


@click.command(name="eval")
@click.option("--region", "-r", required=True)
@click.option("--input", "-i", "input_path", type=click.Path(exists=True, path_type=Path))
@click.option("--nip", help="Evaluate with this employee's values (needs --input).")
@click.argument("expression")
@rules_version_options
def eval_(
    region: str,
    input_path: Path | None,
    nip: str | None,
    expression: str,
    as_of: str | None,
    period: int | None,
) -> None:
    """Check and evaluate one EXPRESSION under the region's rules, for rule authors."""
    pm = manager()
    rules = region_rules(pm, region, as_of, None if period is None else str(period))
    try:
        checked = check_expression(expression, rules.scope)
    except ExprError as exc:
        click.echo(_("Refused: {message}", message=exc.message), err=True)
        click.echo(f"  {expression}\n  {' ' * exc.offset}^", err=True)
        sys.exit(1)
    values: dict[str, object] = {}
    if (input_path is None) != (nip is None):
        fail(_("--input and --nip go together"))
    if input_path is not None and nip is not None:
        output = appraise_input(pm, rules, input_path)
        match = result_of(output, nip.replace(" ", ""))
        if match is None:
            fail(_("NIP {nip} has no result in {path}", nip=nip, path=input_path), 1)
        values = dict(match.values)  # type: ignore[union-attr]
    missing = [n for n in checked.names if n not in values]
    if missing:
        needed = _(
            "{names} need(s) an employee's values: add --input PATH --nip NIP",
            names=", ".join(missing),
        )
        fail(needed, 1)
    try:
        value, error = evaluate_one(checked, rules.bands, values, rules.scope.names)
    except ExprError as exc:  # a value the engine cannot hold in a column, e.g. a list
        fail(_("Refused: {message}", message=exc.message), 1)
        return
    if error is not None:
        fail(error, 1)
    click.echo(_shown(value))


def _shown(value: object) -> str:
    """Text as it is; a whole number without ``.0``; anything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**64:
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)

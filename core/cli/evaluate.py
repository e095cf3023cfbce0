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
from kinerja.expr.compile import compile_expression, explain_failure


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
        click.echo(f"Refused: {exc.message}", err=True)
        click.echo(f"  {expression}\n  {' ' * exc.offset}^", err=True)
        sys.exit(1)
    values: dict[str, object] = {}
    if (input_path is None) != (nip is None):
        fail("--input and --nip go together")
    if input_path is not None and nip is not None:
        output = appraise_input(pm, rules, input_path)
        match = next((r for r in output.results if r.nip == nip.replace(" ", "")), None)
        if match is None:
            fail(f"NIP {nip} has no result in {input_path}", 1)
        values = dict(match.values)  # type: ignore[union-attr]
    missing = [n for n in checked.names if n not in values]
    if missing:
        fail(f"{', '.join(missing)} need(s) an employee's values: add --input PATH --nip NIP", 1)
    try:
        value = compile_expression(checked, rules.bands)(values)
    except Exception as exc:  # noqa: BLE001 - shown to the author, never a traceback
        fail(explain_failure(exc, checked, values), 1)
    click.echo(json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value)

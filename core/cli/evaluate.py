"""`kinerja eval`: one expression under a region's rules, for rule authors."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path

import click
import pluggy

from kinerja.cli.common import (
    appraise_input,
    chosen_rules,
    fail,
    manager,
    rules_options,
    rules_version_options,
)
from kinerja.expr.check import Checked, ExprError, check_expression, suggest
from kinerja.expr.evaluate import evaluate_one
from kinerja.expr.explain import explain_tree, tree_document, tree_lines
from kinerja.i18n import N_, _
from kinerja.output.views import result_of
from kinerja.rules import RuleSet

_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_WORDS: dict[str, object] = {"true": True, "false": False, "null": None}
_WORDS |= {"True": True, "False": False, "None": None}


@click.command(name="eval")
@rules_options
@click.option("--input", "-i", "input_path", type=click.Path(exists=True, path_type=Path))
@click.option("--nip", help="Evaluate with this employee's values (needs --input).")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help=N_(
        "Bind a name to a value without a workbook: a number, text in quotes, true or "
        "false (repeatable; with --input it replaces the employee's value)."
    ),
)
@click.option(
    "--explain",
    is_flag=True,
    help=N_("Print the evaluation tree: each sub-expression with its value."),
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help=N_("Print the evaluation tree as JSON for tools (stable keys)."),
)
@click.argument("expression")
@rules_version_options
def eval_(
    region: str | None,
    rules_path: Path | None,
    input_path: Path | None,
    nip: str | None,
    settings: tuple[str, ...],
    explain: bool,
    as_json: bool,
    expression: str,
    as_of: str | None,
    period: int | None,
) -> None:
    """Check and evaluate one EXPRESSION under the region's rules, for rule authors."""
    pm = manager()
    rules = chosen_rules(pm, region, rules_path, as_of, period)
    try:
        checked = check_expression(expression, rules.scope)
    except ExprError as exc:
        click.echo(_("Refused: {message}", message=exc.message), err=True)
        click.echo(f"  {expression}\n  {' ' * exc.offset}^", err=True)
        sys.exit(1)
    values = _employee_values(pm, rules, input_path, nip)
    values.update(_bound(settings, rules.scope.names))
    missing = [n for n in checked.names if n not in values]
    if missing:
        needed = _(
            "{names} need(s) an employee's values: add --input PATH --nip NIP",
            names=", ".join(missing),
        )
        fail(needed, 1)
    try:
        if explain or as_json:
            error = _echo_tree(checked, rules, values, as_json)
        else:
            value, error = evaluate_one(checked, rules.bands, values, rules.scope.names)
            if error is None:
                click.echo(_shown(value))
    except ExprError as exc:  # a value the engine cannot hold in a column, e.g. a list
        fail(_("Refused: {message}", message=exc.message), 1)
        return
    if error is not None:
        fail(error, 1)


def _employee_values(
    pm: pluggy.PluginManager, rules: RuleSet, input_path: Path | None, nip: str | None
) -> dict[str, object]:
    """The values of ``--nip``'s result in ``--input`` (none without them)."""
    if (input_path is None) != (nip is None):
        fail(_("--input and --nip go together"))
    if input_path is None or nip is None:
        return {}
    output = appraise_input(pm, rules, input_path)
    match = result_of(output, nip.replace(" ", ""))
    if match is None:
        fail(_("NIP {nip} has no result in {path}", nip=nip, path=input_path), 1)
    return dict(match.values)  # type: ignore[union-attr]


def _echo_tree(
    checked: Checked, rules: RuleSet, values: Mapping[str, object], as_json: bool
) -> str | None:
    """Print the evaluation tree (text or JSON); the root's failure, if it fails."""
    root = explain_tree(checked, rules.scope, rules.bands, values)
    if as_json:
        click.echo(json.dumps(tree_document(root), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(tree_lines(root)))
    return root.error


def _bound(settings: tuple[str, ...], types: Mapping[str, str]) -> dict[str, object]:
    """The values ``--set NAME=VALUE`` binds, each checked against the name's type."""
    bound: dict[str, object] = {}
    for setting in settings:
        name, equals, text = setting.partition("=")
        name = name.strip()
        if not equals or not name:
            fail(_("--set {setting}: write NAME=VALUE, e.g. --set score=82.5", setting=setting))
        if name not in types:
            hint = suggest(name, sorted(types))
            fail(
                _(
                    "--set {setting}: unknown name {name}{hint}",
                    setting=setting,
                    name=repr(name),
                    hint=hint,
                )
            )
        bound[name] = _typed(setting, name, types[name], _parsed(setting, text.strip()))
    return bound


def _parsed(setting: str, text: str) -> object:
    """A ``--set`` value: a number, quoted text, true/false (or null: no value)."""
    if text in _WORDS:
        return _WORDS[text]
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if _NUMBER.fullmatch(text):
        number = float(text)
        return int(text) if number.is_integer() and text.lstrip("+-").isdigit() else number
    fail(
        _(
            "--set {setting}: {value} is not a number, text in quotes, true or false",
            setting=setting,
            value=text or "''",
        )
    )
    raise AssertionError("unreachable")


def _typed(setting: str, name: str, kind: str, value: object) -> object:
    """``value`` if it is of the kind ``name`` holds (None: no value, always allowed)."""
    is_bool = isinstance(value, bool)
    fits = {
        "number": not is_bool and isinstance(value, int | float),
        "string": isinstance(value, str),
        "bool": is_bool,
    }
    if value is None or fits.get(kind, True):
        return value
    wanted = {
        "number": N_("{name} holds a number; give one, e.g. --set {name}=82.5"),
        "string": N_("{name} holds text; give it in quotes, e.g. --set {name}='Baik'"),
        "bool": N_("{name} holds true or false; give one, e.g. --set {name}=true"),
    }[kind]
    fail(_("--set {setting}: {why}", setting=setting, why=_(wanted, name=name)))
    raise AssertionError("unreachable")


def _shown(value: object) -> str:
    """Text as it is; a whole number without ``.0``; anything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**64:
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)

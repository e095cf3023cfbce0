"""`kinerja show`: the effective rules of a region after layering, value by value."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import yaml

from kinerja.cli.common import chosen_rules, manager, rules_options, rules_version_options
from kinerja.i18n import N_, _
from kinerja.rules import RuleSet
from kinerja.rules.layering import baselines, provenance
from kinerja.rules.yamlload import Location
from kinerja.schemas import load_schema


def _scalar(value: object) -> str:
    """A leaf value written as YAML would read it back (quoted where needed)."""
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.removesuffix("\n...\n").strip()


_BASELINE = N_("baseline {name}")
"""A shipped baseline, as the text output names it (``--json`` keeps the English)."""


def _origin(location: Location, for_people: bool = True) -> str:
    """Where a value came from: a baseline by name, else the file relative to here.

    :param for_people: name a baseline in the language in use (False: as ``--json``
        writes it, the same in every language).
    """
    for name, path in baselines().items():
        if Path(location.file).resolve() == path.resolve():
            baseline = _(_BASELINE, name=name) if for_people else _BASELINE.format(name=name)
            return f"{baseline}:{location.line}"
    try:
        shown = os.path.relpath(location.file)
    except ValueError:  # another drive
        shown = location.file
    return f"{shown}:{location.line}"


def render_effective(rules: RuleSet) -> list[str]:
    """The effective rules as YAML lines, each value followed by where it came from."""
    layers = ", ".join(
        _origin(Location(f, 1, 1)).rsplit(":", 1)[0] for f, _data in rules.loaded.layers
    )
    lines = [
        _heading(rules),
        f"# sha256 {rules.sha256}",
        _("# layers, base first: {layers}", layers=layers),
    ]
    order = list(load_schema("rules")["properties"])
    data = rules.loaded.data
    assert isinstance(data, dict)
    ranked = sorted(data, key=lambda k: order.index(k) if k in order else len(order))
    for key in ranked:
        _entry(rules, f"{key}:", data[key], (key,), "  ", lines)
    return lines


def _heading(rules: RuleSet) -> str:
    """``# region R, version V, valid FROM to TO`` (or ``to open-ended``)."""
    if rules.valid_to:
        return _(
            "# region {region}, version {version}, valid {valid_from} to {valid_to}",
            region=rules.region,
            version=rules.version,
            valid_from=rules.valid_from,
            valid_to=rules.valid_to,
        )
    return _(
        "# region {region}, version {version}, valid {valid_from} to open-ended",
        region=rules.region,
        version=rules.version,
        valid_from=rules.valid_from,
    )


def _entry(
    rules: RuleSet, head: str, value: object, path: tuple, inner: str, out: list[str]
) -> None:
    """One ``key: value`` line with its origin, or a heading and the nested lines."""
    nested = (
        isinstance(value, dict)
        and value
        or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value))
    )
    if not nested:
        if isinstance(value, str):
            value = " ".join(value.split())
        out.append(f"{head} {_scalar(value)}  # {_origin(rules.loaded.where(path))}")
        return
    out.append(head)
    if isinstance(value, dict):
        for key, child in value.items():
            _entry(rules, f"{inner}{key}:", child, (*path, key), inner + "  ", out)
        return
    assert isinstance(value, list)
    for i, child in enumerate(value):
        if isinstance(child, dict) and child:
            for n, (key, grandchild) in enumerate(child.items()):
                lead = f"{inner}- " if n == 0 else f"{inner}  "
                _entry(rules, f"{lead}{key}:", grandchild, (*path, i, key), inner + "    ", out)
        else:
            where = _origin(rules.loaded.where((*path, i)))
            out.append(f"{inner}- {_scalar(child)}  # {where}")


@click.command()
@rules_options
@click.option("--json", "as_json", is_flag=True, help="Print value, path and origin as JSON.")
@rules_version_options
def show(
    region: str | None,
    rules_path: Path | None,
    as_json: bool,
    as_of: str | None,
    period: int | None,
) -> None:
    """Print a region's effective rules after layering, with where each value came from."""
    rules = chosen_rules(manager(), region, rules_path, as_of, period)
    if as_json:
        entries = [
            {
                "path": list(path),
                "value": value,
                "file": loc.file,
                "line": loc.line,
                "col": loc.col,
                "origin": _origin(loc, for_people=False),
            }
            for path, value, loc in provenance(rules.loaded)
        ]
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    click.echo("\n".join(render_effective(rules)))

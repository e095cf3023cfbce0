"""Helpers shared by the commands: the plugin manager, errors for people, runs."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pluggy

from kinerja.dataset import build_dataset
from kinerja.engine import appraise
from kinerja.io.tables import InputError, read_tables
from kinerja.manager import make_manager
from kinerja.model import RunOutput
from kinerja.regions import UnknownRegion, find_region
from kinerja.rules import RuleSet, load_rules
from kinerja.yamlload import RulesError

FORMATS = ("xlsx", "csv", "json")


def manager() -> pluggy.PluginManager:
    return make_manager()


def fail(message: str, code: int = 2) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def region_rules(pm: pluggy.PluginManager, region: str) -> RuleSet:
    try:
        return load_rules(find_region(pm, region).rules)
    except UnknownRegion as exc:
        fail(str(exc))
    except RulesError as exc:
        fail(f"the rules of region {region!r} have problems:\n{exc}\nRun `kinerja check`.")
    raise AssertionError("unreachable")


def appraise_input(pm: pluggy.PluginManager, rules: RuleSet, input_path: Path) -> RunOutput:
    try:
        tables = read_tables(input_path)
    except InputError as exc:
        fail(str(exc))
    dataset = build_dataset(tables, rules.input_spec())
    total = len(dataset.employees)
    if sys.stderr.isatty() and total > 0:
        with click.progressbar(length=total, label="Appraising", file=sys.stderr) as bar:
            return appraise(rules, dataset, pm, progress=bar.update)
    return appraise(rules, dataset, pm)

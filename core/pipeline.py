"""The one pipeline: read → validate → appraise → write.

The command line, the YAML case runner, the tests and the benchmarks all go
through these functions, so there is one way a workbook becomes results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pluggy

from kinerja.engine import appraise
from kinerja.frames import RunOutput
from kinerja.input.read import read_tables
from kinerja.input.tables import Tables
from kinerja.input.validate import build_dataset
from kinerja.output.writers import write_run
from kinerja.rules import RuleSet

Format = Literal["xlsx", "csv", "json", "parquet"]


@dataclass(slots=True)
class Report:
    """Optional callbacks for long runs: what the pipeline is doing, and how far it is.

    ``step`` receives a short message before each stage; ``start`` the number of
    employees about to be appraised; ``advance`` how many were just appraised.
    """

    step: Callable[[str], None] | None = None
    start: Callable[[int], None] | None = None
    advance: Callable[[int], None] | None = None

    def say(self, message: str) -> None:
        """Pass ``message`` to ``step``, if there is one."""
        if self.step is not None:
            self.step(message)


def appraise_tables(
    rules: RuleSet, tables: Tables, pm: pluggy.PluginManager, report: Report | None = None
) -> RunOutput:
    """Validate raw input tables and appraise them under ``rules``.

    :param rules: the region's checked rule set.
    :param tables: the raw input (see :func:`kinerja.input.read.read_tables`).
    :param pm: the plugin manager (see :func:`kinerja.manager.make_manager`).
    :param report: optional progress callbacks.
    """
    report = report or Report()
    rows = sum(frame.height for frame in tables.frames.values())
    report.say(f"Checking {rows:,} rows ...")
    dataset = build_dataset(tables, rules.input_spec())
    if report.start is not None:
        report.start(dataset.employees.height)
    return appraise(rules, dataset, pm, progress=report.advance)


def appraise_path(
    rules: RuleSet, path: str | Path, pm: pluggy.PluginManager, report: Report | None = None
) -> RunOutput:
    """Read an input file (xlsx, CSV folder or JSON), validate and appraise it.

    :raises kinerja.errors.InputError: the file cannot be read at all.
    """
    report = report or Report()
    report.say(f"Reading {path} ...")
    return appraise_tables(rules, read_tables(path), pm, report)


def run(
    rules: RuleSet,
    path: str | Path,
    output: Path,
    fmt: Format,
    pm: pluggy.PluginManager,
    report: Report | None = None,
) -> tuple[RunOutput, list[Path]]:
    """The whole run: read, validate, appraise, then write results and rejects as a pair.

    :return: the run, and the files written (results first, then the rejects).
    :raises kinerja.errors.InputError: the input cannot be read at all.
    :raises OSError: the output cannot be written.
    """
    appraised = appraise_path(rules, path, pm, report)
    return appraised, write_run(appraised, output, fmt)


__all__ = ["Format", "Report", "appraise_path", "appraise_tables", "run"]

"""The ``kinerja`` command line: for HR staff, rule authors and the central agency.

Each command lives in a module of its own; this module only assembles the group.
"""

from __future__ import annotations

import click

from kinerja import __version__
from kinerja.cli.check import check, schema
from kinerja.cli.docs import docs
from kinerja.cli.evaluate import eval_
from kinerja.cli.new_region import new_region
from kinerja.cli.regions import regions
from kinerja.cli.run import explain, run
from kinerja.cli.sample import sample_data
from kinerja.cli.show import show
from kinerja.cli.test import test


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kinerja")
def main() -> None:
    """Appraise civil servants (ASN) under each region's own rules."""


for command in (
    regions,
    check,
    schema,
    run,
    explain,
    eval_,
    sample_data,
    show,
    new_region,
    docs,
    test,
):
    main.add_command(command)

__all__ = ["main"]

"""The ``kinerja`` command line: for HR staff, rule authors and the central agency.

Each command lives in a module of its own; this module only assembles the group.
"""

from __future__ import annotations

from typing import Any

import click

from kinerja import __version__, i18n
from kinerja.cli.check import check, schema
from kinerja.cli.compare import compare_command
from kinerja.cli.dialogue import dialogue_command
from kinerja.cli.diff import diff
from kinerja.cli.docs import docs
from kinerja.cli.evaluate import eval_
from kinerja.cli.explain import explain
from kinerja.cli.fmt import fmt
from kinerja.cli.history import history_command
from kinerja.cli.lang import lang_option, speak
from kinerja.cli.new_region import new_region
from kinerja.cli.objections import decide_command, object_command
from kinerja.cli.publish import publish_command
from kinerja.cli.raters import raters_command
from kinerja.cli.regions import regions
from kinerja.cli.run import run
from kinerja.cli.sample import sample_data
from kinerja.cli.show import show
from kinerja.cli.test import test
from kinerja.i18n import N_


class _Kinerja(click.Group):
    """The ``kinerja`` group: each run speaks the language in use (:mod:`kinerja.cli.lang`)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        i18n.use(None)  # each invocation chooses anew: --lang, else KINERJA_LANG, ...
        i18n.use_rules_language(None)
        speak(self)
        try:
            return super().main(*args, **kwargs)
        finally:  # and leaves no choice behind (tests call it many times in one process)
            i18n.use(None)
            i18n.use_rules_language(None)


@click.group(
    cls=_Kinerja,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_("Appraise civil servants (ASN) under each region's own rules."),
)
@click.version_option(__version__, prog_name="kinerja")
@lang_option
def main() -> None:
    """The ``kinerja`` command (see its help)."""


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
    fmt,
    compare_command,
    diff,
    publish_command,
    history_command,
    object_command,
    decide_command,
    dialogue_command,
    raters_command,
):
    main.add_command(lang_option(command))

__all__ = ["main"]

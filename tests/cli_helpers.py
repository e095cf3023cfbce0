"""Shared by the command-line tests: the regions, their rule files, and an invoker."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

import kinerja.plugins
from kinerja.cli import main

REGIONS = ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto")
PLUGINS = Path(kinerja.plugins.__file__).parent
RULES = {region: PLUGINS / region / "rules.yaml" for region in REGIONS}
KASEMEN = RULES["kasemen"]


def cli(runner: CliRunner, *args: object, code: int = 0) -> Result:
    """Invoke ``kinerja ARGS``; assert the exit code and that no exception escaped."""
    result = runner.invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{result.exception!r}\n{result.output}"
    )
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output
    return result

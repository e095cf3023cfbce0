"""Helpers shared by the commands: the plugin manager, errors for people, runs."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click
import pluggy

from kinerja import i18n
from kinerja.errors import InputError, OutputError
from kinerja.frames import RunOutput, RunParts
from kinerja.guard import Budget, Watchdog
from kinerja.i18n import N_, _
from kinerja.input.chunks import CHUNK_EMPLOYEES
from kinerja.input.measure import WorkbookLimits, workbook_limits
from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.pipeline import Format, Report, appraise_path, run
from kinerja.regions import UnknownRegion, load_region_rules
from kinerja.rules import RuleSet
from kinerja.rules.yamlload import RulesError

FORMATS = ("xlsx", "csv", "json", "parquet")


def manager() -> pluggy.PluginManager:
    """The plugin manager with the built-in defaults and every installed region."""
    return make_manager()


def fail(message: str, code: int = 2) -> None:
    """Print ``Error: message`` on stderr and exit with ``code`` (no traceback)."""
    click.echo(_("Error: {message}", message=message), err=True)
    sys.exit(code)


def region_rules(
    pm: pluggy.PluginManager, region: str, as_of: str | None = None, period: str | None = None
) -> RuleSet:
    """The region's rules (in force on ``as_of`` / during ``period``), or a clean exit."""
    try:
        rules = load_region_rules(pm, region, as_of, period)
    except UnknownRegion as exc:
        fail(str(exc))
    except RulesError as exc:
        fail(
            _(
                "the rules of region {region} have problems:\n{problems}\nRun `kinerja check`.",
                region=repr(region),
                problems=exc,
            )
        )
    else:
        i18n.use_rules_language(rules.language)
        return rules
    raise AssertionError("unreachable")


input_option = click.option(
    "--input",
    "-i",
    "input_path",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help=N_("The workbook (.xlsx), a folder of CSV files, or a .json file."),
)
"""``--input PATH``: the workbook or folder a command reads."""
text_or_json = click.option(
    "--format",
    "form",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help=N_("text for people; json for tools (stable keys)."),
)
"""``--format text|json``: words for people, or a stable document for tools."""


def rules_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--region NAME`` or ``--rules PATH``: an installed region's rules, or a rule file's
    (one not yet in a package, a what-if)."""
    function = click.option(
        "--rules",
        "rules_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=N_("A rule file to apply instead of an installed region's rules (e.g. a what-if)."),
    )(function)
    return click.option("--region", "-r", help=N_("The region whose rules apply."))(function)


def chosen_rules(
    pm: pluggy.PluginManager,
    region: str | None,
    rules_path: Path | None,
    as_of: str | None = None,
    period: int | None = None,
) -> RuleSet:
    """The rules ``--region`` or ``--rules`` names, or a clean exit."""
    if (region is None) == (rules_path is None):
        fail(_("give either --region NAME or --rules PATH"))
    if rules_path is None:
        return region_rules(pm, region or "", as_of, None if period is None else str(period))
    from kinerja.compare.items import ItemError, resolve_item  # the compare stage imports this

    try:
        rules = resolve_item(pm, str(rules_path)).rules
    except ItemError as exc:
        fail(str(exc))
    i18n.use_rules_language(rules.language)
    return rules


def iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The click callback of a ``YYYY-MM-DD`` option: the date, or a usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(
            _("{value} is not a date like 2026-12-31", value=repr(value))
        ) from None


def rules_version_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--as-of DATE`` and ``--period YEAR``: which of a region's rule versions applies."""
    function = click.option(
        "--period",
        type=click.IntRange(1990, 2100),
        help="Use the rules in force during this year (one version must cover it).",
    )(function)
    return click.option(
        "--as-of",
        callback=iso_date,
        help="Use the rules in force on this date (YYYY-MM-DD) [default: the current rules].",
    )(function)


def input_limit_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--max-workbook-bytes``: how far an xlsx input may unpack before it is refused."""

    @functools.wraps(function)
    def limited(*args: Any, max_workbook_bytes: int, **kwargs: Any) -> Any:
        with workbook_limits(WorkbookLimits(unpacked=max_workbook_bytes)):
            return function(*args, **kwargs)

    return click.option(
        "--max-workbook-bytes",
        type=click.IntRange(min=1),
        default=WorkbookLimits().unpacked,
        show_default=True,
        help="Refuse an xlsx workbook that unpacks to more bytes than this (a guard "
        "against zip bombs); raise it for a genuinely large workbook.",
    )(limited)


class ByteSize(click.ParamType):
    """A size in bytes, written ``4G``, ``500M``, ``2GB`` or a plain number of bytes."""

    name = "size"
    _UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("B").removesuffix("I")
        number, unit = text.rstrip("KMGT"), text[len(text.rstrip("KMGT")) :]
        try:
            size = float(number) * self._UNITS[unit]
        except (ValueError, KeyError):
            self.fail(
                _("{value} is not a size like 4G, 500M or 2000000000", value=repr(value)),
                param,
                ctx,
            )
        if not 0 < size < 1 << 60:
            self.fail(_("{value} is not a size above 0", value=repr(value)), param, ctx)
        return int(size)


def machine_memory() -> int | None:
    """This machine's physical memory in bytes (None where the system does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


MEMORY_SHARE = 0.8
"""The share of the machine's memory a run may hold unless told otherwise."""


def budget_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--max-seconds`` and ``--max-memory``: the run's budget, kept by a watchdog
    (:mod:`kinerja.guard`) that stops the run with a message when it is spent."""

    @functools.wraps(function)
    def watched(
        *args: Any, max_seconds: float | None, max_memory: int | None, **kwargs: Any
    ) -> Any:
        if max_memory is None:
            total = machine_memory()
            max_memory = int(total * MEMORY_SHARE) if total else None
        budget = Budget(seconds=max_seconds, memory=max_memory)
        with Watchdog(budget, _stopped):
            return function(*args, **kwargs)

    seconds = click.option(
        "--max-seconds",
        type=click.FloatRange(min=0, min_open=True),
        envvar="KINERJA_MAX_SECONDS",
        help="Stop the run, saying what it was doing, once it has taken this many "
        "seconds [default: no limit].",
    )
    memory = click.option(
        "--max-memory",
        type=ByteSize(),
        envvar="KINERJA_MAX_MEMORY",
        help="Stop the run, saying what it was doing, once it holds this much memory, "
        "e.g. 4G [default: 80% of this machine's memory].",
    )
    return seconds(memory(watched))


def _stopped(message: str) -> None:
    click.echo(_("Error: {message}", message=message), err=True)


def appraise_input(
    pm: pluggy.PluginManager,
    rules: RuleSet,
    input_path: Path,
    *,
    chunk_size: int = CHUNK_EMPLOYEES,
    each: Callable[[Tables], Tables] | None = None,
) -> RunOutput:
    """Read, validate and appraise an input file, showing progress on a terminal
    (``each``: see :func:`kinerja.pipeline.appraise_path`)."""
    with _progress() as report:
        try:
            return appraise_path(rules, input_path, pm, report, chunk_size=chunk_size, each=each)
        except InputError as exc:
            fail(str(exc))
    raise AssertionError("fail() exits")  # pragma: no cover


def run_input(
    pm: pluggy.PluginManager,
    rules: RuleSet,
    input_path: Path,
    output: Path,
    fmt: Format,
    *,
    chunk_size: int = CHUNK_EMPLOYEES,
    db: str | None = None,
) -> tuple[RunParts, list[Path]]:
    """The whole run (:func:`kinerja.pipeline.run`), showing progress on a terminal;
    an input that cannot be read, an output that cannot be written or a history
    database that cannot be used ends it with ``Error: ...``."""
    with _progress() as report:
        try:
            return run(rules, input_path, output, fmt, pm, report, chunk_size=chunk_size, db=db)
        except InputError as exc:
            fail(str(exc))
        except OutputError as exc:
            fail(write_error(exc, output))
        except Exception as exc:
            if db is None or not _database_failure(exc):
                raise
            fail(database_error(exc, db, output))
    raise AssertionError("fail() exits")  # pragma: no cover


def _database_failure(exc: Exception) -> bool:
    """Whether ``exc`` is the history database's (SQLAlchemy's or a migration's), which
    are imported only by a run that stores its history."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(exc, SQLAlchemyError | CommandError)


def database_error(exc: Exception, db: str, output: Path) -> str:
    """Why the run could not be stored in its history, for ``Error: ...``: the results
    are written; the history is as it was (a run is stored whole or not at all)."""
    from kinerja.store import shown_url

    why = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return _(
        "the results are written ({output}), but the run was not stored in {db}: {why}. "
        "Nothing of it was stored; check --db and run again (a rerun of the same input is "
        "recognised, not stored twice).",
        output=output,
        db=shown_url(db),
        why=why,
    )


def write_error(exc: OSError, output: Path) -> str:
    """What could not be written and why, for ``Error: ...`` (no traceback)."""
    where = exc.filename2 or exc.filename or output  # filename2: the target of a rename
    why = exc.strerror or str(exc)
    return _(
        "cannot write {where}: {why}. The results were not written; choose another --output, "
        "or check that the folder is writable and that no folder or open file has that name.",
        where=where,
        why=why,
    )


@contextlib.contextmanager
def _progress() -> Iterator[Report]:
    """Progress on stderr (what the run does, a bar of employees) when it is a terminal."""
    if not sys.stderr.isatty():
        yield Report()
        return
    with contextlib.ExitStack() as stack:
        bars: list[Any] = []

        def start(total: int) -> None:
            if total > 0:
                bar = click.progressbar(length=total, label=_("Appraising"), file=sys.stderr)
                bars.append(stack.enter_context(bar))

        def advance(n: int) -> None:
            for bar in bars:
                bar.update(n)

        yield Report(_to_stderr, start, advance)


def _to_stderr(message: str) -> None:
    click.echo(message, err=True)

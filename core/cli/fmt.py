"""`kinerja fmt`: format rule and case files in one canonical layout.

The layout and the guarantee that the data stays the same are in
:mod:`kinerja.authoring.fmt`. Exit codes: 0 when done (or, with ``--check``, when
every file is formatted), 1 when ``--check`` finds a file that would change, 2 when
a file cannot be formatted (not YAML, refused by the strict loader, or formatting
would change its data); the other files are still done.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kinerja.authoring.caseload import shown
from kinerja.authoring.fmt import Formatted, diff, find_files, format_file
from kinerja.i18n import _
from kinerja.output.atomic import atomic_write


@click.command("fmt")
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; list the files that would change and exit 1 if there are any.",
)
@click.option(
    "--diff", "show_diff", is_flag=True, help="Print the changes as a unified diff; write nothing."
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def fmt(check: bool, show_diff: bool, paths: tuple[Path, ...]) -> None:
    """Format rule and case files in one layout, keeping comments and the order of keys.

    A folder stands for every rules*.yaml and *cases.yaml file below it. The data never
    changes: a file whose formatting would change it is left as it is. Exits 1 with
    --check when a file would change, 2 when a file cannot be formatted.
    """
    files, empty = find_files(paths)
    failed = bool(empty)
    for folder in empty:
        click.echo(
            _("{path}: no rules*.yaml or *cases.yaml files here", path=shown(folder)), err=True
        )
    results = [format_file(path) for path in files]
    for result in results:
        failed |= _report(result, write=not (check or show_diff), show_diff=show_diff)
    changed = sum(r.changed for r in results)
    unchanged = sum(r.after is not None and not r.changed for r in results)
    click.echo(_summary(changed, unchanged, written=not (check or show_diff)), err=True)
    if failed:
        sys.exit(2)
    if check and changed:
        sys.exit(1)


def _report(result: Formatted, *, write: bool, show_diff: bool) -> bool:
    """Print (and, when ``write``, apply) one file's result; True when it failed."""
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if not result.changed:
        return bool(result.problems)
    assert result.after is not None
    name = shown(result.path)
    if show_diff:
        click.echo(diff(result), nl=False)
    elif write:
        atomic_write(result.path, result.after.encode("utf-8"))
        click.echo(_("reformatted {file}", file=name))
    else:
        click.echo(_("would reformat {file}", file=name))
    return False


def _summary(changed: int, unchanged: int, *, written: bool) -> str:
    """``N file(s) reformatted, M already formatted.`` (or ``would be reformatted``)."""
    if written:
        return _(
            "{changed} file(s) reformatted, {unchanged} already formatted.",
            changed=str(changed),
            unchanged=str(unchanged),
        )
    return _(
        "{changed} file(s) would be reformatted, {unchanged} already formatted.",
        changed=str(changed),
        unchanged=str(unchanged),
    )

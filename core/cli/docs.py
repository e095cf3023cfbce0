"""`kinerja docs`: the rule-file reference, generated from the schema and the functions."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from kinerja.authoring.docs import DOC_PATH, render_rules_doc
from kinerja.cli.common import fail
from kinerja.i18n import _
from kinerja.output.atomic import atomic_write


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Write the reference to this file (e.g. {DOC_PATH}) instead of printing it.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when OUTPUT differs from what would be generated.",
)
def docs(output: Path | None, check: bool) -> None:
    """Print the rule-file reference (markdown): every field, function and band().

    It is generated from the rules schema and the function library, so it always
    matches the installed kinerja.
    """
    text = render_rules_doc()
    if check:
        if output is None:
            raise click.UsageError(
                _("--check needs --output PATH, e.g. --output {path}", path=DOC_PATH)
            )
        _check(output, text)
    elif output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text.encode("utf-8"))
        click.echo(_("Wrote {path}", path=output))


def _check(output: Path, text: str) -> None:
    """Exit 1 with a message when ``output`` is not ``text``."""
    try:
        current = output.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(
            _(
                "{path} does not exist; run `kinerja docs --output {path}` to update it",
                path=output,
            ),
            1,
        )
    except (OSError, UnicodeDecodeError) as exc:
        fail(_("cannot read {path}: {error}", path=output, error=exc), 1)
    if current == text:
        click.echo(_("{path} is current.", path=output))
        return
    old, new = current.splitlines(), text.splitlines()
    line = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False), 1) if a != b),
        min(len(old), len(new)) + 1,
    )
    diff = list(difflib.unified_diff(old, new, lineterm="", n=0))[2:]
    changed = sum(1 for d in diff if d[:1] in "+-")
    fail(
        _(
            "{path} is out of date: it differs from what the rules schema and the function "
            "library generate ({changed} line(s) changed, first at line {line}); run "
            "`kinerja docs --output {path}` to update it",
            path=output,
            changed=str(changed),
            line=str(line),
        ),
        1,
    )

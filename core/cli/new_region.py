"""`kinerja new-region`: a standalone region package for a regional IT team."""

from __future__ import annotations

from pathlib import Path

import click

from kinerja.authoring.scaffold import ScaffoldError, create_region
from kinerja.cli.common import fail, manager
from kinerja.i18n import _
from kinerja.regions import list_regions, region_clashes


@click.command(name="new-region")
@click.argument("name")
@click.option(
    "--dir",
    "-d",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Create the package folder kinerja-region-NAME in this folder.",
)
def new_region(name: str, directory: Path) -> None:
    """Create a pip-installable package for a new region NAME, ready to edit and test.

    It holds a commented starter rule file, hand-computed test cases and a pytest
    suite; installed next to kinerja, the region appears in `kinerja regions`.
    """
    clash = _installed(name)
    if clash:
        fail(
            _(
                "a region named {name} is already installed ({plugins}); two regions of one "
                "name cannot both run. Pick another name.",
                name=repr(name),
                plugins=clash,
            )
        )
    try:
        created = create_region(name, directory)
    except ScaffoldError as exc:
        fail(str(exc))
    click.echo(_("Created {root}/", root=created.root))
    for path in created.files:
        click.echo(f"  {path}")
    click.echo("\n" + _next_steps(name, created.root))


def _next_steps(name: str, root: Path) -> str:
    """What to do after creating the package, command by command."""
    return _(
        "Next steps:\n"
        "  cd {root}\n"
        "  python3 -m venv .venv && .venv/bin/pip install -e '.[test]'\n"
        "  edit {package}/rules.yaml, and its cases in {package}/cases.yaml\n"
        "  .venv/bin/kinerja check --region {name}\n"
        "  .venv/bin/pytest\n"
        "  .venv/bin/kinerja run --region {name} --input WORKBOOK.xlsx",
        root=root,
        package="kinerja_region_" + name,
        name=name,
    )


def _installed(name: str) -> str:
    """The plugin module(s) of installed regions called ``name``, or ``""``."""
    pm = manager()
    clashes = region_clashes(pm)
    if name in clashes:
        return " and ".join(clashes[name])
    spec = list_regions(pm).get(name)
    return spec.plugin if spec else ""

"""A new region as a package of its own: what ``kinerja new-region`` writes.

A regional IT team ships its rules without touching the core: :func:`create_region`
writes a pip-installable package with the ``kinerja.regions`` entry point, a
commented starter rule file, hand-computed test cases and a pytest suite, all of
which pass out of the box. The files come from the templates in
``kinerja/templates/region/``; ``{{placeholder}}`` marks what is filled in.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

from kinerja import __version__
from kinerja.errors import ScaffoldError
from kinerja.i18n import _
from kinerja.schemas import load_schema

__all__ = [
    "FILES",
    "NAME_PATTERN",
    "Scaffold",
    "ScaffoldError",
    "check_region_name",
    "placeholders",
    "create_region",
    "render_region_files",
]

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
"""What a region name must look like (the rules schema's ``region`` pattern)."""

MAX_NAME = 40
"""The longest region name the rules schema allows."""

FILES: dict[str, str] = {
    "pyproject.toml": "pyproject.toml.tmpl",
    "README.md": "README.md.tmpl",
    "{package}/__init__.py": "plugin.py.tmpl",
    "{package}/rules.yaml": "rules.yaml.tmpl",
    "{package}/cases.yaml": "cases.yaml.tmpl",
    "tests/test_rules.py": "test_rules.py.tmpl",
}
"""Each generated file (relative to the package folder) and the template it comes from."""

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


@dataclass(frozen=True, slots=True)
class Scaffold:
    """A created region package."""

    name: str
    """The region name."""
    root: Path
    """The package folder, ``<directory>/kinerja-region-<name>``."""
    files: tuple[PurePosixPath, ...]
    """The files written, relative to :attr:`root`, in :data:`FILES` order."""


def check_region_name(name: str) -> None:
    """Refuse a region name the rules format would not accept.

    :raises ScaffoldError: saying what is wrong and suggesting a usable name.
    """
    if NAME_PATTERN.match(name) and len(name) <= MAX_NAME:
        return
    if len(name) > MAX_NAME:
        raise ScaffoldError(
            _(
                "region name {name} is {length} characters long; the most is {most}",
                name=repr(name),
                length=len(name),
                most=MAX_NAME,
            )
        )
    fixed = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_")
    if NAME_PATTERN.match(fixed):
        raise ScaffoldError(
            _(
                "region name {name} is not allowed: use lowercase letters, digits and "
                "underscores, starting with a letter (for example {example})",
                name=repr(name),
                example=repr(fixed),
            )
        )
    raise ScaffoldError(
        _(
            "region name {name} is not allowed: use lowercase letters, digits and "
            "underscores, starting with a letter",
            name=repr(name),
        )
    )


def placeholders(name: str, *, year: int | None = None) -> dict[str, str]:
    """The values filled into the templates for region ``name``."""
    return {
        "name": name,
        "title": name.replace("_", " ").title(),
        "package": f"kinerja_region_{name}",
        "dist": f"kinerja-region-{name}",
        "year": str(year if year is not None else dt.date.today().year),
        "schema_url": load_schema("rules")["$id"],
        "kinerja_version": __version__,
    }


def _fill(template: str, values: dict[str, str], source: str) -> str:
    """``template`` with every ``{{placeholder}}`` replaced by its value."""

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(f"template {source} uses an unknown placeholder {{{{{key}}}}}")
        return values[key]

    return _PLACEHOLDER.sub(replace, template)


def render_region_files(name: str, *, year: int | None = None) -> dict[PurePosixPath, str]:
    """The content of every file of a new region package, by path inside the package.

    :param name: the region name (checked with :func:`check_region_name`).
    :param year: the year the starter rules apply to (default: this year).
    """
    check_region_name(name)
    values = placeholders(name, year=year)
    templates = resources.files("kinerja.authoring.templates.region")
    rendered: dict[PurePosixPath, str] = {}
    for target, source in FILES.items():
        text = templates.joinpath(source).read_text("utf-8")
        rendered[PurePosixPath(target.format(package=values["package"]))] = _fill(
            text, values, source
        )
    return rendered


def create_region(name: str, directory: str | os.PathLike[str] = ".") -> Scaffold:
    """Write a new region package ``kinerja-region-<name>`` into ``directory``.

    The files are written into a temporary folder first and moved into place at
    the end, so a failure never leaves half a package behind.

    :raises ScaffoldError: for a bad name, or when the package folder already
        exists and is not empty (nothing is overwritten).
    """
    files = render_region_files(name)
    parent = Path(directory)
    root = parent / placeholders(name)["dist"]
    try:
        if root.exists() and not root.is_dir():
            raise ScaffoldError(
                _("{root} already exists and is a file; choose another --dir", root=root)
            )
        if root.is_dir() and any(root.iterdir()):
            raise ScaffoldError(
                _(
                    "{root} already exists and is not empty; nothing was written. Choose another "
                    "--dir, or move that folder away first",
                    root=root,
                )
            )
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=parent))
    except OSError as exc:
        raise ScaffoldError(_cannot_create(root, exc)) from None
    try:
        for relative, text in files.items():
            path = staging.joinpath(*relative.parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        staging.chmod(0o755)
        if root.is_dir():
            root.rmdir()  # empty, checked above
        staging.rename(root)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ScaffoldError(_cannot_create(root, exc)) from None
    return Scaffold(name, root, tuple(files))


def _cannot_create(root: Path, exc: OSError) -> str:
    """Why the package folder could not be made (the system's words for the cause)."""
    return _("cannot create {root}: {error}", root=root, error=exc.strerror or exc)

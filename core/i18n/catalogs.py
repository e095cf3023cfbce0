"""Keeping the message catalogs: extract the messages from the code, update each
language's ``.po`` file, and find what is missing.

``python -m kinerja.i18n.catalogs update`` writes ``locale/kinerja.pot`` from every
``_()``, ``N_()`` and ``ngettext()`` in kinerja and its plugins, plus the messages of
click (the command-line library) that people read; then it merges the template into
each language's catalog, keeping the translations, adding new messages untranslated
(English: as written) and dropping the ones no longer used. ``... check`` lists what
a translator still has to do, and exits 1 when there is anything. ``... merge F.po``
takes the Indonesian translations of a fragment into the catalog.
"""

from __future__ import annotations

import datetime
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import click
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

import kinerja
import kinerja.plugins
from kinerja.i18n import DOMAIN, LANGUAGES, LOCALE

__all__ = ["extract", "merge", "placeholders", "problems", "read", "template_path", "update"]

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
"""The functions whose first (and for ``ngettext`` second) argument is a message."""
_CLICK_KEYWORDS = {"_": None, "ngettext": (1, 2)}
_CREATED = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
"""The template's date, kept fixed so that an update changes only what changed."""
_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})|%\((\w+)\)[sdr]|%[sdr]")


def template_path() -> Path:
    """The template every language's catalog is updated from."""
    return LOCALE / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    """The catalog of ``lang``."""
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _sources(with_click: bool) -> list[tuple[Path, dict[str, object]]]:
    """The folders messages are extracted from, with the keywords each uses."""
    own = [
        (Path(kinerja.__file__).parent, KEYWORDS),
        (Path(kinerja.plugins.__file__).parent, KEYWORDS),
    ]
    return own + ([(Path(click.__file__).parent, _CLICK_KEYWORDS)] if with_click else [])


def extract(with_click: bool = True) -> Catalog:
    """Every message of the code, as a template catalog (no translations).

    :param with_click: also click's own messages (usage, errors), which a release of
        click may change; kinerja's are the ones every catalog must translate.
    """
    catalog = Catalog(domain=DOMAIN, project="kinerja", charset="utf-8", creation_date=_CREATED)
    for folder, keywords in _sources(with_click):
        found = extract_from_dir(
            str(folder),
            method_map=[("**.py", "python")],
            keywords=keywords,
            comment_tags=("i18n:",),
        )
        for filename, _line, message, comments, context in found:
            where = [(f"{folder.name}/{filename}", None)]
            catalog.add(message, None, where, auto_comments=comments, context=context)
    for where, text in command_help():
        catalog.add(text, None, [(where, None)])
    return catalog


def command_help() -> list[tuple[str, str]]:
    """``(where, text)`` of every help text of the ``kinerja`` command line: each
    command's (its docstring, as click keeps it) and each option's."""
    from kinerja.cli import main  # the command line imports nearly everything

    found: list[tuple[str, str]] = []

    def visit(command: click.Command, path: str) -> None:
        for attribute in ("help", "short_help", "epilog"):
            text = getattr(command, "_kinerja_help" + attribute, getattr(command, attribute))
            if isinstance(text, str) and text:
                found.append((path, text))
        for param in command.params:
            text = getattr(param, "_kinerja_helphelp", getattr(param, "help", None))
            if isinstance(text, str) and text:
                found.append((f"{path} {param.name}", text))
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                visit(sub, f"{path} {name}")

    visit(main, "kinerja")
    return found


def read(path: Path, lang: str | None = None) -> Catalog:
    """A ``.po`` or ``.pot`` file as a catalog."""
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(
            fh, catalog, width=100, include_lineno=False, ignore_obsolete=True, sort_output=True
        )


def update() -> None:
    """Write the template, then merge it into each language's catalog (module doc)."""
    template = extract()
    _write(template_path(), template)
    for lang in LANGUAGES:
        path = po_path(lang)
        catalog = read(path, lang) if path.is_file() else Catalog(locale=lang, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        _describe(catalog, lang)
        if lang == "en":
            for message in catalog:
                _as_written(message)
        _write(path, catalog)


def _describe(catalog: Catalog, lang: str) -> None:
    """The catalog's header: whose it is, and that it is ready for use (not fuzzy: a
    fuzzy header would be left out, with the plural rule it carries)."""
    catalog.project = "kinerja"
    catalog.version = ""
    catalog.copyright_holder = "the kinerja authors"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "the kinerja authors"
    catalog.language_team = f"kinerja ({lang})"
    catalog.header_comment = (
        f"# kinerja's messages in {'Indonesian' if lang == 'id' else 'English'}.\n"
        "# Kept with `python -m kinerja.i18n.catalogs update`; see kinerja/i18n/__init__.py."
    )
    catalog.fuzzy = False


def _as_written(message: Message) -> None:
    """English is the language the messages are written in: an untranslated message
    reads as itself."""
    if not message.id:
        return
    if isinstance(message.id, tuple | list):
        if not any(message.string):
            message.string = tuple(message.id)
    elif not message.string:
        message.string = message.id


def merge(fragment: Path, lang: str = "id") -> list[str]:
    """Take the translations of ``fragment`` (a ``.po`` file) into the catalog of
    ``lang``, for the messages the catalog has; return the fragment's other msgids."""
    path = po_path(lang)
    catalog = read(path, lang)
    unknown = []
    for message in read(fragment, lang):
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        found = catalog.get(key)
        if found is None:
            unknown.append(key)
        elif any(_texts(message.string)):
            found.string = message.string
    _write(path, catalog)
    return unknown


def placeholders(text: str) -> list[str]:
    """The ``{...}`` and ``%(...)s`` placeholders of a message, sorted (``{{`` and ``}}``
    are braces)."""
    return sorted(m.group(0) for m in _PLACEHOLDER.finditer(text))


def _texts(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def problems(lang: str, ids: Iterable[str | tuple[str, ...]] | None = None) -> list[str]:
    """What the catalog of ``lang`` lacks for the messages ``ids`` (default: kinerja's
    own, from the code): a message with no translation, or one whose placeholders differ."""
    catalog = read(po_path(lang), lang)
    wanted = list(ids) if ids is not None else [m.id for m in extract(False) if m.id]
    found = []
    for key in wanted:
        message = catalog.get(key[0] if isinstance(key, tuple) else key)
        shown = key if isinstance(key, str) else key[0]
        if message is None or not all(_texts(message.string)):
            found.append(f"{lang}: no translation of {shown!r}")
            continue
        expected = placeholders(_texts(message.id)[-1] if not isinstance(key, str) else key)
        for text in _texts(message.string):
            if placeholders(text) != expected:
                found.append(f"{lang}: the placeholders of {text!r} differ from those of {shown!r}")
    return found


def main(argv: list[str]) -> int:
    """``update`` or ``check`` (see the module doc)."""
    if argv[:1] == ["update"]:
        update()
        print(f"Wrote {template_path()} and the catalogs of {', '.join(LANGUAGES)}.")
        return 0
    if argv[:1] == ["merge"] and len(argv) >= 2:
        for fragment in argv[1:]:
            for key in merge(Path(fragment)):
                print(f"{fragment}: not a message of the code: {key!r}")
        return 0
    if argv[:1] == ["check"]:
        found = [p for lang in LANGUAGES for p in problems(lang)]
        print("\n".join(found) or "Every message is translated.")
        return 1 if found else 0
    print(
        "usage: python -m kinerja.i18n.catalogs update|check|merge FRAGMENT.po...", file=sys.stderr
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

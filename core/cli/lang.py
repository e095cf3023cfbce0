"""The command line in the language in use: ``--lang``, help texts, click's own words.

Help texts are written with :func:`~kinerja.i18n.N_` (marked for the catalogs) and
translated when the language is known: :func:`speak` translates every command's and
option's help, and points click's own messages (``Usage:``, ``Missing option``...)
at kinerja's catalogs. ``--lang`` on the group or on any command chooses the language
before the rest of the line is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from kinerja import i18n
from kinerja.i18n import N_

__all__ = ["lang_option", "speak"]

_CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "types",
    "utils",
    "termui",
)
_ORIGINAL = "_kinerja_help"
_CLICK_WORDS = (N_("required"),)
"""Words click translates through a variable, so that the catalogs cannot find them."""


def _gettext(message: str) -> str:
    return i18n.translations(i18n.current()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.current()).ngettext(singular, plural, n)


def _translated(holder: object, attribute: str) -> None:
    """Set ``holder.attribute`` to the translation of the text it was written with."""
    written = getattr(holder, _ORIGINAL + attribute, None)
    if written is None:
        written = getattr(holder, attribute, None)
        if not isinstance(written, str) or not written:
            return
        setattr(holder, _ORIGINAL + attribute, written)
    setattr(holder, attribute, i18n._(written))


def speak(command: click.Command) -> None:
    """Translate the help of ``command``, its options and its subcommands into the
    language in use, and let click speak it too."""
    import importlib

    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]
    _speak(command)


def _speak(command: click.Command) -> None:
    for attribute in ("help", "short_help", "epilog"):
        _translated(command, attribute)
    for param in command.params:
        _translated(param, "help")
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _speak(sub)


def _chosen(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    i18n.use(value)
    speak(ctx.find_root().command)


def lang_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--lang id|en``: the language of everything the command shows a person."""
    return click.option(
        "--lang",
        type=click.Choice(i18n.LANGUAGES, case_sensitive=False),
        envvar=i18n.ENV,
        is_eager=True,
        expose_value=False,
        callback=_chosen,
        help=N_("The language of what kinerja shows: id (Indonesian, the default) or en."),
    )(function)

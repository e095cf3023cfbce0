"""The words people read, from message catalogs: Indonesian by default, English on request.

Every text kinerja shows a person (the run summary, reject reasons, flags, explain,
command help and errors, statuses, sheet names and headers) is written in the code
in English and wrapped in :func:`_`, which looks it up in the catalog of the language
in use. The catalogs are gettext ``.po`` files under ``locale/`` kept with Babel
(``python -m kinerja.i18n.catalogs`` extracts the messages and updates them); Babel
reads them once per process into the standard library's :mod:`gettext`.

The language is, in order: the one given to :func:`use` (``--lang`` on the command
line), else ``KINERJA_LANG``, else the rules' ``language``, else Indonesian
(:data:`DEFAULT`). Machine-readable output never goes through here: JSON keys, CSV
headers and status codes stay the same in every language.

Placeholders are ``{name}`` (filled by :func:`_` from its keyword arguments) or
``{}`` (filled later, e.g. by ``pl.format``); a catalog's translation keeps exactly
the placeholders of its message (a test checks it).
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

__all__ = [
    "DEFAULT",
    "DOMAIN",
    "LANGUAGES",
    "LOCALE",
    "N_",
    "_",
    "chosen",
    "count",
    "current",
    "language",
    "ngettext",
    "number",
    "use",
    "use_rules_language",
]

LANGUAGES = ("id", "en")
"""The languages kinerja speaks: Indonesian and English."""
DEFAULT = "id"
DOMAIN = "kinerja"
LOCALE = Path(__file__).parent / "locale"
"""``<lang>/LC_MESSAGES/kinerja.po`` for each language, and the template ``kinerja.pot``."""
ENV = "KINERJA_LANG"

_given: str | None = None
_rules: str | None = None


def use(lang: str | None) -> None:
    """Speak ``lang`` from now on (None: back to ``KINERJA_LANG`` or the default).

    :raises ValueError: ``lang`` is not one of :data:`LANGUAGES`.
    """
    global _given
    _given = _checked(lang) if lang is not None else None


def use_rules_language(lang: str | None) -> None:
    """The language a region's rules ask for (used when nothing else chose one)."""
    global _rules
    _rules = _checked(lang) if lang is not None else None


def chosen() -> str | None:
    """The language chosen by :func:`use` or ``KINERJA_LANG``, if any (not the rules')."""
    if _given is not None:
        return _given
    env = os.environ.get(ENV, "").strip().lower()
    return env if env in LANGUAGES else None


def current() -> str:
    """The language in use now (see the module doc for the order)."""
    return chosen() or _rules or DEFAULT


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block, then what was spoken before."""
    global _given
    before = _given
    _given = _checked(lang)
    try:
        yield
    finally:
        _given = before


def _checked(lang: str) -> str:
    code = lang.strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; kinerja speaks {', '.join(LANGUAGES)}")
    return code


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang``, read from its ``.po`` file (an empty one if it has none)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str, /, **values: object) -> str:
    """``message`` in the language in use, its ``{name}`` placeholders filled from
    ``values`` (with none given, ``{}`` and ``{name}`` stay for a later format)."""
    text = translations(current()).gettext(message)
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, n: int, /, **values: object) -> str:
    """:func:`_` for a message whose words depend on the number ``n`` (shown as ``{n}``,
    written as :func:`count` writes it)."""
    text = translations(current()).ngettext(singular, plural, n)
    return text.format(n=count(n), **values)


def count(n: int) -> str:
    """A whole number as people of the language in use write it: ``1.210`` / ``1,210``."""
    from babel.numbers import format_decimal

    return format_decimal(n, locale=current(), group_separator=True)


def number(value: float, decimals: int | None = None) -> str:
    """A number as people of the language in use write it (``64,0`` in Indonesian,
    ``64.0`` in English): ``decimals`` places exactly, or as many as it has."""
    from babel.numbers import format_decimal

    if decimals is None:
        return format_decimal(value, locale=current(), decimal_quantization=False)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=current())


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for the catalogs without translating it yet (it is passed to
    :func:`_` where it is shown)."""
    return message

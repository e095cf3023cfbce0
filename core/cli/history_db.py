"""The history database as the commands that read or record in it name it: ``--db``.

``--db`` takes a URL (``sqlite:///...``, ``postgresql+psycopg://user@host/db``) or the
path of a SQLite file; without it, ``KINERJA_DB`` or ``kinerja.db`` in the current folder.
A command that reads or adds to a history (history, object, decide) refuses a SQLite
file that does not exist rather than creating an empty one. SQLAlchemy is imported only
when a command uses the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from kinerja.cli.common import fail
from kinerja.i18n import N_, _

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = [
    "check_person",
    "database_trouble",
    "guarded",
    "history_database",
    "history_db_option",
    "opened",
    "supported_url",
]

DEFAULT_FILE = "kinerja.db"

history_db_option = click.option(
    "--db",
    "db",
    metavar="URL|FILE",
    envvar="KINERJA_DB",
    default=DEFAULT_FILE,
    show_default=True,
    help=N_(
        "The history database (kinerja run --db): a URL (sqlite:///..., "
        "postgresql+psycopg://user@host/db) or a SQLite file; also KINERJA_DB."
    ),
)
"""``--db URL|FILE``: the history a command reads or records in."""


def history_database(given: str) -> str:
    """The URL of an existing history database, or a clean exit when a SQLite file is
    not there (no history is created by reading one)."""
    from kinerja.store import sqlite_file

    url = supported_url(given)
    file = sqlite_file(url)
    if file is not None and not file.is_file():
        fail(
            _(
                "there is no history database {file}; store a run first (kinerja run --db "
                "{file}) or give --db",
                file=given,
            )
        )
    return url


def supported_url(given: str) -> str:
    """The URL of ``given`` (:func:`kinerja.store.database_url`), or a clean exit when it
    names a database other than SQLite or PostgreSQL."""
    from kinerja.store import database_url, shown_url
    from kinerja.store.db import supported

    url = database_url(given)
    if not supported(url):
        fail(
            _(
                "{db} is not a SQLite or PostgreSQL database; give a SQLite file, "
                "sqlite:///PATH or postgresql+psycopg://user@host/db",
                db=shown_url(url),
            )
        )
    return url


def check_person(nip: str, option: str) -> str:
    """``nip`` as a NIP (spaces removed), or a clean exit saying what is wrong with it."""
    from kinerja.input.nip import check_nip

    found, why = check_nip(nip)
    if found is None:
        fail(_("{option} {nip}: {why}", option=option, nip=repr(nip), why=why))
    return found


def database_trouble(exc: Exception, url: str) -> str | None:
    """Words for a database failure (cannot connect, not a database...), for ``Error:``;
    None when ``exc`` is not the database's."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from kinerja.store import shown_url

    if not isinstance(exc, SQLAlchemyError | CommandError):
        return None
    why = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return _("cannot use the history in {db}: {why}", db=shown_url(url), why=why)


def guarded(url: str, work: Callable[[], Any]) -> Any:
    """``work()``, a refusal or a database failure ending the command with ``Error:``
    (exit 2), nothing written."""
    from kinerja.errors import RecordRefused

    try:
        return work()
    except RecordRefused as exc:
        fail(str(exc))
    except Exception as exc:
        words = database_trouble(exc, url)
        if words is None:
            raise
        fail(words)
    raise AssertionError("fail() exits")  # pragma: no cover


@contextmanager
def opened(given: str) -> Iterator[tuple[str, sa.Engine]]:
    """The URL and an open engine of the existing history ``given`` (see
    :func:`history_database`), closed when the block ends, however it ends."""
    from kinerja.store import open_database

    url = history_database(given)
    engine = guarded(url, lambda: open_database(url))
    try:
        yield url, engine
    finally:
        engine.dispose()

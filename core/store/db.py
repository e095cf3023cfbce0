"""Open the history database from a URL, its tables upgraded to the newest revision.

SQLite by default (``sqlite:///path/kinerja.db``: one file, no set-up), PostgreSQL when
given ``postgresql+psycopg://user@host:port/name``. Opening a database runs its Alembic
migrations up to head through Alembic's API, in one transaction, so a database is never
left half-migrated (PostgreSQL and SQLite both take DDL in a transaction).

On SQLite, foreign keys are enforced, and a transaction begins with ``BEGIN`` when
SQLAlchemy begins one (not when the driver guesses it should), so that a stored run
and a migration are each one real transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

__all__ = [
    "MIGRATIONS",
    "DatabaseSource",
    "current_revision",
    "database_url",
    "default_url",
    "downgrade",
    "engine_for",
    "head_revision",
    "open_database",
    "sqlite_file",
    "supported",
    "upgrade",
    "using",
]

MIGRATIONS = Path(__file__).parent / "migrations"
"""Alembic's script directory (``env.py``, ``script.py.mako``, ``versions/``)."""

DatabaseSource = str | sa.Engine
"""A database URL, or an engine made by :func:`open_database`."""


def default_url(folder: str | Path) -> str:
    """The default database: ``kinerja.db`` in ``folder`` (e.g. beside the output)."""
    return f"sqlite:///{Path(folder) / 'kinerja.db'}"


def database_url(given: str) -> str:
    """The URL of ``given``: a URL (``sqlite:///...``, ``postgresql+psycopg://...``) as
    it is, anything else as the path of a SQLite file."""
    if "://" in given:
        return given
    return f"sqlite:///{Path(given).expanduser().resolve()}"


SUPPORTED = ("sqlite", "postgresql")
"""The databases a history may be kept in."""


def supported(url: str) -> bool:
    """Whether ``url`` names a SQLite or PostgreSQL database (any driver)."""
    try:
        backend = sa.make_url(url).get_backend_name()
    except sa.exc.ArgumentError:
        return False
    return backend in SUPPORTED


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None: another database, or SQLite in memory)."""
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///:memory:"):
        return None
    return Path(url.removeprefix("sqlite:///"))


def shown_url(url: str) -> str:
    """``url`` as a person may see it: without its password."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def engine_for(url: str) -> sa.Engine:
    """An engine for ``url`` (no migration run; see :func:`open_database`)."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        _real_sqlite_transactions(engine)
    return engine


def open_database(url: str) -> sa.Engine:
    """An engine for ``url``, its database upgraded to the newest revision (created first
    when it is a SQLite file that does not exist yet)."""
    file = sqlite_file(url)
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
    engine = engine_for(url)
    upgrade(engine)
    return engine


@contextmanager
def using(source: DatabaseSource) -> Iterator[sa.Engine]:
    """The engine of ``source``: a URL is opened (and upgraded) here and closed after;
    an engine is used as it is (open it with :func:`open_database`)."""
    if isinstance(source, sa.Engine):
        yield source
        return
    engine = open_database(source)
    try:
        yield engine
    finally:
        engine.dispose()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Migrate ``engine``'s database up to ``revision``, in one transaction."""
    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def downgrade(engine: sa.Engine, revision: str = "base") -> None:
    """Migrate ``engine``'s database down to ``revision`` (``base``: no tables at all)."""
    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)


def current_revision(engine: sa.Engine) -> str | None:
    """The revision ``engine``'s database is at (None: not migrated at all)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision of the migrations shipped with kinerja."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _config(connection: sa.Connection) -> Config:
    """Alembic's configuration for running the shipped migrations on ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _real_sqlite_transactions(engine: sa.Engine) -> None:
    """Foreign keys on, and ``BEGIN`` emitted when SQLAlchemy begins a transaction
    (SQLAlchemy's recipe for SQLite's driver, whose own transaction handling does not
    cover DDL nor a SELECT before the first write)."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # IMMEDIATE: a writer waits for another (the driver's timeout) rather than failing
        # with "database is locked" when both read first and then write
        connection.exec_driver_sql("BEGIN IMMEDIATE")

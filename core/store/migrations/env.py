"""Alembic's environment for the history database: run the migrations on the connection
that :func:`kinerja.store.db.upgrade` hands over (``config.attributes["connection"]``),
or, from Alembic's own command line, on the database at ``sqlalchemy.url``."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from kinerja.store.schema import metadata


def run_on(connection: sa.Connection) -> None:
    """Run the migrations on ``connection``, in its transaction."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """The given connection, else a new one to ``sqlalchemy.url``."""
    given = context.config.attributes.get("connection")
    if given is not None:
        run_on(given)
        return
    engine = sa.create_engine(context.config.get_main_option("sqlalchemy.url"))
    try:
        with engine.begin() as connection:
            run_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"),
                      target_metadata=metadata, literal_binds=True)  # fmt: skip
    with context.begin_transaction():
        context.run_migrations()
else:
    run_online()

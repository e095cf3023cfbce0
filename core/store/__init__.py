"""History in a real database: runs and their results, kept across periods.

SQLite by default (one file, ``kinerja.db``), PostgreSQL when given a URL; the tables
(:mod:`kinerja.store.schema`) are made and kept up to date by Alembic migrations
(:mod:`kinerja.store.db`), and a run is stored in one transaction, a rerun of the same
input under the same rules recognised (:mod:`kinerja.store.runs`).
"""

from __future__ import annotations

from kinerja.store.db import database_url, default_url, open_database, shown_url, sqlite_file
from kinerja.store.runs import StoredRun, changes, history, store_run, stored_results

__all__ = [
    "StoredRun",
    "changes",
    "database_url",
    "default_url",
    "history",
    "open_database",
    "shown_url",
    "sqlite_file",
    "store_run",
    "stored_results",
]

"""The history database's tests (tests/test_store.py) again, on a real PostgreSQL server.

The server is ``KINERJA_TEST_POSTGRES`` (a URL, ``postgresql+psycopg://user@host:port/db``,
of a user who may create databases) when it is set; else a throwaway cluster started
here with Debian's binaries (``/usr/lib/postgresql/*/bin``, which ``.ci/run`` installs),
on a free local port, as the ``postgres`` user when the tests run as root, and stopped
and removed after. Each test gets an empty database (the session's, its schema made
anew). Skipped, saying why, only when there is neither a URL nor PostgreSQL's binaries.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_store import (
    engine,
    test_a_fresh_database_has_exactly_the_schema,
    test_a_rerun_is_recognised_not_duplicated,
    test_a_result_part_needs_its_result,
    test_a_run_without_hashes_is_never_taken_for_another,
    test_a_store_refused_by_the_database_leaves_nothing,
    test_a_stored_run_reads_back_as_its_frames,
    test_a_time_in_another_zone_is_kept_as_the_same_moment,
    test_an_interrupted_store_leaves_nothing,
    test_another_input_is_another_run_and_history_is_oldest_first,
    test_downgrade_to_base_then_upgrade_to_head,
    test_history_reads_in_the_order_of_the_periods,
    test_kinerja_run_keeps_its_history_and_kinerja_history_shows_it,
    test_long_free_texts_are_stored_on_every_database,
    test_opening_twice_migrates_once,
    test_texts_and_numbers_survive_the_bulk_insert,
    test_the_provisional_result_and_its_stages_are_kept,
    test_when_and_by_whom_a_stage_was_done_is_kept,
)

__all__ = [
    "engine",
    "postgres_bin",
    "test_a_fresh_database_has_exactly_the_schema",
    "test_a_rerun_is_recognised_not_duplicated",
    "test_a_result_part_needs_its_result",
    "test_a_run_without_hashes_is_never_taken_for_another",
    "test_a_store_refused_by_the_database_leaves_nothing",
    "test_a_stored_run_reads_back_as_its_frames",
    "test_an_interrupted_store_leaves_nothing",
    "test_another_input_is_another_run_and_history_is_oldest_first",
    "test_downgrade_to_base_then_upgrade_to_head",
    "test_history_reads_in_the_order_of_the_periods",
    "test_a_time_in_another_zone_is_kept_as_the_same_moment",
    "test_kinerja_run_keeps_its_history_and_kinerja_history_shows_it",
    "test_long_free_texts_are_stored_on_every_database",
    "test_opening_twice_migrates_once",
    "test_texts_and_numbers_survive_the_bulk_insert",
    "test_the_provisional_result_and_its_stages_are_kept",
    "test_when_and_by_whom_a_stage_was_done_is_kept",
    "throwaway_cluster",
]

ENV = "KINERJA_TEST_POSTGRES"


def postgres_bin() -> Path | None:
    """The folder of PostgreSQL's server binaries (the newest Debian's), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _major(path: str) -> int:
    version = Path(path).parents[1].name
    return int(version) if version.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    """``command`` as the ``postgres`` user when we are root (the server refuses root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def throwaway_cluster(bin_dir: Path, *, durable: bool = False) -> Iterator[str]:
    """A new PostgreSQL cluster on a free local port, for as long as the block runs: its
    superuser's URL (``postgresql+psycopg://postgres@localhost:PORT/postgres``).

    :param durable: keep ``fsync`` on (a benchmark); off, the tests run faster.
    """
    data = Path(tempfile.mkdtemp(prefix="kinerja-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True}
    options = f"-p {port} -c listen_addresses=localhost -c unix_socket_directories={data}"
    options += "" if durable else " -c fsync=off -c synchronous_commit=off"
    try:
        subprocess.run(
            _as_server_user([str(bin_dir / "initdb"), "-D", str(data / "db"), "-U", "postgres",
                             "-A", "trust", "-E", "UTF8", "--no-sync"]), **run)  # fmt: skip
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "start", "-w", "-D", str(data / "db"),
                             "-l", str(data / "log"), "-o", options]), **run)  # fmt: skip
        try:
            yield f"postgresql+psycopg://postgres@localhost:{port}/postgres"
        finally:
            subprocess.run(
                _as_server_user([str(bin_dir / "pg_ctl"), "stop", "-m", "fast", "-w", "-D",
                                 str(data / "db")]), **run)  # fmt: skip
    finally:
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """A PostgreSQL server's URL for the session (see the module's docstring)."""
    given = os.environ.get(ENV)
    if given:
        yield given
        return
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip(f"no PostgreSQL: set {ENV} to a server's URL, or install Debian's postgresql")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")
    with throwaway_cluster(bin_dir) as url:
        yield url


@pytest.fixture(scope="session")
def database(server: str) -> Iterator[str]:
    """A new database on the server for this session's tests, dropped after them."""
    name = f"kinerja_test_{os.getpid()}_{int(time.time())}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def db_url(database: str) -> str:
    """The session's database, emptied for one test: no tables, not migrated at all (a
    new schema ``public`` is much faster than a new database)."""
    emptier = sa.create_engine(database, isolation_level="AUTOCOMMIT")
    try:
        with emptier.connect() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        emptier.dispose()
    return database

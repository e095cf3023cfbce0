"""The history database's tests (tests/test_store.py) again, on a real PostgreSQL server.

The server is ``KINERJA_TEST_POSTGRES`` (a URL, ``postgresql+psycopg://user@host:port/db``,
of a user who may create databases) when it is set; else a throwaway cluster started
here with Debian's binaries (``/usr/lib/postgresql/*/bin``, which ``.ci/run`` installs),
on a free local port, as the ``postgres`` user when the tests run as root, and stopped
and removed after. Each test gets an empty database (the session's, its schema made
anew). Skipped, saying why, only when there is neither a URL nor PostgreSQL's binaries.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from postgres_server import postgres_bin, throwaway_cluster
from test_dialogues import (
    kutacane,
    test_a_dialogue_held_before_its_time_is_refused,
    test_a_dialogue_in_the_future_or_without_dialogue_rules_is_refused,
    test_a_dialogue_recorded_after_the_run_makes_the_result_final,
    test_a_dialogue_that_cannot_be_recorded_is_refused,
    test_the_workbooks_dialogues_are_stored_with_the_run,
)
from test_objections import (
    stored,
    test_a_decision_that_cannot_stand_is_refused,
    test_a_decision_that_keeps_the_result_is_in_the_history_too,
    test_a_loop_of_three_supervisors_leaves_no_one_to_decide,
    test_a_nip_is_read_as_the_workbook_reads_it,
    test_an_objection_is_filed_decided_and_kept_in_the_history,
    test_an_objection_out_of_time_by_another_or_of_no_result_is_refused,
    test_one_objection_per_result_is_the_databases_own_rule,
    test_unknown_objections_and_missing_databases_are_refused,
)
from test_store import (
    engine,
    test_a_database_of_0002_keeps_its_results_through_0003,
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
    "kutacane",
    "test_a_dialogue_held_before_its_time_is_refused",
    "test_a_loop_of_three_supervisors_leaves_no_one_to_decide",
    "test_a_nip_is_read_as_the_workbook_reads_it",
    "test_one_objection_per_result_is_the_databases_own_rule",
    "test_a_database_of_0002_keeps_its_results_through_0003",
    "test_a_dialogue_in_the_future_or_without_dialogue_rules_is_refused",
    "test_a_dialogue_recorded_after_the_run_makes_the_result_final",
    "test_a_dialogue_that_cannot_be_recorded_is_refused",
    "test_the_workbooks_dialogues_are_stored_with_the_run",
    "stored",
    "test_a_decision_that_cannot_stand_is_refused",
    "test_a_decision_that_keeps_the_result_is_in_the_history_too",
    "test_an_objection_is_filed_decided_and_kept_in_the_history",
    "test_an_objection_out_of_time_by_another_or_of_no_result_is_refused",
    "test_unknown_objections_and_missing_databases_are_refused",
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
]

ENV = "KINERJA_TEST_POSTGRES"


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

"""The history database on SQLite: a run stored in one transaction and read back, a rerun
recognised, the migrations, and values that survive the bulk insert exactly.

Every test takes the database from the ``db_url`` fixture: a SQLite file in tmp_path
here; tests/test_store_postgres.py runs the same tests on a real PostgreSQL server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from functools import cache
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja.cli import main
from kinerja.frames import RunOutput, RunParts, Tally
from kinerja.manager import make_manager
from kinerja.model import RunInfo
from kinerja.pipeline import appraise_path
from kinerja.regions import load_region_rules
from kinerja.store import history, open_database, store_run, stored_results
from kinerja.store.db import current_revision, downgrade, head_revision, upgrade
from kinerja.store.schema import metadata

EXAMPLE = Path(__file__).parents[1] / "examples" / "kasemen" / "kasemen.xlsx"
TABLES = set(metadata.tables)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite database (the file does not exist yet)."""
    return f"sqlite:///{tmp_path / 'history' / 'kinerja.db'}"


@pytest.fixture
def engine(db_url: str):
    """The database opened (migrated to head), closed after the test."""
    engine = open_database(db_url)
    yield engine
    engine.dispose()


@cache
def kasemen() -> RunOutput:
    """Kasemen's example workbook appraised under the rules in force on 2026-12-01."""
    pm = make_manager()
    return appraise_path(load_region_rules(pm, "kasemen", as_of="2026-12-01"), EXAMPLE, pm)


def counts(engine: sa.Engine) -> dict[str, int]:
    """Rows in each of our tables."""
    with engine.connect() as connection:
        return {
            name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }


def nothing_stored(engine: sa.Engine) -> bool:
    return set(counts(engine).values()) == {0}


def two_parts(run: RunOutput, fail_second: bool = False) -> RunParts:
    """``run`` as two parts (its first 20 results, then the rest); with ``fail_second``
    the second part's results cannot be read (as when a spilled part is lost)."""
    cut = 20
    nips = run.results["nip"]
    halves = [nips.head(cut), nips.slice(cut)]

    def frame(name: str, index: int) -> pl.DataFrame:
        if fail_second and index == 1:
            raise OSError("part 1 is gone")
        return getattr(run, name).filter(pl.col("nip").is_in(halves[index].implode()))

    def part(index: int) -> RunOutput:
        raise AssertionError("the store reads frames, not whole parts")

    return RunParts(run.info, run.rejects, run.components, 2, part, Tally.of(run), frame,
                    lambda name: [getattr(run, name).lazy()])  # fmt: skip


# ------------------------------------------------------------------ a real run


def test_a_stored_run_reads_back_as_its_frames(engine: sa.Engine) -> None:
    run = kasemen()
    stored = store_run(engine, run)
    assert (stored.existing, stored.results) == (False, 39)  # 41 pegawai in, 2 rejected
    back = stored_results(engine, stored.id)
    expected = run.results.select("nip", "score", "predikat", "status").sort("nip")
    assert back.select("nip", "score", "predikat", "status").equals(expected)
    # 39 results x 2 components (kompetensi, hasil_kerja) and x 2 review stages
    # (penilaian_atasan, penilaian_rekan): 78 rows each.
    stored_rows = counts(engine)
    assert (stored_rows["runs"], stored_rows["results"]) == (1, 39)
    assert (stored_rows["result_components"], stored_rows["result_stages"]) == (78, 78)
    first = run.results.row(0, named=True)
    with engine.connect() as connection:
        kompetensi = connection.execute(
            sa.text(
                "select position, value from result_components "
                "where run_id = :id and nip = :nip and name = 'kompetensi'"
            ),
            {"id": stored.id, "nip": first["nip"]},
        ).one()
        info = connection.execute(sa.text("select * from runs")).one()._asdict()
    assert tuple(kompetensi) == (1, first["kompetensi"])
    assert info["rules_sha256"] == run.info.rules_sha256
    assert info["input_sha256"] == run.info.input_sha256
    assert (info["employees_in"], info["appraised"], info["rejected_employees"]) == (41, 39, 2)


def test_the_provisional_result_and_its_stages_are_kept(engine: sa.Engine) -> None:
    run = kasemen()
    stored = store_run(engine, run)
    provisional = run.results.filter(pl.col("status") == "provisional")["nip"].to_list()
    assert len(provisional) == 1  # 38 final, 1 provisional in the example
    with engine.connect() as connection:
        stages = connection.execute(
            sa.text(
                "select stage, position, status from result_stages "
                "where run_id = :id and nip = :nip order by position"
            ),
            {"id": stored.id, "nip": provisional[0]},
        ).all()
    wanted = run.stages.filter(pl.col("nip") == provisional[0])
    assert [tuple(s) for s in stages] == [
        (row["id"], position, row["status"])
        for position, row in enumerate(wanted.iter_rows(named=True), start=1)
    ]


def test_a_rerun_is_recognised_not_duplicated(engine: sa.Engine) -> None:
    run = kasemen()
    first = store_run(engine, run)
    again = store_run(engine, two_parts(run))  # the same run, given in parts
    assert (again.id, again.existing, again.results) == (first.id, True, 39)
    assert "already stored" in again.message()
    assert counts(engine)["runs"] == 1 and counts(engine)["results"] == 39


def test_another_input_is_another_run_and_history_is_oldest_first(engine: sa.Engine) -> None:
    run = kasemen()
    later = store_run(engine, run)  # run_on 2026-12-xx
    earlier_info = dataclasses.replace(run.info, run_on="2025-12-01", input_sha256="0" * 64)
    earlier = store_run(engine, dataclasses.replace(run, info=earlier_info))
    assert not earlier.existing and earlier.id != later.id
    nip = run.results["nip"][0]
    found = history(engine, nip)
    assert found["run_id"].to_list() == [earlier.id, later.id]  # 2025 before 2026
    assert found["run_on"][0].isoformat() == "2025-12-01"
    score = run.results.filter(pl.col("nip") == nip)["score"][0]
    assert found["score"].to_list() == [score, score]
    assert found["region"].to_list() == ["kasemen", "kasemen"]
    assert history(engine, "199001012020011001").height == 0


def test_a_run_without_hashes_is_never_taken_for_another(engine: sa.Engine) -> None:
    run = kasemen()
    info = dataclasses.replace(run.info, input_sha256="")
    unhashed = dataclasses.replace(run, info=info)
    assert [store_run(engine, unhashed).existing for _ in range(2)] == [False, False]
    assert counts(engine)["runs"] == 2


# ------------------------------------------------------------------ one transaction


def test_an_interrupted_store_leaves_nothing(engine: sa.Engine) -> None:
    run = kasemen()
    with pytest.raises(OSError, match="part 1 is gone"):
        store_run(engine, two_parts(run, fail_second=True))  # part 0 went in first
    assert nothing_stored(engine)
    stored = store_run(engine, two_parts(run))  # and the run can be stored after
    assert (stored.existing, stored.results) == (False, 39)


def test_a_store_refused_by_the_database_leaves_nothing(engine: sa.Engine) -> None:
    run = kasemen()
    twice = dataclasses.replace(run, results=pl.concat([run.results, run.results.head(1)]))
    with pytest.raises(sa.exc.IntegrityError):  # one NIP twice in a run: the key refuses it
        store_run(engine, twice)
    assert nothing_stored(engine)


def test_a_result_part_needs_its_result(engine: sa.Engine) -> None:
    run = kasemen()
    stray = pl.DataFrame(
        {
            "nip": ["199001012020011001"],
            "id": ["x"],
            "label": ["x"],
            "status": ["done"],
            "detail": [""],
        }  # fmt: skip
    )
    orphan = dataclasses.replace(run, stages=pl.concat([run.stages, stray], how="diagonal"))
    with pytest.raises(sa.exc.IntegrityError):  # a stage of nobody's result
        store_run(engine, orphan)
    assert nothing_stored(engine)


# ------------------------------------------------------------------ migrations


def test_a_fresh_database_has_exactly_the_schema(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert tables == TABLES | {"alembic_version"}
    assert diff == []
    assert current_revision(engine) == head_revision() == "0004"


def test_downgrade_to_base_then_upgrade_to_head(engine: sa.Engine) -> None:
    store_run(engine, kasemen())
    downgrade(engine, "base")
    with engine.connect() as connection:
        assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
    assert current_revision(engine) is None
    upgrade(engine, "head")
    assert current_revision(engine) == "0004" and nothing_stored(engine)
    assert store_run(engine, kasemen()).results == 39


def test_a_database_of_0002_keeps_its_results_through_0003(engine: sa.Engine) -> None:
    """Migration 0003 adds ``results.incomplete``: results stored before keep every row
    and read NULL (not known); the one provisional result of Kasemen is incomplete."""
    store_run(engine, kasemen())
    downgrade(engine, "0002")
    upgrade(engine, "head")
    with engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT count(*), count(incomplete) FROM results"))
        assert tuple(kept.one()) == (39, 0)
    fresh = store_run(engine, dataclasses.replace(kasemen(), info=dataclasses.replace(
        kasemen().info, input_sha256="f" * 64)))  # fmt: skip
    query = sa.text("SELECT status, incomplete FROM results WHERE run_id = :run")
    with engine.connect() as connection:
        states = {tuple(row) for row in connection.execute(query, {"run": fresh.id})}
    assert states <= {("final", False), ("provisional", True), ("provisional", False)}
    assert ("final", False) in states


def test_opening_twice_migrates_once(db_url: str) -> None:
    for _ in range(2):
        engine = open_database(db_url)
        assert current_revision(engine) == "0004"
        engine.dispose()
    assert store_run(db_url, kasemen()).existing is False  # a URL is opened and closed
    assert store_run(db_url, kasemen()).existing is True


# ------------------------------------------------------------------ values survive

TEXT = st.one_of(
    st.none(), st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
)
TAGS = itertools.count(1)
SCORE = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))


def synthetic(rows: list[tuple[str | None, float | None, str | None]], tag: str) -> RunOutput:
    """A run of one result per row: (nama, score, predikat), NIPs numbered from 1."""
    nips = [f"19800101200501{i:04d}" for i in range(1, len(rows) + 1)]
    results = pl.DataFrame(
        {
            "nip": nips,
            "nama": [r[0] for r in rows],
            "unit_kerja": [r[0] for r in rows],
            "_row": list(range(2, len(rows) + 2)),
            "score": [r[1] for r in rows],
            "predikat": [r[2] for r in rows],
            "peer_rank": [None] * len(rows),
            "status": ["final"] * len(rows),
        },
        schema_overrides={
            "nama": pl.String,
            "unit_kerja": pl.String,
            "score": pl.Float64,
            "predikat": pl.String,
            "peer_rank": pl.String,
        },  # fmt: skip
    )
    info = RunInfo("synthetic", "1", "r" * 64, "mem", tag.rjust(64, "0"), "0", {}, len(rows),
                   len(rows), 0, 0, "2026-01-01")  # fmt: skip
    return RunOutput(info=info, results=results, rejects=pl.DataFrame())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(TEXT, SCORE, TEXT), min_size=1, max_size=8))
def test_texts_and_numbers_survive_the_bulk_insert(engine: sa.Engine, rows) -> None:
    run = synthetic(rows, f"{next(TAGS):x}")  # a new input each time: never a rerun
    stored = store_run(engine, run)
    back = stored_results(engine, stored.id).select("nip", "nama", "unit_kerja", "score",
                                                    "predikat")  # fmt: skip
    assert back.equals(run.results.select(back.columns).sort("nip"))


def test_when_and_by_whom_a_stage_was_done_is_kept(engine: sa.Engine) -> None:
    """Every done stage of the run keeps its date and raters as the run's frames give
    them (Kasemen's supervisor stage: the supervisor's NIP and their last rating's date)."""
    run = kasemen()
    stored = store_run(engine, run)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("select nip, stage, done_on, done_by from result_stages where run_id = :id"),
            {"id": stored.id},
        ).all()
    kept = {(nip, stage): (str(on) if on else None, by) for nip, stage, on, by in rows}
    wanted = {
        (r["nip"], r["id"]): (r["done_on"], r["done_by"]) for r in run.stages.iter_rows(named=True)
    }
    assert kept == wanted
    assert any(on and by for on, by in kept.values())  # the example dates its ratings


def test_kinerja_run_keeps_its_history_and_kinerja_history_shows_it(
    db_url: str, tmp_path: Path
) -> None:
    """Through the CLI: a run stored with --db, its rerun recognised, and the person's
    history read back in words and as JSON (one run: score, predikat and status as the
    run's own results give them)."""
    example = Path(__file__).resolve().parent.parent / "examples" / "kasemen" / "kasemen.xlsx"
    out = tmp_path / "hasil.json"
    args = ["run", "-r", "kasemen", "-i", str(example), "-o", str(out), "--as-of",
            "2026-12-01", "--db", db_url]  # fmt: skip
    runner = CliRunner()
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "History: stored as run 1 (39 results)" in first.output
    again = runner.invoke(main, args)
    assert "already stored under the same rules as run 1; not stored again" in again.output
    result = json.loads(out.read_text("utf-8"))["results"][0]
    shown = runner.invoke(main, ["history", "--db", db_url, "--nip", result["nip"]])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0] == f"{result['nama']} (NIP {result['nip']})"
    as_json = json.loads(
        runner.invoke(
            main, ["history", "--db", db_url, "--nip", result["nip"], "--format", "json"]
        ).output  # fmt: skip
    )
    (stored,) = as_json["results"]
    assert (stored["score"], stored["predikat"], stored["status"]) == (
        pytest.approx(result["score"]),
        result["predikat"],
        result["status"],
    )
    assert stored["run_on"] == "2026-12-01"
    unknown = runner.invoke(main, ["history", "--db", db_url, "--nip", "199001012015011001"])
    assert unknown.exit_code == 1 and "no stored result of NIP" in unknown.output


def test_a_time_in_another_zone_is_kept_as_the_same_moment(engine: sa.Engine) -> None:
    """09:00 in Jakarta (UTC+7) is 02:00 UTC, on SQLite as on PostgreSQL."""
    jakarta = dt.timezone(dt.timedelta(hours=7))
    store_run(engine, kasemen(), created_at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=jakarta))
    nip = kasemen().results["nip"][0]
    (row,) = history(engine, nip).iter_rows(named=True)
    assert row["created_at"] == dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)


def test_long_free_texts_are_stored_on_every_database(engine: sa.Engine) -> None:
    """A golongan written out in full and a long predikat label fit (text columns)."""
    run = kasemen()
    long = run.results.with_columns(
        pl.lit("Penata Muda Tingkat I (III/b), sejak 1 April 2024").alias("golongan")
    )
    stored = store_run(engine, dataclasses.replace(run, results=long))
    assert stored.results == run.results.height


def test_history_reads_in_the_order_of_the_periods(engine: sa.Engine) -> None:
    """The 2026 period stored first, the 2025 period stored later (a late entry): the
    history lists 2025 first, by the period each run appraised, not by when it ran."""
    run = kasemen()
    store_run(engine, run, period=("2026-01-01", "2026-12-31"))
    late = dataclasses.replace(run, info=dataclasses.replace(run.info, input_sha256="0" * 64))
    store_run(engine, late, period=("2025-01-01", "2025-12-31"))
    (first, second) = history(engine, run.results["nip"][0]).iter_rows(named=True)
    assert (first["period_from"], second["period_from"]) == (
        dt.date(2025, 1, 1),
        dt.date(2026, 1, 1),
    )

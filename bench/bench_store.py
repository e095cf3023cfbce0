"""Benchmark: storing a run's results in the history database (kinerja.store).

For each size N it makes a synthetic run of N results (identity, score, predikat,
status; two components and two review stages each) and times, each into a new
database at head:

- ``store_run`` of the results alone (the issue's target: 1,000,000 into SQLite in
  under 60 s) and of the whole run (results + 2N components + 2N stages), on SQLite;
- the hand-written baseline: a plain ``sqlite3`` ``executemany`` of the same results
  tuples (made before the clock starts) into the same table, in one transaction;
- ``polars.DataFrame.write_database`` of the same results, when its dependencies
  (pandas or ADBC) are installed;
- the same two ``store_run`` on PostgreSQL (COPY), when ``--postgres URL`` is given
  or a throwaway local cluster can be started with Debian's binaries.

It prints rows/s, wall time and the ratio to the baseline's time, and checks that every
store holds N results.

Usage: python bench/bench_store.py [--sizes 100000,1000000] [--postgres URL] [--no-postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import polars as pl
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from postgres_server import postgres_bin, throwaway_cluster  # noqa: E402

from kinerja.frames import RunOutput, StepInfo  # noqa: E402
from kinerja.model import RunInfo  # noqa: E402
from kinerja.store import open_database, store_run  # noqa: E402
from kinerja.store.runs import result_rows  # noqa: E402
from kinerja.store.schema import RESULTS  # noqa: E402

BENCH_RUN = (
    "insert into runs values (1, 'b', '1', null, 'b', null, '0', null, "
    "'2026-12-01 00:00:00', 0, 0, 0, 0, '{}')"
)
"""The runs row the baseline's and polars' results belong to."""
PREDIKAT = ["Sangat Kurang", "Kurang", "Butuh Perbaikan", "Baik", "Sangat Baik"]


def synthetic_run(n: int, *, with_parts: bool, seed: int = 11) -> RunOutput:
    """A run of ``n`` results; with ``with_parts`` two components and two stages each."""
    rng = np.random.default_rng(seed)
    i = pl.int_range(n, dtype=pl.Int64, eager=True)
    score = rng.uniform(40, 110, n)
    results = pl.DataFrame(
        {
            "nip": (i + 198001012005011000).cast(pl.String),
            "nama": "Pegawai " + i.cast(pl.String),
            "jabatan": pl.Series(rng.choice(["Analis", "Perawat", "Guru"], n)),
            "unit_kerja": "Unit " + (i % 997).cast(pl.String),
            "golongan": pl.Series(rng.choice(["II/c", "III/a", "III/b", "IV/a"], n)),
            "atasan_nip": (i // 10 + 197001011995031000).cast(pl.String),
            "_row": i + 2,
            "kompetensi": rng.uniform(20, 100, n),
            "hasil_kerja": rng.uniform(50, 120, n),
            "score": score,
            "predikat": pl.Series(PREDIKAT).gather(np.digitize(score, [50, 60, 70, 90])),
            "peer_rank": pl.Series([None] * n, dtype=pl.String),
            "status": pl.Series(rng.choice(["final", "provisional"], n, p=[0.9, 0.1])),
        }
    )
    stages = pl.DataFrame()
    components: tuple[StepInfo, ...] = ()
    if with_parts:
        one = results.select("nip", pl.lit("done").alias("status"), pl.lit("").alias("detail"))
        stages = pl.concat(
            [one.with_columns(pl.lit(s).alias("id"), pl.lit(s).alias("label")) for s in "ab"]
        ).select("nip", "id", "label", "status", "detail")
        components = tuple(StepInfo(name, name, name, ()) for name in ("kompetensi", "hasil_kerja"))
    else:
        stages = pl.DataFrame(schema=dict.fromkeys(("nip", "id", "label", "status", "detail"),
                                                   pl.String))  # fmt: skip
    info = RunInfo("bench", "1", f"{n:064d}", "bench", f"{int(with_parts):064d}", "0", {},
                   n, n, 0, 0, "2026-12-01")  # fmt: skip
    return RunOutput(info, results, pl.DataFrame(), components=components, stages=stages)


def timed(work: Callable[[], object]) -> float:
    """Seconds ``work`` takes."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def sqlite_baseline(path: Path, results: pl.DataFrame) -> float:
    """A plain sqlite3 executemany of the results tuples into ``results``, timed."""
    open_database(f"sqlite:///{path}").dispose()
    rows = result_rows(results, 1)
    tuples = rows.rows()
    columns = ", ".join(rows.columns)
    marks = ", ".join("?" * len(rows.columns))
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute(BENCH_RUN)

        def insert() -> None:
            connection.execute("BEGIN")
            connection.executemany(f"INSERT INTO results ({columns}) VALUES ({marks})", tuples)
            connection.execute("COMMIT")

        return timed(insert)
    finally:
        connection.close()


def write_database(url: str, results: pl.DataFrame) -> float | str:
    """polars' own write_database of the results rows, timed (or why it cannot run)."""
    engine = open_database(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(BENCH_RUN)
        rows = result_rows(results, 1)
        return timed(lambda: rows.write_database(RESULTS.name, engine, if_table_exists="append"))
    except (ImportError, ModuleNotFoundError) as exc:
        return f"not available ({exc.__class__.__name__}: {str(exc).splitlines()[0][:80]})"
    finally:
        engine.dispose()


def stored(url: str, run: RunOutput) -> float:
    """``store_run`` of ``run`` into a database already at head, timed, and checked."""
    engine = open_database(url)
    try:
        seconds = timed(lambda: store_run(engine, run))
        with engine.connect() as connection:
            count = connection.execute(sa.text("select count(*) from results")).scalar_one()
        assert count == run.results.height, (count, run.results.height)
        return seconds
    finally:
        engine.dispose()


def line(label: str, rows: int, seconds: float, baseline: float) -> None:
    print(f"  {label:<44} {rows:>10,} rows  {seconds:7.2f} s  {rows / seconds:>11,.0f} rows/s"
          f"  x{seconds / baseline:5.2f} baseline")  # fmt: skip


@contextlib.contextmanager
def postgres(given: str | None, wanted: bool) -> Iterator[str | None]:
    """The PostgreSQL server's URL: the given one, a throwaway cluster, or None."""
    if given or not wanted:
        yield given
        return
    bin_dir = postgres_bin()
    if bin_dir is None:
        print("PostgreSQL: no binaries found (give --postgres URL); skipped")
        yield None
        return
    with throwaway_cluster(bin_dir, durable=True) as url:
        yield url


def fresh_pg_database(server: str, name: str) -> str:
    """A new database ``name`` on ``server`` (dropped first when there)."""
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return sa.make_url(server).set(database=name).render_as_string(hide_password=False)


def bench_size(n: int, server: str | None) -> None:
    """Every measurement for ``n`` results."""
    plain = synthetic_run(n, with_parts=False)
    whole = synthetic_run(n, with_parts=True)
    full_rows = n * 5  # n results + 2n components + 2n stages
    print(f"\n{n:,} results")
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        baseline = sqlite_baseline(base / "baseline.db", plain.results)
        line("sqlite3 executemany (hand-written baseline)", n, baseline, baseline)
        line("SQLite store_run: results", n, stored(f"sqlite:///{base / 'r.db'}", plain), baseline)
        seconds = stored(f"sqlite:///{base / 'w.db'}", whole)
        line("SQLite store_run: results+components+stages", full_rows, seconds, baseline)
        polars_own = write_database(f"sqlite:///{base / 'p.db'}", plain.results)
        if isinstance(polars_own, str):
            print(f"  polars write_database: {polars_own}")
        else:
            line("polars write_database (SQLAlchemy)", n, polars_own, baseline)
    if server is not None:
        url = fresh_pg_database(server, "kinerja_bench_r")
        line("PostgreSQL store_run (COPY): results", n, stored(url, plain), baseline)
        url = fresh_pg_database(server, "kinerja_bench_w")
        seconds = stored(url, whole)
        line("PostgreSQL store_run: results+components+stages", full_rows, seconds, baseline)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument(
        "--postgres", default=None, help="a PostgreSQL URL (postgresql+psycopg://...)"
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with postgres(args.postgres, not args.no_postgres) as server:
        if server is not None:
            print(f"PostgreSQL: {sa.make_url(server).render_as_string(hide_password=True)}")
        for n in sizes:
            bench_size(n, server)


if __name__ == "__main__":
    main()

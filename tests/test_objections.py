"""Objections (keberatan) against stored results, end to end through the CLI: `kinerja run
--db`, `kinerja object`, `kinerja decide`, `kinerja history`.

Every test takes the database from the ``db_url`` fixture: a SQLite file here;
tests/test_store_postgres.py runs the same tests on a real PostgreSQL server.

Kasemen's example (the rules in force on 2026-12-01; the run's day is 2026-12-01, which
the tests fix as today): Rina Nasution (199104232022122610, Baik) has the supervisor
Yusuf Harahap (198306252007102620), whose supervisor is Rina Hidayat
(198401062015072989), at the top of the chain (no atasan_nip). Kasemen's rules give no
window, so PP 30/2019's 14 days apply: received on 2026-12-01, the last day to file is
2026-12-01 + 14 = 2026-12-15.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from kinerja.cli import main
from kinerja.input.read import read_tables
from kinerja.manager import make_manager
from kinerja.pipeline import appraise_tables
from kinerja.regions import load_region_rules
from kinerja.store import open_database, store_run
from kinerja.store.schema import OBJECTIONS, metadata

EXAMPLE = Path(__file__).parents[1] / "examples" / "kasemen" / "kasemen.xlsx"
EMPLOYEE = "199104232022122610"
SUPERVISOR = "198306252007102620"
DECIDER = "198401062015072989"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite database (the file does not exist yet)."""
    return f"sqlite:///{tmp_path / 'history' / 'kinerja.db'}"


def kinerja(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def stored(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Kasemen's example stored as run 1 of ``db_url`` on 2026-12-01; then today is
    2026-12-20 (objections and decisions are filed on the days before)."""
    done = kinerja("run", "-r", "kasemen", "-i", str(EXAMPLE), "-o", str(tmp_path / "out.json"),
                   "--as-of", "2026-12-01", "--db", db_url)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "History: stored as run 1 (39 results)" in done.output
    monkeypatch.setattr("kinerja.regions.today", lambda: dt.date(2026, 12, 20))
    return db_url


def file_one(db: str, *extra: str, nip: str = EMPLOYEE, by: str = EMPLOYEE) -> Result:
    return kinerja("object", "--db", db, "--nip", nip, "--by", by,
                   "--reason", "capaian kuartal IV belum dihitung", *extra)  # fmt: skip


def decide(db: str, by: str, *extra: str) -> Result:
    return kinerja("decide", "--db", db, "--objection", "1", "--by", by,
                   "--reason", "bukti capaian diterima", *extra)  # fmt: skip


def counts(db: str) -> dict[str, int]:
    engine = open_database(db)
    try:
        with engine.connect() as connection:
            return {
                name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def test_an_objection_is_filed_decided_and_kept_in_the_history(stored: str) -> None:
    """The employee files on day 9 of 14; the supervisor may not decide; the supervisor's
    supervisor changes Baik to Sangat Baik; the history keeps the original, who, when, why."""
    filed = file_one(stored, "--date", "2026-12-10")
    assert filed.exit_code == 0, filed.output
    assert "Objection 1 filed against the result of NIP 199104232022122610 in run 1" in filed.output
    assert "received on 2026-12-01, filed on 2026-12-10" in filed.output
    assert "the window of 14 days closes on 2026-12-15" in filed.output

    wrong = decide(stored, SUPERVISOR, "--decision", "ubah", "--predikat", "Sangat Baik")
    assert wrong.exit_code == 2
    assert (
        "only the supervisor's supervisor, NIP 198401062015072989, may decide objection 1 "
        "(NIP 199104232022122610's supervisor is NIP 198306252007102620); "
        "NIP 198306252007102620 may not"
    ) in wrong.output

    made = decide(stored, DECIDER, "--decision", "ubah", "--predikat", "sangat baik",
                  "--date", "2026-12-12")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert (
        "Objection 1 decided (ubah): the predikat of NIP 199104232022122610 in run 1 is now "
        "Sangat Baik (was Baik); the original is kept in the history."
    ) in made.output

    shown = json.loads(kinerja("history", "--db", stored, "--nip", EMPLOYEE,
                               "--format", "json").output)  # fmt: skip
    (result,) = shown["results"]
    assert result["predikat"] == "Sangat Baik"
    (change,) = shown["changes"]
    assert {k: change[k] for k in ("field", "action", "before", "after", "changed_by")} == {
        "field": "predikat",
        "action": "objection_changed",
        "before": "Baik",
        "after": "Sangat Baik",
        "changed_by": DECIDER,
    }
    assert (change["changed_on"], change["reason"]) == ("2026-12-12", "bukti capaian diterima")
    (objection,) = shown["objections"]
    assert objection["status"] == "decided" and objection["outcome"] == "ubah"
    assert (objection["filed_on"], objection["decided_on"]) == ("2026-12-10", "2026-12-12")

    words = kinerja("history", "--db", stored, "--nip", EMPLOYEE).output
    assert (
        "objection 1, filed on 2026-12-10 by 199104232022122610: capaian kuartal IV belum "
        "dihitung — decided (ubah) on 2026-12-12 by 198401062015072989"
    ) in words
    assert (
        "predikat: Baik → Sangat Baik, by 198401062015072989 on 2026-12-12 (bukti capaian diterima)"
    ) in words

    again = decide(stored, DECIDER, "--decision", "tetap")
    assert again.exit_code == 2 and "objection 1 is decided already" in again.output
    second = file_one(stored, "--date", "2026-12-13")
    assert second.exit_code == 2
    assert "was objected to already (objection 1, decided); a result is objected to once" in (
        second.output
    )


def test_a_decision_that_keeps_the_result_is_in_the_history_too(stored: str) -> None:
    assert file_one(stored, "--date", "2026-12-02").exit_code == 0
    kept = decide(stored, DECIDER, "--decision", "tetap", "--format", "json")  # today
    assert kept.exit_code == 0, kept.output
    assert json.loads(kept.output) | {"decision": 1} == {
        "decision": 1, "objection": 1, "run_id": 1, "nip": EMPLOYEE, "outcome": "tetap",
        "before": "Baik", "after": "Baik",
    }  # fmt: skip
    shown = json.loads(kinerja("history", "--db", stored, "--nip", EMPLOYEE,
                               "--format", "json").output)  # fmt: skip
    assert shown["results"][0]["predikat"] == "Baik"
    assert [c["action"] for c in shown["changes"]] == ["objection_upheld_result"]


@pytest.mark.parametrize(
    ("extra", "nip", "by", "message"),
    [
        # 2026-12-16 - 2026-12-01 = 15 days > 14
        (["--date", "2026-12-16"], EMPLOYEE, EMPLOYEE,
         "filed on 2026-12-16, 15 days after the result was received on 2026-12-01: "
         "objections close 14 days after receipt (on 2026-12-15)"),
        # received 2026-12-03 + 14 = 2026-12-17 < 2026-12-18
        (["--received", "2026-12-03", "--date", "2026-12-18"], EMPLOYEE, EMPLOYEE,
         "filed on 2026-12-18, 15 days after the result was received on 2026-12-03"),
        # a receipt before the run made the result would stretch the window back
        (["--received", "2026-11-20", "--date", "2026-12-02"], EMPLOYEE, EMPLOYEE,
         "the result cannot be received on 2026-11-20, before run 1 made it on 2026-12-01"),
        # Kasemen's one provisional result
        (["--date", "2026-12-02"], "198203242005032936", "198203242005032936",
         "the result of NIP 198203242005032936 in run 1 is provisional"),
        # Yusuf Harahap's supervisor is at the top of the chain: no one could decide it
        (["--date", "2026-12-02"], SUPERVISOR, SUPERVISOR,
         "the supervisor NIP 198401062015072989 has no atasan_nip in run 1"),
        (["--date", "2026-12-02"], EMPLOYEE, "19910423202212261",
         "--by '19910423202212261': "),
        (["--date", "2026-11-30"], EMPLOYEE, EMPLOYEE,
         "filed on 2026-11-30, before the result was received on 2026-12-01"),
        ([], EMPLOYEE, SUPERVISOR,
         "only the employee may object to their own result: NIP 198306252007102620 is not "
         "NIP 199104232022122610"),
        ([], "199001012015011001", "199001012015011001",
         "no stored result of NIP 199001012015011001"),
        (["--run", "7"], EMPLOYEE, EMPLOYEE, "run 7 has no result of NIP 199104232022122610"),
        (["--date", "2026-12-21"], EMPLOYEE, EMPLOYEE,
         "--date 2026-12-21 is after today (2026-12-20); give the day it happened"),
    ],
)  # fmt: skip
def test_an_objection_out_of_time_by_another_or_of_no_result_is_refused(
    stored: str, extra: list[str], nip: str, by: str, message: str
) -> None:
    before = counts(stored)
    refused = file_one(stored, *extra, nip=nip, by=by)
    assert refused.exit_code == 2
    assert message in " ".join(refused.output.split())
    assert counts(stored) == before  # nothing written


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--decision", "ubah", "--predikat", "Sangat Bagus"],
         "'Sangat Bagus' is not a predikat of these rules (did you mean 'Sangat Baik'?); the "
         "predikat are: Sangat Baik, Baik, Butuh Perbaikan, Kurang, Sangat Kurang"),
        (["--decision", "ubah"], "ubah changes the predikat; give the new predikat"),
        (["--decision", "ubah", "--predikat", "Baik"],
         "the predikat is 'Baik' already; decide tetap to keep it"),
        (["--decision", "tetap", "--predikat", "Baik"],
         "tetap keeps the result as it is; give a new predikat only with ubah"),
        # filed on 2026-12-10
        (["--decision", "tetap", "--date", "2026-12-09"],
         "decided on 2026-12-09, before the objection was filed on 2026-12-10"),
    ],
)  # fmt: skip
def test_a_decision_that_cannot_stand_is_refused(
    stored: str, extra: list[str], message: str
) -> None:
    assert file_one(stored, "--date", "2026-12-10").exit_code == 0
    before = counts(stored)
    refused = decide(stored, DECIDER, *extra)
    assert refused.exit_code == 2
    assert message in " ".join(refused.output.split())
    assert counts(stored) == before


def test_a_loop_of_three_supervisors_leaves_no_one_to_decide(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rina Hidayat's atasan_nip set to Rina Nasution: E -> S -> T -> E. No one in the
    loop may decide another's objection (S, T's own subordinate, least of all)."""
    tables = read_tables(EXAMPLE)
    pegawai = tables.frames["pegawai"].with_columns(
        pl.when(pl.col("nip") == DECIDER).then(pl.lit(EMPLOYEE)).otherwise(pl.col("atasan_nip"))
        .alias("atasan_nip")
    )  # fmt: skip
    looped = dataclasses.replace(tables, frames={**tables.frames, "pegawai": pegawai})
    pm = make_manager()
    rules = load_region_rules(pm, "kasemen", as_of="2026-12-01")
    store_run(db_url, appraise_tables(rules, looped, pm), period=(rules.valid_from, None))
    monkeypatch.setattr("kinerja.regions.today", lambda: dt.date(2026, 12, 20))
    for nip in (EMPLOYEE, DECIDER):
        refused = file_one(db_url, "--date", "2026-12-02", nip=nip, by=nip)
        assert refused.exit_code == 2, refused.output
        assert "goes round a loop (atasan_nip leads back)" in " ".join(refused.output.split())


def test_a_nip_is_read_as_the_workbook_reads_it(stored: str) -> None:
    spaced = "1991 0423 2022 1226 10"
    filed = file_one(stored, "--date", "2026-12-02", nip=spaced, by=spaced)
    assert filed.exit_code == 0, filed.output
    assert "NIP 199104232022122610" in filed.output


def test_one_objection_per_result_is_the_databases_own_rule(stored: str) -> None:
    """Two filings at once cannot both stand: the second row is refused by the key."""
    assert file_one(stored, "--date", "2026-12-02").exit_code == 0
    engine = open_database(stored)
    try:
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            row = connection.execute(sa.select(OBJECTIONS)).one()._asdict()
            connection.execute(sa.insert(OBJECTIONS).values({**row, "id": None}))
    finally:
        engine.dispose()


def test_only_sqlite_and_postgresql_are_history_databases(tmp_path: Path) -> None:
    shown = kinerja("history", "--db", "mysql://a@b/c", "--nip", EMPLOYEE)
    assert shown.exit_code == 2
    assert "is not a SQLite or PostgreSQL database" in shown.output
    out = tmp_path / "out.json"
    ran = kinerja("run", "-r", "kasemen", "-i", str(EXAMPLE), "-o", str(out),
                  "--as-of", "2026-12-01", "--db", "mysql://a@b/c")  # fmt: skip
    assert ran.exit_code == 2 and "is not a SQLite or PostgreSQL database" in ran.output


def test_unknown_objections_and_missing_databases_are_refused(stored: str, tmp_path: Path) -> None:
    unknown = kinerja("decide", "--db", stored, "--objection", "9", "--by", DECIDER,
                      "--decision", "tetap", "--reason", "x")  # fmt: skip
    assert unknown.exit_code == 2 and "there is no objection 9" in unknown.output
    missing = tmp_path / "nowhere.db"
    absent = kinerja("history", "--db", str(missing), "--nip", EMPLOYEE)
    assert absent.exit_code == 2 and "there is no history database" in absent.output
    assert not missing.exists()  # reading a history creates none
    blank = kinerja("object", "--db", stored, "--nip", EMPLOYEE, "--by", EMPLOYEE,
                    "--reason", "  ")  # fmt: skip
    assert blank.exit_code == 2 and "the objection has no reason" in blank.output


def test_db_alone_keeps_the_history_beside_the_output(tmp_path: Path) -> None:
    out = tmp_path / "hasil" / "kasemen.json"
    out.parent.mkdir()
    done = kinerja("run", "-r", "kasemen", "-i", str(EXAMPLE), "-o", str(out),
                   "--as-of", "2026-12-01", "--db")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert (out.parent / "kinerja.db").is_file()
    shown = kinerja("history", "--db", str(out.parent / "kinerja.db"), "--nip", EMPLOYEE)
    assert shown.exit_code == 0 and "Rina Nasution (NIP 199104232022122610)" in shown.output


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("x" * 4001, "--reason has 4001 characters; at most 4000 are kept, shorten it"),
        ("hasil \x1b[31mmerah", "--reason holds a control character; type it as plain text"),
    ],
)
def test_a_reason_too_long_or_with_control_characters_is_refused(
    stored: str, reason: str, message: str
) -> None:
    refused = kinerja("object", "--db", stored, "--nip", EMPLOYEE, "--by", EMPLOYEE,
                      "--reason", reason, "--date", "2026-12-02")  # fmt: skip
    assert refused.exit_code == 2 and message in refused.output

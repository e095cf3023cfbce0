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

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from kinerja.cli import main
from kinerja.store import open_database
from kinerja.store.schema import metadata

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
        # received 2026-11-20 + 14 = 2026-12-04 < 2026-12-05
        (["--received", "2026-11-20", "--date", "2026-12-05"], EMPLOYEE, EMPLOYEE,
         "filed on 2026-12-05, 15 days after the result was received on 2026-11-20"),
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


def test_no_decider_can_be_known_above_the_top_of_the_chain(stored: str) -> None:
    """Yusuf Harahap's supervisor is Rina Hidayat, who has no atasan_nip: no one is
    known to decide; Rina Hidayat herself has no supervisor at all."""
    assert file_one(stored, "--date", "2026-12-02", nip=SUPERVISOR, by=SUPERVISOR).exit_code == 0
    refused = decide(stored, DECIDER, "--decision", "tetap")
    assert refused.exit_code == 2
    assert (
        "the supervisor NIP 198401062015072989 has no atasan_nip in run 1, so no one knows "
        "who their supervisor is, who decides it"
    ) in " ".join(refused.output.split())
    assert file_one(stored, "--date", "2026-12-02", nip=DECIDER, by=DECIDER).exit_code == 0
    top = kinerja("decide", "--db", stored, "--objection", "2", "--by", DECIDER,
                  "--decision", "tetap", "--reason", "x")  # fmt: skip
    assert top.exit_code == 2
    assert "NIP 198401062015072989 has no atasan_nip in run 1" in " ".join(top.output.split())


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

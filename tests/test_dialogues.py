"""The review dialogue: stored from the run's workbook, and recorded after the run with
`kinerja dialogue`, which completes its stages and makes the result final when nothing
else is missing. Through the CLI, on the ``db_url`` fixture (SQLite here;
tests/test_store_postgres.py runs the same tests on PostgreSQL).

Kutacane's example (rules in force on 2026-12-01): 37 of its 39 results have a dialogue
date (tanggal_diskusi). Hendra Pane (199510232017092572, supervisor 199907222025062542)
has none: stage ``diskusi`` pending, so the result is provisional although its notes
and agreed actions are filled in. 197001201992112966 lacks the supervisor's evaluation,
which the dialogue must follow.
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

EXAMPLES = Path(__file__).parents[1] / "examples"
HENDRA, SUPERVISOR = "199510232017092572", "199907222025062542"
NO_EVALUATION = "197001201992112966"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite database (the file does not exist yet)."""
    return f"sqlite:///{tmp_path / 'history' / 'kinerja.db'}"


def kinerja(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def store(db: str, region: str, out: Path) -> None:
    done = kinerja("run", "-r", region, "-i", str(EXAMPLES / region / f"{region}.xlsx"),
                   "-o", str(out), "--as-of", "2026-12-01", "--db", db)  # fmt: skip
    assert done.exit_code == 0, done.output


@pytest.fixture
def kutacane(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Kutacane's example stored as run 1; then today is 2026-12-05."""
    store(db_url, "kutacane", tmp_path / "kutacane.json")
    monkeypatch.setattr("kinerja.regions.today", lambda: dt.date(2026, 12, 5))
    return db_url


def held(db: str, nip: str, by: str, *extra: str) -> Result:
    return kinerja("dialogue", "--db", db, "--nip", nip, "--by", by, *extra)


def rows(db: str, sql: str) -> list[tuple]:
    """The rows of ``sql``, dates as ISO text (SQLite gives text, PostgreSQL dates)."""
    engine = open_database(db)
    try:
        with engine.connect() as connection:
            return [
                tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row)
                for row in connection.execute(sa.text(sql))
            ]
    finally:
        engine.dispose()


def test_the_workbooks_dialogues_are_stored_with_the_run(kutacane: str) -> None:
    assert rows(kutacane, "SELECT count(*) FROM dialogues") == [(37,)]
    assert rows(
        kutacane,
        "SELECT held_on, notes, agreed_actions, recorded_by FROM dialogues "
        "WHERE nip = '199907022025112957'",
    ) == [("2026-11-22", "tidak", "ya", None)]


def test_a_dialogue_recorded_after_the_run_makes_the_result_final(kutacane: str) -> None:
    args = ("--held-on", "2026-12-03", "--notes", "capaian dibahas", "--actions", "pelatihan")
    made = held(kutacane, HENDRA, SUPERVISOR, *args, "--format", "json")
    assert made.exit_code == 0, made.output
    assert json.loads(made.output) == {
        "dialogue": 38, "run_id": 1, "nip": HENDRA, "stages_done": ["diskusi"],
        "status_before": "provisional", "status": "final",
    }  # fmt: skip
    assert rows(kutacane, f"SELECT status, done_on, done_by FROM result_stages "
                          f"WHERE nip = '{HENDRA}' AND stage = 'diskusi'") == [
        ("done", "2026-12-03", SUPERVISOR)
    ]  # fmt: skip
    shown = json.loads(kinerja("history", "--db", kutacane, "--nip", HENDRA,
                               "--format", "json").output)  # fmt: skip
    assert shown["results"][0]["status"] == "final"
    (change,) = shown["changes"]
    assert (change["field"], change["before"], change["after"], change["changed_by"]) == (
        "status", "provisional", "final", SUPERVISOR,
    )  # fmt: skip
    assert change["reason"] == "the review dialogue of 2026-12-03 is recorded"


@pytest.mark.parametrize(
    ("nip", "by", "extra", "message"),
    [
        (HENDRA, HENDRA, ["--notes", "n", "--actions", "a"],
         "only the supervisor, NIP 199907222025062542, records the dialogue with NIP "
         "199510232017092572; NIP 199510232017092572 may not"),
        (HENDRA, SUPERVISOR, ["--actions", "a"],
         "the rules require the dialogue's --notes (stage catatan_diskusi: Catatan diskusi "
         "dicatat); give it"),
        (NO_EVALUATION, "199907022025112957", ["--notes", "n", "--actions", "a"],
         "the dialogue follows the stage evaluasi_atasan (Evaluasi oleh atasan), which is "
         "not done for this result"),
        (HENDRA, SUPERVISOR, ["--notes", "n", "--actions", "a", "--run", "2"],
         "run 2 has no result of NIP 199510232017092572"),
    ],
)  # fmt: skip
def test_a_dialogue_that_cannot_be_recorded_is_refused(
    kutacane: str, nip: str, by: str, extra: list[str], message: str
) -> None:
    before = rows(kutacane, "SELECT count(*) FROM dialogues")
    refused = held(kutacane, nip, by, "--held-on", "2026-12-03", *extra)
    assert refused.exit_code == 2
    assert message in " ".join(refused.output.split())
    assert rows(kutacane, "SELECT count(*) FROM dialogues") == before


def test_a_dialogue_in_the_future_or_without_dialogue_rules_is_refused(
    kutacane: str, tmp_path: Path
) -> None:
    later = held(kutacane, HENDRA, SUPERVISOR, "--held-on", "2026-12-06", "--notes", "n",
                 "--actions", "a")  # fmt: skip
    assert later.exit_code == 2
    assert "--held-on 2026-12-06 is after today (2026-12-05)" in later.output
    store(kutacane, "kasemen", tmp_path / "kasemen.json")
    none = held(kutacane, "199104232022122610", "198306252007102620", "--held-on", "2026-12-03")
    assert none.exit_code == 2
    assert "these rules have no review dialogue" in none.output


@pytest.mark.parametrize(
    ("day", "message"),
    [
        # the supervisor's evaluation of Hendra was done on 2026-11-14
        ("2026-11-13", "the dialogue was held on 2026-11-13, before the stage it follows, "
                       "evaluasi_atasan, was done on 2026-11-14"),
        # the 2026 rules' period begins on 2026-01-01
        ("2025-12-31", "the dialogue was held on 2025-12-31, before the period of run 1 began "
                       "on 2026-01-01"),
    ],
)  # fmt: skip
def test_a_dialogue_held_before_its_time_is_refused(kutacane: str, day: str, message: str) -> None:
    refused = held(kutacane, HENDRA, SUPERVISOR, "--held-on", day, "--notes", "n",
                   "--actions", "a")  # fmt: skip
    assert refused.exit_code == 2
    assert message in " ".join(refused.output.split())

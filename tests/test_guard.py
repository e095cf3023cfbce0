"""The run's budget: what the run is doing, the watchdog's words, and a real run stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kinerja import guard
from kinerja.authoring.sample import generate
from kinerja.cli import main
from kinerja.cli.common import ByteSize
from kinerja.engine_steps import _rule_watch
from kinerja.expr.columnar import compile_steps
from kinerja.expr.steps import Step
from kinerja.guard import EXIT_LIMIT, Activity, Budget, Watchdog, activity, doing
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables
from kinerja.regions import load_region_rules

PM = make_manager()
RULES = load_region_rules(PM, "asemrowo")


def test_doing_nests_and_restores() -> None:
    with doing(stage="appraising", chunk="chunk 2 of 3"):
        with doing(rule="computing the rule a (r.yaml:4:7)"):
            assert activity() == Activity(
                "appraising", "chunk 2 of 3", "computing the rule a (r.yaml:4:7)"
            )
            with doing(stage="giving feedback"):  # a new stage is past the rule
                assert activity().words() == "giving feedback — chunk 2 of 3"
        assert activity().words() == "appraising — chunk 2 of 3"
    assert activity() == Activity()
    assert Activity().words() == ""


def test_each_step_is_computed_inside_the_watch() -> None:
    program = compile_steps(RULES.steps(), RULES.bands, describe=str)
    seen: list[tuple[str, str]] = []

    @contextmanager
    def watch(step: Step):  # noqa: ANN202
        with _rule_watch(RULES)(step):
            seen.append((step.name, activity().rule))
            yield

    frame = pl.DataFrame({"achievement_mean": [95.0, 60.0], "nip": ["a", "b"], "_row": [2, 3]})
    watched = program.apply(frame, watch)
    assert watched.equals(program.apply(frame))  # the same columns, computed a step at a time
    assert [name for name, _ in seen] == [s.name for s in RULES.steps()]
    score = dict(seen)["score"]
    assert score.startswith("computing the rule score (") and "rules.yaml:" in score


def test_the_watchdog_says_what_the_run_was_doing(tmp_path: Path) -> None:
    told: list[str] = []
    stopped: list[int] = []
    held = guard.hold(tmp_path / "spill")
    held.mkdir()
    dog = Watchdog(Budget(memory=2 << 30), told.append, stop=stopped.append, memory=lambda: 3 << 30)
    step = Step("hasil_kerja", RULES.components[0].checked)
    with doing(stage="appraising", chunk="chunk 1 of 2: 3 employees"), _rule_watch(RULES)(step):
        dog._trip(dog.over() or "")
    where = RULES.components[0].location
    assert told == [
        "the run was stopped: it held 3.0 GB of memory, over its limit of 2.0 GB (--max-memory "
        "raises it; a smaller --chunk-size needs less), while computing the rule hasil_kerja "
        f"({where}) — chunk 1 of 2: 3 employees. Nothing was written; the results of an "
        "earlier run at the same --output are kept."
    ]
    assert stopped == [EXIT_LIMIT]
    assert not held.exists()  # the run's temporary folders go first
    guard.release(held)


def test_the_watchdog_stops_a_run_over_time_from_its_thread() -> None:
    stopped = threading.Event()
    told: list[str] = []
    dog = Watchdog(Budget(seconds=0.05), told.append, stop=lambda code: stopped.set(), every=0.01)
    with dog:
        assert stopped.wait(5)
    assert told[0].startswith("the run was stopped: it ran for 0.")
    assert "over its limit of 0.05 s (--max-seconds raises it)" in told[0]


def test_without_a_budget_no_thread_watches() -> None:
    with Watchdog(Budget(), print) as dog:
        assert not dog._thread.is_alive()
        assert dog.over() is None


def test_memory_is_read_from_the_system() -> None:
    used = guard.resident_bytes()
    assert used is not None and 10 << 20 < used < 64 << 30  # this test process: MBs to GBs


@pytest.mark.parametrize(
    ("written", "size"),
    [
        ("4G", 4 << 30),
        ("500M", 500 << 20),
        ("2GB", 2 << 30),
        ("1.5GiB", 3 << 29),
        ("2000000000", 2_000_000_000),
        ("64k", 64 << 10),
    ],
)
def test_sizes_are_read_as_people_write_them(written: str, size: int) -> None:
    assert ByteSize().convert(written, None, None) == size


@pytest.mark.parametrize("written", ["abc", "-1G", "0", "4X"])
def test_a_size_that_is_not_one_is_refused_by_the_cli(written: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["run", "-r", "asemrowo", "-i", str(tmp_path), "--max-memory", written]
    )
    assert result.exit_code == 2
    assert "--max-memory" in result.output and written in result.output
    assert "Traceback" not in result.output


def test_a_run_over_its_budget_stops_cleanly(tmp_path: Path) -> None:
    source = tmp_path / "in"
    write_tables(generate(RULES, 40, seed=5), source)
    out = tmp_path / "out.csv"
    spill = tmp_path / "tmp"
    spill.mkdir()
    code = "import sys; from kinerja.cli import main; sys.exit(main())"
    # 1 MB of memory: below what Python itself holds, so the first look stops the run
    args = ["run", "-r", "asemrowo", "--as-of", "2026-12-01", "-i", source, "-o", out]
    args += ["--max-memory", "1M"]
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TMPDIR": str(spill)},
        check=False,
    )
    assert result.returncode == EXIT_LIMIT, result.stderr
    assert result.stderr.startswith("Error: the run was stopped: it held ")
    assert "over its limit of 1 MB" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() and not list(spill.iterdir())

"""Chunked runs: the input split into chunks of whole units gives the same appraisal.

A run larger than a chunk is validated and appraised a chunk at a time
(:mod:`kinerja.chunked`); these tests run the same input as one chunk and as many
small chunks and compare every output frame, and check the split itself.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.authoring.sample import generate_lazy
from kinerja.cli import main
from kinerja.input import chunks as chunks_module
from kinerja.input.chunks import chunk_count, employee_chunks, split_tables
from kinerja.input.read import read_tables
from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.model import Reject
from kinerja.output.tables import write_tables
from kinerja.output.views import results_of
from kinerja.output.write_frames import DETAIL_FRAMES
from kinerja.pipeline import Report, appraise_tables
from kinerja.regions import load_region_rules

REGIONS = ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto")
PM = make_manager()
DETAILS = DETAIL_FRAMES


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tables]:
    """300 sample employees in 8 units per region, with 6 bad rows, read from CSV."""
    found = {}
    for region in REGIONS:
        folder = tmp_path_factory.mktemp(region)
        write_tables(generate_lazy(load_region_rules(PM, region), 300, seed=5, bad_rows=6), folder)
        found[region] = read_tables(folder)
    return found


@pytest.mark.parametrize("region", REGIONS)
def test_many_chunks_give_the_one_chunk_answer(inputs: dict[str, Tables], region: str) -> None:
    rules = load_region_rules(PM, region)
    tables = inputs[region]
    assert chunk_count(tables, 40) >= 7  # 300 employees in 8 units of about 37
    whole = appraise_tables(rules, tables, PM)
    chunked = appraise_tables(rules, tables, PM, chunk_size=40)
    assert chunked.info == whole.info
    by_nip = {"by": "nip", "maintain_order": True}
    assert chunked.results.sort(**by_nip).equals(whole.results.sort(**by_nip))
    for name in DETAILS:
        ours, theirs = getattr(chunked, name), getattr(whole, name)
        assert ours.sort(**by_nip).equals(theirs.sort(**by_nip)), name
    # the refused rows in the same order; rule failures follow them
    assert chunked.rejects.sort(pl.all()).equals(whole.rejects.sort(pl.all()))
    refused = whole.rejects.height - (whole.info.employees_in - whole.info.appraised)
    assert chunked.rejects.head(refused).equals(whole.rejects.head(refused))


def test_leniency_compares_raters_across_chunks(inputs: dict[str, Tables]) -> None:
    # Sawahlunto flags raters 0.75 points above their group's mean of raters' means.
    # That mean is over every rater of the run: the chunks share one rater summary,
    # so a chunk of a few units flags the same 21 ratings as the whole run does.
    rules = load_region_rules(PM, "sawahlunto")
    chunked = appraise_tables(rules, inputs["sawahlunto"], PM, chunk_size=40)
    whole = appraise_tables(rules, inputs["sawahlunto"], PM)
    lenient = pl.col("code") == "bias_leniency"
    assert whole.flags.filter(lenient).height == 21
    assert chunked.flags.filter(lenient).sort("nip").equals(whole.flags.filter(lenient).sort("nip"))


def test_results_come_chunk_by_chunk(inputs: dict[str, Tables]) -> None:
    rules = load_region_rules(PM, "asemrowo")
    tables = inputs["asemrowo"]
    out = appraise_tables(rules, tables, PM, chunk_size=40)
    # input order within a chunk: the rows fall into one ascending run per chunk
    rows = out.results.select(
        pl.col("_row"), (pl.col("_row").diff() < 0).fill_null(False).cum_sum().alias("run")
    )
    assert rows["run"].max() == chunk_count(tables, 40) - 1
    # and a unit is never spread over two chunks
    per_unit = (
        out.results.join(rows, on="_row").group_by("unit_kerja").agg(pl.col("run").n_unique())
    )
    assert per_unit["run"].max() == 1


def test_progress_counts_every_appraised_employee(inputs: dict[str, Tables]) -> None:
    rules = load_region_rules(PM, "kutacane")
    said: list[str] = []
    started: list[int] = []
    done: list[int] = []
    report = Report(said.append, started.append, done.append)
    out = appraise_tables(rules, inputs["kutacane"], PM, report, chunk_size=40)
    chunks = chunk_count(inputs["kutacane"], 40)
    # started once, with the employees validation accepted; advanced once per chunk
    assert len(started) == 1 and len(done) == chunks and sum(done) == started[0]
    assert out.info.appraised <= started[0] < out.info.employees_in
    assert [s for s in said if s.startswith("Checking chunk")] == [
        f"Checking chunk {i} of {chunks} ..." for i in range(1, chunks + 1)
    ]


# ------------------------------------------------------------------ the split itself

NIPS = [f"19800101200501{n:03d}1" for n in range(1, 13)]


def _tables(pegawai: list[tuple[str, str]], ratings: list[str]) -> Tables:
    """pegawai (nip, unit) rows and penilaian rows naming an employee by NIP."""
    return Tables.from_rows(
        {
            "pegawai": [(i + 2, {"nip": n, "unit_kerja": u}) for i, (n, u) in enumerate(pegawai)],
            "penilaian": [(i + 2, {"nip": n, "nilai": "3"}) for i, n in enumerate(ratings)],
        },
        problems=[Reject("pegawai", 0, None, "a whole-file problem")],
        cell_problems={"penilaian": {2: [("nilai", "formula without a value")]}},
    )


@settings(max_examples=60, deadline=None)
@given(
    pegawai=st.lists(
        st.tuples(
            st.sampled_from([*NIPS, " " + NIPS[0], NIPS[1][:9] + " " + NIPS[1][9:], "", "x"]),
            st.sampled_from(["A", "B", "C", "D"]),
        ),
        min_size=1,
        max_size=30,
    ),
    ratings=st.lists(st.sampled_from([*NIPS, "19990101200001" + "0011", ""]), max_size=40),
    size=st.integers(1, 8),
)
def test_a_split_keeps_nips_and_units_whole(
    pegawai: list[tuple[str, str]], ratings: list[str], size: int
) -> None:
    tables = _tables(pegawai, ratings or [NIPS[0]])
    chunks = list(split_tables(tables, size))
    assert len(chunks) == chunk_count(tables, size)
    for sheet in ("pegawai", "penilaian"):  # every row in exactly one chunk, in order
        rows = [r for c in chunks for r in c.frames[sheet]["_row"].to_list()]
        assert sorted(rows) == tables.frames[sheet]["_row"].to_list()
        for c in chunks:
            assert c.frames[sheet]["_row"].is_sorted()
    where: dict[str, int] = {}
    for index, chunk in enumerate(chunks):
        for nip in chunk.frames["pegawai"]["nip"].to_list():
            key = "".join((nip or "").split())
            assert where.setdefault(key, index) == index  # one NIP, one chunk
        for nip in chunk.frames["penilaian"]["nip"].to_list():
            key = "".join((nip or "").split())
            assert where.get(key, 0) == index  # with its employee, or in the first chunk
    # a unit is split only where one of its NIPs first appears in another unit
    first_unit: dict[str, str] = {}
    for nip, unit in pegawai:
        first_unit.setdefault("".join(nip.split()), unit)
    unit_chunks: dict[str, set[int]] = {}
    for key, unit in first_unit.items():
        unit_chunks.setdefault(unit, set()).add(where[key])
    assert all(len(found) == 1 for found in unit_chunks.values())
    assert [len(c.problems) for c in chunks] == [1] + [0] * (len(chunks) - 1)
    owners = [c for c in chunks if 2 in c.frames["penilaian"]["_row"].to_list()]
    assert all(
        c.cell_problems.get("penilaian") == {2: [("nilai", "formula without a value")]}
        for c in owners
    )


@settings(max_examples=30, deadline=None)
@given(
    pegawai=st.lists(
        st.tuples(
            st.sampled_from([*NIPS[:6], " " + NIPS[0], "", "x", "12"]),
            st.sampled_from(["A", "B", "C"]),
        ),
        min_size=1,
        max_size=20,
    ),
    size=st.integers(1, 6),
)
def test_nips_that_share_a_hash_are_still_told_apart(
    pegawai: list[tuple[str, str]], size: int
) -> None:
    # NIPs are grouped by a 64-bit hash of their text unless two of them share one; a
    # hash of the text's length makes NIPs of one length (and no NIP, "") share one
    frame = pl.DataFrame(pegawai, schema=["nip", "unit_kerja"], orient="row")
    expected = employee_chunks(frame, size)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunks_module, "_nip_hash", lambda nip: nip.str.len_bytes().cast(pl.UInt64))
        assert employee_chunks(frame, size).equals(expected)


def test_a_chunk_holds_about_size_employees() -> None:
    # 12 NIPs in units of 3 (A, B, C, D) and size 5: a unit goes where its last employee
    # falls, (end - 1) // 5: A ends at 3 -> 0, B at 6 -> 1, C at 9 -> 1, D at 12 -> 2
    pegawai = [(n, "ABCD"[i // 3]) for i, n in enumerate(NIPS)]
    chunks = list(split_tables(_tables(pegawai, NIPS[::-1]), 5))
    assert [c.frames["pegawai"]["unit_kerja"].to_list() for c in chunks] == [
        ["A"] * 3,
        ["B"] * 3 + ["C"] * 3,
        ["D"] * 3,
    ]
    # the ratings follow their employees, in input order: A's NIPs are rated at rows
    # 13, 12, 11 (the ratings list the NIPs backwards from row 2)
    assert chunks[0].frames["penilaian"]["_row"].to_list() == [11, 12, 13]


def test_one_chunk_is_the_input_itself() -> None:
    tables = _tables([(NIPS[0], "A")], [NIPS[0]])
    assert list(split_tables(tables, 1)) == [tables]
    with pytest.raises(ValueError, match="at least one employee"):
        list(split_tables(tables, 0))


def test_chunked_results_read_as_one(inputs: dict[str, Tables]) -> None:
    rules = load_region_rules(PM, "kasemen")
    out = appraise_tables(rules, inputs["kasemen"], PM, chunk_size=40)
    results = results_of(out)
    assert len(results) == out.info.appraised == out.results.height


def test_run_with_small_chunks_writes_the_same_files(tmp_path: Path) -> None:
    rules = load_region_rules(PM, "sawahlunto")
    write_tables(generate_lazy(rules, 120, seed=3, bad_rows=4), tmp_path / "in")
    written = {}
    for size in (50_000, 25):
        out = tmp_path / f"hasil-{size}.csv"
        args = ["run", "-r", "sawahlunto", "-i", str(tmp_path / "in"), "-o", str(out)]
        result = CliRunner().invoke(main, [*args, "--chunk-size", str(size)])
        assert result.exit_code == 0, result.output
        header, *rows = out.read_text(encoding="utf-8-sig").splitlines()
        rejects = (tmp_path / f"hasil-{size}-rejects.csv").read_text(encoding="utf-8-sig")
        summary = result.output.replace(f"hasil-{size}", "hasil").splitlines()
        written[size] = (header, sorted(rows), rejects, summary)
    assert written[25] == written[50_000]
    assert len(written[25][1]) > 100  # 120 employees, a few rejected


def test_chunk_size_must_be_positive(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["run", "-r", "kasemen", "-i", str(tmp_path), "--chunk-size", "0"]
    )
    assert result.exit_code == 2
    assert "--chunk-size" in result.output

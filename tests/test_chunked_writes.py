"""A chunked run writes its output part by part: the same files as the same run in memory."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import pytest

from kinerja.authoring.sample import generate_lazy
from kinerja.errors import OutputError
from kinerja.frames import RunParts, Tally
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables
from kinerja.output.writers import write_run
from kinerja.pipeline import appraise_path, run
from kinerja.regions import load_region_rules

PM = make_manager()
SUFFIX = {"csv": "csv", "json": "json", "parquet": "parquet", "xlsx": "xlsx"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150 Sawahlunto employees (peer ranks, bias flags, feedback) with bad rows."""
    where = tmp_path_factory.mktemp("in")
    rules = load_region_rules(PM, "sawahlunto")
    write_tables(generate_lazy(rules, 150, seed=8, bad_rows=5), where, "parquet")
    return where


@pytest.fixture(autouse=True)
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary folders of the run go here, so that a test sees they are removed."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "xlsx"])
def test_parts_are_written_as_the_whole_run(
    folder: Path, tmp_path: Path, private_tmp: Path, fmt: str
) -> None:
    rules = load_region_rules(PM, "sawahlunto")
    parted, written = run(
        rules,
        folder,
        tmp_path / f"parts.{fmt}",
        fmt,
        PM,
        chunk_size=30,
        stream_bytes=0,  # type: ignore[arg-type]
    )
    assert parted.count >= 4
    whole = appraise_path(rules, folder, PM, chunk_size=30)
    expected = write_run(whole, tmp_path / f"whole.{fmt}", fmt)  # type: ignore[arg-type]
    assert len(written) == len(expected)
    for ours, theirs in zip(written, expected, strict=True):
        if ours.suffix == ".parquet":
            a, b = pl.read_parquet(ours), pl.read_parquet(theirs)
            assert a.equals(b) and a.schema == b.schema, ours.name
        else:
            assert ours.read_bytes() == theirs.read_bytes(), ours.name
    assert parted.info == whole.info
    assert parted.tally == Tally.of(whole)
    assert list(private_tmp.iterdir()) == []


def test_the_tally_counts_every_part(folder: Path, tmp_path: Path) -> None:
    rules = load_region_rules(PM, "sawahlunto")
    parted, _ = run(rules, folder, tmp_path / "h.csv", "csv", PM, chunk_size=30)
    whole = appraise_path(rules, folder, PM)
    tally = parted.tally
    assert sum(tally.predikat.values()) == sum(tally.status.values()) == whole.info.appraised
    assert tally.predikat == dict(whole.results["predikat"].value_counts().iter_rows())
    assert tally.flagged == whole.flags["nip"].n_unique() > 0


def test_one_part_is_the_run_itself(folder: Path, tmp_path: Path) -> None:
    rules = load_region_rules(PM, "sawahlunto")
    whole = appraise_path(rules, folder, PM)
    parts = RunParts.of(whole)
    assert (parts.count, parts.part(0), parts.info, parts.rejects) == (
        1,
        whole,
        whole.info,
        whole.rejects,
    )


def test_a_write_that_fails_is_an_output_error(folder: Path, tmp_path: Path) -> None:
    rules = load_region_rules(PM, "sawahlunto")
    (tmp_path / "taken").mkdir()  # a folder where the results file should go
    with pytest.raises(OutputError) as caught:
        run(rules, folder, tmp_path / "taken", "csv", PM, chunk_size=30)
    assert isinstance(caught.value, OSError)
    named = {caught.value.filename, caught.value.filename2}
    assert str(tmp_path / "taken") in named, named

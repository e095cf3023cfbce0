"""Large folders read in batches straight into chunks on disk give what reading them
whole gives: the same chunks, the same appraisal, the same errors."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kinerja import spill
from kinerja.authoring.sample import generate_lazy
from kinerja.errors import InputError
from kinerja.input import stream
from kinerja.input.chunks import Chunks
from kinerja.input.read import read_tables
from kinerja.input.stream import open_chunks, stream_folder
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables
from kinerja.output.write_frames import DETAIL_FRAMES
from kinerja.pipeline import appraise_path
from kinerja.regions import load_region_rules

REGIONS = ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto")
PM = make_manager()
FRAMES = ("results", "rejects", *DETAIL_FRAMES)


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 7 rows, so that every sheet is read in many batches."""
    monkeypatch.setattr(stream, "BATCH_ROWS", 7)


def _sample(folder: Path, region: str, form: str, n: int = 120) -> Path:
    write_tables(generate_lazy(load_region_rules(PM, region), n, seed=4, bad_rows=5), folder, form)
    return folder


def _same(chunk: pl.DataFrame, whole: pl.DataFrame) -> bool:
    """Equal frames, kind columns in any order (a batch without kinds has none)."""
    columns = sorted(set(chunk.columns) | set(whole.columns))
    fill = [pl.lit(None, pl.String).alias(c) for c in columns]
    a = chunk.with_columns([f for f in fill if f.meta.output_name() not in chunk.columns])
    b = whole.with_columns([f for f in fill if f.meta.output_name() not in whole.columns])
    return a.select(columns).equals(b.select(columns))


@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_streamed_chunks_are_the_split_chunks(tmp_path: Path, form: str) -> None:
    folder = _sample(tmp_path, "sawahlunto", form)
    with stream_folder(folder, str(folder), 30) as streamed:  # type: ignore[union-attr]
        ours = list(streamed.tables)
        theirs = list(Chunks.split(read_tables(folder), 30).tables)
        assert streamed.count == len(theirs) >= 4
        for mine, split in zip(ours, theirs, strict=True):
            assert mine.frames.keys() == split.frames.keys()
            for sheet, frame in split.frames.items():
                assert _same(mine.frames[sheet], frame), sheet
            assert (mine.problems, mine.columns, mine.sha256, mine.cell_problems) == (
                split.problems,
                split.columns,
                split.sha256,
                split.cell_problems,
            )
    assert not any(tmp_path.glob("kinerja-input-*"))


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_a_streamed_run_is_the_same_run(tmp_path: Path, region: str, form: str) -> None:
    rules = load_region_rules(PM, region)
    folder = _sample(tmp_path / "in", region, form)
    streamed = appraise_path(rules, folder, PM, chunk_size=30, stream_bytes=0)
    whole = appraise_path(rules, folder, PM, chunk_size=30)
    assert streamed.info == whole.info
    for name in FRAMES:
        assert getattr(streamed, name).equals(getattr(whole, name)), name


def test_the_temporary_chunks_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    folder = _sample(tmp_path / "in", "kasemen", "parquet")
    appraise_path(load_region_rules(PM, "kasemen"), folder, PM, chunk_size=30, stream_bytes=0)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_csv_only_python_reads_is_read_whole(tmp_path: Path) -> None:
    # a carriage return alone ends a line only for Python's csv module
    folder = _sample(tmp_path / "in", "asemrowo", "csv", n=20)
    pegawai = folder / "pegawai.csv"
    pegawai.write_bytes(pegawai.read_bytes().replace(b"\r\n", b"\r"))
    assert stream_folder(folder, str(folder), 5) is None
    with open_chunks(folder, 5, stream_bytes=0) as chunks:
        read = sum(t.frames["pegawai"].height for t in chunks.tables)
    assert read == read_tables(folder).frames["pegawai"].height > 20


def test_a_broken_parquet_file_is_refused_as_when_read_whole(tmp_path: Path) -> None:
    folder = _sample(tmp_path / "in", "asemrowo", "parquet", n=20)
    (folder / "capaian.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError) as whole:
        read_tables(folder)
    with pytest.raises(InputError) as streamed:
        open_chunks(folder, 5, stream_bytes=0)
    assert str(streamed.value) == str(whole.value)


def test_no_pegawai_file_is_reported_as_when_read_whole(tmp_path: Path) -> None:
    folder = _sample(tmp_path / "in", "asemrowo", "csv", n=20)
    (folder / "pegawai.csv").rename(folder / "staff.csv")
    with open_chunks(folder, 5, stream_bytes=0) as chunks:
        (tables,) = chunks.tables
    assert tables.problems == read_tables(folder).problems


def test_a_folder_is_large_by_csv_bytes_or_parquet_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_folder = _sample(tmp_path / "csv", "asemrowo", "csv", n=20)
    size = sum(f.stat().st_size for f in csv_folder.iterdir())
    assert stream.is_large(csv_folder, size - 1) and not stream.is_large(csv_folder, size)
    pq = _sample(tmp_path / "pq", "asemrowo", "parquet", n=20)
    rows = sum(pl.read_parquet(f).height for f in pq.iterdir())
    assert not stream.is_large(pq, 1)  # Parquet is measured in rows, not bytes
    monkeypatch.setattr(stream, "STREAM_ROWS", rows - 1)
    assert stream.is_large(pq, 1)
    assert stream.is_large(pq, 0)  # 0: every folder


def test_rows_sunk_by_a_key_come_back_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 5,000 rows for values 0, 1 and 3 of 4 (none for 2), interleaved: i % 7 -> 0 1 3 0 1 3 0
    rows = pl.DataFrame({"i": range(5_000)}).with_columns(
        pl.col("i").mod(7).replace_strict([0, 1, 2, 3, 4, 5, 6], [0, 1, 3, 0, 1, 3, 0]).alias("k")
    )
    monkeypatch.setattr(spill, "HELD_ROWS", 4_000)  # row groups of 1,024 rows (4,000 / 4)
    spill.sink_by(rows.lazy(), "k", tmp_path / "by", 4)
    for value in range(4):
        files = spill.sunk(tmp_path / "by", value)
        back = pl.read_parquet(files) if files else pl.DataFrame(schema={"i": pl.Int64})
        assert back.equals(rows.filter(pl.col("k") == value).drop("k")), value
    assert spill.sunk(tmp_path / "by", 2) == []


@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_synonym_headers_are_routed_as_when_read_whole(tmp_path: Path, form: str) -> None:
    """``NIP Baru`` and ``Satuan Kerja`` are read as nip and unit_kerja before the rows
    are routed to their chunks, so every employee's records reach their chunk."""
    rules = load_region_rules(PM, "sawahlunto")
    sample = generate_lazy(rules, 120, seed=4, bad_rows=5)
    headers = {"nip": "NIP Baru", "unit_kerja": "Satuan Kerja"}
    renamed = {
        sheet: frame.rename({k: v for k, v in headers.items() if k in frame.collect_schema()})
        for sheet, frame in sample.items()
    }
    folder = tmp_path / "in"
    write_tables(renamed, folder, form)
    streamed = appraise_path(rules, folder, PM, chunk_size=30, stream_bytes=0)
    whole = appraise_path(rules, folder, PM, chunk_size=30)
    assert streamed.results.height > 100
    for name in FRAMES:
        assert getattr(streamed, name).equals(getattr(whole, name)), name
    original = _sample(tmp_path / "plain", "sawahlunto", form)
    plain = appraise_path(rules, original, PM, chunk_size=30, stream_bytes=0)
    assert streamed.results.drop("input_sha256", strict=False).equals(
        plain.results.drop("input_sha256", strict=False)
    )

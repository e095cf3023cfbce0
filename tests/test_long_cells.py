"""A cell longer than a spreadsheet cell can be rejects its row, named, in every input form."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from kinerja.authoring.sample import generate_frames
from kinerja.input import stream
from kinerja.input.long_cells import MAX_CELL, long_cells
from kinerja.input.read import read_tables
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables
from kinerja.pipeline import appraise_path
from kinerja.regions import load_region_rules

PM = make_manager()
RULES = load_region_rules(PM, "sawahlunto")
LONG = 200_000  # over Python's csv module's own 128 KB field limit, too
REASON = (
    f"nama holds {LONG:,} characters, more than the 32,767 a cell may hold; shorten the "
    "cell (a note or a name is never that long: the file may be damaged)"
)


def _sample(path: Path, form: str | None = None) -> pl.DataFrame:
    """Twelve employees, the second named with :data:`LONG` characters; their pegawai."""
    frames = generate_frames(RULES, 12, seed=3)
    pegawai = frames["pegawai"].with_row_index("@i")
    named = pl.when(pl.col("@i") == 1).then(pl.lit("a" * LONG)).otherwise(pl.col("nama"))
    frames["pegawai"] = pegawai.with_columns(named.alias("nama")).drop("@i")
    write_tables(frames, path, form)
    return frames["pegawai"]


def test_the_limit_counts_characters_not_bytes() -> None:
    # 16,384 two-byte characters are 32,768 bytes but within the limit; one more "a" is not
    frame = pl.DataFrame(
        {"_row": [2, 3, 4], "nama": ["é" * 16_384, "a" * MAX_CELL, "a" * (MAX_CELL + 1)]}
    )
    found = long_cells(frame)
    assert list(found) == [4]
    assert found[4][0][0] == "nama"


@pytest.mark.parametrize("form", ["csv", "parquet", "json"])
def test_a_long_cell_is_a_cell_problem_of_its_row(tmp_path: Path, form: str) -> None:
    path = tmp_path / "in.json" if form == "json" else tmp_path / "in"
    _sample(path, None if form == "json" else form)
    tables = read_tables(path)
    # the header is row 1 (JSON: items are numbered from 1), so the second employee's
    # row is 3 in a folder and item 2 in JSON
    row = 2 if form == "json" else 3
    assert tables.cell_problems["pegawai"] == {row: [("nama", REASON)]}
    assert tables.frames["pegawai"].height == 12


def test_a_workbook_cell_longer_than_excel_allows_is_named(tmp_path: Path) -> None:
    # Excel and openpyxl keep to the limit (openpyxl cuts the text); another program
    # need not, so the cell is lengthened in the sheet's XML
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "pegawai"
    sheet.append(["nip", "nama"])
    sheet.append(["198001012005011001", "Ani"])
    sheet.append(["198001012005011002", "a" * LONG])
    book.save(tmp_path / "cut.xlsx")
    with (
        zipfile.ZipFile(tmp_path / "cut.xlsx") as cut,
        zipfile.ZipFile(tmp_path / "in.xlsx", "w") as out,
    ):
        for item in cut.infolist():
            data = cut.read(item)
            out.writestr(item, data.replace(b"a" * MAX_CELL, b"a" * LONG))
    tables = read_tables(tmp_path / "in.xlsx")
    assert tables.cell_problems["pegawai"] == {3: [("nama", REASON)]}


def test_a_csv_only_python_reads_names_the_long_cell(tmp_path: Path) -> None:
    # a lone carriage return ends a line only for Python's csv module, so it reads this file
    text = f"nip,nama\r198001012005011001,{'a' * LONG}\r198001012005011002,Budi\r"
    (tmp_path / "pegawai.csv").write_text(text, encoding="utf-8")
    tables = read_tables(tmp_path)
    assert tables.cell_problems["pegawai"] == {2: [("nama", REASON)]}


def test_the_employee_with_a_long_cell_is_rejected_and_no_one_else(tmp_path: Path) -> None:
    _sample(tmp_path / "in", "csv")
    run = appraise_path(RULES, tmp_path / "in", PM)
    rejected = run.rejects.filter(pl.col("sheet") == "pegawai")
    assert rejected.select("row", "column", "reason").rows() == [(3, "nama", REASON)]
    assert run.results.height == 11  # 12 employees, one refused


@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_a_streamed_folder_names_the_long_cell_too(
    tmp_path: Path, form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "BATCH_ROWS", 5)
    _sample(tmp_path / "in", form)
    streamed = appraise_path(RULES, tmp_path / "in", PM, chunk_size=4, stream_bytes=0)
    whole = appraise_path(RULES, tmp_path / "in", PM, chunk_size=4)
    assert streamed.rejects.equals(whole.rejects)
    assert REASON in streamed.rejects["reason"].to_list()

"""A stray quote in a CSV file: the rows it swallows into one cell are named, not lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinerja.input.read import read_tables
from kinerja.input.stream import stream_folder

HEADER = "nip,nama,jabatan,unit_kerja\r\n"
ROWS = [f"19800101200501100{i},Pegawai {i},Analis,Dinas {i}\r\n" for i in range(1, 8)]


@pytest.mark.parametrize(
    ("closing", "reader"),
    [
        ('Dinas 5",x', "polars"),  # the quote closes before a separator: polars reads it
        ('Dinas 5"x', "the csv module"),  # a quote inside a field: Python's csv module does
    ],
)
def test_a_stray_quote_names_the_rows_it_swallowed(
    tmp_path: Path, closing: str, reader: str
) -> None:
    rows = list(ROWS)
    rows[1] = rows[1].replace("Pegawai 2", '"Pegawai 2')  # opens a quoted field on row 3
    rows[4] = rows[4].replace("Dinas 5", closing)  # ... closed on the 5th data line
    (tmp_path / "pegawai.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    tables = read_tables(tmp_path)
    # the header is line 1; row 3's nama now holds the rest of line 3, then lines 4 and
    # 5 and line 6 up to the closing quote after "Dinas 5": three lines with 3
    # separators each, as many as a row of the file has
    assert tables.frames["pegawai"].height == 4  # rows 2, 3 (merged), then lines 7 and 8
    assert tables.cell_problems["pegawai"] == {
        3: [
            (
                "nama",
                "nama starts with a quote that is closed only after 3 more rows of the file, "
                "so those rows were read as the text of this cell; remove the stray quote at "
                'the start of the cell (or write it twice, "") and save the file again',
            )
        ]
    }, reader


def test_a_line_break_in_a_note_is_no_stray_quote(tmp_path: Path) -> None:
    text = HEADER + '198001012005011001,"Siti\r\nAminah",Analis,Dinas 1\r\n'
    (tmp_path / "pegawai.csv").write_text(text, encoding="utf-8")
    tables = read_tables(tmp_path)
    assert tables.frames["pegawai"]["nama"].to_list() == ["Siti\r\nAminah"]
    assert tables.cell_problems == {}


def test_a_streamed_folder_names_the_swallowed_rows_too(tmp_path: Path) -> None:
    rows = list(ROWS)
    rows[1] = rows[1].replace("Pegawai 2", '"Pegawai 2')
    rows[4] = rows[4].replace("Dinas 5", 'Dinas 5",x')
    (tmp_path / "pegawai.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    whole = read_tables(tmp_path)
    with stream_folder(tmp_path, str(tmp_path), 2) as streamed:  # type: ignore[union-attr]
        found: dict[int, list[tuple[str, str]]] = {}
        for chunk in streamed.tables:
            found.update(chunk.cell_problems.get("pegawai", {}))
    assert found == whole.cell_problems["pegawai"]
    assert list(found) == [3]

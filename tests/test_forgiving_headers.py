"""Sheets and headers matched loosely and through synonyms, and "did you mean" for the rest."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from kinerja.cli import main
from kinerja.input.read import read_tables
from kinerja.input.synonyms import guesses, loose, sheet_names
from kinerja.input.tables import Tables
from kinerja.input.validate import InputSpec, build_dataset
from kinerja.output.tables import write_tables

NIP = "197811162013041587"
BOSS = "197403212004101821"


def _pegawai(headers: dict[str, str]) -> list[tuple[int, dict[str, object]]]:
    """One employee (and their supervisor) under the given header for each column."""
    cells = {
        "nip": NIP,
        "nama": "Ani",
        "jabatan": "Analis",
        "unit_kerja": "Dinas",
        "golongan": "III/a",
        "atasan_nip": BOSS,
    }
    boss = {**cells, "nip": BOSS, "atasan_nip": None, "nama": "Budi"}
    return [
        (2, {headers.get(k, k): v for k, v in cells.items()}),
        (3, {headers.get(k, k): v for k, v in boss.items()}),
    ]


def test_loose_names_ignore_case_spaces_underscores_hyphens_and_dots() -> None:
    assert loose(" Unit.Kerja ") == loose("UNIT-KERJA") == loose("unit_kerja") == "unitkerja"
    # the exact name wins: "Data Pegawai" does not take pegawai when pegawai is present
    assert sheet_names(["pegawai", "data_pegawai"], ["pegawai"]) == ["pegawai", None]
    assert sheet_names(["data_pegawai", "skp", "nilai"], ["pegawai", "capaian", "penilaian"]) == [
        "pegawai",
        "capaian",
        "penilaian",
    ]


def test_synonym_headers_are_read_as_their_columns(tmp_path: Path) -> None:
    headers = {
        "nip": "NIP Baru",
        "nama": "Nama Pegawai",
        "jabatan": "Nama.Jabatan",
        "unit_kerja": "OPD",
        "golongan": "Pangkat/Golongan",
        "atasan_nip": "NIP Atasan Langsung",
    }
    path = tmp_path / "in.xlsx"
    write_tables({"Data Pegawai": [cells for _, cells in _pegawai(headers)]}, path)
    tables = read_tables(path)
    assert list(tables.frames) == ["pegawai"]
    assert tables.columns["pegawai"] == [
        "nip",
        "nama",
        "jabatan",
        "unit_kerja",
        "golongan",
        "atasan_nip",
    ]
    batch = build_dataset(tables, InputSpec())
    assert batch.rejects.height == 0
    assert batch.employees.get_column("nama").to_list() == ["Ani", "Budi"]


def test_a_synonym_never_takes_a_name_that_is_present() -> None:
    rows = _pegawai({})
    rows = [(r, {**cells, "nama_pegawai": "Other"}) for r, cells in rows]
    batch = build_dataset(Tables.from_rows({"pegawai": rows}), InputSpec())
    assert batch.employees.get_column("nama").to_list() == ["Ani", "Budi"]


def test_two_headers_of_one_column_stay_a_repeated_header(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "pegawai.csv").write_text(
        f"NIP,nip,nama,jabatan,unit_kerja,golongan,atasan_nip\n{NIP},1,Ani,A,U,III/a,\n"
    )
    problems = read_tables(folder).problems
    assert [p.column for p in problems] == ["nip"]


def test_a_missing_column_offers_a_close_header() -> None:
    # "nmaa" -> "nama": difflib ratio 2*3/8 = 0.75, at the cut-off
    assert guesses(["nama"], ["nip", "nmaa", "jabatan"]) == [("nmaa", "nama")]
    assert guesses(["nama"], ["nip", "jabatan"]) == []
    rows = _pegawai({"jabatan": "jabtan"})
    reason = build_dataset(Tables.from_rows({"pegawai": rows}), InputSpec()).rejects["reason"][0]
    assert reason == (
        "sheet pegawai is missing the column jabatan (columns found: nip, nama, jabtan, "
        "unit_kerja, golongan, atasan_nip); add a column with the header jabatan; "
        "did you mean jabtan for jabatan?"
    )


def test_cli_says_did_you_mean_in_indonesian(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(
        main,
        ["sample-data", "-r", "kasemen", "-n", "2", "-o", str(tmp_path / "s"), "--format", "csv"],
    )
    assert made.exit_code == 0, made.output
    pegawai = tmp_path / "s" / "pegawai.csv"
    text = pegawai.read_text(encoding="utf-8-sig")
    pegawai.write_text(text.replace("nama", "nmaa", 1), encoding="utf-8-sig")
    out = tmp_path / "hasil.json"
    runner.invoke(
        main,
        [
            "run",
            "-r",
            "kasemen",
            "-i",
            str(tmp_path / "s"),
            "-o",
            str(out),
            "--format",
            "json",
            "--lang",
            "id",
        ],
    )
    with (tmp_path / "hasil-rejects.csv").open(encoding="utf-8-sig") as f:
        first = next(csv.DictReader(f))
    assert first["reason"] == (
        "sheet pegawai tidak memiliki kolom nama (kolom yang ada: nip, nmaa, jabatan, "
        "unit_kerja, golongan, atasan_nip); tambahkan kolom dengan judul nama; "
        "mungkin maksud Anda nmaa untuk nama?"
    )
    assert isinstance(pl.read_csv(tmp_path / "hasil-rejects.csv"), pl.DataFrame)


def test_two_synonyms_of_one_column_are_a_repeated_header(tmp_path: Path) -> None:
    """``Nama Pegawai`` and ``Nama Lengkap`` both read as nama: the first is read, and
    the problem names both, as for two headers written alike."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "pegawai.csv").write_text(
        "nip,Nama Pegawai,Nama Lengkap,jabatan,unit_kerja,golongan,atasan_nip\n"
        f"{NIP},Ani,Ani Lestari,A,U,III/a,\n"
    )
    tables = read_tables(folder)
    (problem,) = tables.problems
    assert (problem.sheet, problem.row, problem.column) == ("pegawai", 0, "nama")
    assert problem.reason == (
        "sheet 'pegawai' has columns that name the same column: 'nama_pegawai' and "
        "'nama_lengkap' read as nama. Only the first of each is read, so the values under "
        "the others are ignored; remove or rename them."
    )
    batch = build_dataset(tables, InputSpec())
    assert batch.employees.get_column("nama").to_list() == ["Ani"]

"""`kinerja run` exits 0 only when it appraised someone; an unusable workbook exits 2
with its cause on one line, whatever else the run wrote."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from kinerja.authoring.sample import generate
from kinerja.cli import main
from kinerja.likeness import likeness
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables
from kinerja.regions import load_region_rules

RULES = load_region_rules(make_manager(), "sawahlunto")


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("book") / "sawahlunto.xlsx"
    write_tables(generate(RULES, 12, seed=3), path)
    return path


def _run(source: Path, out: Path, *more: str) -> Result:
    args = ["run", "-r", "sawahlunto", "-i", str(source), "-o", str(out), *more]
    return CliRunner().invoke(main, args)


def _changed(book: Path, where: Path, change) -> Path:  # noqa: ANN001 - a small edit
    workbook = openpyxl.load_workbook(book)
    change(workbook)
    workbook.save(where)
    return where


def _last(result: Result) -> str:
    return result.output.strip().splitlines()[-1]


def test_a_usable_workbook_exits_0(book: Path, tmp_path: Path) -> None:
    result = _run(book, tmp_path / "o.csv")
    assert result.exit_code == 0, result.output
    assert "Error" not in result.output


def test_a_renamed_pegawai_sheet_exits_2_with_the_sheets_found(book: Path, tmp_path: Path) -> None:
    def rename(wb: openpyxl.Workbook) -> None:
        wb["pegawai"].title = "Lembar1"

    result = _run(_changed(book, tmp_path / "in.xlsx", rename), tmp_path / "o.csv")
    assert result.exit_code == 2
    assert _last(result) == (
        "Error: The input has no pegawai sheet, so no employee can be appraised (sheets found: "
        "Lembar1, capaian, penilaian). Add a sheet named pegawai with the columns nip, "
        "nama, jabatan, unit_kerja, golongan, atasan_nip."
    )
    assert (tmp_path / "o-rejects.csv").exists()  # the rejects are written all the same


def test_an_empty_workbook_exits_2(tmp_path: Path) -> None:
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    result = _run(tmp_path / "empty.xlsx", tmp_path / "o.csv")
    assert result.exit_code == 2
    assert _last(result).startswith("Error: The input has no pegawai sheet")


def test_headers_only_exits_2(book: Path, tmp_path: Path) -> None:
    def headers_only(wb: openpyxl.Workbook) -> None:
        for sheet in wb.worksheets:
            sheet.delete_rows(2, sheet.max_row)

    result = _run(_changed(book, tmp_path / "in.xlsx", headers_only), tmp_path / "o.csv")
    assert result.exit_code == 2
    assert _last(result) == (
        "Error: the input holds no data: sheet pegawai has no employees and no other sheet "
        "has rows; fill in sheet pegawai (one employee per row), then the other sheets"
    )


def test_a_sheet_the_rules_need_exits_2(book: Path, tmp_path: Path) -> None:
    def without_capaian(wb: openpyxl.Workbook) -> None:
        del wb["capaian"]

    result = _run(_changed(book, tmp_path / "in.xlsx", without_capaian), tmp_path / "o.csv")
    assert result.exit_code == 2
    indicators = ", ".join(sorted(RULES.indicators))
    assert _last(result) == (
        f"Error: sheet capaian has no rows, but the rules of sawahlunto appraise indicators "
        f"({indicators}); add sheet capaian with each employee's target and realisation"
    )


def test_every_employee_refused_for_one_column_exits_2(book: Path, tmp_path: Path) -> None:
    def rename_nip(wb: openpyxl.Workbook) -> None:
        wb["pegawai"].cell(1, 1).value = "Nomor Induk"

    result = _run(_changed(book, tmp_path / "in.xlsx", rename_nip), tmp_path / "o.csv")
    assert result.exit_code == 2
    assert _last(result).startswith(
        "Error: every employee was rejected for the column nip: sheet pegawai is missing "
        "the column nip"
    )


def test_nobody_appraised_for_several_reasons_exits_1(tmp_path: Path) -> None:
    # two employees, one with a NIP of 17 digits, one with no such golongan: each refused
    # for a column of their own, so the input itself is usable
    people = [
        {"nip": "19800101200501100", "nama": "A", "jabatan": "J", "unit_kerja": "U"},
        {"nip": "198001012005011002", "nama": "B", "jabatan": "J", "unit_kerja": "U"},
    ]
    for person in people:
        person.update(golongan="III/a", atasan_nip=None)
    people[1]["golongan"] = "III/z"  # not a golongan
    nips = [p["nip"] for p in people]
    outcomes = [{"nip": n, "indikator": "waktu_layanan", "target": 1, "realisasi": 1} for n in nips]
    ratings = [
        {"nip": n, "penilai_nip": n, "kelompok": "self", "aspek": "x", "nilai": 1} for n in nips
    ]
    tables = {"pegawai": people, "capaian": outcomes, "penilaian": ratings}
    source = tmp_path / "in.json"
    source.write_text(json.dumps(tables), encoding="utf-8")
    result = _run(source, tmp_path / "o.csv")
    assert result.exit_code == 1, result.output
    assert _last(result) == (
        "Error: no employee could be appraised: each of the 2 employees was rejected; the "
        "rejects file says why, employee by employee"
    )


def test_the_exit_codes_are_in_the_help() -> None:
    result = CliRunner().invoke(main, ["run", "--help"])
    assert "Exit codes: 0 when at least one employee was appraised" in result.output


def test_another_regions_workbook_is_named(tmp_path: Path) -> None:
    # Kasemen's sample holds Kasemen's indicator and aspect codes, none of Sawahlunto's
    kasemen = load_region_rules(make_manager(), "kasemen")
    write_tables(generate(kasemen, 12, seed=3), tmp_path / "kasemen.xlsx")
    result = _run(tmp_path / "kasemen.xlsx", tmp_path / "o.csv")
    assert result.exit_code == 2
    codes = len(kasemen.indicators) + len(kasemen.aspects)
    assert _last(result) == (
        "Error: this looks like a workbook of kasemen, not sawahlunto: the rules of kasemen "
        f"know {codes} of its {codes} indicator and aspect codes, those of sawahlunto 0; run "
        "it with --region kasemen"
    )


# ------------------------------------------------------------------ in Indonesian


def test_the_causes_in_indonesian(book: Path, tmp_path: Path) -> None:
    def rename(wb: openpyxl.Workbook) -> None:
        wb["pegawai"].title = "Lembar1"

    def headers_only(wb: openpyxl.Workbook) -> None:
        wb["pegawai"].delete_rows(2, wb["pegawai"].max_row)

    renamed = _run(_changed(book, tmp_path / "a.xlsx", rename), tmp_path / "a.csv", "--lang", "id")
    assert (renamed.exit_code, _last(renamed)) == (
        2,
        "Kesalahan: Input tidak memiliki sheet pegawai, sehingga tidak ada pegawai yang dapat "
        "dinilai (sheet yang ditemukan: Lembar1, capaian, penilaian). Tambahkan sheet bernama "
        "pegawai dengan kolom nip, nama, jabatan, unit_kerja, golongan, atasan_nip.",
    )
    empty = _run(
        _changed(book, tmp_path / "b.xlsx", headers_only), tmp_path / "b.csv", "--lang", "id"
    )
    outcomes = generate(RULES, 12, seed=3)["capaian"]
    ratings = generate(RULES, 12, seed=3)["penilaian"]
    others = len(outcomes) + len(ratings)  # the other sheets' rows, untouched
    assert (empty.exit_code, _last(empty)) == (
        2,
        "Kesalahan: sheet pegawai tidak berisi pegawai (hanya judul kolom, atau kosong), "
        f"padahal sheet lain berisi {others} baris; isi sheet pegawai dengan daftar pegawai, "
        "satu pegawai per baris",
    )


def test_another_regions_workbook_in_indonesian(tmp_path: Path) -> None:
    kasemen = load_region_rules(make_manager(), "kasemen")
    write_tables(generate(kasemen, 12, seed=3), tmp_path / "kasemen.xlsx")
    result = _run(tmp_path / "kasemen.xlsx", tmp_path / "o.csv", "--lang", "id")
    codes = len(kasemen.indicators) + len(kasemen.aspects)
    assert (result.exit_code, _last(result)) == (
        2,
        "Kesalahan: berkas ini tampaknya milik kasemen, bukan sawahlunto: aturan kasemen "
        f"mengenal {codes} dari {codes} kode indikator dan aspek di dalamnya, aturan "
        "sawahlunto hanya 0; jalankan dengan --region kasemen",
    )


def test_likeness_is_the_share_of_codes_a_region_knows() -> None:
    # 3 codes, of which Sawahlunto declares waktu_layanan only: 1/3
    assert likeness({"waktu_layanan", "komunikasi_x", "zzz"}, RULES) == pytest.approx(1 / 3)
    assert likeness(set(), RULES) == 0.0


def test_an_empty_workbook_in_indonesian(tmp_path: Path) -> None:
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    result = _run(tmp_path / "empty.xlsx", tmp_path / "o.csv", "--lang", "id")
    assert (result.exit_code, _last(result)) == (
        2,
        "Kesalahan: Input tidak memiliki sheet pegawai, sehingga tidak ada pegawai yang dapat "
        "dinilai (sheet yang ditemukan: Sheet). Tambahkan sheet bernama pegawai dengan kolom "
        "nip, nama, jabatan, unit_kerja, golongan, atasan_nip.",
    )

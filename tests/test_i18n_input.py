"""The input checks speak the language in use: Indonesian reasons, or today's English.

The reasons a person reads to fix a workbook (:mod:`kinerja.input`) go through the
message catalogs (:mod:`kinerja.i18n`). Each case here is one representative reject,
with its exact words in both languages: a NIP seen twice, a sheet missing a column, a
NIP typed as a number cell, a date that is no date. The sheet, row, NIP and column of a
reject never depend on the language; only the words do.
"""

from __future__ import annotations

import polars as pl
import pytest

from kinerja.i18n import language
from kinerja.input.nip import check_nip
from kinerja.input.tables import Tables
from kinerja.input.validate import InputSpec, build_dataset

A, B = "198001012005011001", "198001012005011002"


def _employee(nip: object, nama: str = "Ani") -> dict[str, object]:
    return {
        "nip": nip,
        "nama": nama,
        "jabatan": "Analis",
        "unit_kerja": "Dinas",
        "golongan": "III/a",
        "atasan_nip": None,
    }


RATING = {"nip": A, "penilai_nip": B, "kelompok": "atasan", "aspek": "integritas", "nilai": "4"}

CASES = {
    # pegawai rows 2 and 3 hold the same NIP: row 3 is refused, naming row 2
    "duplicate NIP": (
        {"pegawai": [(2, _employee(A)), (3, _employee(A, "Budi"))]},
        ("pegawai", 3, "nip"),
        "duplicate NIP, first seen at pegawai row 2; remove this row",
        "NIP ganda, sudah ada di baris 2 sheet pegawai; hapus baris ini",
    ),
    # capaian has nip, indikator and target but no realisasi: its row 2 is refused
    "missing column": (
        {
            "pegawai": [(2, _employee(A))],
            "capaian": [(2, {"nip": A, "indikator": "IK1", "target": "10"})],
        },
        ("capaian", 2, "realisasi"),
        "sheet capaian is missing the column realisasi (columns found: nip, indikator, "
        "target); add a column with the header realisasi",
        "sheet capaian tidak memiliki kolom realisasi (kolom yang ada: nip, indikator, "
        "target); tambahkan kolom dengan judul realisasi",
    ),
    # the NIP cell is an Excel number (an int cell), which has lost the NIP's text
    "NIP as a number cell": (
        {"pegawai": [(2, _employee(198001012005011002))]},
        ("pegawai", 2, "nip"),
        # 15 significant digits are kept: ...011002 reads back as ...011000
        "NIP is stored as a number (198001012005011000), which loses digits; format the nip "
        "column as Text and re-type it",
        "NIP tersimpan sebagai angka (198001012005011000) sehingga sebagian digitnya hilang; "
        "format kolom nip sebagai Teks (Text) lalu ketik ulang NIP-nya",
    ),
    # 30 February is no date
    "not a date": (
        {
            "pegawai": [(2, _employee(A)), (3, _employee(B, "Budi"))],
            "penilaian": [(2, {**RATING, "tanggal": "2024-02-30"})],
        },
        ("penilaian", 2, "tanggal"),
        "tanggal '2024-02-30' is not a date; write it as "
        "DD/MM/YYYY (31/01/2024), YYYY-MM-DD (2024-01-31) or with the month in words "
        "(31 Januari 2024)",
        "tanggal '2024-02-30' bukan tanggal; tulis sebagai "
        "DD/MM/YYYY (31/01/2024), YYYY-MM-DD (2024-01-31) atau dengan nama bulan "
        "(31 Januari 2024)",
    ),
}


def _rejects(rows: dict, lang: str) -> pl.DataFrame:
    with language(lang):
        return build_dataset(Tables.from_rows(rows), InputSpec()).rejects


def _reason(rejects: pl.DataFrame, sheet: str, row: int) -> tuple[str, str]:
    found = rejects.filter((pl.col("sheet") == sheet) & (pl.col("row") == row))
    assert found.height == 1, found
    return found["reason"].item(), found["column"].item()


@pytest.mark.parametrize("case", list(CASES))
def test_a_reject_reason_is_in_the_language_in_use(case: str) -> None:
    rows, (sheet, row, column), english, indonesian = CASES[case]
    for lang, expected in (("id", indonesian), ("en", english)):
        assert _reason(_rejects(rows, lang), sheet, row) == (expected, column), lang


@pytest.mark.parametrize("case", list(CASES))
def test_only_the_words_depend_on_the_language(case: str) -> None:
    """The same rejects (sheet, row, NIP, column) in both languages, each reason
    translated: also the employee refused for a refused record (the cascade)."""
    rows = CASES[case][0]
    indonesian, english = _rejects(rows, "id"), _rejects(rows, "en")
    where = ["sheet", "row", "nip", "column"]
    assert indonesian.select(where).equals(english.select(where))
    for said, written in zip(indonesian["reason"], english["reason"], strict=True):
        assert said != written


def test_a_cached_nip_check_still_follows_the_language() -> None:
    """check_nip caches what it found per text, not its words: the same text in turn."""
    for lang, expected in (
        ("id", "NIP terdiri dari 3 digit, seharusnya 18 digit"),
        ("en", "NIP has 3 digits, expected 18"),
        ("id", "NIP terdiri dari 3 digit, seharusnya 18 digit"),
    ):
        with language(lang):
            assert check_nip("123") == (None, expected)

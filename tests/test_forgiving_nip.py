"""A NIP typed as a number cell: its pegawai row is refused, and the employee's other
rows point at that row instead of saying the NIP is not in pegawai."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kinerja.cli import main
from kinerja.input.read import read_tables
from kinerja.input.validate import build_dataset
from kinerja.manager import make_manager
from kinerja.regions import load_region_rules

RULES = load_region_rules(make_manager(), "asemrowo")
PEGAWAI = ["nip", "nama", "jabatan", "unit_kerja", "golongan", "atasan_nip"]


def _book(path: Path) -> Path:
    # Budi's NIP 198001012005011001 typed as a number: Excel keeps 15 significant
    # digits, 1.98001012005011e17; his capaian row names him as text
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "pegawai"
    sheet.append(PEGAWAI)
    sheet.append(["198001012005011002", "Ani", "Analis", "Dinas A", "III/a", None])
    sheet.append([198001012005011001, "Budi", "Analis", "Dinas A", "III/a", None])
    capaian = wb.create_sheet("capaian")
    capaian.append(["nip", "indikator", "target", "realisasi"])
    capaian.append(["198001012005011001", "realisasi_program", 100, 90])
    capaian.append(["198001012005011002", "realisasi_program", 100, 95])
    capaian.append(["199001012015011001", "realisasi_program", 100, 95])
    wb.save(path)
    return path


def test_the_records_of_a_number_nip_point_at_its_pegawai_row(tmp_path: Path) -> None:
    batch = build_dataset(read_tables(_book(tmp_path / "in.xlsx")), RULES.input_spec())
    reasons = {(r["sheet"], r["row"]): r["reason"] for r in batch.rejects.rows(named=True)}
    assert reasons[("pegawai", 3)].startswith("NIP is stored as a number")
    assert reasons[("capaian", 2)] == (
        "employee not appraised: their pegawai row 3 was rejected, because the NIP there is "
        "stored as a number; format the nip column of pegawai as Text and type the NIP again"
    )
    # a NIP that is nowhere in pegawai, as text or as a number, is still not found
    assert reasons[("capaian", 4)].startswith("NIP not found in pegawai sheet")
    assert ("capaian", 3) not in reasons  # Ani's row is hers


@pytest.mark.parametrize("lang", ["id"])
def test_in_indonesian_through_the_command_line(tmp_path: Path, lang: str) -> None:
    out = tmp_path / "o.csv"
    args = ["run", "-r", "asemrowo", "-i", str(_book(tmp_path / "in.xlsx")), "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--lang", lang])
    assert result.exit_code == 0, result.output  # Ani is appraised
    rejects = (tmp_path / "o-rejects.csv").read_text(encoding="utf-8-sig")
    assert (
        "capaian,2,198001012005011001,nip,pegawai tidak dinilai: baris 3 sheet pegawai miliknya "
        "ditolak karena NIP di sana tersimpan sebagai angka; format kolom nip sheet pegawai "
        "sebagai Teks (Text) lalu ketik ulang NIP-nya"
    ) in rejects
    # the number cell keeps 15 significant digits: 198001012005011001 shows ...011000
    assert (
        "pegawai,3,1.98001012005011e+17,nip,NIP tersimpan sebagai angka (198001012005011000) "
        "sehingga sebagian "
        "digitnya hilang; format kolom nip sebagai Teks (Text) lalu ketik ulang NIP-nya"
    ) in rejects

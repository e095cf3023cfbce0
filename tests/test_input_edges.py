"""Input that used to crash or vanish: huge and ambiguous numbers, lone surrogates,
repeated sheets and headers, formulas without a saved value, impossible ratings and
objections. Every such row ends in the rejects with a reason a person can act on."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_dataset import SPEC, A, B, C, build, cap, emp, nips, obj, of, only_reject, rate, rejects

from kinerja.frames import Batch
from kinerja.input.read import read_tables, write_tables
from kinerja.input.tables import Tables
from kinerja.input.validate import build_dataset

PEGAWAI = ["nip", "nama", "jabatan", "unit_kerja", "golongan", "atasan_nip"]


def _reasons(ds: Batch, sheet: str) -> list[str]:
    return [r.reason for r in rejects(ds) if r.sheet == sheet]


# --------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (10**400, "100000000000... (401 digits)"),
        (-(10**16), "-10000000000000000"),
        (1e300, "1e+300"),
        ("1" + "0" * 20, "100000000000000000000"),
        ("9" * 400, "999999999999... (400 chars)"),
    ],
)
def test_numbers_beyond_range_are_row_problems(value: object, shown: str) -> None:
    ds = build(capaian=[cap(A, realisasi=value)])
    r = only_reject(ds, "capaian")
    assert r.column == "realisasi"
    assert r.reason == (
        f"realisasi is {shown}, beyond the accepted range of -10^15 to 10^15; check the value"
    )


def test_limit_itself_is_accepted() -> None:
    ds = build(capaian=[cap(A, realisasi=10**15, target="1000000000000000")])
    assert rejects(ds) == [] and of(ds.outcomes, A)[0]["realisasi"] == 1e15


def test_huge_json_integers_do_not_crash(tmp_path: Path) -> None:
    rows = [emp(A)]
    body = json.dumps({"pegawai": rows, "capaian": [cap(A, realisasi=0, target=0)]})
    body = body.replace('"realisasi": 0', '"realisasi": ' + "7" * 400)
    body = body.replace('"target": 0', '"target": ' + "8" * 5000)  # beyond int() conversion
    path = tmp_path / "big.json"
    path.write_text(body, encoding="utf-8")
    ds = build_dataset(read_tables(path), SPEC)
    reason = only_reject(ds, "capaian").reason
    assert "target must be a finite number, found inf" in reason
    assert "realisasi is 777777777777... (400 digits), beyond the accepted range" in reason


def test_huge_integer_in_a_date_or_text_column() -> None:
    # 10**4000: Python cannot turn an integer of more than 4300 digits into text at all
    ds = build(penilaian=[rate(A, tanggal=10**400, catatan=10**4000)])
    reason = only_reject(ds, "penilaian").reason
    assert reason.startswith("tanggal is a number (100000000000... (401 digits)), not a date")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "1.500",
            "realisasi '1.500' could be 1.5 or 1500; write the number without thousands separators",
        ),
        (
            "-2.250",
            "realisasi '-2.250' could be -2.25 or -2250; write the number without thousands "
            "separators",
        ),
        (
            "12.000.000",
            "realisasi '12.000.000' uses . to group thousands; write the number without "
            "thousands separators (12000000)",
        ),
    ],
)
def test_dot_grouped_numbers_are_ambiguous(text: str, reason: str) -> None:
    r = only_reject(build(capaian=[cap(A, realisasi=text)]), "capaian")
    assert (r.column, r.reason) == ("realisasi", reason)


@pytest.mark.parametrize(
    ("value", "number"),
    [("1.500,5", 1500.5), ("1,500.5", 1500.5), ("47,5", 47.5), ("0.500", 0.5), (1.5, 1.5)],
)
def test_unambiguous_numbers_still_read(value: object, number: float) -> None:
    ds = build(capaian=[cap(A, realisasi=value)])
    assert rejects(ds) == [] and of(ds.outcomes, A)[0]["realisasi"] == number


def test_indonesian_semicolon_csv_thousands(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "pegawai.csv").write_text(";".join(PEGAWAI) + f"\n{A};Ani;J;U;III/a;\n")
    capaian = "nip;indikator;target;realisasi\n" + f"{A};IKU1;2.000;1.500\n{A};IKU2;100;95,5\n"
    (folder / "capaian.csv").write_text(capaian)
    ds = build_dataset(read_tables(folder), SPEC)
    reason = only_reject(ds, "capaian").reason
    assert "(1) target '2.000' could be 2 or 2000" in reason
    assert "(2) realisasi '1.500' could be 1.5 or 1500" in reason
    assert ds.employees.is_empty()  # not appraised on partial data


# --------------------------------------------------------------------- text


def test_lone_surrogate_in_json_rejects_its_row(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    pegawai = [emp(A, nama="Ani \ud800"), emp(B), emp(C)]
    penilaian = [rate(B, penilai_nip=C, catatan="bagus \udfff"), rate(B, penilai_nip=C)]
    text = json.dumps({"pegawai": pegawai, "penilaian": penilaian})  # ensure_ascii: \ud800
    path.write_text(text, encoding="utf-8")
    ds = build_dataset(read_tables(path), SPEC)
    nama = [r for r in rejects(ds) if r.sheet == "pegawai" and r.nip == A][0]
    assert (nama.row, nama.column) == (1, "nama")
    assert nama.reason == (
        "nama holds text that is not valid Unicode (a lone surrogate, e.g. from a broken \\u "
        "escape in the JSON); retype the text"
    )
    catatan = only_reject(ds, "penilaian")
    assert (catatan.row, catatan.column) == (1, "catatan") and "lone surrogate" in catatan.reason
    assert nips(ds) == [C]  # B has a rejected row, so is rejected too
    assert ds.rows_in["penilaian"] == 2


def test_lone_surrogate_in_an_unread_column_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"pegawai": [emp(A, keterangan="\ud800")]}), encoding="utf-8")
    ds = build_dataset(read_tables(path), SPEC)
    assert rejects(ds) == [] and ds.employees.height == 1


def test_valid_surrogate_pairs_are_text(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"pegawai": [emp(A, nama="Ani \U0001f600")]}), encoding="utf-8")
    ds = build_dataset(read_tables(path), SPEC)
    assert rejects(ds) == [] and ds.employees["nama"].to_list() == ["Ani \U0001f600"]


# --------------------------------------------------------------------- repeated names


def _sheet(wb: openpyxl.Workbook, title: str, rows: list[list[object]]) -> None:
    ws = wb.create_sheet(title)
    for row in rows:
        ws.append(row)


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        _sheet(wb, title, rows)
    wb.save(path)
    return path


def _pegawai_rows(*nips: str) -> list[list[object]]:
    return [PEGAWAI] + [[n, "Ani", "J", "U", "III/a", None] for n in nips]


def test_two_sheets_read_as_one_table_xlsx(tmp_path: Path) -> None:
    sheets = {"pegawai": _pegawai_rows(A), "Pegawai ": _pegawai_rows(B, C)}
    tables = read_tables(_workbook(tmp_path / "two.xlsx", sheets))
    [problem] = tables.problems
    assert (problem.sheet, problem.row) == ("pegawai", 0)
    assert problem.reason == (
        "The input has two sheets that both read as pegawai: 'pegawai' and 'Pegawai '. Only "
        "'pegawai' was read; 'Pegawai ' was not (its 2 row(s) were not used). Merge them into "
        "one sheet or rename 'Pegawai '."
    )
    ds = build_dataset(tables, SPEC)
    assert rejects(ds)[0] == problem and nips(ds) == [A]


def test_two_csv_files_read_as_one_table(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "Pegawai.csv").write_text("\n".join(",".join(map(str, r)) for r in [PEGAWAI]))
    write_tables({"pegawai": [emp(A)]}, folder)
    problems = read_tables(folder).problems
    assert len(problems) == 1 and "'Pegawai.csv' and 'pegawai.csv'" in problems[0].reason
    assert "its 1 row(s) were not used" in problems[0].reason  # sorted: Pegawai.csv is first


def test_two_json_keys_read_as_one_table(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    text = json.dumps({"pegawai": [emp(A)], "Pegawai": [emp(B), emp(C)]})
    path.write_text(text.replace('"Pegawai"', '"pegawai"'), encoding="utf-8")  # exact repeat
    [problem] = read_tables(path).problems
    assert "two keys that both read as pegawai: 'pegawai' and 'pegawai'" in problem.reason
    assert "its 2 row(s) were not used" in problem.reason


def test_repeated_headers_are_a_problem_xlsx(tmp_path: Path) -> None:
    header = [*PEGAWAI, "NIP ", "Nama", "nama"]
    rows = [header, [A, "Ani", "J", "U", "III/a", None, B, "Budi", "Bu"]]
    tables = read_tables(_workbook(tmp_path / "h.xlsx", {"Pegawai": rows}))
    [problem] = tables.problems
    assert (problem.sheet, problem.row, problem.column) == ("pegawai", 0, "nip, nama")
    assert problem.reason == (
        "sheet 'Pegawai' has columns that name the same column: 'nip' (column A) and 'NIP' "
        "(column G) read as nip; 'nama' (column B) and 'Nama' (column H) and 'nama' "
        "(column I) read as nama. Only the first of each is read, so the values under "
        "the others are ignored; remove or rename them."
    )
    assert tables.frames["pegawai"]["nip"][0] == A  # the first column is the one read


def test_repeated_headers_are_a_problem_csv(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "pegawai.csv").write_text(",".join([*PEGAWAI, "Unit Kerja"]) + "\n")
    [problem] = read_tables(folder).problems
    assert problem.reason.startswith(
        "CSV file 'pegawai.csv' has columns that name the same column: 'unit_kerja' "
        "(column D) and 'Unit Kerja' (column G) read as unit_kerja."
    )


def test_repeated_keys_are_a_problem_json(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    row = json.dumps(emp(A))[:-1] + f', "NIP": "{B}", "nip": "{C}", " Nama": "x"}}'
    repeat = json.dumps(emp(C))[:-1] + f', "nip": "{B}"}}'  # an exact repeat only
    body = ", ".join([json.dumps(emp(B)), row, repeat])
    path.write_text('{"pegawai": [' + body + "]}", encoding="utf-8")
    tables = read_tables(path)
    [problem] = tables.problems
    assert problem.column == "nip, nama"
    assert problem.reason.startswith(
        "table 'pegawai' (first in item 2) has keys that name the same column: 'nip' and "
        "'NIP' read as nip; 'nama' and ' Nama' read as nama. Only the first"
    )
    assert tables.frames["pegawai"]["nip"].to_list() == [B, A, C]  # the first key wins
    path.write_text('{"pegawai": [' + repeat + "]}", encoding="utf-8")
    assert "'nip' repeats. Only the first" in read_tables(path).problems[0].reason


# --------------------------------------------------------------------- formulas


def _patch_sheet(path: Path, title_index: int, edit: dict[str, str]) -> None:
    """Rewrite parts of one worksheet's XML, as another program would have written it."""
    part = f"xl/worksheets/sheet{title_index}.xml"
    with zipfile.ZipFile(path) as z:
        files = {name: z.read(name) for name in z.namelist()}
    xml = files[part].decode()
    for old, new in edit.items():
        assert old in xml, (old, xml)
        xml = xml.replace(old, new)
    files[part] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)


def _formula_workbook(path: Path) -> Path:
    capaian = [
        ["nip", "indikator", "target", "realisasi", "keterangan", "target_maks"],
        [A, "IKU1", 100, "=B9*2", "=X1", None],
        [B, "IKU1", 100, 90, None, None],
        ["=VLOOKUP(1,Z:Z,1)", "=Q1", "=Q2", "=Q3", None, None],
        [C, "IKU1", 100, "=1+1", None, '=IF(1,"",1)'],
    ]
    return _workbook(path, {"pegawai": _pegawai_rows(A, B, C), "capaian": capaian})


def test_formula_without_saved_value_says_so(tmp_path: Path) -> None:
    path = _formula_workbook(tmp_path / "f.xlsx")
    _patch_sheet(  # Excel saved these two: a result 2, and an empty-text result
        path,
        2,
        {
            '<c r="D5"><f>1+1</f><v /></c>': '<c r="D5"><f>1+1</f><v>2</v></c>',
            '<c r="F5"><f>IF(1,"",1)</f><v /></c>': (
                '<c r="F5" t="str"><f>IF(1,"",1)</f><v></v></c>'
            ),
        },
    )
    tables = read_tables(path)
    assert tables.frames["capaian"]["_row"].to_list() == [2, 3, 4, 5]  # row 4 looked blank
    ds = build_dataset(tables, SPEC)
    by_row = {r.row: r for r in rejects(ds) if r.sheet == "capaian"}
    assert set(by_row) == {2, 4}
    assert (by_row[2].column, by_row[2].reason) == (
        "realisasi",
        "the realisasi cell holds a formula with no saved value; open the workbook in Excel "
        "and save it, or type the value",
    )  # keterangan is not read, so its formula does not matter
    assert by_row[4].column == "nip, indikator, target, realisasi"
    assert by_row[4].reason.startswith("(1) the nip cell holds a formula with no saved value")
    assert "must be a number" not in by_row[4].reason and "is empty" not in by_row[4].reason
    [outcome] = of(ds.outcomes, C)
    assert outcome["realisasi"] == 2 and outcome["target_maks"] is None


def test_plain_workbook_has_no_cell_problems(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "plain.xlsx", {"pegawai": _pegawai_rows(A)})
    assert read_tables(path).cell_problems == {}


def test_formulas_in_pegawai_attributes(tmp_path: Path) -> None:
    rows = [[*PEGAWAI, "masa_kerja"], [A, "Ani", "J", "U", "III/a", None, "=2024-2010"]]
    ds = build_dataset(read_tables(_workbook(tmp_path / "a.xlsx", {"pegawai": rows})), SPEC)
    [r] = rejects(ds)
    assert r.column == "masa_kerja" and "formula with no saved value" in r.reason


# --------------------------------------------------------------------- ratings, objections


def test_rater_rating_themself_outside_self_group() -> None:
    ds = build(
        penilaian=[
            rate(B, penilai_nip=B),  # atasan
            rate(A, kelompok="rekan", penilai_nip=A),
            rate(C, kelompok="masyarakat", penilai_nip=C),
            rate(A, kelompok="diri", penilai_nip=A),
        ]
    )
    reasons = {r.row: r for r in rejects(ds) if r.sheet == "penilaian"}
    assert set(reasons) == {2, 3, 4}
    for r in reasons.values():
        assert r.column == "penilai_nip"
        assert r.reason == (
            "penilai_nip is the employee themself; only kelompok self may rate oneself"
        )


def test_duplicate_ratings_after_the_first() -> None:
    ds = build(
        penilaian=[
            rate(A),
            rate(A, aspek="kerjasama"),
            rate(A, nilai=3, aspek="Integritas"),
            rate(A, kelompok="rekan"),
            rate(B, kelompok="citizen", penilai_nip=None),
            rate(B, kelompok="citizen", penilai_nip=""),
            rate(B, kelompok="masyarakat", penilai_nip="warga-1"),
            rate(B, kelompok="citizen", penilai_nip="warga-1"),
            rate(C, kelompok="diri", penilai_nip=None),
            rate(C, kelompok="self", penilai_nip=C),
        ]
    )
    by_row = {r.row: r for r in rejects(ds) if r.sheet == "penilaian"}
    assert set(by_row) == {4, 9, 11}
    assert by_row[4].reason == (
        "duplicate rating: this rater already rated this aspect at penilaian row 2; remove "
        "one of the rows"
    )
    assert "at penilaian row 8" in by_row[9].reason and "at penilaian row 10" in by_row[11].reason


def test_a_rejected_rating_is_not_the_first_of_a_duplicate() -> None:
    ds = build(penilaian=[rate(A, nilai=9), rate(A), rate(A)])
    rows = {r.row: r.reason for r in rejects(ds) if r.sheet == "penilaian"}
    assert rows[2].startswith("nilai 9") and "at penilaian row 3" in rows[4]


def test_objection_filed_before_received() -> None:
    ds = build(keberatan=[obj(A, tanggal_terima="2024-02-01", tanggal_ajuan="2024-01-31")])
    r = only_reject(ds, "keberatan")
    assert r.column == "tanggal_ajuan"
    assert r.reason == (
        "tanggal_ajuan 2024-01-31 is before tanggal_terima 2024-02-01: the objection was filed "
        "before the result was received; check both dates"
    )
    same_day = build(keberatan=[obj(A, tanggal_terima="2024-02-01", tanggal_ajuan="2024-02-01")])
    assert rejects(same_day) == []


def test_employee_cannot_decide_their_own_objection() -> None:
    r = only_reject(build(keberatan=[obj(A, pemutus_nip=A)]), "keberatan")
    assert r.column == "pemutus_nip"
    assert "an employee cannot decide their own objection" in r.reason


def test_cell_problems_on_hand_built_tables() -> None:
    tables = Tables.from_rows({"pegawai": [(2, emp(A)), (3, emp(B))]}, "mem", "0")
    tables.cell_problems["pegawai"] = {2: [("nama", "nama is broken")], 3: [("x", "unread")]}
    ds = build_dataset(tables, SPEC)
    assert [(r.row, r.column, r.reason) for r in rejects(ds)] == [(2, "nama", "nama is broken")]
    assert nips(ds) == [B]

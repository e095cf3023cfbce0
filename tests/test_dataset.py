"""Validation of raw tables into a Batch: NIP checks, every reject rule, the reconciliation."""

from __future__ import annotations

import datetime as dt
import time

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja.frames import Batch
from kinerja.input.tables import Tables
from kinerja.input.validate import NUMBER_NIP, AttributeSpec, InputSpec, build_dataset, check_nip
from kinerja.model import Reject


def nip(i: int, birth: str = "19800101", appointed: str = "200501", sex: str = "1") -> str:
    return f"{birth}{appointed}{sex}{i:03d}"


A, B, C = nip(1), nip(2), nip(3)

SPEC = InputSpec(
    attributes=(
        AttributeSpec("masa_kerja", "number", minimum=0, maximum=40),
        AttributeSpec("tmt", "date"),
        AttributeSpec("pendidikan", "text"),
    ),
    indicators=frozenset({"IKU1", "IKU2", "LAYANAN"}),
    aspects={"integritas": (1.0, 5.0), "kerjasama": (1.0, 5.0)},
    groups=frozenset({"self", "supervisor", "peer", "citizen"}),
    predikat_labels=("Sangat Baik", "Baik", "Butuh Perbaikan"),
)


def emp(n: str, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "nip": n,
        "nama": f"Pegawai {n[-3:]}",
        "jabatan": "Analis",
        "unit_kerja": "Bagian Umum",
        "golongan": "III/a",
        "atasan_nip": None,
    }
    row.update(extra)
    return row


def cap(n: str, **extra: object) -> dict[str, object]:
    return {"nip": n, "indikator": "IKU1", "target": 100, "realisasi": 90, **extra}


def rate(n: str, **extra: object) -> dict[str, object]:
    row = {"nip": n, "penilai_nip": B, "kelompok": "atasan", "aspek": "integritas", "nilai": 4}
    row.update(extra)
    return row


def obj(n: str, **extra: object) -> dict[str, object]:
    row = {
        "nip": n,
        "tanggal_terima": "2024-01-10",
        "tanggal_ajuan": "2024-01-15",
        "pemutus_nip": C,
        "keputusan": "ubah",
        "predikat_baru": "Baik",
        "alasan": "bukti baru",
    }
    row.update(extra)
    return row


def make_tables(**sheets: list[dict[str, object]]) -> Tables:
    tables = {name: [(i + 2, dict(r)) for i, r in enumerate(rows)] for name, rows in sheets.items()}
    return Tables.from_rows(tables, source="mem.xlsx", sha256="abc")


def build(spec: InputSpec = SPEC, **sheets: list[dict[str, object]]) -> Batch:
    if "pegawai" not in sheets:
        sheets["pegawai"] = [emp(A), emp(B), emp(C)]
    return build_dataset(make_tables(**sheets), spec)


def rejects(ds: Batch) -> list[Reject]:
    """The batch's rejects as the records tests compare (sheet, row, nip, reason, column)."""
    return [Reject(**r) for r in ds.rejects.rows(named=True)]


def only_reject(ds: Batch, sheet: str) -> Reject:
    found = [r for r in rejects(ds) if r.sheet == sheet]
    assert len(found) == 1, rejects(ds)
    return found[0]


def nips(ds: Batch) -> list[str]:
    """The appraisable employees' NIPs, in input order."""
    return ds.employees["nip"].to_list()


def of(frame: pl.DataFrame, n: str) -> list[dict[str, object]]:
    """One employee's records (outcomes, ratings or objections), in input order."""
    return frame.filter(pl.col("nip") == n).rows(named=True)


def attributes(ds: Batch, spec: InputSpec = SPEC) -> list[dict[str, object]]:
    """Each employee's declared inputs, by name."""
    names = [a.name for a in spec.attributes]
    return ds.employees.select(names).rows(named=True)


def assert_reconciled(ds: Batch) -> None:
    pegawai_rejects = {r.row for r in rejects(ds) if r.sheet == "pegawai" and r.row > 0}
    assert ds.rows_in["pegawai"] == ds.employees.height + len(pegawai_rejects)


# --------------------------------------------------------------------- check_nip


def test_check_nip_accepts_valid_and_spaced() -> None:
    assert check_nip("198001012005011001") == ("198001012005011001", None)
    assert check_nip(" 19800101 200501 1 001 ") == ("198001012005011001", None)
    assert check_nip("19800101\u00a0200501\u00a01\u00a0001")[0] == "198001012005011001"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        # a number keeps 15 significant digits: ...011001 reads back as ...011000
        (198001012005011001, NUMBER_NIP.format("198001012005011000")),
        (1.98001012005011e17, NUMBER_NIP.format("198001012005011000")),
        ("1.98001E+17", NUMBER_NIP.format("1.98001E+17")),
        (None, "NIP is empty; every row needs the employee's 18-digit NIP"),
        ("   ", "NIP is empty; every row needs the employee's 18-digit NIP"),
        ("19800101200501100", "NIP has 17 digits, expected 18"),
        ("1980010120050110011", "NIP has 19 digits, expected 18"),
        ("198013322005011001", "NIP digits 1-8 (birth date) 19801332 are not a valid date"),
        (
            "193001012005011001",
            "NIP digits 1-8 (birth date) 19300101: year 1930 is not in 1940-2010",
        ),
        (
            "198001012005131001",
            "NIP digits 9-14 (appointment year and month) 200513 are not a valid year and month",
        ),
        (
            "198001012040011001",
            "NIP digits 9-14 (appointment year and month) 204001: year 2040 is not in 1960-2035",
        ),
        ("198001012005013001", "NIP digit 15 (sex) is 3, expected 1 or 2"),
    ],
)
def test_check_nip_reasons(value: object, reason: str) -> None:
    assert check_nip(value) == (None, reason)


def test_check_nip_letters_and_odd_types() -> None:
    nip_, reason = check_nip("19800101200501100X")
    assert nip_ is None and "other than digits" in reason and "'X'" in reason
    assert "date" in check_nip(dt.date(1980, 1, 1))[1]
    assert check_nip(True)[0] is None


@given(
    birth=st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)),
    appointed=st.dates(dt.date(1960, 1, 1), dt.date(2035, 12, 31)),
    sex=st.sampled_from("12"),
    seq=st.integers(0, 999),
)
def test_check_nip_valid_stream(birth: dt.date, appointed: dt.date, sex: str, seq: int) -> None:
    value = f"{birth:%Y%m%d}{appointed:%Y%m}{sex}{seq:03d}"
    assert check_nip(value) == (value, None)


@given(
    st.one_of(
        st.text("0123456789", min_size=17, max_size=17),
        st.text("0123456789", min_size=19, max_size=19),
    )
)
def test_check_nip_wrong_length_fails(value: str) -> None:
    nip_, reason = check_nip(value)
    assert nip_ is None
    assert reason == f"NIP has {len(value)} digits, expected 18"


# --------------------------------------------------------------------- pegawai


def test_valid_dataset_groups_records_in_input_order() -> None:
    ds = build(
        capaian=[cap(A), cap(B), cap(A, indikator="iku2", target="50", realisasi="47,5")],
        penilaian=[
            rate(A),
            rate(A, kelompok="diri", penilai_nip=None),
            rate(B, kelompok="masyarakat", penilai_nip=""),
        ],
        keberatan=[obj(A)],
    )
    assert rejects(ds) == []
    assert nips(ds) == [A, B, C]
    outcomes, ratings, objections = of(ds.outcomes, A), of(ds.ratings, A), of(ds.objections, A)
    assert [o["indikator"] for o in outcomes] == ["IKU1", "IKU2"]
    assert outcomes[1]["realisasi"] == 47.5 and outcomes[1]["bobot"] == 1.0
    assert [r["kelompok"] for r in ratings] == ["supervisor", "self"]
    assert ratings[1]["penilai_nip"] == A  # a self-rating without rater NIP is the employee's
    citizen = of(ds.ratings, B)[0]
    assert citizen["kelompok"] == "citizen" and citizen["penilai_nip"] == ""
    assert objections[0]["keputusan"] == "ubah" and objections[0]["predikat_baru"] == "Baik"
    assert of(ds.outcomes, C) == [] and of(ds.ratings, C) == [] and of(ds.objections, C) == []
    assert ds.rows_in == {"pegawai": 3, "capaian": 3, "penilaian": 3, "keberatan": 1}
    assert (ds.source, ds.sha256) == ("mem.xlsx", "abc")
    assert outcomes[0]["_row"] == 2  # capaian row 2


def test_duplicate_nip_keeps_first() -> None:
    ds = build(pegawai=[emp(A), emp(B), emp(A, nama="Other")])
    assert ds.employees["nama"].to_list() == ["Pegawai 001", "Pegawai 002"]
    r = only_reject(ds, "pegawai")
    assert (r.row, r.nip, r.column) == (4, A, "nip")
    assert r.reason.startswith("duplicate NIP, first seen at pegawai row 2")
    assert_reconciled(ds)


def test_pegawai_field_rejects() -> None:
    ds = build(
        pegawai=[
            emp(A, nama="  "),
            emp(B, nip=198001012005011002),
            emp(C, atasan_nip="123"),
            emp(nip(4), atasan_nip=nip(4)),
            emp(nip(5), atasan_nip="19800101 200501 1 001"),
        ]
    )
    by_row = {r.row: r for r in rejects(ds)}
    assert by_row[2].reason == "nama is empty; fill in the employee's name"
    assert by_row[2].column == "nama"
    # B = 198001012005011002 as a number keeps 15 significant digits: ...011000
    assert by_row[3].reason == NUMBER_NIP.format("198001012005011000")
    assert by_row[3].column == "nip"
    assert by_row[4].reason == "atasan_nip: NIP has 3 digits, expected 18"
    assert "own NIP" in by_row[5].reason
    assert nips(ds) == [nip(5)]
    assert ds.employees["atasan_nip"].to_list() == [A]
    assert_reconciled(ds)


def test_attributes_parsed_by_type() -> None:
    ds = build(
        pegawai=[
            emp(A, masa_kerja="12,5", tmt=dt.datetime(2010, 3, 1), pendidikan=" S1 "),
            emp(B, masa_kerja=7, tmt="2011-04-02", pendidikan=None),
            emp(C, masa_kerja="1.234,5"),
            emp(nip(4), masa_kerja="abc"),
            emp(nip(5), tmt="01/02/10"),  # 01/02/2010 is now read day first
        ]
    )
    a, b = attributes(ds)
    assert a == {"masa_kerja": 12.5, "tmt": "2010-03-01", "pendidikan": "S1"}
    assert b == {"masa_kerja": 7, "tmt": "2011-04-02", "pendidikan": None}  # 7.0 in the frame
    by_row = {r.row: r for r in rejects(ds)}
    assert by_row[4].reason == "masa_kerja is 1234.5, above the maximum 40"
    assert by_row[4].column == "masa_kerja"
    assert by_row[5].reason == "masa_kerja must be a number, found 'abc'"
    assert by_row[6].reason.startswith("tmt '01/02/10' has a two-digit year")
    assert_reconciled(ds)


def test_required_attribute_and_several_problems() -> None:
    spec = InputSpec(attributes=(AttributeSpec("jpm", "number", required=True, minimum=0),))
    ds = build(spec, pegawai=[emp(A, jpm=None), emp(B, jpm=-1, nama=None), emp(C, jpm="80")])
    by_row = {r.row: r for r in rejects(ds)}
    assert by_row[2].reason == "jpm is empty but the region's rules require it"
    assert (
        by_row[3].reason
        == "(1) nama is empty; fill in the employee's name; (2) jpm is -1, below the minimum 0"
    )
    assert by_row[3].column == "nama, jpm"
    assert attributes(ds, spec) == [{"jpm": 80}]


def test_missing_required_column_rejects_whole_sheet() -> None:
    rows = [{"nip": A, "nama": "X", "jabatan": "J", "unit_kerja": "U", "atasan_nip": None}]
    ds = build_dataset(make_tables(pegawai=rows, capaian=[cap(A)]), SPEC)
    assert ds.employees.is_empty()
    r = rejects(ds)[0]
    assert (r.sheet, r.row, r.nip, r.column) == ("pegawai", 2, A, "golongan")
    assert "missing the column golongan" in r.reason
    assert "columns found: nip, nama, jabatan, unit_kerja, atasan_nip" in r.reason
    c = only_reject(ds, "capaian")
    assert c.reason == "employee not appraised: their pegawai row 2 was rejected"
    assert_reconciled(ds)


def test_missing_column_in_record_sheet_rejects_each_row_and_employee() -> None:
    rows = [
        {"nip": A, "indikator": "IKU1", "target": 1},
        {"nip": B, "indikator": "IKU1", "target": 1},
    ]
    ds = build(capaian=rows)
    caps = [r for r in rejects(ds) if r.sheet == "capaian"]
    assert len(caps) == 2 and all("missing the column realisasi" in r.reason for r in caps)
    assert nips(ds) == [C]
    assert_reconciled(ds)


# --------------------------------------------------------------------- records


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            cap(A, target=0),
            "target",
            "target must be positive (achievement is realised / target), found 0",
        ),
        (
            cap(A, target=-5),
            "target",
            "target must be positive (achievement is realised / target), found -5",
        ),
        (cap(A, realisasi="n/a"), "realisasi", "realisasi must be a number, found 'n/a'"),
        (
            cap(A, realisasi="95%"),
            "realisasi",
            "realisasi must be a number, found '95%' (remove the % sign)",
        ),
        (
            cap(A, indikator="IKU_1"),
            "indikator",
            "unknown indicator 'IKU_1' in column indikator; did you mean 'IKU1'? the region's "
            "rules know: IKU1, IKU2, LAYANAN",
        ),
        (cap(A, indikator=None), "indikator", "indikator is empty; give the indicator code"),
        (
            cap(A, target_maks=50),
            "target_maks",
            "target_maks (upper bound of the range) 50 is below target 100",
        ),
        (cap(A, bobot=0), "bobot", "bobot (weight) must be positive, found 0"),
        (cap(A, target=float("nan")), "target", "target must be a finite number, found nan"),
    ],
)
def test_capaian_rejects(row: dict[str, object], column: str, reason: str) -> None:
    ds = build(capaian=[row])
    r = only_reject(ds, "capaian")
    assert (r.row, r.nip, r.column, r.reason) == (2, A, column, reason)


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            rate(A, kelompok="tetangga"),
            "kelompok",
            "kelompok 'tetangga' is not a rater group; use one of self, supervisor, peer, "
            "subordinate, citizen (or diri, atasan, rekan, bawahan, masyarakat)",
        ),
        (
            rate(A, kelompok="Bawahan"),
            "kelompok",
            "rater group 'subordinate' is not used by the region's rules (they use: citizen, "
            "peer, self, supervisor)",
        ),
        (rate(A, penilai_nip="12"), "penilai_nip", "penilai_nip: NIP has 2 digits, expected 18"),
        (
            rate(A, penilai_nip=None),
            "penilai_nip",
            "penilai_nip: NIP is empty; every row needs the employee's 18-digit NIP",
        ),
        (rate(A, nilai=6), "nilai", "nilai 6 is outside the scale 1-5 for aspect integritas"),
        (
            rate(A, aspek="integritass"),
            "aspek",
            "unknown aspect 'integritass' in column aspek; did you mean 'integritas'? the "
            "region's rules know: integritas, kerjasama",
        ),
        (
            rate(A, tanggal="2024-02-30"),
            "tanggal",
            "tanggal '2024-02-30' is not a date; write it as "
            "DD/MM/YYYY (31/01/2024), YYYY-MM-DD (2024-01-31) or with the month in words "
            "(31 Januari 2024)",
        ),
        (
            rate(A, tanggal=45000),
            "tanggal",
            "tanggal is a number (45000), not a date; format the cell as a date or type it as "
            "DD/MM/YYYY (31/01/2024)",
        ),
    ],
)
def test_penilaian_rejects(row: dict[str, object], column: str, reason: str) -> None:
    ds = build(penilaian=[row])
    r = only_reject(ds, "penilaian")
    assert (r.row, r.nip, r.column, r.reason) == (2, A, column, reason)


def test_penilaian_groups_and_citizens() -> None:
    rows = [
        rate(A, kelompok=" Rekan ", penilai_nip=C),
        rate(A, kelompok="MASYARAKAT", penilai_nip="warga-17"),
        rate(A, kelompok="citizen", penilai_nip=None, tanggal=dt.date(2024, 5, 6), catatan="ramah"),
        rate(A, kelompok="supervisor", aspek="KERJASAMA", nilai="4,5"),
    ]
    ds = build(penilaian=rows)
    assert rejects(ds) == []
    fields = ("kelompok", "penilai_nip", "aspek", "nilai", "tanggal", "catatan")
    got = [tuple(r[f] for f in fields) for r in of(ds.ratings, A)]
    assert got == [
        ("peer", C, "integritas", 4.0, None, ""),
        ("citizen", "warga-17", "integritas", 4.0, None, ""),
        ("citizen", "", "integritas", 4.0, "2024-05-06", "ramah"),
        ("supervisor", B, "kerjasama", 4.5, None, ""),
    ]


def test_unrestricted_spec_accepts_any_code() -> None:
    ds = build(
        InputSpec(),
        capaian=[cap(A, indikator="X9")],
        penilaian=[rate(A, aspek="apa", nilai=99, kelompok="bawahan")],
    )
    assert rejects(ds) == []
    assert of(ds.ratings, A)[0]["kelompok"] == "subordinate"


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            obj(A, keputusan="batal"),
            "keputusan",
            "keputusan 'batal' must be 'tetap' (keep the result) or 'ubah' (change it)",
        ),
        (
            obj(A, predikat_baru=None),
            "predikat_baru",
            "predikat_baru is empty; it is required when keputusan is ubah (give the changed "
            "predikat)",
        ),
        (
            obj(A, predikat_baru="Cukup"),
            "predikat_baru",
            "unknown predikat 'Cukup' in column predikat_baru; the region's rules know: Baik, "
            "Butuh Perbaikan, Sangat Baik",
        ),
        (obj(A, alasan=""), "alasan", "alasan is empty; every objection decision needs its reason"),
        (
            obj(A, tanggal_terima=None),
            "tanggal_terima",
            "tanggal_terima is empty; give the date, e.g. 31/01/2024, 2024-01-31 or "
            "31 Januari 2024",
        ),
        (
            obj(A, tanggal_ajuan="15-01-2024"),
            "tanggal_ajuan",
            "tanggal_ajuan '15-01-2024' is not a date; write it as "
            "DD/MM/YYYY (31/01/2024), YYYY-MM-DD (2024-01-31) or with the month in words "
            "(31 Januari 2024)",
        ),
        (
            obj(A, pemutus_nip=198001012005011003),
            "pemutus_nip",
            "pemutus_nip: " + NUMBER_NIP.format("198001012005011000"),
        ),
    ],
)
def test_keberatan_rejects(row: dict[str, object], column: str, reason: str) -> None:
    ds = build(keberatan=[row])
    r = only_reject(ds, "keberatan")
    assert (r.row, r.nip, r.column, r.reason) == (2, A, column, reason)


def test_keberatan_tetap_and_label_case() -> None:
    rows = [obj(A, keputusan="Tetap", predikat_baru=None), obj(B, predikat_baru="sangat baik")]
    ds = build(keberatan=rows)
    assert rejects(ds) == []
    kept, changed = of(ds.objections, A)[0], of(ds.objections, B)[0]
    assert kept["keputusan"] == "tetap" and kept["predikat_baru"] is None
    assert changed["predikat_baru"] == "Sangat Baik"


# --------------------------------------------------------------------- cascade


def test_orphan_rows_are_rejected() -> None:
    stranger = nip(9)
    ds = build(capaian=[cap(stranger)], penilaian=[rate(stranger)])
    for sheet in ("capaian", "penilaian"):
        r = only_reject(ds, sheet)
        assert r.nip == stranger and r.column == "nip"
        assert r.reason.startswith("NIP not found in pegawai sheet")
    assert ds.employees.height == 3
    assert_reconciled(ds)


def test_employee_with_rejected_rows_is_not_appraised() -> None:
    ds = build(
        capaian=[cap(A), cap(A, target=0), cap(B)],
        penilaian=[rate(A, nilai=9), rate(A)],
        keberatan=[obj(A)],
    )
    assert nips(ds) == [B, C]
    assert of(ds.outcomes, A) == [] and of(ds.ratings, A) == [] and of(ds.objections, A) == []
    emp_reject = [r for r in rejects(ds) if r.sheet == "pegawai"]
    assert emp_reject == [
        Reject(
            "pegawai",
            2,
            A,
            "not appraised: 2 of their rows were rejected (capaian row 3, penilaian row 2)",
        )
    ]
    assert_reconciled(ds)
    assert ds.rows_in["pegawai"] == ds.employees.height + len(emp_reject)


def test_single_bad_row_wording_and_invalid_nip_rows() -> None:
    ds = build(capaian=[cap(A, bobot="x"), cap("123")])
    emp_reject = only_reject(ds, "pegawai")
    assert emp_reject.reason == "not appraised: 1 of their rows was rejected (capaian row 2)"
    bad = [r for r in rejects(ds) if r.sheet == "capaian" and r.row == 3][0]
    assert bad.nip == "123" and bad.reason == "NIP has 3 digits, expected 18"


def test_rejects_sorted_and_problems_carried() -> None:
    tables = make_tables(capaian=[cap(A)])
    tables.problems.append(Reject("pegawai", 0, None, "no pegawai sheet"))
    ds = build_dataset(tables, SPEC)
    assert rejects(ds)[0].reason == "no pegawai sheet"
    assert "(the input has no pegawai sheet)" in rejects(ds)[1].reason
    assert ds.rows_in == {"pegawai": 0, "capaian": 1, "penilaian": 0, "keberatan": 0}


def test_reconciliation_on_mixed_input() -> None:
    pegawai = [emp(nip(i)) for i in range(1, 40)] + [emp(nip(3)), emp("bad")]
    capaian = [cap(nip(i), target=(0 if i % 7 == 0 else 10)) for i in range(1, 45)]
    ds = build(pegawai=pegawai, capaian=capaian)
    assert_reconciled(ds)
    assert ds.employees.height == 39 - 5


def test_fast_enough_for_large_batches() -> None:
    n = 10_000
    nips = [nip(i % 1000, birth=f"19{60 + i // 1000:02d}0101") for i in range(n)]
    pegawai = [emp(x) for x in nips]
    capaian = [cap(x, realisasi="95,5") for x in nips for _ in range(2)]
    penilaian = [rate(x, kelompok=g) for x in nips for g in ("diri", "atasan", "rekan")]
    tables = make_tables(pegawai=pegawai, capaian=capaian, penilaian=penilaian)
    start = time.perf_counter()
    ds = build_dataset(tables, SPEC)
    assert time.perf_counter() - start < 10
    assert ds.employees.height == n and rejects(ds) == []

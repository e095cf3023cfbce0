"""Reading and writing tables and results: formats, headers, errors, escaping, determinism."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

import jsonschema
import openpyxl
import polars as pl
import pytest
from test_write import run_of

from kinerja.frames import Batch, RunOutput, StepInfo
from kinerja.input.read import InputError, normalise_header, read_tables, write_tables
from kinerja.input.validate import NUMBER_NIP, AttributeSpec, InputSpec, build_dataset
from kinerja.model import Reject, RunInfo
from kinerja.output.atomic import atomic_path, atomic_write
from kinerja.output.writers import rejects_path, run_to_dict, write_run

A, B = "198001012005011001", "198502022010012002"
SPEC = InputSpec(
    attributes=(AttributeSpec("masa_kerja", "number"), AttributeSpec("tmt", "date")),
    indicators=frozenset({"IKU1", "IKU2"}),
    aspects={"integritas": (1.0, 5.0)},
    groups=frozenset({"supervisor", "peer", "citizen"}),
    predikat_labels=("Baik", "Sangat Baik"),
)
SAMPLE: dict[str, list[dict[str, object]]] = {
    "pegawai": [
        {
            "nip": A,
            "nama": "Ani Lestari",
            "jabatan": "Analis",
            "unit_kerja": "Umum",
            "golongan": "III/a",
            "atasan_nip": B,
            "masa_kerja": 12,
            "tmt": "2010-01-01",
        },
        {
            "nip": B,
            "nama": "=Budi",
            "jabatan": "Kepala",
            "unit_kerja": "Umum",
            "golongan": "IV/a",
            "atasan_nip": None,
            "masa_kerja": 20.5,
            "tmt": None,
        },
    ],
    "capaian": [
        {"nip": A, "indikator": "IKU1", "target": 100, "realisasi": 95.5, "bobot": 2},
        {"nip": B, "indikator": "IKU2", "target": 10, "realisasi": 12, "target_maks": 15},
    ],
    "penilaian": [
        {
            "nip": A,
            "penilai_nip": B,
            "kelompok": "atasan",
            "aspek": "integritas",
            "nilai": 4,
            "tanggal": "2024-02-01",
            "catatan": "teliti, tepat waktu",
        },
        {
            "nip": A,
            "penilai_nip": "warga 1",
            "kelompok": "masyarakat",
            "aspek": "integritas",
            "nilai": 5,
        },
    ],
    "keberatan": [
        {
            "nip": A,
            "tanggal_terima": "2024-03-01",
            "tanggal_ajuan": "2024-03-05",
            "pemutus_nip": B,
            "keputusan": "ubah",
            "predikat_baru": "Sangat Baik",
            "alasan": "bukti baru",
        },
    ],
}
SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "input.schema.json"


def summary(ds: Batch) -> tuple:
    """The dataset's content without row numbers (which differ between formats)."""
    frames = (ds.employees, ds.outcomes, ds.ratings, ds.objections)
    return tuple(frame.drop("_row").rows() for frame in frames)


def _rejects(ds) -> list[Reject]:
    """A dataset's rejects as records, to compare with expected ones."""
    return [Reject(**row) for row in ds.rejects.iter_rows(named=True)]


# --------------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", ["in.xlsx", "in.json", "in_csv"])
def test_round_trip(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_tables(SAMPLE, path)
    tables = read_tables(path)
    assert tables.source == str(path) and len(tables.sha256) == 64 and tables.problems == []
    ds = build_dataset(tables, SPEC)
    assert _rejects(ds) == []
    assert ds.rows_in == {"pegawai": 2, "capaian": 2, "penilaian": 2, "keberatan": 1}
    first_row = 1 if name.endswith(".json") else 2
    assert ds.employees["_row"][0] == first_row
    employees = ds.employees.rows(named=True)
    assert employees[1]["nama"] == "=Budi"
    assert (employees[0]["masa_kerja"], employees[0]["tmt"]) == (12, "2010-01-01")
    assert (employees[1]["masa_kerja"], employees[1]["tmt"]) == (20.5, None)
    outcomes = {r["nip"]: r for r in ds.outcomes.rows(named=True)}
    assert outcomes[A]["bobot"] == 2 and outcomes[B]["target_maks"] == 15
    ratings = ds.ratings.filter(pl.col("nip") == A).rows(named=True)
    assert [r["kelompok"] for r in ratings] == ["supervisor", "citizen"]
    assert ratings[0]["catatan"] == "teliti, tepat waktu"
    assert ds.objections.filter(pl.col("nip") == A)["predikat_baru"][0] == "Sangat Baik"
    reference = build_dataset(read_tables(_write(tmp_path / "ref.json")), SPEC)
    assert summary(ds) == summary(reference)


def _write(path: Path) -> Path:
    write_tables(SAMPLE, path)
    return path


def test_xlsx_nips_are_text_cells(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.xlsx")
    ws = openpyxl.load_workbook(path)["pegawai"]
    assert ws["A2"].value == A and ws["A2"].data_type == "s" and ws["A2"].number_format == "@"
    assert ws["B3"].value == "=Budi" and ws["B3"].data_type == "s"  # text, not a formula


def test_json_input_matches_schema(tmp_path: Path) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    doc = json.loads(_write(tmp_path / "in.json").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(doc)) == []
    for table in ("pegawai", "capaian", "penilaian", "keberatan"):
        for column, prop in schema["properties"][table]["items"]["properties"].items():
            assert prop.get("description"), (table, column)


# --------------------------------------------------------------------- reading details


def test_header_normalisation_and_blank_rows_xlsx(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = " Pegawai "
    ws.append(
        [" NIP ", "Nama", "JABATAN", "Unit Kerja", "golongan", "Atasan-NIP", "Masa  Kerja", "x"]
    )
    ws.append([A, "Ani", "J", "U", "III/a", None, 3, "ignored"])
    ws.append([None, None, "  ", None])
    ws.append([B, "Budi", "J", "U", "IV/a", None, 4, None])
    wb.create_sheet("Catatan").append(["anything"])
    path = tmp_path / "h.xlsx"
    wb.save(path)
    tables = read_tables(path)
    assert list(tables.frames) == ["pegawai"]
    assert tables.columns["pegawai"][:7] == [
        "nip",
        "nama",
        "jabatan",
        "unit_kerja",
        "golongan",
        "atasan_nip",
        "masa_kerja",
    ]
    assert tables.frames["pegawai"]["_row"].to_list() == [2, 4]
    assert tables.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    ds = build_dataset(tables, SPEC)
    assert ds.employees["_row"].to_list() == [2, 4]
    assert ds.rows_in["pegawai"] == 2


def test_normalise_header() -> None:
    assert normalise_header("  Target - Maks ") == "target_maks"
    assert normalise_header("Penilai NIP") == "penilai_nip"


def test_xlsx_numeric_nip_cell_gets_specific_reason(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "pegawai"
    ws.append(["nip", "nama", "jabatan", "unit_kerja", "golongan", "atasan_nip"])
    ws.append([198001012005011001, "Ani", "J", "U", "III/a", None])
    path = tmp_path / "n.xlsx"
    wb.save(path)
    ds = build_dataset(read_tables(path), InputSpec())
    assert ds.employees.is_empty()
    first = _rejects(ds)[0]
    # Excel keeps 15 significant digits: ...011001 is stored as 198001012005011000
    assert first.reason == NUMBER_NIP.format("198001012005011000")
    assert (first.sheet, first.row, first.column) == ("pegawai", 2, "nip")


def test_csv_semicolon_bom_and_case(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    text = f"NIP;Nama;Jabatan;Unit Kerja;Golongan;Atasan NIP\n{A};Ani;J;U;III/a;\n;;;;;\n"
    (folder / "Pegawai.csv").write_bytes(text.encode("utf-8-sig"))
    tables = read_tables(folder)
    assert tables.frames["pegawai"].rows(named=True) == [
        {
            "_row": 2,
            "nip": A,
            "nama": "Ani",
            "jabatan": "J",
            "unit_kerja": "U",
            "golongan": "III/a",
            "atasan_nip": None,
        }
    ]


def test_csv_folder_hash_follows_content(tmp_path: Path) -> None:
    one, two = _write(tmp_path / "one"), _write(tmp_path / "two")
    (one / "notes.txt").write_text("not part of the input")
    assert read_tables(one).sha256 == read_tables(two).sha256
    (two / "capaian.csv").write_text("nip,indikator,target,realisasi\n", encoding="utf-8")
    assert read_tables(one).sha256 != read_tables(two).sha256


@pytest.mark.parametrize("kind", ["xlsx", "csv", "json"])
def test_missing_pegawai_is_a_problem(tmp_path: Path, kind: str) -> None:
    only_capaian = {"capaian": SAMPLE["capaian"]}
    path = tmp_path / {"xlsx": "x.xlsx", "csv": "folder", "json": "x.json"}[kind]
    write_tables(only_capaian, path)
    tables = read_tables(path)
    assert len(tables.problems) == 1
    problem = tables.problems[0]
    assert (problem.sheet, problem.row, problem.nip) == ("pegawai", 0, None)
    assert "no pegawai" in problem.reason and "capaian" in problem.reason
    ds = build_dataset(tables, SPEC)
    assert _rejects(ds)[0] == problem and ds.employees.is_empty()
    assert all("NIP not found in pegawai sheet" in r.reason for r in _rejects(ds)[1:])


def test_json_bad_rows_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"Pegawai": [SAMPLE["pegawai"][1], 5, {}], "capaian": {}}))
    tables = read_tables(path)
    reasons = [(p.sheet, p.row) for p in tables.problems]
    assert reasons == [("pegawai", 2), ("capaian", 0)]
    ds = build_dataset(tables, InputSpec())
    assert ds.rows_in["pegawai"] == 2 and len(ds.employees) == 1


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bad.xlsx", b"this is not a zip", "Cannot read"),
        ("bad.json", b'{"pegawai": [', "invalid JSON at line 1"),
        ("list.json", b"[1, 2]", "must be an object"),
        ("latin.json", b'{"pegawai": "\xe9"}', "not UTF-8"),
        ("old.xls", b"x", "Save As .xlsx"),
        ("one.csv", b"x", "give the folder"),
        ("notes.txt", b"x", "unsupported file type"),
    ],
)
def test_unreadable_inputs_raise_input_error(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_tables(path)
    message = str(info.value)
    assert expected in message and "Traceback" not in message
    assert name in message


def test_missing_path_and_bad_csv_encoding(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Input not found.*xlsx"):
        read_tables(tmp_path / "nope.xlsx")
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "pegawai.csv").write_bytes("nip,nama\n1,Andr\u00e9\n".encode("cp1252"))
    with pytest.raises(InputError, match="CSV UTF-8"):
        read_tables(folder)


# --------------------------------------------------------------------- results


def make_run(rejects: list[tuple] | None = None) -> RunOutput:
    """Two results: Ani with every part and risky text, Budi with a true component only."""
    ani = {
        "nip": A, "nama": '=HYPERLINK("http://x")', "jabatan": "Analis", "unit_kerja": "Umum",
        "x": 1.0, "IKU1": 95.5, "integritas": 4.0, "skp": 1 / 3, "extra": True,
        "score": -1.23456789, "predikat": "Baik", "peer_rank": "1/2", "status": "final",
    }  # fmt: skip
    budi = {"nip": B, "nama": "Budi", "jabatan": "Kepala", "unit_kerja": "Umum", "extra": True}
    steps = (StepInfo("skp", "Nilai SKP", "mean(x)", ("x",)), StepInfo("extra", "Extra", "1", ()))
    default = [("pegawai", 4, "-123", "NIP has 3 digits, expected 18", "nip")]
    return run_of(
        [ani, {**budi, "status": "final"}],
        components=steps,
        info=RunInfo(
            "kasemen", "2024.1", "ab" * 32, "in.xlsx", "cd" * 32, "0.1.0",
            {"pegawai": 3, "capaian": 2}, 3, 2, 1, 1,
        ),
        rejects=default if rejects is None else rejects,
        indicators=[(A, "IKU1", "Layanan", "normal", 100.0, 95.5, None, 95.5, -4.5, 1.0)],
        aspects=[(A, "integritas", "Integritas", 4.0, True)],
        groups=[(A, "integritas", "supervisor", 1, 4.0, 0.6, 0.6, "used")],
        notes=[(A, "integritas", "@teliti")],
        stages=[(A, "atasan", "Penilaian atasan", "done", "")],
        flags=[(A, "bias", "rater too lenient", "info")],
        feedback=[(A, "+ tingkatkan"), (A, "bagus")],
        recommendations=[(A, "latih", "-ikut pelatihan")],
        audit=[
            (A, "keberatan", "Baik", "Sangat Baik", B, "2024-03-10", "bukti", "keberatan:2"),
        ],
    )  # fmt: skip


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_run_json(tmp_path: Path) -> None:
    run = make_run()
    files = write_run(run, tmp_path / "hasil.json", "json")
    assert files == [tmp_path / "hasil.json", tmp_path / "hasil-rejects.csv"]
    doc = json.loads((tmp_path / "hasil.json").read_text(encoding="utf-8"))
    assert doc == json.loads(json.dumps(run_to_dict(run)))
    assert doc["run"]["region"] == "kasemen" and doc["run"]["rows_in"]["pegawai"] == 3
    first = doc["results"][0]
    assert first["status"] == "final" and doc["results"][1]["status"] == "final"
    # numbers to the rules' precision: round(1/3, 9)
    assert first["score"] == -1.23456789 and first["components"][0]["value"] == 0.333333333
    assert first["aspects"][0]["groups"][0]["effective_weight"] == 0.6
    assert first["nama"].startswith("=")  # JSON is data, not a spreadsheet
    assert doc["rejects"][0]["column"] == "nip"


def test_run_csv_wide_table_and_escaping(tmp_path: Path) -> None:
    write_run(make_run(), tmp_path / "hasil.csv", "csv")
    rows = read_csv(tmp_path / "hasil.csv")
    header, first, second = rows
    assert header == [
        "nip",
        "nama",
        "jabatan",
        "unit_kerja",
        "score",
        "predikat",
        "status",
        "peer_rank",
        "skp",
        "extra",  # every result has every component: they come before capaian and aspek
        "capaian.IKU1",
        "aspek.integritas",
        "feedback",
        "recommendations",
        "flags",
    ]
    row = dict(zip(header, first, strict=True))
    assert row["nip"] == A
    assert row["nama"] == '\'=HYPERLINK("http://x")'
    assert row["score"] == "-1.2346" and row["skp"] == "0.3333" and row["capaian.IKU1"] == "95.5"
    assert row["feedback"] == "'+ tingkatkan | bagus"
    assert row["recommendations"] == "'-ikut pelatihan"
    assert row["flags"] == "bias: rater too lenient"
    assert dict(zip(header, second, strict=True))["extra"] == "true"
    rejects = read_csv(tmp_path / "hasil-rejects.csv")
    assert rejects == [
        ["sheet", "row", "nip", "column", "reason"],
        ["pegawai", "4", "'-123", "nip", "NIP has 3 digits, expected 18"],
    ]


def test_run_xlsx_sheets(tmp_path: Path) -> None:
    write_run(make_run(), tmp_path / "hasil.xlsx", "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "hasil.xlsx")
    assert wb.sheetnames == ["results", "details", "rejects", "info"]
    hasil = wb["results"]
    assert hasil["A2"].value == A and hasil["A2"].number_format == "@"
    # xlsx keeps risky text as a text cell, without the apostrophe CSV needs
    assert hasil["B2"].value == '=HYPERLINK("http://x")' and hasil["B2"].data_type == "s"
    header = [c.value for c in hasil[1]]
    score = hasil.cell(2, header.index("Score") + 1)
    assert score.value == -1.23456789 and score.number_format == "0.00"
    kinds = {row[1] for row in wb["details"].iter_rows(min_row=2, values_only=True)}
    assert kinds == {"indicator", "aspect", "group", "component", "stage", "flag", "audit"}
    penolakan = list(wb["rejects"].iter_rows(values_only=True))
    assert penolakan[0] == ("Sheet", "Row", "NIP", "Column", "Reason")
    assert penolakan[1][2] == "-123" and wb["rejects"]["C2"].data_type == "s"
    info = dict(wb["info"].iter_rows(min_row=2, values_only=True))
    assert info["region"] == "kasemen" and info["rows_in.pegawai"] == 3
    assert wb.properties.created == dt.datetime(2000, 1, 1)
    with zipfile.ZipFile(tmp_path / "hasil.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "parquet"])
def test_rejects_file_always_written(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    files = write_run(make_run(rejects=[]), path, fmt)  # type: ignore[arg-type]
    assert files[:2] == [path, rejects_path(path)] and rejects_path(path).name == "out-rejects.csv"
    assert read_csv(rejects_path(path)) == [["sheet", "row", "nip", "column", "reason"]]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "parquet"])
def test_run_output_is_deterministic(tmp_path: Path, fmt: str) -> None:
    one = write_run(make_run(), tmp_path / "a" / f"r.{fmt}", fmt)  # type: ignore[arg-type]
    two = write_run(make_run(), tmp_path / "b" / f"r.{fmt}", fmt)  # type: ignore[arg-type]
    for x, y in zip(one, two, strict=True):
        assert x.read_bytes() == y.read_bytes()


@pytest.mark.parametrize("name", ["t.xlsx", "t.json", "t_csv"])
def test_write_tables_is_deterministic(tmp_path: Path, name: str) -> None:
    one, two = _write(tmp_path / "a" / name), _write(tmp_path / "b" / name)
    files = sorted(one.iterdir()) if one.is_dir() else [one]
    assert files
    for f in files:
        assert f.read_bytes() == (two / f.name if two.is_dir() else two).read_bytes()


def test_unknown_format_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown output format"):
        write_run(make_run(), tmp_path / "x.pdf", "pdf")  # type: ignore[arg-type]


# --------------------------------------------------------------------- atomic


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.txt"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]


def test_atomic_path_keeps_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]

"""The downloads of ``kinerja publish``: CSV, XLSX and JSON of the published table, and
their ``datapackage.json``. Safe cells (no formula a spreadsheet runs), the same values
in every form, and a descriptor whose fields, sizes and hashes match the files."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from kinerja.output.write_cells import RISKY_START, UNSTORABLE
from kinerja.publish.columns import column
from kinerja.publish.datapackage import (
    PackageFile,
    PackageMeta,
    created_text,
    descriptor,
    package_name,
    run_sources,
)
from kinerja.publish.downloads import (
    json_bytes,
    published_table,
    write_csv,
    write_downloads,
    write_xlsx,
)

CREATED = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)
RULES_SHA = "ab" * 32
INPUT_SHA = "cd" * 32
CODES = ["nama", "unit_kerja", "score", "percentile"]
COLUMNS = [column(code) for code in CODES]
SAMPLE = pl.DataFrame(
    {
        "nama": ['=HYPERLINK("http://x")', "＋1", "@SUM(A1)", "Siti </script>"],
        "unit_kerja": ["-5 bagian", "Dinas Pendidikan", "Dinas Pendidikan", None],
        # 70.1 + 0.2 is 70.30000000000001 in floats: 70.3 to 4 (CSV) and 9 (JSON) decimals
        "score": [87.25, None, 70.1 + 0.2, 91.0],
        "percentile": [50, None, 0, 100],
    }
)
NAME_PATTERN = re.compile(r"^[a-z0-9._-]+$")


def meta(license: str | None = "CC-BY-4.0", created: dt.datetime = CREATED) -> PackageMeta:
    return PackageMeta(
        name="Kota Sawahlunto",
        title="Hasil penilaian kinerja 2026",
        description="Nilai dan predikat pegawai Kota Sawahlunto.",
        created=created,
        version="2026.1",
        sources=run_sources("2026.1", RULES_SHA, INPUT_SHA),
        license=license,
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_downloads(SAMPLE, COLUMNS, tmp_path, name="sawahlunto", meta=meta())
    return tmp_path


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def risky_escaped(text: str) -> str:
    """What a text cell should hold: ``'`` before a formula-looking text."""
    return "'" + text if text.startswith(RISKY_START) else text


# ------------------------------------------------------------------------------ files


def test_writes_the_three_forms_and_the_descriptor(tmp_path: Path) -> None:
    paths = write_downloads(SAMPLE, COLUMNS, tmp_path, name="sawahlunto", meta=meta())
    names = ["sawahlunto.csv", "sawahlunto.xlsx", "sawahlunto.json", "datapackage.json"]
    assert paths == [tmp_path / name for name in names]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


@pytest.mark.parametrize("name", ["", "../x", "sub/x", ".hidden"])
def test_a_name_with_a_folder_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="plain file name"):
        write_downloads(SAMPLE, COLUMNS, tmp_path, name=name, meta=meta())
    assert list(tmp_path.iterdir()) == []


# -------------------------------------------------------------------------------- CSV


def test_csv_has_codes_safe_text_and_numbers_as_kinerja_shows_them(site: Path) -> None:
    raw = (site / "sawahlunto.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfnama,unit_kerja,score,percentile\r\n")
    assert csv_rows(site / "sawahlunto.csv") == [
        CODES,
        ['\'=HYPERLINK("http://x")', "'-5 bagian", "87.25", "50"],
        ["'＋1", "Dinas Pendidikan", "", ""],
        ["'@SUM(A1)", "Dinas Pendidikan", "70.3", "0"],
        ["Siti </script>", "", "91", "100"],
    ]


# ------------------------------------------------------------------------------- XLSX


def test_xlsx_holds_text_cells_only_prefixed_where_risky(site: Path) -> None:
    book = openpyxl.load_workbook(site / "sawahlunto.xlsx")
    assert book.sheetnames == ["results"]
    sheet = book["results"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.data_type for c in cells if c.data_type == "f"] == []
    assert b"<f>" not in sheet_xml(site / "sawahlunto.xlsx")
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [
        ["Name", "Work unit", "Score", "Percentile"],
        ['\'=HYPERLINK("http://x")', "'-5 bagian", 87.25, 50],
        ["'＋1", "Dinas Pendidikan", None, None],
        ["'@SUM(A1)", "Dinas Pendidikan", 70.3, 0],
        ["Siti </script>", None, 91, 100],
    ]
    assert sheet["A2"].data_type == "s" and sheet["C2"].data_type == "n"


def test_xlsx_header_is_frozen_filtered_and_columns_fit(site: Path) -> None:
    sheet = openpyxl.load_workbook(site / "sawahlunto.xlsx")["results"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D5"
    assert sheet["A1"].font.b
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    # A: the longest name, '=HYPERLINK("http://x") (23 characters), + 2 = 25;
    # B: "Dinas Pendidikan" (16) + 2 = 18; C: "87.25" (5) < the 6 minimum, + 2 = 8;
    # D: "Percentile" (10) + 2 = 12. XlsxWriter stores a width w as w + 5/7 rounded to 1/256.
    assert {k: round(w) for k, w in widths.items()} == {"A": 26, "B": 19, "C": 9, "D": 13}
    assert not any(dim.hidden for dim in sheet.column_dimensions.values())
    assert not any(dim.hidden for dim in sheet.row_dimensions.values())


def test_xlsx_bytes_depend_on_the_data_and_meta_created_only(tmp_path: Path) -> None:
    first, second, later = (tmp_path / n for n in ("a.xlsx", "b.xlsx", "c.xlsx"))
    published = published_table(SAMPLE, COLUMNS)
    write_xlsx(published, COLUMNS, first, meta())
    write_xlsx(published, COLUMNS, second, meta())
    write_xlsx(published, COLUMNS, later, meta(created=CREATED + dt.timedelta(days=1)))
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != later.read_bytes()
    with zipfile.ZipFile(first) as archive:
        core = archive.read("docProps/core.xml")
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert b">2026-12-01T08:30:00Z</dcterms:created>" in core


# ------------------------------------------------------------------------------- JSON


def test_json_round_trips_with_columns_and_typed_rows(site: Path) -> None:
    raw = (site / "sawahlunto.json").read_text(encoding="utf-8")
    assert "</" not in raw and "Siti <\\/script>" in raw
    assert "＋1" in raw  # non-ASCII as is
    data = json.loads(raw)
    assert data["columns"][0] == {
        "name": "nama",
        "type": "string",
        "title": "Name",
        "description": "The employee's name.",
    }
    assert [c["name"] for c in data["columns"]] == CODES
    assert data["rows"] == [
        {
            "nama": '=HYPERLINK("http://x")',
            "unit_kerja": "-5 bagian",
            "score": 87.25,
            "percentile": 50,
        },
        {"nama": "＋1", "unit_kerja": "Dinas Pendidikan", "score": None, "percentile": None},
        {"nama": "@SUM(A1)", "unit_kerja": "Dinas Pendidikan", "score": 70.3, "percentile": 0},
        {"nama": "Siti </script>", "unit_kerja": None, "score": 91.0, "percentile": 100},
    ]


def test_json_bytes_refuses_nan_and_escapes_only_the_closing_tag() -> None:
    assert json_bytes({"a": "</b> <c"}) == b'{"a":"<\\/b> <c"}\n'
    with pytest.raises(ValueError):
        json_bytes({"a": float("nan")})


def test_published_table_types_each_column() -> None:
    table = pl.DataFrame(
        {"score": [1 / 3, float("inf"), None], "percentile": [33.0, float("nan"), 7.0]}
    )
    out = published_table(table, [column("score"), column("percentile")])
    # 1/3 to 9 decimals is 0.333333333; inf and nan are no number: null
    assert out.to_dict(as_series=False) == {
        "score": [0.333333333, None, None],
        "percentile": [33, None, 7],
    }
    assert out.schema == pl.Schema({"score": pl.Float64, "percentile": pl.Int64})
    as_text = published_table(pl.DataFrame({"nama": [2.5, None]}), [column("nama")])
    assert as_text["nama"].to_list() == ["2.5", None]
    with pytest.raises(ValueError, match="fraction"):
        published_table(pl.DataFrame({"percentile": [33.5]}), [column("percentile")])
    with pytest.raises(TypeError):
        published_table(pl.DataFrame({"score": ["87"]}), [column("score")])


# ----------------------------------------------------------------------- datapackage


def test_datapackage_describes_the_files_it_lists(site: Path) -> None:
    package = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"]
    assert package["name"] == "kota-sawahlunto"
    assert package["created"] == "2026-12-01T08:30:00Z"
    assert package["licenses"] == [{"name": "CC-BY-4.0"}]
    assert package["sources"] == [
        {
            "title": "The region's appraisal rules",
            "version": "2026.1",
            "hash": f"sha256:{RULES_SHA}",
        },
        {
            "title": "The appraisal data the results were computed from",
            "hash": f"sha256:{INPUT_SHA}",
        },
    ]
    names = [r["name"] for r in package["resources"]]
    assert names == ["sawahlunto", "sawahlunto-xlsx", "sawahlunto-json"]
    assert all(NAME_PATTERN.match(n) for n in [package["name"], *names])
    for resource in package["resources"]:
        data = (site / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    table = package["resources"][0]
    assert table["profile"] == "tabular-data-resource"
    assert (table["format"], table["mediatype"], table["encoding"]) == (
        "csv",
        "text/csv",
        "utf-8-sig",
    )
    assert table["dialect"]["lineTerminator"] == "\r\n"
    fields = table["schema"]["fields"]
    assert [f["name"] for f in fields] == csv_rows(site / "sawahlunto.csv")[0]
    assert [f["type"] for f in fields] == ["string", "string", "number", "integer"]
    assert fields[1]["title"] == "Work unit"
    assert table["schema"]["missingValues"] == [""]


def test_datapackage_without_license_has_no_licenses() -> None:
    files = [PackageFile("x.csv", 3, "00" * 32)]
    assert "licenses" not in descriptor(meta(license=None), COLUMNS, files)
    with_url = descriptor(meta(license="https://example.org/l"), COLUMNS, files)
    assert with_url["licenses"] == [{"path": "https://example.org/l"}]
    with pytest.raises(ValueError):
        descriptor(meta(), COLUMNS, [PackageFile("x.parquet", 3, "00" * 32)])


def test_created_is_utc_rfc3339() -> None:
    wib = dt.timezone(dt.timedelta(hours=7))
    assert created_text(dt.datetime(2026, 12, 1, 15, 30, tzinfo=wib)) == "2026-12-01T08:30:00Z"
    assert created_text(dt.datetime(2026, 12, 1, 8, 30)) == "2026-12-01T08:30:00Z"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kota Sawahlunto 2026", "kota-sawahlunto-2026"),
        ("Kab. Aceh Tenggara", "kab.-aceh-tenggara"),
        ("Śawahlunto/Ω", "sawahlunto"),
        ("!!!", "kinerja"),
    ],
)
def test_package_name(text: str, name: str) -> None:
    assert package_name(text) == name


@given(st.text())
def test_package_name_is_always_a_valid_name(text: str) -> None:
    assert NAME_PATTERN.match(package_name(text))


# ------------------------------------------------------------------ properties: cells

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_CELL = st.one_of(
    st.none(),
    _TEXT,
    st.builds(str.__add__, st.sampled_from([*RISKY_START, "'", "\x00", "\x01", " "]), _TEXT),
)
_CELLS = st.lists(_CELL, min_size=1, max_size=8)


def _texts(cells: list[str | None]) -> pl.DataFrame:
    """The cells as names, with a score so that no row is empty."""
    return published_table(
        pl.DataFrame(
            {"nama": cells, "score": [1.5] * len(cells)}, schema_overrides={"nama": pl.String}
        ),
        [column("nama"), column("score")],
    )


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cells")


@settings(max_examples=60, deadline=None)
@given(cells=_CELLS)
def test_no_csv_cell_starts_as_a_formula(scratch: Path, cells: list[str | None]) -> None:
    path = scratch / "t.csv"
    write_csv(_texts(cells), [column("nama"), column("score")], path)
    rows = csv_rows(path)
    assert rows[0] == ["nama", "score"]
    shown = [row[0] for row in rows[1:]]
    assert not any(cell.startswith(RISKY_START) for cell in shown)
    # the CSV drops NUL; then only the added ' differs from the text
    assert shown == [risky_escaped((c or "").replace("\x00", "")) for c in cells]


@settings(max_examples=30, deadline=None)
@given(cells=_CELLS)
def test_xlsx_text_cells_are_the_text_prefixed_where_risky(
    scratch: Path, cells: list[str | None]
) -> None:
    path = scratch / "t.xlsx"
    write_xlsx(_texts(cells), [column("nama"), column("score")], path, meta())
    assert b"<f>" not in sheet_xml(path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("results").to_python()
    shown = [row[0] for row in rows[1:]]
    assert not any(cell.startswith(RISKY_START) for cell in shown)
    # the workbook drops what it cannot store; then only the added ' differs
    assert shown == [risky_escaped(re.sub(UNSTORABLE, "", c or "")) for c in cells]

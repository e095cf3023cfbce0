"""Output that used to crash or mislead: control characters and lone surrogates in text,
an unwritable rejects file, formula-looking text in xlsx, and self-rated sample data.

A frame cannot hold a lone surrogate (polars refuses it): the input readers turn one
into a reject, and only the run's metadata (a file name) can still carry one."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from cli_helpers import REGIONS, cli
from click.testing import CliRunner
from test_io import make_run, read_csv

from kinerja.authoring.sample import generate
from kinerja.frames import RunOutput
from kinerja.input.nip import check_nip
from kinerja.input.read import Tables, read_tables, write_tables
from kinerja.input.validate import build_dataset
from kinerja.manager import make_manager
from kinerja.output.write_cells import csv_text, escape_formula
from kinerja.output.writers import rejects_path, write_run
from kinerja.regions import load_region_rules


def _odd_run(nama: str, reason: str) -> RunOutput:
    run = make_run(rejects=[("penilaian", 7, "19800101", reason, "catatan")])
    first = pl.int_range(pl.len()) == 0
    run.results = run.results.with_columns(
        pl.when(first).then(pl.lit(nama)).otherwise(pl.col("nama")).alias("nama")
    )
    run.feedback = pl.DataFrame({"nip": [run.results["nip"][0]], "text": [nama]})
    return run


# --------------------------------------------------------------------- odd characters


def test_control_characters_do_not_break_xlsx(tmp_path: Path) -> None:
    run = _odd_run("Ani\x01 Les\x0btari\x1f", "catatan '\x07' is odd")
    write_run(run, tmp_path / "hasil.xlsx", "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "hasil.xlsx")
    assert wb["results"]["B2"].value == "Ani Lestari"
    assert wb["rejects"]["E2"].value == "catatan '' is odd"
    assert read_csv(tmp_path / "hasil-rejects.csv")[1][4] == "catatan '\x07' is odd"


def test_control_characters_in_input_format_xlsx(tmp_path: Path) -> None:
    rows = [{"nip": "198001012005011001", "nama": "Ani\x02", "catatan": "=1+\x03"}]
    write_tables({"pegawai": rows}, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["pegawai"]
    assert [c.value for c in ws[2]] == ["198001012005011001", "Ani", "=1+"]
    assert ws["C2"].data_type == "s"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "parquet"])
def test_lone_surrogates_do_not_break_writers(tmp_path: Path, fmt: str) -> None:
    with pytest.raises(UnicodeEncodeError):
        _odd_run("Ani \ud800", "catatan 'x\udfff' is odd")  # no frame holds one
    run = _odd_run("Ani", "catatan is odd")
    run.info = dataclasses.replace(run.info, input="in \udcff.xlsx")  # a file name can
    path = tmp_path / f"hasil.{fmt}"
    write_run(run, path, fmt)  # type: ignore[arg-type]
    if fmt == "xlsx":
        info = dict(openpyxl.load_workbook(path)["info"].iter_rows(values_only=True))
        assert info["input"] == "in \ufffd.xlsx"
    elif fmt == "json":
        assert json.loads(path.read_bytes())["run"]["input"] == "in ?.xlsx"
    elif fmt == "parquet":
        assert json.loads(pl.read_parquet_metadata(path)["kinerja.run"])["input"] == "in ?.xlsx"
    assert read_csv(rejects_path(path))[1][4] == "catatan is odd"


@pytest.mark.parametrize("name", ["t.json", "t_csv"])
def test_lone_surrogates_in_input_format_text(tmp_path: Path, name: str) -> None:
    write_tables({"pegawai": [{"nip": "1", "nama": "Ani \ud800"}]}, tmp_path / name)
    tables = read_tables(tmp_path / name)
    assert tables.frames["pegawai"]["nama"][0] == "Ani ?"


def test_run_with_odd_text_in_json_input(tmp_path: Path) -> None:
    rules = load_region_rules(make_manager(), "kasemen")
    tables = generate(rules, 12, seed=3)
    tables["pegawai"][0]["nama"] = "Ani\x01"
    tables["pegawai"][1]["nama"] = "Budi \ud800"
    tables["penilaian"][0]["catatan"] = "bagus\x1b"
    source = tmp_path / "in.json"
    source.write_text(json.dumps(tables), encoding="utf-8")
    out = tmp_path / "hasil.xlsx"
    cli(CliRunner(), "run", "-r", "kasemen", "-i", source, "-o", out)
    wb = openpyxl.load_workbook(out)
    names = [row[1] for row in wb["results"].iter_rows(min_row=2, values_only=True)]
    assert "Ani" in names and not any("Budi" in n for n in names)
    reasons = [row[4] for row in wb["rejects"].iter_rows(min_row=2, values_only=True)]
    assert any("nama holds text that is not valid Unicode" in r for r in reasons)


# --------------------------------------------------------------------- failing writes


def test_unwritable_rejects_file_is_a_clean_error(tmp_path: Path) -> None:
    rules = load_region_rules(make_manager(), "kasemen")
    source = tmp_path / "in.json"
    write_tables(generate(rules, 5, seed=1), source)
    out = tmp_path / "hasil.xlsx"
    rejects_path(out).mkdir()
    result = cli(CliRunner(), "run", "-r", "kasemen", "-i", source, "-o", out, code=2)
    assert result.output.startswith("Error: cannot write ")
    assert "hasil-rejects.csv: Is a directory. The results were not written" in result.output
    assert not out.exists()  # no results without their rejects
    assert [p.name for p in tmp_path.iterdir()] == sorted(["in.json", "hasil-rejects.csv"])


def test_rejects_are_written_before_results(tmp_path: Path) -> None:
    out = tmp_path / "hasil.csv"
    out.mkdir()
    with pytest.raises(IsADirectoryError):
        write_run(make_run(), out, "csv")
    assert read_csv(rejects_path(out))[1][0] == "pegawai"
    rejects_path(out).unlink()
    out.rmdir()
    rejects_path(out).mkdir()
    with pytest.raises(IsADirectoryError):
        write_run(make_run(), out, "csv")
    assert not out.exists()


# --------------------------------------------------------------------- formula-looking text


def test_xlsx_keeps_formula_looking_text_as_text(tmp_path: Path) -> None:
    write_run(make_run(), tmp_path / "hasil.xlsx", "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "hasil.xlsx")
    hasil = {c.value: i for i, c in enumerate(wb["results"][1])}
    row = wb["results"][2]
    for column, text in [
        ("Name", '=HYPERLINK("http://x")'),
        ("Feedback", "+ tingkatkan\nbagus"),  # one feedback item a line
        ("Recommendations", "-ikut pelatihan"),
    ]:
        cell = row[hasil[column]]
        assert (cell.value, cell.data_type) == (text, "s"), column
    write_run(make_run(), tmp_path / "hasil.csv", "csv")  # CSV cells have no type: keep the '
    assert read_csv(tmp_path / "hasil.csv")[1][1] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("\uff1dHYPERLINK(1)", "'\uff1dHYPERLINK(1)"),  # fullwidth = + - @ as well
        ("\uff0bx", "'\uff0bx"),
        ("\uff0d3", "'\uff0d3"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        ("\tx", "'\tx"),
        ("a\x00b", "ab"),  # NUL is dropped
        ("\x00=1", "'=1"),  # dropped first, so the formula it hid is escaped
        ("Siti", "Siti"),
    ],
)
def test_csv_neutralises_every_formula_start(text: str, cell: str) -> None:
    assert csv_text(pl.Series([text])).to_list() == [cell]
    assert escape_formula(text) == cell


# --------------------------------------------------------------------- sample data


@pytest.mark.parametrize("region", REGIONS)
def test_sample_data_has_no_self_rated_supervisors(region: str) -> None:
    rules = load_region_rules(make_manager(), region)
    tables = generate(rules, 40, seed=2026)
    nips = {p["nip"] for p in tables["pegawai"]}
    ratings = tables.get("penilaian", [])
    for r in ratings:
        assert r["penilai_nip"] != r["nip"] or r["kelompok"] == "self", r
    top = [p["nip"] for p in tables["pegawai"] if not p["atasan_nip"]]
    assert len(top) == 1
    outside = {r["penilai_nip"] for r in ratings if r["kelompok"] == "supervisor"} - nips
    if "supervisor" in rules.rater_groups and any(r["nip"] == top[0] for r in ratings):
        assert len(outside) == 1 and check_nip(outside.pop())[1] is None
    else:
        assert outside == set()
    data = {n: list(enumerate(rows, start=2)) for n, rows in tables.items()}
    ds = build_dataset(Tables.from_rows(data, "sample", "0", []), rules.input_spec())
    assert ds.rejects.filter(pl.col("sheet").is_in(["penilaian", "keberatan"])).is_empty()

"""Synthetic sample data: deterministic, valid, shaped by the rules, written and read back."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.authoring.sample import (
    FILING_DAYS,
    SPOILT_VALUE,
    TRUNCATED,
    UNIT_SIZE,
    UNITS,
    generate,
    generate_frames,
    generate_lazy,
)
from kinerja.cli import main
from kinerja.errors import KinerjaError
from kinerja.input.nip import check_nip
from kinerja.input.read import read_tables
from kinerja.manager import make_manager
from kinerja.output.tables import EXCEL_ROWS, write_tables
from kinerja.pipeline import appraise_tables
from kinerja.regions import load_region_rules
from kinerja.rules import RuleSet

REGIONS = ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto")
PM = make_manager()
RULES = {region: load_region_rules(PM, region) for region in REGIONS}


def frames(region: str, n: int = 60, seed: int = 5, bad_rows: int = 0) -> dict[str, pl.DataFrame]:
    return generate_frames(RULES[region], n, seed=seed, bad_rows=bad_rows)


# --------------------------------------------------------------------- determinism


@pytest.mark.parametrize("region", REGIONS)
def test_same_seed_same_frames_other_seed_other_frames(region: str) -> None:
    first, again, other = frames(region), frames(region), frames(region, seed=6)
    assert list(first) == list(again)
    assert all(first[name].equals(again[name]) for name in first)
    assert not first["pegawai"].equals(other["pegawai"])


def test_lazy_tables_are_the_frames() -> None:
    rules = RULES["kutacane"]
    rows: dict[str, int] = {}
    lazy = generate_lazy(rules, 45, seed=2, bad_rows=3, rows=rows)
    eager = generate_frames(rules, 45, seed=2, bad_rows=3)
    assert list(lazy) == list(eager)
    for name, frame in lazy.items():
        assert frame.collect().equals(eager[name])
        assert rows[name] == eager[name].height  # counted while generated
    assert lazy["penilaian"].head(5).collect().equals(eager["penilaian"].head(5))


# --------------------------------------------------------------------- the model


def test_units_heads_and_supervisors() -> None:
    # 120 employees: max(8 units, ceil(120 / 50) = 3) = 8 units of 15, round-robin;
    # employee 0 heads the organisation and unit 0, employees 1-7 head units 1-7
    pegawai = frames("kasemen", n=120)["pegawai"]
    nip, boss = pegawai["nip"].to_list(), pegawai["atasan_nip"].to_list()
    assert boss[0] is None and boss[1:8] == [nip[0]] * 7
    assert boss[8] == nip[0] and boss[9] == nip[1] and boss[119] == nip[119 % 8]
    assert pegawai["unit_kerja"].to_list()[:9] == [*UNITS, UNITS[0]]
    assert Counter(pegawai["unit_kerja"]).most_common(1)[0][1] == 15


def test_units_grow_with_the_workforce() -> None:
    # 1,000 employees: ceil(1000 / 50) = 20 units, the ninth named "Dinas Pendidikan 2"
    units = frames("asemrowo", n=1000)["pegawai"]["unit_kerja"]
    assert units.n_unique() == 1000 // UNIT_SIZE == 20
    assert units[8] == f"{UNITS[0]} 2" and units[19] == f"{UNITS[3]} 3"


@pytest.mark.parametrize("region", REGIONS)
def test_nips_are_valid_and_distinct(region: str) -> None:
    pegawai = frames(region, n=300)["pegawai"]
    assert pegawai["nip"].n_unique() == 300
    for nip in pegawai["nip"].to_list():
        assert check_nip(nip) == (nip, None)
        born, appointed = date(int(nip[:4]), int(nip[4:6]), int(nip[6:8])), int(nip[8:12])
        assert appointed >= born.year + 22  # appointed after the 21st birthday's year


@pytest.mark.parametrize("region", REGIONS)
def test_outcomes_follow_the_indicators(region: str) -> None:
    rules = RULES[region]
    tables = frames(region)
    if not rules.indicators:
        assert "capaian" not in tables
        return
    capaian = tables["capaian"]
    per = capaian.group_by("nip").agg(pl.len(), pl.col("indikator").n_unique().alias("codes"))
    assert per.height == 60 and per["len"].is_between(1, 3).all()
    assert (per["len"] == per["codes"]).all()  # distinct indicators per employee
    assert set(capaian["indikator"]) <= set(rules.indicators)
    kind = capaian["indikator"].replace_strict({c: i.kind for c, i in rules.indicators.items()})
    ranged = capaian.filter(kind == "range")
    assert (ranged["target_maks"] == ranged["target"] + 10).all()
    assert capaian.filter(kind != "range")["target_maks"].null_count() == (kind != "range").sum()
    assert set(capaian["bobot"]) <= {1, 2}


def _group_counts(rules: RuleSet, tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    ratings = tables["penilaian"]
    return ratings.group_by("nip", "kelompok").agg(pl.col("penilai_nip").n_unique().alias("n"))


@pytest.mark.parametrize("region", ["kasemen", "lampung", "sawahlunto", "kutacane"])
def test_ratings_follow_the_rater_groups(region: str) -> None:
    rules = RULES[region]
    tables = frames(region, n=400)
    ratings = tables["penilaian"]
    nips = set(tables["pegawai"]["nip"])
    assert set(ratings["kelompok"]) <= set(rules.rater_groups)
    for aspect in rules.aspects.values():
        rated = set(ratings.filter(pl.col("aspek") == aspect.code)["kelompok"])
        assert rated <= set(aspect.groups)
    low, high = ratings["nilai"].min(), ratings["nilai"].max()
    assert 1 <= low and high <= 5  # every region here rates on 1-5
    counts = _group_counts(rules, tables)
    for name, group in rules.rater_groups.items():
        n = counts.filter(pl.col("kelompok") == name)["n"]
        assert n.max() <= group.min_count + 2
        below = 400 - (n >= group.min_count).sum()  # employees under the group's minimum
        if name != "subordinate":  # only heads have subordinates
            assert 0 < below < 400 * 0.15, (name, below)
    own = ratings.filter(pl.col("nip") == pl.col("penilai_nip"))
    assert set(own["kelompok"]) <= {"self"}
    citizens = ratings.filter(pl.col("kelompok") == "citizen")["penilai_nip"]
    assert citizens.str.contains(r"^W\d{7}$").all()
    others = ratings.filter(pl.col("kelompok") != "citizen")["penilai_nip"]
    outside = set(others) - nips
    assert len(outside) <= 1  # the secretary, who rates the head of the organisation


@pytest.mark.parametrize("region", ["kasemen", "sawahlunto"])
def test_peers_and_subordinates_are_colleagues(region: str) -> None:
    tables = frames(region, n=200)
    unit = dict(tables["pegawai"].select("nip", "unit_kerja").iter_rows())
    boss = dict(tables["pegawai"].select("nip", "atasan_nip").iter_rows())
    ratings = tables["penilaian"]
    for nip, rater in (
        ratings.filter(pl.col("kelompok") == "peer")
        .select("nip", "penilai_nip")
        .unique()
        .iter_rows()
    ):
        assert unit[nip] == unit[rater] and nip != rater
    for nip, rater in (
        ratings.filter(pl.col("kelompok") == "supervisor")
        .select("nip", "penilai_nip")
        .unique()
        .iter_rows()
    ):
        assert boss[nip] == rater or boss[nip] is None
    subordinates = ratings.filter(pl.col("kelompok") == "subordinate").select("nip", "penilai_nip")
    for nip, rater in subordinates.unique().iter_rows():
        assert boss[rater] == nip


def test_supervisor_notes_come_with_low_ratings() -> None:
    # scale 1-5: a rating of at most 1 + 4/2 - 0.5 = 2.5, i.e. 1 or 2, has a note
    ratings = frames("kasemen", n=400)["penilaian"]
    noted = ratings.filter(pl.col("catatan").is_not_null())
    assert noted.height and (noted["kelompok"] == "supervisor").all()
    assert (noted["nilai"] <= 2).all()
    low = ratings.filter((pl.col("kelompok") == "supervisor") & (pl.col("nilai") <= 2))
    assert low.height == noted.height
    assert noted["catatan"][0].endswith(": perlu ditingkatkan, bahas contoh konkret.")


def test_stage_dates_follow_the_stage_order() -> None:
    # lampung: stage 1 self (1 Nov), stage 2 supervisor (11 Nov), stage 3 feedback
    # (21 Nov), each dated 0-3 days after its stage's day
    tables = frames("lampung", n=200)
    days = (
        tables["penilaian"]
        .group_by("kelompok")
        .agg(pl.col("tanggal").min().alias("first"), pl.col("tanggal").max().alias("last"))
    )
    spans = {row[0]: row[1:] for row in days.iter_rows()}
    assert spans["self"] == ("2026-11-01", "2026-11-04")
    assert spans["supervisor"] == ("2026-11-11", "2026-11-14")
    feedback = tables["pegawai"]["tanggal_umpan_balik"]
    assert (
        feedback.drop_nulls().min() == "2026-11-21" and feedback.drop_nulls().max() == "2026-11-24"
    )
    assert 0 < feedback.null_count() < 200 * 0.2  # about 10% not held yet


def test_objections() -> None:
    tables = frames("kutacane", n=1000)
    keberatan = tables["keberatan"]
    assert 1000 * 0.02 < keberatan.height < 1000 * 0.08  # about 5%
    boss = dict(tables["pegawai"].select("nip", "atasan_nip").iter_rows())
    top = tables["pegawai"]["nip"][0]
    for nip, decider in keberatan.select("nip", "pemutus_nip").iter_rows():
        assert decider == (boss[boss[nip]] or boss[nip]) and nip != top
    received = keberatan["tanggal_terima"].str.to_date()
    filed = keberatan["tanggal_ajuan"].str.to_date()
    assert set((filed - received).dt.total_days()) <= set(FILING_DAYS)
    changed = keberatan.filter(pl.col("keputusan") == "ubah")
    assert (changed["predikat_baru"] == RULES["kutacane"].predikat_labels[1]).all()
    assert keberatan.filter(pl.col("keputusan") == "tetap")["predikat_baru"].null_count() > 0
    assert "keberatan" not in frames("kasemen")  # no objection window in its rules


def test_bad_rows() -> None:
    # 4 bad rows in turn: truncated NIP, text in realisasi, duplicate, truncated NIP
    clean, spoilt = frames("kasemen", n=50), frames("kasemen", n=50, bad_rows=4)
    pegawai = spoilt["pegawai"]
    assert pegawai.height == 50 + 3 and pegawai.head(50).equals(clean["pegawai"])
    extra = pegawai.tail(3)
    assert extra["nip"].str.len_chars().to_list() == [17, 18, 17]
    assert extra["nama"].str.ends_with(TRUNCATED).to_list() == [True, False, True]
    assert extra.row(1) in pegawai.head(50).rows()  # an exact duplicate
    realisasi = spoilt["capaian"]["realisasi"]
    assert realisasi.dtype == pl.String and (realisasi == SPOILT_VALUE).sum() == 1
    rows = generate(RULES["kasemen"], 50, seed=5, bad_rows=4)["capaian"]
    kinds = Counter(type(r["realisasi"]).__name__ for r in rows)
    assert kinds == {"float": len(rows) - 1, "str": 1}  # each cell keeps its type


def test_generate_is_the_rows_of_the_frames() -> None:
    tables = generate(RULES["kutacane"], 20, seed=4)
    eager = generate_frames(RULES["kutacane"], 20, seed=4)
    assert {name: frame.to_dicts() for name, frame in eager.items()} == tables
    assert tables["pegawai"][0]["atasan_nip"] is None


@settings(max_examples=15, deadline=None)
@given(
    region=st.sampled_from(REGIONS),
    n=st.integers(1, 70),
    seed=st.integers(0, 10**6),
    bad_rows=st.integers(0, 4),
)
def test_any_sample_is_consistent(region: str, n: int, seed: int, bad_rows: int) -> None:
    tables = generate_frames(RULES[region], n, seed=seed, bad_rows=bad_rows)
    pegawai = tables["pegawai"].head(n)
    nips = set(pegawai["nip"])
    assert len(nips) == n and pegawai["atasan_nip"].null_count() == 1
    assert set(pegawai["atasan_nip"].drop_nulls()) <= nips
    assert all(check_nip(nip)[1] is None for nip in list(nips)[:20])
    for name in ("capaian", "penilaian", "keberatan"):
        if name in tables:
            assert set(tables[name]["nip"]) <= nips
    if "penilaian" in tables:
        ratings = tables["penilaian"]
        own = ratings.filter(pl.col("nip") == pl.col("penilai_nip"))
        assert set(own["kelompok"]) <= {"self"}
    if "keberatan" in tables:
        assert set(tables["keberatan"]["pemutus_nip"]) <= nips


# --------------------------------------------------------------------- writing and reading


def _text(frame: pl.DataFrame) -> list[list[str | None]]:
    """Rows as the text a CSV holds."""
    return [[None if v is None else str(v) for v in row] for row in frame.rows()]


def test_csv_folder_round_trips(tmp_path: Path) -> None:
    tables = frames("kutacane", bad_rows=3)
    write_tables(tables, tmp_path / "csv")
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(
        f"{name}.csv" for name in tables
    )
    raw = (tmp_path / "csv" / "pegawai.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfnip,nama,") and b"\r\n" in raw
    for name, frame in tables.items():
        back = pl.read_csv(tmp_path / "csv" / f"{name}.csv", infer_schema=False)
        assert back.columns == frame.columns and _text(back) == _text(frame)


def test_parquet_folder_round_trips(tmp_path: Path) -> None:
    tables = frames("sawahlunto", bad_rows=2)
    write_tables(tables, tmp_path / "pq", "parquet")
    for name, frame in tables.items():
        assert pl.read_parquet(tmp_path / "pq" / f"{name}.parquet").equals(frame)
    again = tmp_path / "again"
    write_tables(frames("sawahlunto", bad_rows=2), again, "parquet")
    for name in tables:  # the same tables give the same bytes
        assert (again / f"{name}.parquet").read_bytes() == (
            tmp_path / "pq" / f"{name}.parquet"
        ).read_bytes()


def test_json_from_frames_round_trips(tmp_path: Path) -> None:
    tables = frames("kutacane", n=25, bad_rows=2)
    write_tables({name: frame.lazy() for name, frame in tables.items()}, tmp_path / "t.json")
    doc = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert list(doc) == list(tables)
    assert {name: frame.to_dicts() for name, frame in tables.items()} == doc


def test_a_sheet_longer_than_excel_is_refused(tmp_path: Path) -> None:
    column = pl.Series("nip", ["1"]).extend_constant("1", EXCEL_ROWS - 1)
    with pytest.raises(KinerjaError, match="more than an Excel sheet holds"):
        write_tables({"pegawai": pl.DataFrame([column])}, tmp_path / "big.xlsx")
    assert not (tmp_path / "big.xlsx").exists()


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_sample_folder_appraises(tmp_path: Path, region: str, form: str) -> None:
    rules = RULES[region]
    write_tables(generate_lazy(rules, 40, seed=9, bad_rows=3), tmp_path / "in", form)
    out = appraise_tables(rules, read_tables(tmp_path / "in"), PM)
    info = out.info
    # bad rows in turn: a truncated NIP, text in realisasi (without indicators: another
    # duplicate), a duplicate employee
    assert info.employees_in == 40 + (2 if rules.indicators else 3)
    assert info.employees_in == info.appraised + info.rejected_employees
    assert info.appraised >= 40 - 3 and info.rejected_employees >= 2


# --------------------------------------------------------------------- the command


def test_sample_data_command_writes_parquet(tmp_path: Path) -> None:
    out = tmp_path / "pq"
    args = ["sample-data", "-r", "lampung", "-n", "30", "-o", str(out), "--format", "parquet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["pegawai.parquet", "penilaian.parquet"]
    ratings = pl.read_parquet(out / "penilaian.parquet")
    assert ratings.equals(generate_frames(RULES["lampung"], 30)["penilaian"])
    assert result.output == f"Wrote {out} (pegawai 30, penilaian {ratings.height} rows)\n"


def test_sample_data_format_needs_a_folder(tmp_path: Path) -> None:
    args = ["sample-data", "-r", "lampung", "-o", str(tmp_path / "x.xlsx"), "--format", "csv"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "--format is for a folder output" in result.output


def test_rows_to_a_parquet_folder(tmp_path: Path) -> None:
    # rows keep one type per column in Parquet: a column mixing numbers and text is text
    rows = generate(RULES["asemrowo"], 12, seed=3, bad_rows=2)
    write_tables(rows, tmp_path / "pq", "parquet")
    capaian = pl.read_parquet(tmp_path / "pq" / "capaian.parquet")
    assert capaian.height == len(rows["capaian"]) and capaian["realisasi"].dtype == pl.String
    assert (capaian["realisasi"] == SPOILT_VALUE).sum() == 1
    assert pl.read_parquet(tmp_path / "pq" / "pegawai.parquet")["nip"].to_list() == [
        r["nip"] for r in rows["pegawai"]
    ]


def test_sample_data_refuses_a_workbook_excel_cannot_open(tmp_path: Path) -> None:
    # 40,000 Kasemen employees have about 27 rating rows each: over a million rows
    out = tmp_path / "big.xlsx"
    result = CliRunner().invoke(
        main, ["sample-data", "-r", "kasemen", "-n", "40000", "-o", str(out)]
    )
    assert result.exit_code == 2 and not out.exists()
    assert result.output.startswith(f"Error: cannot write {out}: table penilaian has 1,0")
    assert result.output.endswith("Write a folder of CSV or Parquet files instead.\n")

"""The national synthetic workforce: one set of tables that every installed region reads."""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.authoring.sample import national_tables
from kinerja.authoring.sample.national import (
    generate_national_frames,
    generate_national_lazy,
    national_plan,
    national_rules,
    planted_units,
)
from kinerja.authoring.sample.national_places import PROVINCES
from kinerja.authoring.sample.national_union import union_calendar, union_rules
from kinerja.cli import main
from kinerja.errors import KinerjaError
from kinerja.input.nip import check_nip
from kinerja.input.read import read_tables
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables
from kinerja.pipeline import appraise_tables
from kinerja.rules import RuleSet

TODAY = date(2026, 12, 1)
PM = make_manager()
REGIONS = national_rules(PM, on=TODAY)
NAMES = tuple(REGIONS)
N, SEED = 3000, 11
"""3000 employees: ceil(3000 / 50) = 60 units."""


@cache
def tables(n: int = N, seed: int = SEED) -> dict[str, pl.DataFrame]:
    return generate_national_frames(REGIONS, n, seed)


@cache
def counts() -> pl.DataFrame:
    """Per employee and rater group: how many distinct raters (0 when none)."""
    ratings = tables()["penilaian"]
    per = ratings.group_by("nip", "kelompok").agg(pl.col("penilai_nip").n_unique().alias("n"))
    wide = per.pivot("kelompok", index="nip", values="n")
    frame = (
        tables()["pegawai"]
        .select("nip", "unit_kerja", "atasan_nip")
        .join(wide, on="nip", how="left")
    )
    return frame.with_columns(
        pl.col(g).fill_null(0) for g in ("supervisor", "peer", "citizen", "self", "subordinate")
    )


def test_the_shipped_regions_are_served() -> None:
    assert NAMES == ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto")
    assert list(tables()) == ["pegawai", "capaian", "penilaian", "keberatan"]  # kutacane objects


# --------------------------------------------------------------------- determinism


def test_same_seed_same_tables_other_seed_other_tables() -> None:
    first, again = tables(), generate_national_frames(REGIONS, N, SEED)
    assert all(first[name].equals(again[name]) for name in first)
    other = tables(N, SEED + 1)
    assert not first["pegawai"].equals(other["pegawai"])
    assert not first["penilaian"].equals(other["penilaian"])


@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_same_seed_byte_identical_files(tmp_path: Path, form: str) -> None:
    def make(name: str, seed: int) -> bytes:
        write_tables(generate_national_lazy(REGIONS, 150, seed), tmp_path / name, form)
        return b"|".join(f.read_bytes() for f in sorted((tmp_path / name).iterdir()))

    assert make("a", 4) == make("b", 4)
    assert make("c", 5) != make("a", 4)


def test_tables_are_made_a_chunk_of_employees_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # bounded memory, without timing it: with chunks of 400, 1000 employees are made in
    # ceil(1000 / 400) = 3 chunks per table, none holding rows of more than 400 employees,
    # and the lazy tables stream exactly those chunks
    monkeypatch.setattr(national_tables, "CHUNK", 400)
    plan = national_plan(REGIONS, 1000, 3)
    for chunks in (national_tables.pegawai_chunks, national_tables.capaian_chunks):
        parts = list(chunks(plan))
        assert [p["nip"].n_unique() for p in parts] == [400, 400, 200]
    ratings = list(national_tables.penilaian_chunks(plan))
    assert len(ratings) == 3 and max(p["nip"].n_unique() for p in ratings) <= 400
    rows: dict[str, int] = {}
    lazy = generate_national_lazy(REGIONS, 1000, 3, rows=rows)
    eager = generate_national_frames(REGIONS, 1000, 3)
    assert list(lazy) == list(eager)
    for name, frame in lazy.items():
        assert frame.collect().equals(eager[name])
        assert rows[name] == eager[name].height
    assert pl.concat(ratings).equals(eager["penilaian"])


# --------------------------------------------------------------------- every region's needs


@pytest.mark.parametrize("region", NAMES)
def test_every_region_finds_what_it_reads(region: str) -> None:
    rules, data = REGIONS[region], tables()
    pegawai = data["pegawai"]
    if rules.indicators:
        mine = data["capaian"].filter(pl.col("indikator").is_in(list(rules.indicators)))
        assert set(mine["indikator"]) == set(rules.indicators)
        assert set(mine["nip"]) == set(pegawai["nip"])  # everyone has this region's indicators
    pairs = set(data["penilaian"].select("aspek", "kelompok").unique().iter_rows())
    wanted = {(code, group) for code, aspect in rules.aspects.items() for group in aspect.groups}
    assert wanted <= pairs
    for name, spec in rules.inputs.items():
        column = pegawai[name]
        if spec.required:
            assert column.null_count() == 0, name
        if spec.type == "number":
            low = spec.minimum if spec.minimum is not None else -np.inf
            high = spec.maximum if spec.maximum is not None else np.inf
            assert column.min() >= low and column.max() <= high, name


@pytest.mark.parametrize("region", NAMES)
def test_values_keep_every_region_s_scales_and_period(region: str) -> None:
    rules, data = REGIONS[region], tables()
    first, last = rules.valid_from, rules.valid_to or "9999-12-31"
    ratings = data["penilaian"]
    for code, aspect in rules.aspects.items():
        values = ratings.filter(pl.col("aspek") == code)["nilai"]
        assert aspect.scale[0] <= values.min() and values.max() <= aspect.scale[1], code
    if rules.aspects:
        mine = ratings.filter(pl.col("aspek").is_in(list(rules.aspects)))["tanggal"]
        assert first <= mine.min() and mine.max() <= last
    for name, spec in rules.inputs.items():
        if spec.type == "date":
            dates = data["pegawai"][name].drop_nulls()
            assert first <= dates.min() and dates.max() <= last, name


def _stage_dates(data: dict[str, pl.DataFrame], kind: str, subject: str) -> pl.Series:
    if kind == "ratings":
        return data["penilaian"].filter(pl.col("kelompok") == subject)["tanggal"]
    return data["pegawai"][subject].drop_nulls()


@pytest.mark.parametrize("region", NAMES)
def test_every_region_s_stages_come_in_its_order(region: str) -> None:
    rules, data = REGIONS[region], tables()
    stages = {s.id: s for s in rules.stages}
    for stage in rules.stages:
        if stage.after is None:
            continue
        earlier = stages[stage.after]
        before = _stage_dates(data, earlier.kind, earlier.subject)
        mine = _stage_dates(data, stage.kind, stage.subject)
        assert before.max() <= mine.min(), (stage.id, earlier.id)


def _own_tables(rules: RuleSet, data: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The national tables restricted to the codes ``rules`` know (what comparison reads)."""
    own = {"pegawai": data["pegawai"]}
    if rules.indicators:
        own["capaian"] = data["capaian"].filter(pl.col("indikator").is_in(list(rules.indicators)))
    if rules.aspects:
        rated = pl.lit(False)
        for code, aspect in rules.aspects.items():
            mine = (pl.col("aspek") == code) & pl.col("kelompok").is_in(list(aspect.groups))
            rated = rated | mine
        own["penilaian"] = data["penilaian"].filter(rated)
    if rules.objection_window_days is not None:
        own["keberatan"] = data["keberatan"]
    return own


@pytest.mark.parametrize("region", NAMES)
def test_each_region_appraises_the_national_workforce(tmp_path: Path, region: str) -> None:
    # 600 employees: every row the region knows is valid input; an employee is refused
    # only when every rater group that a formula needs is missing (about 4% of 4%)
    rules = REGIONS[region]
    write_tables(_own_tables(rules, tables(600, 2)), tmp_path / "in", "parquet")
    out = appraise_tables(rules, read_tables(tmp_path / "in"), PM)
    assert out.info.employees_in == 600
    assert set(out.rejects["sheet"]) <= {"pegawai"}
    assert out.rejects["reason"].str.starts_with("not appraised").all()
    assert out.info.rejected_employees <= 6


def test_nips_are_valid_and_supervisors_are_employees() -> None:
    pegawai = tables()["pegawai"]
    assert pegawai["nip"].n_unique() == N
    assert all(check_nip(nip)[1] is None for nip in pegawai["nip"].to_list())
    assert set(pegawai["atasan_nip"].drop_nulls()) <= set(pegawai["nip"])
    raters = tables()["penilaian"].filter(pl.col("kelompok") != "citizen")["penilai_nip"]
    sample = raters.unique().sort().gather_every(7).to_list()
    assert all(check_nip(nip)[1] is None for nip in sample)


# --------------------------------------------------------------------- the spread


def _place_of(unit: str, province: str) -> bool:
    return any(
        unit.endswith(f" {place}") for place in (f"Provinsi {province}", *PROVINCES[province])
    )


def test_units_are_spread_over_provinces() -> None:
    pegawai = tables()["pegawai"]
    units = pegawai.group_by("unit_kerja").agg(pl.col("provinsi").unique(), pl.len())
    assert units.height == 60  # ceil(3000 / 50)
    assert (units["provinsi"].list.len() == 1).all()
    assert all(_place_of(u, p[0]) for u, p in units.select("unit_kerja", "provinsi").iter_rows())
    # 60 units dealt over the places province by province (7, 7, 7, 7, 7, 7, 6, 6, 7, 6):
    # the first 60 places are the first nine provinces'
    assert pegawai["provinsi"].n_unique() == 9
    assert 20 <= units["len"].min() and units["len"].max() <= 130


def test_posts_and_golongan_are_spread() -> None:
    pegawai = tables()["pegawai"]
    posts = pegawai["jabatan"].value_counts(normalize=True, name="share")
    assert posts.height >= 25 and posts["share"].max() < 0.25
    rank = pegawai["golongan"].str.extract(r"^(I+V?)/")
    share = {g: (rank == g).mean() for g in ("II", "III", "IV")}
    # staff (most) draw II 22/90, III 56/90, IV 12/90; managers III or IV: about 19%
    # II, 59% III, 22% IV overall
    assert 0.12 <= share["II"] <= 0.28 and 0.50 <= share["III"] <= 0.68
    assert 0.14 <= share["IV"] <= 0.32
    assert share["III"] > share["IV"] and share["III"] > share["II"]


def test_supervisors_form_a_hierarchy_within_units_under_provincial_secretaries() -> None:
    pegawai = tables()["pegawai"].select("nip", "jabatan", "unit_kerja", "provinsi", "atasan_nip")
    boss = pegawai.select(
        pl.col("nip").alias("atasan_nip"),
        pl.col("unit_kerja").alias("boss_unit"),
        pl.col("jabatan").alias("boss_post"),
        pl.col("atasan_nip").alias("boss_boss"),
    )
    joined = pegawai.join(boss, on="atasan_nip", how="left")
    top = joined.filter(pl.col("atasan_nip").is_null())
    assert top.height == 9 and set(top["jabatan"]) == {"Sekretaris Daerah"}
    assert top["unit_kerja"].str.starts_with("Sekretariat Daerah Provinsi ").all()
    heads = joined.filter(
        pl.col("atasan_nip").is_not_null() & (pl.col("unit_kerja") != pl.col("boss_unit"))
    )
    assert heads.height == 60 - 9  # every other unit's head, and nobody else
    assert heads["boss_boss"].is_null().all()  # under their province's secretary
    under = heads.join(top, left_on="atasan_nip", right_on="nip", suffix="_boss")
    assert under.height == heads.height and (under["provinsi"] == under["provinsi_boss"]).all()
    depth = joined.select("nip", "atasan_nip")
    chain = pegawai.select("nip", pl.col("atasan_nip").alias("up"))
    for _ in range(5):  # staff, section head, middle manager, head, secretary
        depth = depth.join(chain, left_on="atasan_nip", right_on="nip", how="left")
        depth = depth.select("nip", pl.col("up").alias("atasan_nip"))
    assert depth["atasan_nip"].is_null().all()


def test_rater_counts_vary() -> None:
    frame = counts()
    supervising = set(tables()["pegawai"]["atasan_nip"].drop_nulls())
    nobody = frame.filter(~pl.col("nip").is_in(list(supervising)))
    assert nobody.height / N > 0.6  # staff supervise nobody...
    assert (nobody["subordinate"] == 0).all()  # ...and no subordinate rates them
    # kasemen and sawahlunto need 2 peers: about 4% of employees have only one
    assert 0.01 * N <= (frame["peer"] == 1).sum() <= 0.08 * N
    assert frame["peer"].n_unique() >= 4
    # units without a citizen survey have no citizen ratings at all; the others all do
    surveyed = set(frame.filter(pl.col("citizen") > 0)["unit_kerja"])
    plan = national_plan(REGIONS, N, SEED)
    none = set(planted_units(plan)["no_survey"])
    assert none and surveyed == set(frame["unit_kerja"]) - none


def test_raters_are_the_right_people() -> None:
    ratings = tables()["penilaian"].join(
        tables()["pegawai"].select("nip", "atasan_nip", "unit_kerja"), on="nip"
    )
    own = ratings.filter(pl.col("kelompok") == "self")
    assert (own["penilai_nip"] == own["nip"]).all()
    supervisor = ratings.filter(
        (pl.col("kelompok") == "supervisor") & pl.col("atasan_nip").is_not_null()
    )
    assert (supervisor["penilai_nip"] == supervisor["atasan_nip"]).all()
    staff = tables()["pegawai"].select(
        pl.col("nip").alias("penilai_nip"),
        pl.col("atasan_nip").alias("rater_boss"),
        pl.col("unit_kerja").alias("rater_unit"),
    )
    below = ratings.filter(pl.col("kelompok") == "subordinate").join(staff, on="penilai_nip")
    assert (below["rater_boss"] == below["nip"]).all()
    peers = ratings.filter(pl.col("kelompok") == "peer").join(staff, on="penilai_nip")
    assert (peers["rater_unit"] == peers["unit_kerja"]).all()
    assert (peers["penilai_nip"] != peers["nip"]).all()


# --------------------------------------------------------------------- planted differences


def test_planted_units_follow_the_seed() -> None:
    plan = national_plan(REGIONS, N, SEED)
    planted = planted_units(plan)
    # 60 units: max(1, round(0.05 * 60)) = 3 lenient, max(1, round(0.02 * 60)) = 1 harsh
    assert (len(planted["lenient"]), len(planted["harsh"])) == (3, 1)
    assert not set(planted["lenient"]) & set(planted["harsh"])
    assert planted == planted_units(national_plan(REGIONS, N, SEED))
    assert planted["lenient"] != planted_units(national_plan(REGIONS, N, SEED + 1))["lenient"]


def test_planted_leniency_is_visible() -> None:
    # a supervisor rating is rint(1 + 4 d), d = min(level + noise, 1), the level about
    # N(0.7, 0.15): a mean near 3.8, and about 18% of ratings are 5 (d >= 0.875). One
    # point up (clipped at 5) raises a unit's mean by about 0.8; one point down by about
    # 1 (almost no rating is 1). Unit levels differ by N(0, 0.05), 0.2 points: the
    # lenient units' mean stays over 0.4 above the others', the harsh unit's 0.4 below
    planted = planted_units(national_plan(REGIONS, N, SEED))
    pegawai = tables()["pegawai"]
    heads = pegawai.join(
        pegawai.select(pl.col("nip").alias("atasan_nip"), pl.col("unit_kerja").alias("up")),
        on="atasan_nip",
        how="left",
    ).filter(pl.col("up").is_null() | (pl.col("up") != pl.col("unit_kerja")))
    members = pegawai.filter(~pl.col("nip").is_in(heads["nip"].implode()))
    rated = (
        tables()["penilaian"]
        .filter(pl.col("kelompok") == "supervisor")
        .join(members.select("nip", "unit_kerja"), on="nip")
    )
    kind = (
        pl.when(pl.col("unit_kerja").is_in(planted["lenient"]))
        .then(pl.lit("lenient"))
        .when(pl.col("unit_kerja").is_in(planted["harsh"]))
        .then(pl.lit("harsh"))
        .otherwise(pl.lit("other"))
    )
    means = dict(rated.group_by(kind.alias("kind")).agg(pl.col("nilai").mean()).iter_rows())
    assert means["lenient"] > means["other"] + 0.4
    assert means["harsh"] < means["other"] - 0.4


# --------------------------------------------------------------------- objections


def test_a_handful_of_objections_decided_by_the_supervisor_s_supervisor() -> None:
    pegawai = tables()["pegawai"].select("nip", "atasan_nip")
    above = pegawai.select(pl.col("nip").alias("atasan_nip"), pl.col("atasan_nip").alias("decider"))
    objections = tables()["keberatan"].join(pegawai, on="nip").join(above, on="atasan_nip")
    assert 1 <= objections.height <= 0.003 * N  # one in a thousand, give or take
    assert (objections["pemutus_nip"] == objections["decider"]).all()
    assert set(objections["keputusan"]) == {"tetap"}
    assert objections["predikat_baru"].is_null().all()


# --------------------------------------------------------------------- the union


def _with(rules: RuleSet, **changes: object) -> RuleSet:
    return dataclasses.replace(rules, **changes)


def test_a_shared_input_keeps_within_every_region_s_bounds() -> None:
    kutacane = REGIONS["kutacane"]
    spec = kutacane.inputs["hari_kerja"]  # 1..366, sample 240..250
    narrow = dataclasses.replace(spec, minimum=245, maximum=300, required=False)
    other = _with(REGIONS["lampung"], inputs={"hari_kerja": narrow}, data={})
    union = union_rules({"kutacane": kutacane, "other": other})
    merged = union.inputs["hari_kerja"]
    assert (merged.minimum, merged.maximum, merged.required) == (245, 300, True)
    assert union.data["inputs"]["hari_kerja"]["sample"] == [
        245,
        250,
    ]  # max(240, 245), min(250, 300)
    frames = generate_national_frames({"kutacane": kutacane, "other": other}, 200, 1)
    days = frames["pegawai"]["hari_kerja"]
    assert days.min() >= 245 and days.max() <= 250


def test_regions_no_single_value_satisfies_are_refused() -> None:
    kutacane = REGIONS["kutacane"]
    texts = _with(
        REGIONS["lampung"],
        inputs={"hari_kerja": dataclasses.replace(kutacane.inputs["hari_kerja"], type="text")},
    )
    with pytest.raises(KinerjaError, match="input hari_kerja has a different type"):
        union_rules({"kutacane": kutacane, "other": texts})
    scale = dataclasses.replace(kutacane.aspects["komunikasi"], scale=(6.0, 10.0))
    wide = _with(REGIONS["lampung"], aspects={"komunikasi": scale})
    with pytest.raises(KinerjaError, match="aspect komunikasi has scales with no rating in common"):
        union_rules({"kutacane": kutacane, "other": wide})
    with pytest.raises(KinerjaError, match="no regions are installed"):
        union_rules({})


def test_the_union_calendar_keeps_every_region_s_order() -> None:
    # stage n of a region falls on 1 November + 10 n; an unstaged group on 20 November:
    # supervisor is kasemen's stage 0 but kutacane's, lampung's, sawahlunto's stage 1;
    # peer kasemen's stage 1, sawahlunto's stage 2; self lampung's stage 0
    calendar = union_calendar(REGIONS)
    day = {g: str(np.datetime64(d, "D")) for g, d in calendar.group_day.items()}
    assert day == {
        "supervisor": "2026-11-11",
        "peer": "2026-11-21",
        "citizen": "2026-11-20",
        "self": "2026-11-01",
        "subordinate": "2026-11-20",
    }
    inputs = {n: str(np.datetime64(d, "D")) for n, d in calendar.input_day.items()}
    assert inputs["tanggal_diskusi"] == "2026-11-21"  # kutacane's stage 2
    assert inputs["tanggal_umpan_balik"] == "2026-11-21"  # lampung's stage 2


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 400), st.integers(0, 10_000))
def test_any_size_is_a_whole_workforce(employees: int, seed: int) -> None:
    data = generate_national_frames(REGIONS, employees, seed)
    pegawai = data["pegawai"]
    assert pegawai.height == employees and pegawai["nip"].n_unique() == employees
    assert pegawai["unit_kerja"].n_unique() == -(-employees // 50)
    boss = pegawai["atasan_nip"]
    assert set(boss.drop_nulls()) <= set(pegawai["nip"])
    assert not (boss == pegawai["nip"]).any()
    assert 1 <= boss.null_count() <= len(PROVINCES)  # the provincial secretaries
    ratings = data["penilaian"]
    low = max(a.scale[0] for r in REGIONS.values() for a in r.aspects.values())
    high = min(a.scale[1] for r in REGIONS.values() for a in r.aspects.values())
    assert low <= ratings["nilai"].min() and ratings["nilai"].max() <= high
    assert set(ratings["nip"]) <= set(pegawai["nip"])


# --------------------------------------------------------------------- the command


def test_the_command_writes_a_national_folder(tmp_path: Path) -> None:
    out = tmp_path / "nasional"
    args = ["sample-data", "--national", "-n", "120", "-o", str(out), "--format", "parquet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    names = ["pegawai", "capaian", "penilaian", "keberatan"]
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.parquet" for n in names)
    frames = generate_national_frames(REGIONS, 120, 1)
    assert pl.read_parquet(out / "penilaian.parquet").equals(frames["penilaian"])
    rows = ", ".join(f"{n} {frames[n].height}" for n in names)
    assert result.output == f"Wrote {out} ({rows} rows)\n"


def test_the_command_writes_a_national_workbook(tmp_path: Path) -> None:
    out = tmp_path / "nasional.xlsx"
    result = CliRunner().invoke(main, ["sample-data", "--national", "-n", "20", "-o", str(out)])
    assert result.exit_code == 0, result.output
    back = read_tables(out)
    assert list(back.frames) == ["pegawai", "capaian", "penilaian", "keberatan"]
    assert back.row_count("pegawai") == 20 and not back.problems
    nips = back.frames["pegawai"]["nip"].to_list()
    assert nips == generate_national_frames(REGIONS, 20, 1)["pegawai"]["nip"].to_list()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--national", "-r", "kasemen"], "give either --region or --national, not both"),
        ([], "give --region NAME, or --national for every region"),
        (["--national", "--bad-rows", "2"], "--bad-rows is for one region's data, not --national"),
    ],
)
def test_the_command_wants_one_region_or_all(tmp_path: Path, args: list[str], words: str) -> None:
    result = CliRunner().invoke(main, ["sample-data", *args, "-o", str(tmp_path / "x")])
    assert result.exit_code == 2 and words in result.output
    assert not (tmp_path / "x").exists()

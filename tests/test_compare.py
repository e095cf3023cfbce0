"""`kinerja compare`: one workforce under several rule sets, figures checked by hand and
against separate runs."""

from __future__ import annotations

import datetime
import io
import json
import shlex
from collections import Counter
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from region_helpers import capaian, nilai, nip, pegawai

from kinerja.authoring.sample.national import generate_national_lazy, national_rules
from kinerja.cli import main
from kinerja.compare.comparison import compare
from kinerja.compare.impact import breakdown, item_impact, pair_impact
from kinerja.compare.items import resolve_items
from kinerja.compare.report_html import html_report
from kinerja.compare.report_json import json_report
from kinerja.compare.report_tables import sections
from kinerja.compare.report_text import markdown_report, text_report
from kinerja.compare.report_xlsx import xlsx_report
from kinerja.compare.workforce import KEPT, ItemRun
from kinerja.input.read import read_tables
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables

ROOT = Path(__file__).resolve().parent.parent
KASEMEN = ROOT / "plugins" / "kasemen" / "rules.yaml"
EXAMPLE = ROOT / "examples" / "kasemen" / "kasemen.xlsx"
SUP, PEER1, PEER2 = nip(90), nip(91), nip(92)
ASPECTS = ("pengetahuan_teknis", "komunikasi", "sikap_pelayanan", "integritas")


def _what_if(folder: Path) -> Path:
    """Kasemen's rules with one change: the score weighs competence and results 0.5 each
    (instead of 0.6 and 0.4)."""
    text = KASEMEN.read_text(encoding="utf-8")
    old = "    kompetensi: 0.6\n    hasil_kerja: 0.4\n"
    assert old in text
    path = folder / "kasemen-half.yaml"
    path.write_text(text.replace(old, "    kompetensi: 0.5\n    hasil_kerja: 0.5\n"), "utf-8")
    return path


def _employee(n: str, rating: int, realised: float) -> tuple[dict, dict, list[dict]]:
    """One employee rated ``rating`` on every aspect by the supervisor and two peers, with
    one indicator realised at ``realised`` of a target of 100."""
    scores = dict.fromkeys(ASPECTS, rating)
    rows = [*nilai(n, SUP, "atasan", scores), *nilai(n, PEER1, "rekan", scores)]
    rows += nilai(n, PEER2, "rekan", scores)
    return pegawai(n, f"P{n[-2:]}", atasan=SUP), capaian(n, "target_layanan", 100, realised), rows


def _workforce(folder: Path, unit_predikat: str | None = None) -> Path:
    people, outcomes, ratings = [], [], []
    for n, rating, realised in [
        (nip(1), 4, 100),  # kompetensi 4 x 20 = 80, hasil 100
        (nip(2), 5, 70),  # kompetensi 100, hasil 70
        (nip(3), 4, 80),  # kompetensi 80, hasil 80
        (nip(4), 3, 120),  # kompetensi 60, hasil 120 (the cap)
    ]:
        person, outcome, rows = _employee(n, rating, realised)
        if unit_predikat is not None:
            person["predikat_unit"] = unit_predikat
        people.append(person)
        outcomes.append(outcome)
        ratings += rows
    path = folder / "kecil.xlsx"
    write_tables({"pegawai": people, "capaian": outcomes, "penilaian": ratings}, path)
    return path


def test_a_what_if_moves_exactly_the_employees_it_should(tmp_path: Path) -> None:
    pm = make_manager()
    items = resolve_items(pm, ["kasemen", str(_what_if(tmp_path))])
    impact = compare(items, pm, _workforce(tmp_path)).impact
    assert impact is not None
    (pair,) = impact.pairs
    # kasemen 0.6 k + 0.4 h  ->  what-if 0.5 k + 0.5 h; bands: Sangat Baik >= 90, Baik 76-90
    # 1: 48 + 40 = 88 Baik  -> 40 + 50 = 90 Sangat Baik   (moves, +2)
    # 2: 60 + 28 = 88 Baik  -> 50 + 35 = 85 Baik          (stays, -3)
    # 3: 48 + 32 = 80 Baik  -> 40 + 40 = 80 Baik          (stays,  0)
    # 4: 36 + 48 = 84 Baik  -> 30 + 60 = 90 Sangat Baik   (moves, +6)
    assert (pair.both, pair.differs) == (4, 2)
    assert pair.share_differs == pytest.approx(0.5)
    assert pair.mean_shift == pytest.approx((2 - 3 + 0 + 6) / 4)
    movers = pair.movers.filter(pl.col("differs")).get_column("nip").to_list()
    assert sorted(movers) == [nip(1), nip(4)]
    assert pair.movers.get_column("nip").to_list()[:2] == [nip(4), nip(1)]  # largest shift first
    transitions = {(a, b): n for a, b, n in pair.transitions.iter_rows()}
    assert transitions == {("Baik", "Baik"): 2, ("Baik", "Sangat Baik"): 2}
    first, second = impact.items
    assert (first.computed, second.computed) == (4, 4)
    assert first.mean == pytest.approx((88 + 88 + 80 + 84) / 4)


def test_the_distributions_are_those_of_separate_runs(tmp_path: Path) -> None:
    runner = CliRunner()
    what_if = _what_if(tmp_path)
    report = tmp_path / "compare.json"
    done = runner.invoke(
        main, ["compare", "kasemen", str(what_if), "-i", str(EXAMPLE), "-o", str(report)]
    )
    assert done.exit_code == 0, done.output
    document = json.loads(report.read_text(encoding="utf-8"))
    for item, rules in zip(document["impact"]["items"], ["kasemen", what_if], strict=True):
        out = tmp_path / f"{item['label']}.csv"
        where = ["-r", "kasemen"] if rules == "kasemen" else ["--rules", str(rules)]
        ran = runner.invoke(main, ["run", *where, "-i", str(EXAMPLE), "-o", str(out)])
        assert ran.exit_code == 0, ran.output
        predikat = Counter(pl.read_csv(out)["predikat"].to_list())
        assert {d["predikat"]: d["employees"] for d in item["distribution"] if d["employees"]} == (
            dict(predikat)
        )
        assert item["computed"] == sum(predikat.values())
        rejected = pl.read_csv(out.with_name(out.stem + "-rejects.csv"))
        refused = rejected.filter((pl.col("sheet") == "pegawai") & (pl.col("row") > 0)).height
        assert sum(r["employees"] for r in item["not_computed"]) == refused
        assert item["computed"] + refused == item["employees"] == document["impact"]["employees"]


def test_an_item_without_its_data_is_not_computed_and_says_what_is_missing(
    tmp_path: Path,
) -> None:
    """Lampung's rules read aspects the Kasemen workbook does not rate: nobody is
    computed under Lampung, nobody reads as zero, and the missing fields are named."""
    pm = make_manager()
    impact = compare(resolve_items(pm, ["kasemen", "lampung"]), pm, EXAMPLE).impact
    assert impact is not None
    kasemen, lampung = impact.items
    assert kasemen.computed > 0 and lampung.computed == 0
    assert lampung.mean is None and lampung.distribution["share"].null_count() == 5
    assert any(m.startswith("aspect ") for m in lampung.missing)
    assert sum(lampung.not_computed["employees"]) == lampung.employees
    assert lampung.unread["capaian"] > 0  # Kasemen's indicators, read by Kasemen only
    (pair,) = impact.pairs
    assert (pair.both, pair.share_differs, pair.mean_shift) == (0, None, None)
    assert pair.only_a == kasemen.computed


@pytest.mark.parametrize("form", ["text", "md", "json"])
def test_every_format_writes(tmp_path: Path, form: str) -> None:
    out = tmp_path / f"report.{form}"
    args = ["compare", "kasemen", str(_what_if(tmp_path)), "-i", str(EXAMPLE), "--format", form]
    done = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert done.exit_code == 0, done.output
    text = out.read_text(encoding="utf-8")
    assert "kasemen-half" in text
    if form == "json":
        assert json.loads(text)["kinerja_compare"] == 1


def test_one_item_is_refused() -> None:
    done = CliRunner().invoke(main, ["compare", "kasemen"])
    assert done.exit_code == 2
    assert "at least two items" in done.output


def test_the_distribution_guideline_is_checked_under_each_item(tmp_path: Path) -> None:
    """The four employees' unit is rated Baik: at most 70% of its staff Baik, and at
    least one Butuh Perbaikan or Kurang."""
    pm = make_manager()
    items = resolve_items(pm, ["kasemen", str(_what_if(tmp_path))])
    impact = compare(items, pm, _workforce(tmp_path, "Baik")).impact
    assert impact is not None
    kasemen, half = (f.guideline for f in impact.items)
    assert kasemen is not None and half is not None
    # kasemen: 4 of 4 Baik (100% > 70%), and no Butuh Perbaikan or Kurang
    assert kasemen.breaches.get_column("rule").to_list() == ["at_most", "at_least_one"]
    assert kasemen.breaches.get_column("count").to_list() == [4, 0]
    # the what-if: 2 of 4 Baik (50%, within 70%); still no Butuh Perbaikan or Kurang
    assert half.breaches.get_column("rule").to_list() == ["at_least_one"]
    document = json.loads(json_report(compare(items, pm, _workforce(tmp_path, "Baik"))))
    assert document["impact"]["items"][0]["guideline"]["checked"] == 1


def test_a_movers_explain_command_shows_their_result(tmp_path: Path) -> None:
    """The command the report gives for a mover runs, under the item it names, and shows
    the predikat the comparison found (nip(4): 90, Sangat Baik under the what-if)."""
    pm = make_manager()
    items = resolve_items(pm, ["kasemen", str(_what_if(tmp_path))])
    comparison = compare(items, pm, _workforce(tmp_path))
    movers = next(s for s in sections(comparison) if s.code.startswith("movers:"))
    first = movers.rows[0]
    assert first[0] == nip(4)
    words = shlex.split(str(first[-1]))
    assert words[:2] == ["kinerja", "explain"] and "--rules" in words and "--alongside" in words
    done = CliRunner().invoke(main, words[1:])
    assert done.exit_code == 0, done.output
    assert "Sangat Baik" in done.output


REGIONS = ("kasemen", "asemrowo", "kutacane", "sawahlunto", "lampung")


def test_every_region_on_a_national_sample_in_every_format(tmp_path: Path) -> None:
    """The five regions compared on one national workforce: everyone is accounted for
    under every region, and every report format is written from the one comparison."""
    pm = make_manager()
    folder = tmp_path / "national"
    write_tables(generate_national_lazy(national_rules(pm), 1_500, seed=3), folder, "parquet")
    comparison = compare(resolve_items(pm, REGIONS), pm, folder)
    impact = comparison.impact
    assert impact is not None and impact.employees == 1_500
    for item in impact.items:
        # nothing lost: computed + not computed (with a reason) is the whole workforce
        assert item.computed + sum(item.not_computed["employees"]) == 1_500, item.label
        assert item.computed > 1_400, item.label  # the sample is made for every region
        assert not item.missing, item.label
    assert len(impact.pairs) == 10  # 5 regions, every pair
    for pair in impact.pairs:
        assert pair.transitions["employees"].sum() == pair.both
    for render in (text_report, markdown_report, json_report, html_report):
        assert "sawahlunto" in render(comparison)
    # every region has five predikat: each pair compares them by level
    pairs = json.loads(json_report(comparison))["impact"]["pairs"]
    assert {p["compared_by"] for p in pairs} == {"level"}
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report(comparison)), read_only=True)
    assert len(book.sheetnames) > 10


def test_kinerja_run_sums_up_the_distribution_guideline(tmp_path: Path) -> None:
    """The same four employees under kasemen: all Baik (88, 88, 80, 84) in a unit rated
    Baik, so 4 of 4 (100%) breach "at most 70% Baik", and none is Butuh Perbaikan or
    Kurang."""
    source = _workforce(tmp_path, "Baik")
    out = tmp_path / "hasil.csv"
    done = CliRunner().invoke(main, ["run", "-r", "kasemen", "-i", str(source), "-o", str(out)])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    listed = tmp_path / "hasil-guideline.csv"
    first = lines.index(
        f"1 unit breaches the distribution guideline (0 acknowledged by the leader); see {listed}"
    )
    assert lines[first + 1 : first + 3] == [
        "  Dinas Kesehatan (unit rated Baik): 4 of 4 staff (100%) are Baik, the guideline says "
        "at most 70%",
        "  Dinas Kesehatan (unit rated Baik): none of 4 staff is Butuh Perbaikan or "
        "Kurang/Misconduct, the guideline says at least one should be",
    ]
    breaches = pl.read_csv(listed)
    assert breaches.select("rule", "count", "staff").rows() == [
        ("at_most", 4, 4),
        ("at_least_one", 0, 4),
    ]
    listed.unlink()
    plain = CliRunner().invoke(
        main, ["run", "-r", "kasemen", "-i", str(_workforce(tmp_path)), "-o", str(out)]
    )
    assert "distribution guideline" not in plain.output  # no unit gives its own predikat
    assert not listed.exists()


def test_other_regions_records_are_left_aside_whatever_the_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After every shipped version has ended, two regions compared on the national
    workforce still leave the other regions' records aside (every version of every
    installed region claims its codes), instead of refusing everyone."""
    pm = make_manager()
    folder = tmp_path / "national"
    write_tables(generate_national_lazy(national_rules(pm), 300, seed=5), folder, "parquet")
    monkeypatch.setattr("kinerja.regions.today", lambda: datetime.date(2027, 3, 1))
    impact = compare(resolve_items(pm, ["kasemen@2026", "kutacane@2026"]), pm, folder).impact
    assert impact is not None
    assert all(item.computed > 280 for item in impact.items)


def test_reasons_are_counted_apart_from_their_numbers() -> None:
    """Three employees whose score falls in no band, each with its own value, are one
    reason of three employees; a duplicate NIP row still counts in every total."""
    rejects = pl.DataFrame(
        {
            "sheet": ["pegawai"] * 4,
            "row": [2, 3, 4, 5],
            "nip": [nip(1), nip(2), nip(3), nip(3)],
            "column": [None, None, None, "nip"],
            "reason": [
                "value 50.577959183 falls in no band of 'nilai'",
                "value 48.1 falls in no band of 'nilai'",
                "value 7 falls in no band of 'nilai'",
                "duplicate NIP, first seen at pegawai row 4; remove this row",
            ],
        }
    )
    empty = pl.DataFrame(schema=dict.fromkeys(KEPT, pl.String)).with_columns(
        pl.col("score").cast(pl.Float64)
    )
    people = pl.DataFrame({"nip": [nip(1), nip(2), nip(3), nip(3)]})
    run = ItemRun(empty, rejects)
    figures = item_impact("a", run, people, ("Baik",))
    assert figures.not_computed.select("reason", "employees").rows() == [
        ("value 50.577959183 falls in no band of 'nilai'", 3),
        ("duplicate NIP, first seen at pegawai row 4; remove this row", 1),
    ]
    pair = pair_impact("a", "b", run, run, people)
    assert (pair.both, pair.only_a, pair.only_b, pair.neither) == (0, 0, 0, 4)


def test_breakdowns_lead_with_the_groups_where_most_people_change() -> None:
    """Unit A: 3 of 10 change (30%); unit B: 1 of 1 (100%). A leads: 3 people > 1."""
    both = pl.DataFrame(
        {
            "unit_kerja": ["A"] * 10 + ["B"],
            "differs": [True] * 3 + [False] * 7 + [True],
            "shift": [1.0] * 11,
        }
    )
    table = breakdown(both, "unit_kerja")
    assert table.select("unit_kerja", "employees", "differs").rows() == [("A", 10, 3), ("B", 1, 1)]
    assert table["share_differs"].to_list() == pytest.approx([0.3, 1.0])


def test_a_unit_whose_rows_conflict_is_reported_not_skipped(tmp_path: Path) -> None:
    """Two employees say the unit is Baik, two say Istimewa: the unit is not checked,
    and the run says why instead of saying nothing."""
    source = _workforce(tmp_path, "Baik")
    book = openpyxl.load_workbook(source)
    sheet = book["pegawai"]
    column = [c.value for c in sheet[1]].index("predikat_unit") + 1
    for row in (2, 3):
        sheet.cell(row=row, column=column, value="Istimewa")
    book.save(source)
    out = tmp_path / "hasil.csv"
    done = CliRunner().invoke(main, ["run", "-r", "kasemen", "-i", str(source), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "distribution guideline" in done.output
    assert "not checked" in done.output


def _results(rows: list[tuple[str, float, str]]) -> pl.DataFrame:
    """Results of the :data:`KEPT` columns, one per ``(nip, score, predikat)``."""
    frame = pl.DataFrame(rows, schema=["nip", "score", "predikat"], orient="row")
    others = [pl.lit(None, pl.String).alias(c) for c in KEPT if c not in frame.columns]
    return frame.with_columns(others).select(KEPT)


def test_one_ladder_in_two_wordings_is_compared_by_level() -> None:
    """A region's "Kurang" is PermenPANRB's "Kurang/Misconduct": both the fourth of five.
    Employee 1 is Kurang under both (4th = 4th: the same); employee 2 Baik (2nd) and
    Butuh Perbaikan (3rd): differs; 1 of 2 differ. Under two ladders of 5 and 3 predikat
    only the words count: employee 1 differs too, 2 of 2."""
    national = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang")
    region = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")
    a = ItemRun(_results([(nip(1), 55.0, "Kurang"), (nip(2), 80.0, "Baik")]), pl.DataFrame())
    b = ItemRun(
        _results([(nip(1), 56.0, "Kurang/Misconduct"), (nip(2), 70.0, "Butuh Perbaikan")]),
        pl.DataFrame(),
    )
    people = pl.DataFrame({"nip": [nip(1), nip(2)]})
    pair = pair_impact("a", "b", a, b, people, (region, national))
    assert (pair.by_level, pair.differs, pair.share_differs) == (True, 1, 0.5)
    # mean shift: ((56 - 55) + (70 - 80)) / 2 = -4.5
    assert pair.mean_shift == pytest.approx(-4.5)
    short = ("Baik", "Cukup", "Kurang")
    words = pair_impact("a", "b", a, b, people, (short, national))
    assert (words.by_level, words.differs) == (False, 2)


def test_records_of_no_employee_are_counted_not_lost(tmp_path: Path) -> None:
    """Two capaian rows name a NIP that no pegawai row has: no employee's reasons count
    them, so each item counts them as set aside (2 rows, one reason), and the four
    employees are computed as before."""
    source = _workforce(tmp_path)
    tables = read_tables(source)
    stray = tables.frames["capaian"].head(2).with_columns(pl.lit(nip(77)).alias("nip"))
    frames = {name: frame.drop("_row") for name, frame in tables.frames.items()}
    frames["capaian"] = pl.concat([frames["capaian"], stray.drop("_row")])
    path = tmp_path / "stray.xlsx"
    write_tables({name: frame.to_dicts() for name, frame in frames.items()}, path)
    pm = make_manager()
    impact = compare(resolve_items(pm, ["kasemen", str(_what_if(tmp_path))]), pm, path).impact
    assert impact is not None
    for item in impact.items:
        assert item.computed == 4
        assert item.set_aside is not None
        assert item.set_aside.select("sheet", "rows").rows() == [("capaian", 2)]
    comparison = compare(resolve_items(pm, ["kasemen", str(_what_if(tmp_path))]), pm, path)
    assert "capaian rows of no employee of the workforce" in text_report(comparison)


def test_another_regions_typo_and_vocabulary_are_theirs_to_refuse(tmp_path: Path) -> None:
    """A rating of "berorientasi_pelayann" (Sawahlunto's berorientasi_pelayanan, misspelt)
    and an objection deciding "Cukup" (a predikat of Asemrowo and Kutacane, not of
    Kasemen) are records of other regions: Kasemen leaves them out (counted as unread)
    instead of refusing its own employees for them; all four are computed."""
    source = _workforce(tmp_path)
    tables = read_tables(source)
    frames = {name: frame.drop("_row").to_dicts() for name, frame in tables.frames.items()}
    frames["penilaian"].append(
        {**frames["penilaian"][0], "aspek": "berorientasi_pelayann", "kelompok": "atasan"}
    )
    frames["keberatan"] = [
        {
            "nip": nip(1),
            "tanggal_terima": "2026-11-10",
            "tanggal_ajuan": "2026-11-12",
            "pemutus_nip": nip(99),
            "keputusan": "ubah",
            "predikat_baru": "Cukup",
            "alasan": "keputusan di daerah lain",
        }
    ]
    path = tmp_path / "national-ish.xlsx"
    write_tables(frames, path)
    pm = make_manager()
    impact = compare(resolve_items(pm, ["kasemen", str(_what_if(tmp_path))]), pm, path).impact
    assert impact is not None
    kasemen = impact.items[0]
    assert kasemen.computed == 4
    assert kasemen.unread.get("penilaian") == 1 and kasemen.unread.get("keberatan") == 1


def test_kinerja_run_names_a_unit_whose_staff_were_all_refused(tmp_path: Path) -> None:
    """Dinas Kesehatan's four employees are appraised and checked; Dinas Sosial, rated
    Baik too, has one employee, whose NIP is refused: no chunk appraises anyone of it,
    and the summary still says it was not checked, for want of appraised staff."""
    tables = read_tables(_workforce(tmp_path, "Baik"))
    frames = {name: frame.drop("_row").to_dicts() for name, frame in tables.frames.items()}
    lonely = {**frames["pegawai"][0], "nip": "19800101", "unit_kerja": "Dinas Sosial"}
    frames["pegawai"].append(lonely)
    path = tmp_path / "dua-unit.xlsx"
    write_tables(frames, path)
    out = tmp_path / "hasil.csv"
    done = CliRunner().invoke(main, ["run", "-r", "kasemen", "-i", str(path), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "1 unit not checked against the distribution guideline: 1 without appraised staff" in (
        done.output
    )

"""The distribution guideline of PermenPANRB 6/2022: the table as data, breaches per unit
with the numbers, the leader's sign-off, units not checked, and the run summary."""

from __future__ import annotations

from fractions import Fraction
from math import floor
from pathlib import Path

import jsonschema
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.builtin.guideline import (
    BREACHES,
    UNCHECKED,
    Guideline,
    Rule,
    applies,
    breach_summary,
    check,
    load_guideline,
    not_applicable_reason,
    shipped_guideline,
    shipped_path,
    unchecked_units,
    unit_breaches,
    units_from,
)
from kinerja.i18n import language
from kinerja.input.read import read_tables
from kinerja.rules.layering import baselines
from kinerja.rules.yamlload import MAX_BYTES, Location, RulesError, load_yaml
from kinerja.schemas import load_schema

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"


def results(*units: tuple[str, list[str]]) -> pl.DataFrame:
    """A results frame: each unit with its staff's predikat, one employee each."""
    rows = [(unit, p) for unit, labels in units for p in labels]
    return pl.DataFrame(
        {
            "nip": [f"{i:018d}" for i in range(len(rows))],
            "unit_kerja": [u for u, _ in rows],
            "predikat": [p for _, p in rows],
        },
        schema={"nip": pl.String, "unit_kerja": pl.String, "predikat": pl.String},
    )


def units(*rows: tuple[str, str | None, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit_kerja": [r[0] for r in rows],
            "predikat_unit": [r[1] for r in rows],
            "catatan_pimpinan": [r[2] for r in rows],
        },
        schema={"unit_kerja": pl.String, "predikat_unit": pl.String, "catatan_pimpinan": pl.String},
    )


def labels_of(path: Path) -> list[str]:
    return load_yaml(path).data["predikat"]["labels"]  # type: ignore[index]


# ------------------------------------------------------------------ the table


def test_shipped_table_encodes_what_the_sources_state_and_nothing_more() -> None:
    jsonschema.Draft7Validator.check_schema(load_schema("distribution"))
    g = shipped_guideline()
    assert g.regulation == "PermenPANRB 6/2022"
    # the staff vocabulary is the 6/2022 baseline's, word for word
    assert list(g.staff_predikat) == labels_of(baselines()["permenpanrb-6-2022"])
    assert g.spellings == {"Kurang": "Kurang/Misconduct"}
    # the unit predikat of DOMAIN.md, in its order
    assert list(g.units) == ["Istimewa", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang"]
    baik = [(r.code, r.labels, r.percent) for r in g.units["Baik"]]
    assert baik == [
        ("at_most", ("Baik",), 70.0),
        ("at_least_one", ("Butuh Perbaikan", "Kurang/Misconduct"), None),
    ]
    kurang = [(r.code, r.labels, r.percent) for r in g.units["Sangat Kurang"]]
    assert kurang == [("none", ("Sangat Baik",), None)]
    # the sources give no guideline for these: left for the agency to complete
    assert g.units["Istimewa"] == g.units["Butuh Perbaikan"] == g.units["Kurang"] == ()
    assert g.units["Baik"][0].where.file == str(shipped_path())
    assert shipped_path().read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "guideline.yaml"
    path.write_text(text, encoding="utf-8")
    return path


HEAD = 'regulation: "PermenPANRB 6/2022"\nsource: "test"\n'


def problems(path: Path) -> list[str]:
    with pytest.raises(RulesError) as info:
        load_guideline(path)
    return [str(p) for p in info.value.problems]


def test_schema_violations_are_each_reported_at_their_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEAD
        + "staff_predikat: [Sangat Baik, Baik, Butuh Perbaikan]\n"  # line 3
        + "unitz: {}\n"  # line 4
        + "units:\n"
        + "  Baik:\n"
        + "    - {rule: at_most, labels: [Baik]}\n"  # line 7: no percent
        + "    - {rule: none, labels: [Sangat Baik], percent: 5}\n"  # line 8
        + "    - {rule: at_least, labels: [Baik], percent: 120}\n"  # line 9
        + "    - {rule: mostly, labels: [Baik]}\n",  # line 10
    )
    assert problems(path) == [
        f"{path}:4:1: error: unknown key 'unitz' (did you mean 'units'?)",
        f"{path}:7:7: error: units/Baik/0: 'percent' is required here",
        f"{path}:8:7: error: units/Baik/1: percent is only for the rules at_most and at_least; "
        "remove it here",
        f"{path}:9:49: error: units/Baik/2/percent: 120 is greater than the maximum of 100",
        f"{path}:10:14: error: units/Baik/3/rule: 'mostly' is not one of "
        "['at_most', 'at_least', 'at_least_one', 'none']",
    ]


def test_labels_the_table_does_not_list_are_reported_at_their_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEAD
        + "staff_predikat: [Sangat Baik, Baik, Butuh Perbaikan, baik]\n"  # line 3
        + "spellings:\n  Kurang: Kurang/Misconduct\n  BAIK: Baik\n"  # lines 4-6
        + "units:\n"
        + "  Baik:\n"
        + "    - {rule: at_most, labels: [Baik], percent: 70}\n"
        + "    - {rule: at_least_one, labels: [Butuh Perbaikn]}\n"  # line 10
        + "  baik: []\n",  # line 11
    )
    known = "use one of staff_predikat (Sangat Baik, Baik, Butuh Perbaikan, baik)"
    assert problems(path) == [
        f"{path}:3:54: error: 'baik' is 'Baik' again (case and spaces aside); give each "
        "predikat once",
        f"{path}:5:11: error: 'Kurang/Misconduct' is not a staff predikat of this table; {known}",
        f"{path}:6:3: error: 'BAIK' is a staff predikat itself; a spelling names another way "
        "to write one",
        f"{path}:10:37: error: 'Butuh Perbaikn' is not a staff predikat of this table (did you "
        f"mean 'Butuh Perbaikan'?); {known}",
        f"{path}:11:3: error: 'baik' is 'Baik' again (case and spaces aside); give each "
        "predikat once",
    ]


def test_the_table_is_read_strictly_and_bounded(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "source: again\n")
    duplicate = f"{path}:3:1: error: duplicate key 'source' (first at line 2); remove one of them"
    assert duplicate in problems(path)  # with the missing keys, all at once
    path = write(tmp_path, "- a list\n")
    assert problems(path) == [
        f"{path}:1:1: error: a guideline table must be a mapping of keys to values"
    ]
    path = write(tmp_path, "# " + "x" * MAX_BYTES + "\n")
    [too_big] = problems(path)
    assert too_big.startswith(f"{path}:1:1: error: file is ") and "bytes or more" in too_big


# ------------------------------------------------------------------ breaches


BAIK_UNIT = ("Dinas X", "Baik", None)


def test_eight_of_ten_baik_in_a_unit_rated_baik_breaches_at_most() -> None:
    # 8 Baik + 1 Butuh Perbaikan + 1 Sangat Baik: 8/10 = 80% > 70% (at most floor(7.0) = 7)
    staff = ["Baik"] * 8 + ["Butuh Perbaikan", "Sangat Baik"]
    found = unit_breaches(results(("Dinas X", staff)), units(BAIK_UNIT))
    assert found.schema == pl.Schema(BREACHES)
    assert found.drop("message").to_dicts() == [
        {
            "unit_kerja": "Dinas X",
            "predikat_unit": "Baik",
            "rule": "at_most",
            "labels": ["Baik"],
            "limit_share": 0.7,
            "limit_count": 7,
            "count": 8,
            "share": 0.8,
            "staff": 10,
            "acknowledged": False,
            "catatan_pimpinan": None,
        }
    ]
    assert found["message"].to_list() == [
        "Dinas X (unit rated Baik): 8 of 10 staff (80%) are Baik, the guideline says at most 70%"
    ]


def test_exactly_seven_of_ten_baik_is_within_the_guideline() -> None:
    # 7/10 = 70%, not more than 70%; 1 Butuh Perbaikan present
    staff = ["Baik"] * 7 + ["Butuh Perbaikan", "Sangat Baik", "Sangat Baik"]
    result = check(results(("Dinas X", staff)), units(BAIK_UNIT))
    assert result.breaches.is_empty()
    assert result.checked == 1 and result.unchecked.is_empty()


def test_seven_of_nine_baik_breaches_and_the_share_is_shown_to_a_tenth() -> None:
    # 7/9 = 77.77..% > 70%; at most floor(0.7 * 9) = floor(6.3) = 6
    staff = ["Baik"] * 7 + ["Kurang/Misconduct", "Sangat Baik"]
    found = unit_breaches(results(("Dinas X", staff)), units(BAIK_UNIT))
    assert found.select("rule", "limit_count", "count", "staff").rows() == [("at_most", 6, 7, 9)]
    assert found["message"].item() == (
        "Dinas X (unit rated Baik): 7 of 9 staff (77.8%) are Baik, the guideline says at most 70%"
    )


def test_a_unit_rated_baik_without_butuh_perbaikan_or_kurang_breaches_at_least_one() -> None:
    # 6 Baik (60% <= 70%) + 4 Sangat Baik: no Butuh Perbaikan, no Kurang/Misconduct
    staff = ["Baik"] * 6 + ["Sangat Baik"] * 4
    found = unit_breaches(results(("Dinas X", staff)), units(BAIK_UNIT))
    assert found.drop("message", "catatan_pimpinan").rows() == [
        (
            "Dinas X",
            "Baik",
            "at_least_one",
            ["Butuh Perbaikan", "Kurang/Misconduct"],
            None,
            1,
            0,
            0.0,
            10,
            False,
        )
    ]
    assert found["message"].item() == (
        "Dinas X (unit rated Baik): none of 10 staff is Butuh Perbaikan or Kurang/Misconduct, "
        "the guideline says at least one should be"
    )


def test_kurang_as_written_by_regions_counts_as_kurang_misconduct() -> None:
    # kasemen and lampung write "Kurang": 7 Baik + 3 Kurang = within both rules
    assert applies(labels_of(PLUGINS / "kasemen" / "rules.yaml"))
    staff = ["Baik"] * 7 + ["Kurang"] * 3
    assert unit_breaches(results(("Dinas X", staff)), units(BAIK_UNIT)).is_empty()


def test_one_sangat_baik_in_a_unit_rated_sangat_kurang_breaches_none() -> None:
    # 1 Sangat Baik of 4 staff = 25%; none allowed
    staff = ["Sangat Baik", "Sangat Kurang", "Sangat Kurang", "Butuh Perbaikan"]
    found = unit_breaches(results(("Dinas Y", staff)), units(("Dinas Y", "Sangat Kurang", None)))
    assert found.select(
        "rule", "labels", "limit_share", "limit_count", "count", "share"
    ).rows() == [("none", ["Sangat Baik"], None, 0, 1, 0.25)]
    assert found["message"].item() == (
        "Dinas Y (unit rated Sangat Kurang): 1 of 4 staff (25%) are Sangat Baik, the guideline "
        "says none should be"
    )


def test_a_unit_can_breach_two_rules_and_units_come_in_order() -> None:
    # Dinas X: 10 Baik: 100% > 70%, and no Butuh Perbaikan/Kurang; Dinas A: 2 Sangat Baik
    frame = results(("Dinas X", ["Baik"] * 10), ("Dinas A", ["Sangat Baik"] * 2))
    given = units(BAIK_UNIT, ("Dinas A", "Sangat Kurang", None))
    found = unit_breaches(frame, given)
    assert found.select("unit_kerja", "rule", "count", "staff").rows() == [
        ("Dinas A", "none", 2, 2),
        ("Dinas X", "at_most", 10, 10),
        ("Dinas X", "at_least_one", 0, 10),
    ]


def test_a_leaders_reasoned_sign_off_acknowledges_the_breach() -> None:
    staff = ["Baik"] * 8 + ["Butuh Perbaikan", "Sangat Baik"]
    note = "Dua pegawai baru dimutasi masuk; sudah dibahas dalam rapat kinerja"
    given = units(("Dinas X", "Baik", note), ("Dinas W", "Baik", "   "))
    frame = results(("Dinas X", staff), ("Dinas W", staff))
    found = unit_breaches(frame, given)
    assert found.select("unit_kerja", "acknowledged", "catatan_pimpinan").rows() == [
        ("Dinas W", False, None),  # a note of spaces is no sign-off
        ("Dinas X", True, note),
    ]


def test_unit_predikat_is_matched_without_case_or_extra_spaces() -> None:
    staff = ["Baik"] * 8 + ["Butuh Perbaikan", "Sangat Baik"]
    found = unit_breaches(results((" Dinas X ", staff)), units(("Dinas X", "  baik ", None)))
    assert found.select("unit_kerja", "predikat_unit", "rule").rows() == [
        ("Dinas X", "Baik", "at_most")
    ]


# ------------------------------------------------------------------ units not checked


def test_units_not_checked_are_listed_with_why() -> None:
    ok = ["Baik"] * 7 + ["Butuh Perbaikan"]
    frame = results(
        ("Dinas A", ok), ("Dinas B", ok), ("Dinas C", ok), ("Dinas D", ok), ("", ["Baik"])
    )
    given = units(
        ("Dinas A", "Bagus", None),
        ("Dinas B", None, None),
        ("Dinas C", "Istimewa", None),
        ("Dinas E", "Baik", None),
    )  # Dinas D is not in units at all; Dinas E has no staff
    listed = unchecked_units(frame, given)
    assert listed.schema == pl.Schema(UNCHECKED)
    labels = "Istimewa, Baik, Butuh Perbaikan, Kurang, Sangat Kurang"
    assert listed.rows() == [
        (
            "",
            None,
            1,
            "no_unit",
            "employees without a unit_kerja: not checked against the distribution guideline; "
            "fill in unit_kerja in pegawai",
        ),
        (
            "Dinas A",
            "Bagus",
            8,
            "unknown_predikat_unit",
            "Dinas A: not checked: predikat_unit 'Bagus' is not a unit predikat of the "
            f"guideline ({labels}); correct it in pegawai",
        ),
        (
            "Dinas B",
            None,
            8,
            "no_predikat_unit",
            "Dinas B: not checked: the unit's own predikat is not given; add the column "
            f"predikat_unit to pegawai with it ({labels})",
        ),
        (
            "Dinas C",
            "Istimewa",
            8,
            "no_rules",
            "Dinas C: not checked: the guideline table gives no rules yet for units rated "
            "Istimewa; complete distribution-permenpanrb-6-2022.yaml",
        ),
        ("Dinas D", None, 8, "no_predikat_unit", listed["message"][4]),
        ("Dinas E", "Baik", 0, "no_staff", "Dinas E: not checked: no appraised staff"),
    ]
    assert listed["message"][4].startswith("Dinas D: not checked: the unit's own predikat")


def test_results_of_another_regime_are_not_checked_and_say_why() -> None:
    # PP 46/2011's vocabulary has Cukup and Buruk: the 6/2022 guideline does not apply
    pp46 = labels_of(baselines()["pp-46-2011"])
    assert not applies(pp46)
    assert not applies(labels_of(PLUGINS / "asemrowo" / "rules.yaml"))  # PP 30/2019's Cukup
    assert applies(labels_of(baselines()["permenpanrb-6-2022"]))
    known = "Sangat Baik, Baik, Butuh Perbaikan, Kurang/Misconduct, Sangat Kurang"
    assert not_applicable_reason(pp46) == (
        f"the distribution guideline of PermenPANRB 6/2022 speaks of the predikat {known}; "
        "these results use Cukup, Buruk, another regime's vocabulary, so it does not apply"
    )
    # 8 Baik + 2 Cukup would breach at_most under 6/2022; under PP 46 it is not checked
    frame = results(("Dinas X", ["Baik"] * 8 + ["Cukup"] * 2))
    result = check(frame, units(BAIK_UNIT))
    assert result.breaches.is_empty() and result.checked == 0
    reason = not_applicable_reason(["Baik", "Cukup"])  # the labels the results hold
    assert reason is not None and "these results use Cukup, another regime's" in reason
    assert result.not_applicable == reason
    assert result.unchecked.select("unit_kerja", "reason").rows() == [("Dinas X", "not_applicable")]
    assert result.unchecked["message"].item() == f"Dinas X: not checked: {reason}"
    assert result.summary() == [f"Distribution guideline not checked: {reason}"]
    # the rules' vocabulary decides when given, whatever labels the results happen to hold
    assert unit_breaches(
        results(("Dinas X", ["Baik"] * 10)), units(BAIK_UNIT), labels=pp46
    ).is_empty()
    assert not_applicable_reason([None, " "]) == "the results have no predikat to check"


# ------------------------------------------------------------------ from the input


def test_units_from_reads_the_raw_pegawai_sheet_and_reports_a_conflict(tmp_path: Path) -> None:
    folder = tmp_path / "input"
    folder.mkdir()
    (folder / "pegawai.csv").write_text(
        "nip,nama,jabatan,unit_kerja,golongan,atasan_nip,Predikat Unit,Catatan Pimpinan\n"
        "199001012015031001,A,Staf,Dinas X,III/a,,Baik,\n"
        "199001012015031002,B,Staf, Dinas X ,III/a,,baik,Sudah dibahas\n"
        "199001012015031003,C,Staf,Dinas Y,III/a,,Baik,\n"
        "199001012015031004,D,Staf,Dinas Y,III/a,,Kurang,\n"
        "199001012015031005,E,Staf,Dinas Z,III/a,,,\n",
        encoding="utf-8",
    )
    pegawai = read_tables(folder).frames["pegawai"]
    assert units_from(pegawai).rows() == [
        ("Dinas X", "Baik", ["Baik"], "Sudah dibahas"),  # "baik" is the same predikat
        ("Dinas Y", None, ["Baik", "Kurang"], None),
        ("Dinas Z", None, [], None),
    ]
    frame = results(("Dinas X", ["Baik"] * 2), ("Dinas Y", ["Baik"]), ("Dinas Z", ["Baik"]))
    listed = unchecked_units(frame, units_from(pegawai))
    assert listed.select("unit_kerja", "predikat_unit", "reason").rows() == [
        ("Dinas Y", "Baik, Kurang", "conflicting_predikat_unit"),
        ("Dinas Z", None, "no_predikat_unit"),
    ]
    assert listed["message"][0] == (
        "Dinas Y: not checked: its rows give different predikat_unit values (Baik, Kurang); "
        "give the unit one value in pegawai"
    )


def test_units_from_a_pegawai_frame_without_the_columns() -> None:
    pegawai = pl.DataFrame({"unit_kerja": ["Dinas X", "Dinas X"], "nama": ["A", "B"]})
    assert units_from(pegawai).rows() == [("Dinas X", None, [], None)]
    # an all-empty column reads as polars' Null type (Parquet, JSON): still no note
    pegawai = pegawai.with_columns(predikat_unit=pl.lit("Baik"), catatan_pimpinan=None)
    assert units_from(pegawai).rows() == [("Dinas X", "Baik", ["Baik"], None)]
    given = pegawai.select(
        "unit_kerja", "predikat_unit", "catatan_pimpinan"
    )  # one row per employee
    found = unit_breaches(results(("Dinas X", ["Baik"] * 10)), given)
    assert found.select("rule", "acknowledged").rows() == [
        ("at_most", False),  # 10/10 Baik > 70%
        ("at_least_one", False),  # no Butuh Perbaikan, no Kurang/Misconduct
    ]


# ------------------------------------------------------------------ the run summary


def test_summary_counts_units_and_acknowledgements() -> None:
    over = ["Baik"] * 8 + ["Butuh Perbaikan", "Sangat Baik"]
    frame = results(
        ("Dinas A", over),
        ("Dinas B", ["Baik"] * 10),
        ("Dinas C", ["Sangat Baik"]),
        ("Dinas D", over),
    )
    given = units(
        ("Dinas A", "Baik", "Sudah dibahas"),
        ("Dinas B", "Baik", None),  # breaches two rules: one unit
        ("Dinas C", "Sangat Kurang", None),
        ("Dinas D", None, None),
    )
    result = check(frame, given)
    assert result.checked == 3
    assert result.summary("results.xlsx, sheet distribusi") == [
        "3 units breach the distribution guideline (1 acknowledged by the leader); see "
        "results.xlsx, sheet distribusi",
        "1 unit not checked against the distribution guideline: 1 without predikat_unit",
    ]
    assert breach_summary(result.breaches) == [
        "3 units breach the distribution guideline (1 acknowledged by the leader)"
    ]


def test_summary_when_no_unit_breaches_or_none_could_be_checked() -> None:
    ok = ["Baik"] * 7 + ["Butuh Perbaikan"] + ["Sangat Baik"] * 2  # 7/10 = 70%, one BP
    fine = check(
        results(("Dinas A", ok), ("Dinas B", ok)),
        units(("Dinas A", "Baik", None), ("Dinas B", "Baik", None)),
    )
    assert fine.summary() == ["No unit breaches the distribution guideline (2 units checked)"]
    assert breach_summary(fine.breaches) == ["No unit breaches the distribution guideline"]
    bare = check(results(("Dinas A", ok)), units(("Dinas A", None, None)))
    assert bare.summary() == [
        "Distribution guideline not checked: no unit has a predikat_unit; add the column "
        "predikat_unit to pegawai with each unit's own predikat"
    ]


def test_numbers_are_written_as_the_language_writes_them() -> None:
    # 2 of 3 = 66.66..% -> 66.7% in English, 66,7% in Indonesian; 1210 staff -> 1.210
    staff = ["Sangat Baik"] * 2 + ["Sangat Kurang"]
    big = ["Sangat Baik"] * 1210
    frame = results(("Dinas Y", staff), ("Dinas Z", big))
    given = units(("Dinas Y", "Sangat Kurang", None), ("Dinas Z", "Sangat Kurang", None))
    with language("id"):
        found = unit_breaches(frame, given)
    # (the words are the catalog's; the numbers are written by the language in use)
    assert "(66,7%)" in found["message"][0]
    assert "1.210" in found["message"][1] and "1,210" not in found["message"][1]


# ------------------------------------------------------------------ properties


def guideline_with(rule: Rule) -> Guideline:
    g = shipped_guideline()
    return Guideline(
        g.regulation, g.source, g.file, g.staff_predikat, g.spellings, {"Baik": (rule,)}
    )


unit_mixes = st.lists(
    st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(0, 3)), min_size=1, max_size=6
)


@settings(max_examples=60, deadline=None)
@given(
    mixes=unit_mixes,
    percent=st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False)),
)
def test_shares_lie_in_0_1_and_at_most_holds_up_to_its_floor(
    mixes: list[tuple[int, int, int]], percent: float
) -> None:
    # each unit: b Baik, s Sangat Baik, k Kurang/Misconduct; rule: at most percent% Baik
    rule = Rule("at_most", ("Baik",), float(percent), Location("t", 1, 1))
    staff = [
        (f"U{i}", ["Baik"] * b + ["Sangat Baik"] * s + ["Kurang/Misconduct"] * k)
        for i, (b, s, k) in enumerate(mixes)
        if b + s + k
    ]
    if not staff:
        return
    frame = results(*staff)
    given = units(*((u, "Baik", None) for u, _ in staff))
    found = unit_breaches(frame, given, guideline_with(rule))
    assert found["share"].is_between(0, 1).all()
    breached = set(found["unit_kerja"])
    for unit, labels in staff:
        n, total = labels.count("Baik"), len(labels)
        allowed = floor(Fraction(percent) * total / 100)  # exact
        if n <= allowed:
            assert unit not in breached
        elif isinstance(percent, int):  # exact both ways for a whole percent
            assert unit in breached
    if isinstance(percent, int):
        counts = dict(found.select("unit_kerja", "limit_count").rows())
        for unit, labels in staff:
            if unit in counts:
                assert counts[unit] == percent * len(labels) // 100

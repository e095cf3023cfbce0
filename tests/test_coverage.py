"""Rule coverage (``kinerja.authoring.coverage``) and the opt-in tracing of compiled programs."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from test_casetest import ANI, SMALL_RULES, write

import kinerja.plugins
from kinerja.authoring.caseload import load_case_file
from kinerja.authoring.casetest import run_files
from kinerja.authoring.coverage import RulesCoverage, Tracker, expression_location
from kinerja.expr.check import NUMBER, Scope, check_expression
from kinerja.expr.columnar import Column, compile_column
from kinerja.expr.trace import Traced, Tracer
from kinerja.manager import make_manager
from kinerja.rules import load_rules

PLUGINS = Path(kinerja.plugins.__file__).parent
REGIONS = ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto")


def test_small_rules_items_counted_by_hand(tmp_path: Path, monkeypatch) -> None:
    """SMALL_RULES has 18 items; the one case ANI exercises 8 of them.

    - band nilai (the table 'lain' is used by no expression): 3 rows; ANI's score 90
      hits 'Baik' only -> 1 of 3
    - perilaku `sikap * 20 if sikap > 1 else 0`: condition true / false; sikap 4 -> true,
      1 of 2
    - feedback `hasil < 90 or sikap < 3`: the first operand stops `or` (true) or goes on
      (false); hasil 100 -> goes on, 1 of 2
    - feedback condition true / false: 100 < 90 false, 4 < 3 false -> false, 1 of 2
    - recommendation `score < 60` true / false: 90 -> false, 1 of 2
    - predikat labels Baik, Cukup, Kurang: Baik, 1 of 3
    - indicator kinds normal (layanan) and inverse (waktu): normal, 1 of 2
    - aspect sikap rated by supervisor, by peer: supervisor only, 1 of 2
    Total 3+2+2+2+2+3+2+2 = 18 items, 1+1+1+1+1+1+1+1 = 8 hit: 8/18 = 44.4%.
    """
    monkeypatch.chdir(tmp_path)
    tracker = Tracker()
    [report] = run_files([write(tmp_path, ANI)], make_manager(), tracker.observe)
    assert report.ok
    [coverage] = tracker.reports()
    assert (coverage.region, coverage.rules) == ("uji", "rules.yaml")
    assert (coverage.covered, len(coverage.items)) == (8, 18)
    assert f"{coverage.percent:.1f}" == "44.4"
    assert [f"{item.location}: {item.text}" for item in coverage.uncovered()] == [
        "rules.yaml:10:36: indicator kind inverse (waktu)",
        "rules.yaml:12:10: aspect sikap rated by peer",
        "rules.yaml:19:7: band nilai: 'Cukup' (60 to under 80)",
        "rules.yaml:20:7: band nilai: 'Kurang' (under 60)",
        "rules.yaml:29:25: component perilaku: `sikap > 1` false (else-branch)",
        "rules.yaml:33:18: predikat 'Cukup'",
        "rules.yaml:33:25: predikat 'Kurang'",
        "rules.yaml:36:11: feedback 1: `hasil < 90` true (`or` stops here)",
        "rules.yaml:36:11: feedback 1 when `hasil < 90 or sikap < 3`: true",
        "rules.yaml:40:11: recommendation training when `score < 60`: true",
    ]
    assert coverage.below(44.5) and not coverage.below(44.4)


def test_a_second_case_adds_what_it_exercises(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    low = """\
  - name: budi
    employee: {nama: Budi}
    capaian:
      - {indikator: waktu, target: 10, realisasi: 15}
    penilaian:
      - {kelompok: supervisor, aspek: sikap, nilai: 1}
      - {kelompok: peer, aspek: sikap, nilai: 1}
      - {kelompok: peer, aspek: sikap, nilai: 1}
    expect:
      # waktu (inverse) = (1 + (1 - 15/10)) * 100 = 50; sikap 1 -> perilaku 0 (not > 1)
      # score = 0.5*50 + 0.5*0 = 25 -> Kurang (< 60); hasil 50 < 90 -> feedback
      score: 25
      predikat: Kurang
      recommendations: [training]
"""
    tracker = Tracker()
    [report] = run_files([write(tmp_path, ANI + low)], make_manager(), tracker.observe)
    assert report.ok
    [coverage] = tracker.reports()
    # Budi adds: inverse, peer, band 'Kurang', the else-branch, predikat 'Kurang', `or`
    # stops, the feedback true and the recommendation true: 8 + 8 = 16 of 18
    assert (coverage.covered, len(coverage.items)) == (16, 18)
    assert [item.text for item in coverage.uncovered()] == [
        "band nilai: 'Cukup' (60 to under 80)",
        "predikat 'Cukup'",
    ]


def test_locations_inside_a_folded_expression(tmp_path: Path) -> None:
    folded = SMALL_RULES.replace(
        "    expr: sikap * 20 if sikap > 1 else 0\n",
        "    expr: >-\n      sikap * 20\n        if sikap > 1 else 0\n",
    )
    (tmp_path / "rules.yaml").write_text(folded, encoding="utf-8")
    rules = load_rules(tmp_path / "rules.yaml")
    # source "sikap * 20 if sikap > 1 else 0": `sikap > 1` starts at offset 14;
    # in the file it is on line 31 (two lines below `expr: >-`), column 12
    where = expression_location(rules, ("components", 1, "expr"), 14)
    assert (where.line, where.col) == (31, 12)
    assert expression_location(rules, ("components", 1, "expr"), 0).line == 30
    branch = [i for i in RulesCoverage(rules).items if i.kind == "branch" and "perilaku" in i.text]
    assert {(i.location.line, i.location.col) for i in branch} == {(31, 12)}


def _reached(
    traced: Column, marks: list[Traced], values: dict[str, float]
) -> list[tuple[int, object]]:
    """(place id, what it gave) for each traced place one row reaches, in id order."""
    frame = traced.prepare(pl.DataFrame({k: [float(v)] for k, v in values.items()}))
    row = frame.select(
        *(m.reached.alias(f"r{i}") for i, m in enumerate(marks)),
        *(m.value.alias(f"v{i}") for i, m in enumerate(marks)),
    ).row(0, named=True)
    return [(m.point.id, row[f"v{i}"]) for i, m in enumerate(marks) if row[f"r{i}"]]


def test_tracing_reports_bands_conditions_and_operands_and_changes_no_result() -> None:
    scope = Scope({"a": NUMBER, "b": NUMBER}, frozenset({"t"}))
    checked = check_expression("band(a, 't') if a > 1 and b < 2 or b > 10 else 'none'", scope)
    bands = {"t": (("lo", None, 5), ("hi", 5, None))}
    tracer = Tracer("x", first=3)
    traced = compile_column(checked, bands, trace=tracer)
    plain = compile_column(checked, bands)
    marks = tracer.points
    assert [(m.point.id, m.point.kind, m.point.detail, m.point.step) for m in marks] == [
        (3, "and", "0", "x"),  # a > 1
        (4, "or", "0", "x"),  # a > 1 and b < 2
        (5, "if", "", "x"),  # the whole condition
        (6, "band", "t", "x"),
    ]
    source = checked.source
    assert [source[m.point.start : m.point.end] for m in marks] == [
        "a > 1",
        "a > 1 and b < 2",
        "a > 1 and b < 2 or b > 10",
        "band(a, 't')",
    ]
    for values, events in [
        # a 6 > 1 and b 1 < 2: `and` goes on, `or` stops, then-branch, band 'hi'
        ({"a": 6, "b": 1}, [(3, True), (4, True), (5, True), (6, "hi")]),
        # a 0: `and` stops (false), `or` goes on, b 11 > 10 -> then-branch, band 'lo'
        ({"a": 0, "b": 11}, [(3, False), (4, False), (5, True), (6, "lo")]),
        # a 0 and b 1: nothing holds: the else-branch, no band lookup
        ({"a": 0, "b": 1}, [(3, False), (4, False), (5, False)]),
        # a 6, b 5: `and` goes on (6 > 1), `or` goes on (5 < 2 false), 5 > 10 false: else
        ({"a": 6, "b": 5}, [(3, True), (4, False), (5, False)]),
    ]:
        assert _reached(traced, marks, values) == events
        frame = pl.DataFrame({k: [float(v)] for k, v in values.items()})
        assert (
            traced.prepare(frame)
            .select(traced.value)
            .equals(plain.prepare(frame).select(plain.value))
        )


@pytest.mark.parametrize("region", REGIONS)
def test_built_in_cases_pass_and_cover_every_rule_item(region: str) -> None:
    tracker = Tracker()
    [report] = run_files([PLUGINS / region / "cases.yaml"], make_manager(), tracker.observe)
    failures = [line for r in report.results for f in r.failures for line in f.lines()]
    assert report.ok, "\n".join(str(p) for p in report.problems) + "\n".join(failures)
    [coverage] = tracker.reports()
    assert coverage.region == region
    bands = [item for item in coverage.items if item.kind == "band"]
    kinds = [item for item in coverage.items if item.kind == "indicator_kind"]
    assert bands  # every region looks something up in a band table
    assert bool(kinds) == (region != "lampung")  # Lampung has no outcome indicators
    assert [item.text for item in coverage.uncovered()] == []
    assert coverage.percent == 100.0


def test_every_band_row_a_region_uses_is_an_item() -> None:
    """The items include each row of each band table the expressions name."""
    expected = {"kasemen": 5, "asemrowo": 5, "kutacane": 5, "sawahlunto": 6, "lampung": 5}
    for region, rows in expected.items():
        cases = load_case_file(PLUGINS / region / "cases.yaml")
        items = RulesCoverage(cases.rules).items
        assert sum(1 for item in items if item.kind == "band") == rows, region

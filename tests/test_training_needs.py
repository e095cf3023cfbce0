"""Training needs from competency gaps (kinerja.builtin.training): one ``training_need``
recommendation per competency below the level the post requires, largest gap first,
with its reason; none at the level, none where the rules declare no level, and on
provisional results too (development, not reward)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.builtin.training import TRAINING_NEED, competency_gaps, given_codes, training_needs
from kinerja.engine_steps import FINAL_ONLY
from kinerja.i18n import language
from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.model import Result
from kinerja.output.views import results_of
from kinerja.pipeline import appraise_tables
from kinerja.rules import RuleSet, load_rules

RULES = """\
rules_format: 1
region: uji
title: Uji kebutuhan pelatihan
version: "1"
valid_from: "2026-01-01"
basis: competency
period: annual
inputs:
  tanggal_umpan_balik: {type: date, label: Tanggal umpan balik}
aspects:
  keterampilan: {label: Keterampilan, scale: [1, 5]LEVEL}
  pengetahuan: {label: Pengetahuan, scale: [1, 5]LEVEL}
  sikap: {label: Sikap, scale: [1, 5]LEVEL}
rater_groups:
  supervisor: {weight: 1.0}
bands:
  nilai:
    - {label: Baik, min: 60}
    - {label: Kurang, max: 60}
components:
  - {name: kompetensi, label: Kompetensi, expr: "mean(keterampilan, pengetahuan, sikap) * 20"}
score:
  weights: {kompetensi: 1.0}
predikat:
  labels: [Baik, Kurang]
  expr: band(score, 'nilai')
recommendations:
  - {code: coaching, when: score < 60, text: Perlu pembinaan.}
stages:
  - {id: umpan_balik, label: Umpan balik, requires: 'input:tanggal_umpan_balik'}
"""
ASPECTS = ("keterampilan", "pengetahuan", "sikap")
LABELS = dict(zip(ASPECTS, ("Keterampilan", "Pengetahuan", "Sikap"), strict=True))
A, B = "198001012005011001", "198001012005011002"
SUPERVISOR = "197001012000011001"
SCORES = {A: (2.5, 3.0, 3.5), B: (2.8, 3.0, 2.0)}
"""Each employee's one supervisor rating per aspect: the aspect's value itself."""


def rules_at(folder: Path, level: str) -> RuleSet:
    """The test rules, every aspect with ``level`` (``", required_level: 3"`` or none)."""
    path = folder / f"rules{len(level)}.yaml"
    path.write_text(RULES.replace("LEVEL", level))
    return load_rules(path)


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    return rules_at(tmp_path_factory.mktemp("training"), ", required_level: 3")


@pytest.fixture(scope="module")
def no_levels(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    return rules_at(tmp_path_factory.mktemp("training"), "")


def appraised(rules: RuleSet) -> dict[str, Result]:
    """A and B under ``rules``: A's feedback session is dated (final), B's is not
    (provisional)."""
    people = [
        {
            "nip": n,
            "nama": f"P{n[-1]}",
            "jabatan": "Analis",
            "unit_kerja": "Dinas",
            "golongan": "III/a",
            "atasan_nip": SUPERVISOR,
            "tanggal_umpan_balik": "2026-11-01" if n == A else None,
        }
        for n in SCORES
    ]
    ratings = [
        {"nip": n, "penilai_nip": SUPERVISOR, "kelompok": "atasan", "aspek": a, "nilai": v}
        for n, values in SCORES.items()
        for a, v in zip(ASPECTS, values, strict=True)
    ]
    sheets = {"pegawai": people, "capaian": [], "penilaian": ratings, "keberatan": []}
    tables = Tables.from_rows(
        {name: list(enumerate(rows, start=2)) for name, rows in sheets.items()}, source="test"
    )
    out = appraise_tables(rules, tables, make_manager(load_entry_points=False))
    return {r.nip: r for r in results_of(out)}


def needs(result: Result) -> list[tuple[str, str, str | None]]:
    return [(r.code, r.text, r.reason) for r in result.recommendations if r.code == TRAINING_NEED]


def test_one_need_for_the_one_competency_below_the_level(rules: RuleSet) -> None:
    a = appraised(rules)[A]
    # keterampilan 2.5 < 3 (gap 3 - 2.5 = 0.5); pengetahuan 3.0 = 3 is at the level: none;
    # sikap 3.5 > 3: none. Score mean(2.5, 3, 3.5) * 20 = 3 * 20 = 60 -> Baik, no coaching
    assert [(r.code, r.text, r.reason) for r in a.recommendations] == [
        (
            TRAINING_NEED,
            "Training in Keterampilan: value 2.50 below the post's level 3 (short by 0.50)",
            "JPM: Keterampilan 2.50 < the post's level 3",
        )
    ]
    assert a.status == "final"


def test_largest_gap_first_after_the_rules_own_and_on_a_provisional_result(
    rules: RuleSet,
) -> None:
    b = appraised(rules)[B]
    # sikap 2.0: gap 3 - 2 = 1.0; keterampilan 2.8: gap 3 - 2.8 = 0.2; pengetahuan 3.0: none
    # -> sikap first although keterampilan comes first in the rules.
    # Score mean(2.8, 3, 2) * 20 = 7.8 / 3 * 20 = 52 < 60 -> coaching, the rules' own, first
    assert [r.code for r in b.recommendations] == ["coaching", TRAINING_NEED, TRAINING_NEED]
    assert needs(b) == [
        (
            TRAINING_NEED,
            "Training in Sikap: value 2.00 below the post's level 3 (short by 1.00)",
            "JPM: Sikap 2.00 < the post's level 3",
        ),
        (
            TRAINING_NEED,
            "Training in Keterampilan: value 2.80 below the post's level 3 (short by 0.20)",
            "JPM: Keterampilan 2.80 < the post's level 3",
        ),
    ]
    # no feedback date: provisional, yet the needs stay (they are not final-only)
    assert b.status == "provisional"
    assert TRAINING_NEED not in FINAL_ONLY
    assert "recommendation_held" not in [f.code for f in b.flags]


def test_in_indonesian(rules: RuleSet) -> None:
    with language("id"):
        b = appraised(rules)[B]
    # the same gaps as above, numbers with a decimal comma
    assert needs(b) == [
        (
            TRAINING_NEED,
            "Pelatihan Sikap: nilai 2,00 di bawah level jabatan 3 (kurang 1,00)",
            "JPM: Sikap 2,00 < level jabatan 3",
        ),
        (
            TRAINING_NEED,
            "Pelatihan Keterampilan: nilai 2,80 di bawah level jabatan 3 (kurang 0,20)",
            "JPM: Keterampilan 2,80 < level jabatan 3",
        ),
    ]


def test_rules_without_required_levels_give_none(rules: RuleSet, no_levels: RuleSet) -> None:
    results = appraised(no_levels)
    # the same values as above; B still gets the rules' coaching (52 < 60), nothing else
    assert [r.code for r in results[A].recommendations] == []
    assert [r.code for r in results[B].recommendations] == ["coaching"]
    assert given_codes(no_levels) == () and given_codes(rules) == (TRAINING_NEED,)


def test_a_level_that_is_not_whole_and_a_missing_value(rules: RuleSet) -> None:
    aspects = dict(rules.aspects)
    aspects["sikap"] = dataclasses.replace(aspects["sikap"], required_level=3.5)
    halves = dataclasses.replace(rules, aspects=aspects)
    results = pl.DataFrame(
        {
            "nip": [A, B],
            "keterampilan": [None, 3.0],
            "pengetahuan": [3.0, 3.0],
            "sikap": [3.5, 3.2],
        },
        schema_overrides={"keterampilan": pl.Float64},
    )
    # A: keterampilan unrated (null): no need; sikap 3.5 = 3.5: none.
    # B: sikap 3.2 < 3.5, gap 3.5 - 3.2 = 0.3 (0.2999... tidied to 0.3)
    gaps = competency_gaps(halves, results)
    assert gaps.select("nip", "aspect", "value", "required", "gap").rows() == [
        (B, "sikap", 3.2, 3.5, 0.3)
    ]
    assert training_needs(halves, results)["text"].to_list() == [
        "Training in Sikap: value 3.20 below the post's level 3.5 (short by 0.30)"
    ]


LEVELS = st.sampled_from([None, 1, 2, 2.5, 3, 4, 5])
VALUES = st.one_of(st.none(), st.integers(100, 500).map(lambda n: n / 100))


def expected_needs(nip: str, values: tuple, levels: tuple) -> list[tuple[str, str, str, str]]:
    """The needs of one employee, in plain Python: every value below its level, the
    largest gap first (ties in the rules' order), words as ``.2f`` writes numbers."""
    below = [
        (round(level - value, 9), i)
        for i, (value, level) in enumerate(zip(values, levels, strict=True))
        if value is not None and level is not None and value < level
    ]
    needs = []
    for _gap, i in sorted(below, key=lambda gap_and_order: (-gap_and_order[0], gap_and_order[1])):
        label, value, level = LABELS[ASPECTS[i]], values[i], levels[i]
        text = (
            f"Training in {label}: value {value:.2f} below the post's level {level:g} "
            f"(short by {level - value:.2f})"
        )
        reason = f"JPM: {label} {value:.2f} < the post's level {level:g}"
        needs.append((nip, TRAINING_NEED, text, reason))
    return needs


@settings(max_examples=40, deadline=None)
@given(
    levels=st.tuples(LEVELS, LEVELS, LEVELS),
    rows=st.lists(st.tuples(VALUES, VALUES, VALUES), min_size=1, max_size=6),
)
def test_a_need_exists_iff_the_value_is_below_the_level(
    rules: RuleSet, levels: tuple, rows: list[tuple]
) -> None:
    aspects = {
        code: dataclasses.replace(rules.aspects[code], required_level=level)
        for code, level in zip(ASPECTS, levels, strict=True)
    }
    ruled = dataclasses.replace(rules, aspects=aspects)
    nips = [f"19800101200501100{i}" for i in range(len(rows))]
    results = pl.DataFrame(
        {"nip": nips, **{a: [r[i] for r in rows] for i, a in enumerate(ASPECTS)}},
        schema={"nip": pl.String, **dict.fromkeys(ASPECTS, pl.Float64)},
    )
    expected = [
        need for n, row in zip(nips, rows, strict=True) for need in expected_needs(n, row, levels)
    ]
    assert training_needs(ruled, results).rows() == expected
    assert given_codes(ruled) == ((TRAINING_NEED,) if any(x is not None for x in levels) else ())

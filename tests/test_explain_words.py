"""Rule expressions in words (kinerja.output.explain_words) and band ranges
(kinerja.output.explain_bands), on the small rule set of tests/test_explain_sample.py."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_explain_sample import rules_in

from kinerja.expr.check import check_expression
from kinerja.functions import band_lookup
from kinerja.i18n import language
from kinerja.output.explain_bands import band_index, range_words
from kinerja.output.explain_format import exact, shown
from kinerja.output.explain_words import Narrator
from kinerja.rules import RuleSet

VALUES = {
    "inovasi": None,
    "komunikasi": 4.0,
    "sikap": 3.0,
    "achievement_mean": 95.0,
    "layanan": 110.0,
    "kompetensi": 70.0,
    "hasil_kerja": 95.0,
    "score": 79.375,  # 0.625 x 70 + 0.375 x 95 = 43.75 + 35.625
    "predikat": "Baik",
}


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    return rules_in(tmp_path_factory.mktemp("rules"))


def words(rules: RuleSet, source: str, values: dict | None = None) -> str:
    narrator = Narrator(rules, VALUES if values is None else values)
    return narrator.describe(check_expression(source, rules.scope))


@pytest.mark.parametrize(
    "source, expected",
    [
        # mean(4, 3) = 3.5, then x 20
        ("mean(komunikasi, sikap) * 20", "(the mean of Komunikasi (4) and Sikap (3) = 3.5) × 20"),
        ("(kompetensi + hasil_kerja) / 2", "(Kompetensi (70) + Hasil kerja (95)) ÷ 2"),
        ("kompetensi - (hasil_kerja - 10)", "Kompetensi (70) − (Hasil kerja (95) − 10)"),
        ("kompetensi * 0.625 + 5", "Kompetensi (70) × 0.625 + 5"),
        ("-kompetensi", "−Kompetensi (70)"),
        ("achievement_mean", "the weighted mean of the indicator achievements"),
        ("layanan", "the achievement of Layanan selesai"),
        (
            "achievement(kompetensi, hasil_kerja)",
            "the achievement of Kompetensi (70) against Hasil kerja (95) "
            "(realised ÷ target × 100, at most 120)",
        ),
        ("round(score, 1)", "Nilai kinerja (79.38) rounded to 1 decimals"),
        ("round(score)", "Nilai kinerja (79.38) rounded to a whole number"),
        ("score < 60", "Nilai kinerja (79.38) is less than 60"),
        ("score <= 60", "Nilai kinerja (79.38) is at most 60"),
        ("score > 60", "Nilai kinerja (79.38) is more than 60"),
        ("score >= 60", "Nilai kinerja (79.38) is at least 60"),
        ("predikat == 'Baik'", "the predikat (Baik) is “Baik”"),
        ("predikat != 'Baik'", "the predikat (Baik) is not “Baik”"),
        (
            "predikat in ['Baik', 'Cukup']",
            "the predikat (Baik) is one of “Baik” and “Cukup”",
        ),
        (
            "60 <= score < 76",
            "60 is at most Nilai kinerja (79.38) and Nilai kinerja (79.38) is less than 76",
        ),
        ("not score > 60", "it is not so that Nilai kinerja (79.38) is more than 60"),
        (
            "score > 90 or sikap < 2",
            "Nilai kinerja (79.38) is more than 90 or Sikap (3) is less than 2",
        ),
        (
            "count(komunikasi, sikap) > 0",
            "at least one of Komunikasi (4) and Sikap (3) is filled in",
        ),
        ("count(inovasi) > 0", "Inovasi terdokumentasi (missing) is filled in"),
        (
            "coalesce(inovasi, 0) < 1",
            "Inovasi terdokumentasi (missing, counted as 0) is less than 1",
        ),
        (
            "band(score, 'nilai')",
            "Nilai kinerja 79.38 falls in the range 76 to below 91 → Baik",
        ),
    ],
)
def test_expressions_in_words(rules: RuleSet, source: str, expected: str) -> None:
    assert words(rules, source) == expected


def test_a_condition_says_whether_it_held(rules: RuleSet) -> None:
    source = "'Baik' if score >= 76 and coalesce(inovasi, 0) < 1 else 'Sangat Baik'"
    assert words(rules, source) == (
        "if Nilai kinerja (79.38) is at least 76 and Inovasi terdokumentasi (missing, "
        "counted as 0) is less than 1 (here: met), then “Baik”; otherwise “Sangat Baik”"
    )
    held = {**VALUES, "inovasi": 1.0}  # 1 < 1 is false
    assert "and Inovasi terdokumentasi (1) is less than 1 (here: not met)" in words(
        rules, source, held
    )
    with language("id"):
        assert words(rules, source) == (
            "bila Nilai kinerja (79,38) paling sedikit 76 dan Inovasi terdokumentasi (kosong, "
            "dihitung 0) kurang dari 1 (di sini: terpenuhi), maka “Baik”; selain itu "
            "“Sangat Baik”"
        )


def test_a_missing_value_leaves_the_condition_unchecked(rules: RuleSet) -> None:
    missing = {**VALUES, "score": None}
    assert "(here: cannot be checked, a value is missing)" in words(
        rules, "1 if score > 60 else 0", missing
    )
    assert words(rules, "band(score, 'nilai')", missing) == (
        "Nilai kinerja is missing, so it falls in no band → -"
    )
    with language("id"):
        assert words(rules, "band(score, 'nilai')", missing) == (
            "Nilai kinerja kosong, jadi tidak masuk rentang mana pun → -"
        )


def test_indonesian_lists_and_decimal_commas(rules: RuleSet) -> None:
    values = {**VALUES, "komunikasi": 4.25}
    with language("id"):
        # a decimal comma is no reason for semicolons between the items
        assert words(rules, "mean(komunikasi, sikap, 2.5)", values) == (
            "rata-rata Komunikasi (4,25), Sikap (3) dan 2,5"
        )


@pytest.mark.parametrize(
    "low, high, english, indonesian",
    [
        (61, 76, "61 to below 76", "61 sampai di bawah 76"),
        (90, None, "90 or more", "90 ke atas"),
        (None, 51, "below 51", "di bawah 51"),
        (None, None, "any value", "berapa pun"),
        (0.5, 1.25, "0.5 to below 1.25", "0,5 sampai di bawah 1,25"),
    ],
)
def test_band_ranges_in_words(low, high, english: str, indonesian: str) -> None:
    assert range_words(low, high) == english
    with language("id"):
        assert range_words(low, high) == indonesian


def test_weights_and_limits_are_exact_and_results_two_decimals() -> None:
    assert (exact(0.625), exact(0.375), exact(76), exact(0.1 + 0.2)) == (
        "0.625",
        "0.375",
        "76",
        "0.3",
    )
    assert (shown(0.625), shown(86.3571), shown(60.0), shown(None)) == ("0.63", "86.36", "60", "-")
    with language("id"):
        assert (exact(0.625), exact(1210.5), shown(64.0), shown(1210.555)) == (
            "0,625",
            "1.210,5",
            "64",
            "1.210,56",
        )


@pytest.mark.parametrize(
    "score, sentence",
    [
        (76.0, "Nilai kinerja 76 falls in the range 76 to below 91 → Baik"),  # lower inclusive
        (91.0, "Nilai kinerja 91 falls in the range 91 or more → Sangat Baik"),
        # 75.999 rounds to 76 but is below it: shown with every decimal
        (75.999, "Nilai kinerja 75.999 falls in the range 61 to below 76 → Cukup"),
        (50.9999, "Nilai kinerja 50.9999 falls in the range below 51 → Buruk"),
    ],
)
def test_band_limits_at_the_edges(rules: RuleSet, score: float, sentence: str) -> None:
    assert words(rules, "band(score, 'nilai')", {**VALUES, "score": score}) == sentence


@settings(max_examples=60, deadline=None)
@given(score=st.decimals(min_value=0, max_value=130, places=4).map(float))
def test_the_band_is_the_engines_and_its_shown_value_stays_inside(score: float) -> None:
    bands = (
        ("Sangat Baik", 91, None),
        ("Baik", 76, 91),
        ("Cukup", 61, 76),
        ("Kurang", 51, 61),
        ("Buruk", None, 51),
    )
    index = band_index(score, bands)
    assert index is not None
    label, low, high = bands[index]
    assert label == band_lookup(score, bands)
    from kinerja.output.explain_bands import BandStory

    story = BandStory("Score", score, "nilai", bands, index, label)
    written = story.sentence().split(" ")[1]  # "Score <value> falls in the range ..."
    value = float(written.replace(",", ""))
    assert (low is None or value >= low) and (high is None or value < high)
    assert abs(value - score) <= 0.005 + 1e-9

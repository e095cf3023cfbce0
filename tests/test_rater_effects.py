"""The rater-effects model (kinerja.review.effects) and its findings, on hand-computed cases."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.frames import RATINGS
from kinerja.review.effects import fit_effects
from kinerja.review.findings import EffectThresholds, find_biases

SCALES = {"A": (1.0, 5.0), "B": (1.0, 5.0)}  # 4 points: nilai = 1 + 4 * scaled
LEVELS = {"E1": 0.5, "E2": 0.25, "E3": 0.75}
ASPECTS = {"A": 0.125, "B": -0.125}


def _ratings(rows: list[tuple[str, str, str, str, float]]) -> pl.DataFrame:
    """Accepted ratings from (nip, penilai_nip, kelompok, aspek, nilai)."""
    frame = pl.DataFrame(
        rows, schema=["nip", "penilai_nip", "kelompok", "aspek", "nilai"], orient="row"
    )
    return frame.with_columns(
        pl.lit(None, pl.String).alias("tanggal"),
        pl.lit("").alias("catatan"),
        pl.int_range(2, pl.len() + 2).alias("_row"),
    ).cast(RATINGS)  # type: ignore[arg-type]


def _crossed(raters: dict[str, float], group: str = "peer") -> list[tuple]:
    """Every rater rates every aspect of every employee: 1 + 4 * (level + aspect + bias)."""
    return [
        (nip, rater, group, aspek, 1 + 4 * (level + effect + bias))
        for nip, level in LEVELS.items()
        for aspek, effect in ASPECTS.items()
        for rater, bias in raters.items()
    ]


def _effect(model, rater: str) -> float:
    return model.raters.filter(pl.col("penilai_nip") == rater)["effect"].item()


def test_one_rater_adds_a_quarter():
    # 3 employees x 2 aspects x 3 peers, R3 adds 0.25 (scaled) to every rating; no noise.
    # Rater effects sum to zero: mean bias 0.25/3, so R3 = 0.25 - 1/12 = 1/6 and
    # R1 = R2 = -1/12; the levels take up +1/12: 0.5 + 1/12, 0.25 + 1/12, 0.75 + 1/12.
    # Aspects sum to zero already: +0.125, -0.125. In points (x 4): R3 +2/3, R1 -1/3.
    model = fit_effects(_ratings(_crossed({"R1": 0.0, "R2": 0.0, "R3": 0.25})), SCALES)
    raters = model.raters.sort("penilai_nip")
    assert raters["effect"].to_list() == pytest.approx([-1 / 12, -1 / 12, 1 / 6], abs=1e-9)
    assert raters["points"].to_list() == pytest.approx([-1 / 3, -1 / 3, 2 / 3], abs=1e-9)
    assert raters["ratings"].to_list() == [6, 6, 6]  # 3 employees x 2 aspects
    assert raters["employees"].to_list() == [3, 3, 3]
    levels = model.employees.sort("nip")["level"].to_list()
    assert levels == pytest.approx([0.5 + 1 / 12, 0.25 + 1 / 12, 0.75 + 1 / 12], abs=1e-9)
    assert model.aspects.sort("aspek")["effect"].to_list() == pytest.approx(
        [0.125, -0.125], abs=1e-9
    )
    assert model.residual_sd == pytest.approx(0.0, abs=1e-9)
    assert model.span == 4.0


def test_residual_sd_and_se_of_one_disturbed_rating():
    # The same balanced design (18 ratings, 3 + 2 + 3 columns, 2 free directions:
    # 18 - 6 = 12 degrees of freedom) with one rating 0.25 higher (E1, A, R1). The fit's
    # projection of that one disturbance keeps 1 - h of it as its own residual, with
    # h = 1/6 (employee) + 1/9 (aspect) + 1/6 (rater) - 2/18 (the grand mean counted
    # twice) = 1/3: residual 0.25 * 2/3 = 1/6, RSS = 0.25^2 * 2/3, sd = sqrt(RSS / 12)
    # = 0.25 / sqrt(18). A rater's information: 3 employees x 2 ratings x (1 - 2/6) = 4,
    # so se = sd / 2.
    rows = _crossed({"R1": 0.0, "R2": 0.0, "R3": 0.0})
    rows = [
        (*r[:4], r[4] + 1.0) if r[:3] == ("E1", "R1", "peer") and r[3] == "A" else r for r in rows
    ]
    model = fit_effects(_ratings(rows), SCALES)
    sd = 0.25 / math.sqrt(18)
    assert model.residual_sd == pytest.approx(sd, abs=1e-9)
    disturbed = model.ratings.filter(
        (pl.col("nip") == "E1") & (pl.col("penilai_nip") == "R1") & (pl.col("aspek") == "A")
    )
    assert disturbed["residual"].item() == pytest.approx(1 / 6, abs=1e-9)
    assert model.raters["se"].to_list() == pytest.approx([sd / 2] * 3, abs=1e-9)
    assert model.raters["se_points"].to_list() == pytest.approx([2 * sd] * 3, abs=1e-9)


def test_self_rater_se_counts_the_level_estimated_from_the_same_ratings():
    # E1 rated on 2 aspects by P1, P2 and themself (6 ratings), E2 by P1, P2 (4). The
    # self-rater's information: 2 * (1 - 2/6) = 4/3, so se = sd * sqrt(3/4), i.e.
    # sd * sqrt(1/2 + 1/4): 2 own ratings against 4 of the others.
    rows = [
        ("E1", "P1", "peer", "A", 3.0),
        ("E1", "P1", "peer", "B", 4.0),
        ("E1", "P2", "peer", "A", 4.0),
        ("E1", "P2", "peer", "B", 3.0),
        ("E1", "E1", "self", "A", 5.0),
        ("E1", "E1", "self", "B", 4.0),
        ("E2", "P1", "peer", "A", 2.0),
        ("E2", "P1", "peer", "B", 3.0),
        ("E2", "P2", "peer", "A", 3.0),
        ("E2", "P2", "peer", "B", 3.0),
    ]
    model = fit_effects(_ratings(rows), SCALES)
    self_se = model.raters.filter(pl.col("kelompok") == "self")["se"].item()
    assert self_se == pytest.approx(model.residual_sd * math.sqrt(3 / 4), rel=1e-9)
    assert model.residual_sd > 0


def test_anonymous_ratings_are_left_out_and_a_lone_rater_has_no_evidence():
    rows = [
        ("E1", "S1", "supervisor", "A", 5.0),
        ("E1", "S1", "supervisor", "B", 5.0),
        ("E1", "", "citizen", "A", 1.0),
        ("E1", "", "citizen", "B", 1.0),
    ]
    model = fit_effects(_ratings(rows), SCALES)
    assert model.ratings.height == 2  # the citizens without an id are not in the model
    # S1 is E1's only rater: a lenient rater cannot be told from a strong employee.
    assert model.raters["se"].to_list() == [math.inf]


def test_findings_words_and_numbers():
    # R3 adds 0.25 (1 point) over R1, R2: effect 2/3 points (see the first test), se 0.
    # R1 and R2 at -1/3 points are within the 0.5-point threshold: no severity.
    limits = EffectThresholds(min_ratings=6)
    found = find_biases(
        fit_effects(_ratings(_crossed({"R1": 0.0, "R2": 0.0, "R3": 0.25})), SCALES), limits
    )
    assert found["kind"].to_list() == ["leniency"]
    row = found.row(0, named=True)
    assert row["penilai_nip"] == "R3"
    assert row["value"] == pytest.approx(2 / 3, abs=1e-9)
    assert (row["threshold"], row["ratings"], row["employees"]) == (0.5, 6, 3)
    assert row["words"] == (
        "rater R3 (peer) rates 0.67 points above what the model expects of the same "
        "employees (se 0.00, 6 ratings of 3 employees)"
    )


def test_self_inflation_and_supervisor_gap():
    # Three fair peers; S1 rates every employee 0.25 (1 point) above them; E1 rates
    # themself 0.5 (2 points) above their level. No noise: the fit is exact.
    # The supervisor's gap per cell: S1 - mean of the peers' and E1's self-rating. For E2
    # and E3 (peers only) it is 1 point; for E1 the others' mean on each aspect is
    # (3 * x + (x + 2)) / 4 = x + 0.5, so the gap is 0.5: mean (0.5 + 1 + 1) / 3 = 5/6.
    # Its se: the residual sd is 0, so the spread of the gaps: sample variance of
    # (0.5, 1, 1) = (1/9 + 1/36 + 1/36) / 2 = 1/12, over 3 employees: sqrt(1/36) = 1/6.
    rows = _crossed({"R1": 0.0, "R2": 0.0, "R3": 0.0})
    rows += [r for r in _crossed({"S1": 0.25}, "supervisor")]
    rows += [r for r in _crossed({"E1": 0.5}, "self") if r[0] == "E1"]
    found = find_biases(fit_effects(_ratings(rows), SCALES), EffectThresholds(min_ratings=6))
    by_kind = {row["kind"]: row for row in found.iter_rows(named=True)}
    assert set(by_kind) == {"leniency", "supervisor_gap", "self_inflation"}
    gap = by_kind["supervisor_gap"]
    assert (gap["penilai_nip"], gap["value"], gap["employees"]) == ("S1", pytest.approx(5 / 6), 3)
    assert gap["words"] == (
        "supervisor S1 rates 0.83 points above the peers' and self-ratings of the same "
        "employees on average (se 0.17, 6 ratings of 3 employees)"
    )
    inflated = by_kind["self_inflation"]
    # Effects (scaled) with the four non-self raters summing to zero: peers 0 - 1/16,
    # S1 1/4 - 1/16 = 3/16, E1's self 1/2 - 1/16 = 7/16. E1's other raters: 6 peer
    # ratings at -1/16 and 2 of S1 at 3/16, mean 0; so E1 is 7/16 = 1.75 points above.
    assert inflated["value"] == pytest.approx(1.75, abs=1e-9)
    assert gap["se"] == pytest.approx(1 / 6, abs=1e-9)  # points, as worked out above
    assert inflated["words"] == (
        "E1 rates themself 1.75 points above the other raters of the same employee "
        "(se 0.00, 2 ratings)"
    )


def test_straight_line_and_halo():
    # P9 gives 4 everywhere to four employees: straight-lining. S9 gives each employee
    # one level for both aspects (2, 3, 4, 5): with 2 aspects, halo needs halo_aspects 2.
    levels = {"E1": 2.0, "E2": 3.0, "E3": 4.0, "E4": 5.0}
    rows = [(nip, "P9", "peer", a, 4.0) for nip in levels for a in ("A", "B")]
    rows += [(nip, "S9", "supervisor", a, v) for nip, v in levels.items() for a in ("A", "B")]
    rows += [(nip, "P1", "peer", a, v - (a == "B")) for nip, v in levels.items() for a in "AB"]
    limits = EffectThresholds(halo_aspects=2, min_ratings=100)
    found = find_biases(fit_effects(_ratings(rows), SCALES), limits)
    assert found.select("kind", "penilai_nip", "value").rows() == [
        ("straight_line", "P9", 4.0),
        ("halo", "S9", 4.0),
    ]
    assert found["words"].to_list() == [
        "rater P9 (peer) gave the same ratings to all 4 employees they rated (8 ratings)",
        "rater S9 (supervisor) gave each of the 4 employees they rated one level for every "
        "aspect, from 2.00 to 5.00 between employees (8 ratings)",
    ]


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(st.integers(1, 5), min_size=36, max_size=36),
    shift=st.floats(-2.0, 2.0, allow_nan=False),
    moved=st.integers(0, 2),
)
def test_a_constant_added_to_one_rater_moves_only_that_rater(values, shift, moved):
    # 3 employees x 2 aspects x 3 raters, plus a second set of 3 employees rated by the
    # same raters: 36 ratings. Adding ``shift`` points to every rating of one rater
    # moves that rater's effect by shift / 4 (scaled) against each other rater, and
    # leaves every difference between employee levels as it was.
    keys = [(f"E{e}", f"R{r}", a) for e in range(6) for a in ("A", "B") for r in range(3)]
    rows = [
        (nip, rater, "peer", a, float(v)) for (nip, rater, a), v in zip(keys, values, strict=True)
    ]
    moved_rows = [
        (nip, rater, g, a, v + shift if rater == f"R{moved}" else v) for nip, rater, g, a, v in rows
    ]
    before = fit_effects(_ratings(rows), SCALES)
    after = fit_effects(_ratings(moved_rows), SCALES)
    change = (after.raters["effect"] - before.raters["effect"]).to_list()
    others = [change[r] for r in range(3) if r != moved]
    for other in others:
        assert change[moved] - other == pytest.approx(shift / 4, abs=1e-7)
    levels_before = before.employees.sort("nip")["level"]
    levels_after = after.employees.sort("nip")["level"]
    assert (levels_after - levels_after[0]).to_list() == pytest.approx(
        (levels_before - levels_before[0]).to_list(), abs=1e-7
    )

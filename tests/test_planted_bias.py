"""The issue's planted-bias test: on a synthetic workforce with planted lenient, severe,
straight-lining, halo and self-inflating raters (weak, average and strong teams), the
model finds at least 90% of each kind and flags at most 5% of the unbiased raters."""

from __future__ import annotations

import polars as pl
import pytest

from kinerja.review.effects import fit_effects
from kinerja.review.findings import find_biases
from kinerja.review.planted import KINDS, detection, planted_workforce


@pytest.fixture(scope="module")
def planted():
    workforce = planted_workforce(units=90, per_kind=24, seed=0)  # 990 employees
    findings = find_biases(fit_effects(workforce.ratings, workforce.scales))
    return workforce, findings


def test_planted_raters_found_and_unbiased_left_alone(planted, capsys):
    workforce, findings = planted
    table = detection(workforce.truth, findings)
    with capsys.disabled():
        print("\nplanted bias: found / planted per kind, false flags / unbiased")
        for row in table.iter_rows(named=True):
            what = "false flags" if row["kind"] == "none" else "found"
            count = row["flagged"] if row["kind"] == "none" else row["found"]
            print(
                f"  {row['kind']:<15} {what:<11} {count:>4} / {row['raters']:<5} {row['share']:.1%}"
            )
    shares = dict(table.select("kind", "share").iter_rows())
    assert set(shares) == {*KINDS, "none"}
    for kind in KINDS:
        assert shares[kind] >= 0.9, kind
    assert shares["none"] <= 0.05


def test_team_strength_is_not_taken_for_leniency(planted):
    # An unbiased supervisor of a strong team is not lenient, nor of a weak team severe.
    workforce, findings = planted
    fair = workforce.truth.filter((pl.col("kind") == "none") & (pl.col("kelompok") == "supervisor"))
    flagged = fair.join(findings, on=["kelompok", "penilai_nip"])
    wrong = flagged.filter(
        ((pl.col("team") == "strong") & (pl.col("kind_right") == "leniency"))
        | ((pl.col("team") == "weak") & (pl.col("kind_right") == "severity"))
    )
    assert fair.height > 50 and wrong.is_empty()
    # and the planted lenient supervisors of strong teams are found, as are severe of weak
    planted_ = workforce.truth.filter(
        (pl.col("kelompok") == "supervisor") & pl.col("kind").is_in(["lenient", "severe"])
    )
    found = planted_.join(findings, on=["kelompok", "penilai_nip"], how="left")
    assert found.filter(pl.col("kind_right").is_null()).is_empty()


def test_the_workforce_is_deterministic():
    one = planted_workforce(units=6, per_kind=2, seed=3)
    two = planted_workforce(units=6, per_kind=2, seed=3)
    other = planted_workforce(units=6, per_kind=2, seed=4)
    assert one.ratings.equals(two.ratings) and one.truth.equals(two.truth)
    assert not one.ratings.equals(other.ratings)
    # 6 units of 11: staff rated by head, 4 peers, self; heads by director, 3 staff, self
    assert one.levels.height == 66
    assert one.ratings.height == (60 * 6 + 6 * 5) * 4
    assert (one.truth["kind"] != "none").sum() == 2 * len(KINDS)

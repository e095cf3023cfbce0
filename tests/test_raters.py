"""The run's rater summary: made in one step for one batch, or a hash partition at a time
on disk for a run of many chunks (:class:`kinerja.raters.RunRaters`), with the same rows."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja import raters as raters_module
from kinerja.frames import RATINGS
from kinerja.manager import make_manager
from kinerja.raters import RATERS, RunRaters, rater_partials, rater_summary
from kinerja.regions import load_region_rules
from kinerja.spill import BatchStore

RULES = load_region_rules(make_manager(), "kasemen")  # four aspects, each on a 1-5 scale
ASPECTS = list(RULES.aspects)
KEY = ["kelompok", "penilai_nip"]


def _ratings(rows: list[tuple[str, str, str, str, float]]) -> pl.DataFrame:
    """Accepted ratings from (nip, penilai_nip, kelompok, aspek, nilai)."""
    frame = pl.DataFrame(
        rows, schema=["nip", "penilai_nip", "kelompok", "aspek", "nilai"], orient="row"
    )
    return frame.with_columns(
        pl.lit(None, pl.String).alias("tanggal"),
        pl.lit(None, pl.String).alias("catatan"),
        pl.int_range(2, pl.len() + 2).alias("_row"),
    ).cast(RATINGS)  # type: ignore[arg-type]


def _chunked(chunks: list[pl.DataFrame]) -> list[pl.DataFrame]:
    """Each chunk's summary rows, from a :class:`RunRaters` of the chunks."""
    with BatchStore() as store:
        run = RunRaters(store, len(chunks))
        for index, ratings in enumerate(chunks):
            run.add(index, rater_partials(RULES, ratings))
        run.combine()
        return [run.of(index) for index in range(len(chunks))]


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(KEY)


A, B = ASPECTS[0], ASPECTS[1]
# Chunk 0: employee E1 rated by peer P1 (5 and 5) and supervisor S1 (3 and 4);
#          employee E2 rated by peer P2 (3 on A) and P1 again (5 and 5), a self-rating.
# Chunk 1: employee E3 rated by P1 (5 and 4) and P2 (1 on A), one rating without a NIP.
CHUNK_0 = _ratings(
    [
        ("E1", "P1", "peer", A, 5.0),
        ("E1", "P1", "peer", B, 5.0),
        ("E1", "S1", "supervisor", A, 3.0),
        ("E1", "S1", "supervisor", B, 4.0),
        ("E2", "P2", "peer", A, 3.0),
        ("E2", "P1", "peer", A, 5.0),
        ("E2", "P1", "peer", B, 5.0),
        ("E2", "E2", "self", A, 5.0),
    ]
)
CHUNK_1 = _ratings(
    [
        ("E3", "P1", "peer", A, 5.0),
        ("E3", "P1", "peer", B, 4.0),
        ("E3", "P2", "peer", A, 1.0),
        ("E3", "", "peer", B, 2.0),
    ]
)


def test_a_rater_is_summarised_over_every_chunk() -> None:
    # on a 1-5 scale, nilai n is (n - 1) / 4 on the 0-1 scale
    # P1: 1 + 1 + 1 + 1 (chunk 0) + 1 + 0.75 (chunk 1) = 5.75 over 6 ratings, mean 0.958333...;
    #     3 employees, E3's pattern differs from E1's and E2's: not the same
    # P2: 0.5 (chunk 0) + 0 (chunk 1) = 0.5 over 2 ratings, mean 0.25; 2 employees, differ
    # S1: 0.5 + 0.75 = 1.25 over 2 ratings, mean 0.625; one employee, the same
    # peer group: mean of raters' means (5.75 / 6 + 0.25) / 2 = 0.6041666..., 2 raters;
    # the self-rating and the rating without a NIP are not a rater's
    first, second = _chunked([CHUNK_0, CHUNK_1])
    expected = pl.DataFrame(
        {
            "kelompok": ["peer", "peer", "supervisor"],
            "penilai_nip": ["P1", "P2", "S1"],
            "ratings": [6, 2, 2],
            "mean": [5.75 / 6, 0.25, 0.625],
            "employees": [3, 2, 1],
            "same": [False, False, True],
            "group_mean": [(5.75 / 6 + 0.25) / 2, (5.75 / 6 + 0.25) / 2, 0.625],
            "group_raters": [2, 2, 1],
        },
        schema=RATERS,
    )
    assert _sorted(first).equals(expected)
    assert _sorted(second).equals(expected.head(2))  # S1 rates only in chunk 0


def test_a_rater_who_gives_one_pattern_everywhere_is_the_same() -> None:
    # P1 gives A=5, B=5 to E1 and E2 in chunk 0 and to E4 in chunk 1 (in the other
    # order): the same pattern, 3 employees, 6 ratings all 1.0 on the 0-1 scale
    again = _ratings([("E4", "P1", "peer", B, 5.0), ("E4", "P1", "peer", A, 5.0)])
    first, _ = _chunked([CHUNK_0, again])
    p1 = first.filter(pl.col("penilai_nip") == "P1").row(0, named=True)
    assert (p1["employees"], p1["same"], p1["ratings"], p1["mean"]) == (3, True, 6, 1.0)


def test_the_same_scores_on_other_aspects_are_another_pattern() -> None:
    # R1 gives A=5, B=4 to E1 and A=4, B=5 to E2: the same scores, not the same pattern
    swapped = _ratings(
        [
            ("E1", "R1", "peer", A, 5.0),
            ("E1", "R1", "peer", B, 4.0),
            ("E2", "R1", "peer", A, 4.0),
            ("E2", "R1", "peer", B, 5.0),
        ]
    )
    (summary,) = _chunked([swapped])
    assert summary.select("employees", "same").row(0) == (2, False)


def test_a_chunk_without_raters_gets_no_rows() -> None:
    alone = _ratings([("E9", "E9", "self", A, 4.0)])
    assert _chunked([CHUNK_0, alone])[1].equals(pl.DataFrame(schema=RATERS))


NIPS = st.sampled_from([f"R{i}" for i in range(12)] + [""])
RATING = st.tuples(
    st.sampled_from([f"E{i}" for i in range(9)]),
    NIPS,
    st.sampled_from(["peer", "supervisor", "self", "citizen"]),
    st.sampled_from(ASPECTS),
    st.integers(1, 5).map(float),
)


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(RATING, min_size=1, max_size=40),
    cuts=st.lists(st.integers(0, 40), max_size=5),
    per_partition=st.integers(1, 8),
)
def test_partitions_give_the_one_step_summary(
    rows: list[tuple[str, str, str, str, float]], cuts: list[int], per_partition: int
) -> None:
    ratings = _ratings(rows)
    bounds = sorted({0, len(rows), *(c for c in cuts if c < len(rows))})
    chunks = [ratings.slice(a, b - a) for a, b in zip(bounds, bounds[1:], strict=False)]
    whole = rater_summary([rater_partials(RULES, ratings)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(raters_module, "PARTITION_ROWS", per_partition)
        found = _chunked(chunks)
    for chunk, summary in zip(chunks, found, strict=True):
        here = chunk.filter((pl.col("penilai_nip") != "") & (pl.col("kelompok") != "self"))
        expected = whole.join(here.select(KEY).unique(), on=KEY, how="semi")
        ours, theirs = _sorted(summary), _sorted(expected)
        # a group's sum of means is added up per partition: equal to the last bits
        assert ours.drop("group_mean").equals(theirs.drop("group_mean"))
        assert ours["group_mean"].to_list() == pytest.approx(theirs["group_mean"].to_list())

"""The rater-group tallies of the weighting step: sums as added in input order, raters counted."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.builtin.weighting import tallies
from kinerja.frames import EMPLOYEES, OBJECTIONS, OUTCOMES, RATINGS, REJECTS, Batch, empty


def _batch(rows: list[tuple[str, str, str, float]]) -> Batch:
    ratings = pl.DataFrame(
        {
            "nip": [r[0] for r in rows],
            "penilai_nip": [r[1] for r in rows],
            "kelompok": [r[2] for r in rows],
            "aspek": ["kerja_sama"] * len(rows),
            "nilai": [r[3] for r in rows],
            "tanggal": [None] * len(rows),
            "catatan": [""] * len(rows),
            "_row": list(range(2, len(rows) + 2)),
        },
        schema=RATINGS,
    )
    employees = pl.concat([empty(EMPLOYEES), pl.DataFrame({"nip": ["A", "B"]})], how="diagonal")
    return Batch(employees, empty(OUTCOMES), ratings, empty(OBJECTIONS), empty(REJECTS), {})


_SPECS = pl.DataFrame({"aspect": ["kerja_sama", "kerja_sama"], "group": ["peer", "citizen"]})
"""The cells the tallies fall in: kerja_sama by peers (cell 0) and by citizens (cell 1)."""


def _tallies(rows: list[tuple[str, str, str, float]]) -> pl.DataFrame:
    """The tallies of ``rows``, keyed by NIP and group again (employee A is 0, B is 1)."""
    found = tallies(_batch(rows), _SPECS)
    return found.with_columns(
        pl.col("_i").replace_strict([0, 1], ["A", "B"], return_dtype=pl.String).alias("nip"),
        pl.col("_cell").replace_strict([0, 1], ["peer", "citizen"], return_dtype=pl.String)
        .alias("kelompok"),
    )  # fmt: skip


def test_raters_counted_and_summed_by_hand() -> None:
    # employee A, peers: P1 gives 4 and 5 (one rater, two ratings), P2 gives 3;
    # citizens: two without an id (each their own rater) give 2 and 4, W1 gives 5
    rows = [
        ("A", "P1", "peer", 4.0),
        ("A", "P2", "peer", 3.0),
        ("A", "P1", "peer", 5.0),
        ("A", "", "citizen", 2.0),
        ("A", "", "citizen", 4.0),
        ("A", "W1", "citizen", 5.0),
    ]
    found = _tallies(rows).sort("kelompok")
    # citizen: sum 2 + 4 + 5 = 11 over 3 ratings, raters: 2 without an id + W1 = 3
    # peer: sum 4 + 3 + 5 = 12 over 3 ratings, raters P1, P2 = 2
    assert found.select("kelompok", "_sum", "_n", "count").rows() == [
        ("citizen", 11.0, 3, 3),
        ("peer", 12.0, 3, 2),
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B"]),
            st.sampled_from(["P1", "P2", ""]),
            st.sampled_from(["peer", "citizen"]),
            st.one_of(
                st.integers(1, 5).map(float),
                st.floats(0, 5, allow_nan=False).map(lambda x: round(x, 3)),
            ),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_sums_are_the_input_order_sums(rows: list[tuple[str, str, str, float]]) -> None:
    expected: dict[tuple[str, str], float] = {}
    for nip, _, group, value in rows:  # Python adds them one by one, in input order
        expected[(nip, group)] = expected.get((nip, group), 0.0) + value
    found = _tallies(rows)
    sums = {(n, g): s for n, g, s in found.select("nip", "kelompok", "_sum").iter_rows()}
    assert sums == expected

"""Supervisor chains: the employees in a loop of atasan_nip, found by doubling joins."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.builtin.supervisors import in_loops


def _chains(pairs: dict[str, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {"nip": list(pairs), "atasan_nip": list(pairs.values())},
        schema={"nip": pl.String, "atasan_nip": pl.String},
    )


def test_loops_by_hand() -> None:
    # A and B supervise each other; D -> E -> F -> D; C reports into the A-B loop but is
    # not in it; G reports to someone outside the data; H to no one; X supervises itself
    pairs = {"A": "B", "B": "A", "C": "A", "D": "E", "E": "F", "F": "D"}
    pairs |= {"G": "Z", "H": None, "I": "", "X": "X"}
    assert in_loops(_chains(pairs)).to_list() == ["A", "B", "D", "E", "F", "X"]


def test_a_long_chain_without_a_loop_has_none() -> None:
    # 0 -> 1 -> ... -> 999 -> (nobody): 1,000 steps, about 10 doubling joins
    pairs = {str(i): str(i + 1) if i < 999 else None for i in range(1000)}
    assert in_loops(_chains(pairs)).len() == 0


def _reference(pairs: dict[str, str | None]) -> list[str]:
    """Follow each chain one step at a time; a chain that comes back is a loop."""
    looped = set()
    for start in pairs:
        seen, at = [], start
        while at in pairs and at not in seen:
            seen.append(at)
            at = pairs[at]  # type: ignore[assignment]
        if at in seen:
            looped.update(seen[seen.index(at) :])
    return sorted(looped)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from("ABCDEFGHIJ"), st.sampled_from([*"ABCDEFGHIJ", "Z", None])))
def test_loops_are_what_following_each_chain_finds(pairs: dict[str, str | None]) -> None:
    assert in_loops(_chains(pairs)).to_list() == _reference(pairs)


def test_a_loop_across_units_is_flagged_when_they_fall_in_different_chunks() -> None:
    """A (unit 1) and B (unit 2) supervise each other; with one employee a chunk, each
    unit is its own chunk, and the loop is still found on both (the run's loops are
    found once for the whole run)."""
    from region_helpers import capaian, pegawai, rules_for

    from kinerja.input.tables import Tables
    from kinerja.manager import make_manager
    from kinerja.output.views import results_of
    from kinerja.pipeline import appraise_tables

    a, b, c = "198001012005011001", "198101012006011002", "198201012007011001"
    rows = [
        pegawai(a, "Ani", unit="Unit 1", atasan=b),
        pegawai(b, "Budi", unit="Unit 2", atasan=a),
        pegawai(c, "Cici", unit="Unit 3", atasan=a),
    ]
    outcomes = [capaian(n, "realisasi_program", 100, 100) for n in (a, b, c)]
    sheets = {"pegawai": rows, "capaian": outcomes}
    flagged = {}
    for size in (10, 1):  # one chunk; then three
        tables = Tables.from_rows(
            {name: list(enumerate(r, start=2)) for name, r in sheets.items()}, source="t"
        )
        out = appraise_tables(rules_for("asemrowo"), tables, make_manager(), chunk_size=size)
        assert out.results.height == 3
        flagged[size] = {
            r.nip for r in results_of(out) if any(f.code == "supervisor_loop" for f in r.flags)
        }
    assert flagged[1] == flagged[10] == {a, b}  # Cici reports into the loop, not in it

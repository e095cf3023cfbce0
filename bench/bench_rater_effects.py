"""Benchmark: the rater-effects model on a planted workforce, with its detection figures.

Makes a synthetic workforce (:func:`kinerja.review.planted.planted_workforce`) of about
N employees (units of 11, five aspects: about 30 ratings an employee), fits the model
(:func:`kinerja.review.effects.fit_effects`) and reads its findings
(:func:`kinerja.review.findings.find_biases`), and prints:

- the time to generate, fit and find, the solver's iterations and the residual sd;
- the memory of the process (resident set, as the OS counts it: polars' and numpy's
  own allocations included) before the fit, and its peak during fit and find;
- per planted kind, found / planted, and false flags / unbiased raters, and the same
  per strength and team for leniency and severity.

Usage: python bench/bench_rater_effects.py [--employees N] [--seed S] [--per-kind K]
       [--weak] (also plant lenient/severe raters at 0.75 points, near the scale's ends)
"""

from __future__ import annotations

import argparse
import gc
import resource
import threading
import time

import polars as pl

from kinerja.review.effects import fit_effects
from kinerja.review.findings import find_biases
from kinerja.review.planted import FOUND_AS, detection, planted_workforce


def _rss_mb() -> float:
    """The resident set of this process now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


class _Peak:
    """The highest resident set seen while the block runs (sampled every 5 ms)."""

    def __enter__(self) -> _Peak:
        self.peak = _rss_mb()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _by_strength(truth: pl.DataFrame, findings: pl.DataFrame) -> pl.DataFrame:
    """Found share of lenient and severe raters per strength and team."""
    got = findings.select("kelompok", "penilai_nip", pl.col("kind").alias("_got"))
    planted = truth.filter(pl.col("kind").is_in(["lenient", "severe"]))
    want = pl.col("kind").replace_strict(FOUND_AS, return_dtype=pl.String)
    return (
        planted.join(got, on=["kelompok", "penilai_nip"], how="left")
        .group_by("kelompok", "penilai_nip", "kind", "strength", "team")
        .agg((pl.col("_got") == want).fill_null(False).any().alias("found"))
        .group_by("kind", "strength", "team")
        .agg(pl.len().alias("planted"), pl.col("found").sum())
        .sort("kind", "strength", "team")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-kind", type=int, default=100)
    parser.add_argument("--weak", action="store_true")
    args = parser.parse_args()
    strengths = {"lenient": (0.75, 1.0, 1.25), "severe": (0.75, 1.0, 1.25)} if args.weak else None
    start = time.perf_counter()
    workforce = planted_workforce(
        units=max(1, args.employees // 11),
        aspects=5,
        per_kind=args.per_kind,
        seed=args.seed,
        strengths=strengths,
    )
    gc.collect()
    before = _rss_mb()
    made = time.perf_counter()
    with _Peak() as fit_peak:
        model = fit_effects(workforce.ratings, workforce.scales)
        fitted = time.perf_counter()
        findings = find_biases(model)
        found = time.perf_counter()
    ratings = workforce.ratings.height
    print(
        f"employees {workforce.levels.height:,}  ratings {ratings:,}  "
        f"raters {model.raters.height:,}  parts {model.raters['part'].n_unique():,}"
    )
    print(f"generate {made - start:.2f} s")
    print(
        f"fit      {fitted - made:.2f} s  ({model.iterations} lsmr iterations, "
        f"residual sd {model.residual_sd * model.span:.3f} points)"
    )
    print(f"find     {found - fitted:.2f} s  ({findings.height:,} findings)")
    print(
        f"memory: {before:,.0f} MB held with the ratings before the fit, peak "
        f"{fit_peak.peak:,.0f} MB during fit and find (+{fit_peak.peak - before:,.0f} MB)"
    )
    print("found / planted per kind; false flags / unbiased raters:")
    for row in detection(workforce.truth, findings).iter_rows(named=True):
        count = row["flagged"] if row["kind"] == "none" else row["found"]
        what = "false flags" if row["kind"] == "none" else "found"
        print(f"  {row['kind']:<15} {what:<11} {count:>6} / {row['raters']:<7} {row['share']:.1%}")
    print("leniency and severity per strength (points) and team: found / planted")
    for row in _by_strength(workforce.truth, findings).iter_rows(named=True):
        where = f"{row['kind']:<8} {row['strength']:.2f} {row['team']:<8}"
        print(f"  {where} {row['found']} / {row['planted']}")


if __name__ == "__main__":
    main()

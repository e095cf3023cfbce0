"""Benchmark: how fast the compiled rules evaluate, against hand-written Python.

For each region it makes N synthetic employees' collected values (the names the
rules read: indicator achievements, rated aspects, declared inputs), checks that
the compiled rules and a hand-written function agree on every row, then times
(every variant keeps its N results, as an engine must):

- compiled rules: the region's components, score and predikat, one call per row;
- hand-written: the same arithmetic written directly in Python;
- simpleeval re-parsing every expression on each row (on a sample), for scale;
- the whole pipeline (validate input, collect, weigh, rules, review) on a
  smaller synthetic workbook, in employees per second.

Usage: python bench/bench_rules.py [--employees N] [--pipeline N] [--regions a,b]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from handwritten import HANDWRITTEN  # noqa: E402
from simpleeval import EvalWithCompoundTypes  # noqa: E402

from kinerja.authoring.sample import generate  # noqa: E402
from kinerja.functions import FUNCTIONS, band_lookup  # noqa: E402
from kinerja.input.read import Tables  # noqa: E402
from kinerja.manager import make_manager  # noqa: E402
from kinerja.pipeline import appraise_tables  # noqa: E402
from kinerja.regions import load_region_rules  # noqa: E402
from kinerja.rules import RuleSet  # noqa: E402


def synthetic_values(rules: RuleSet, n: int, seed: int = 7) -> list[dict[str, object]]:
    """N employees' collected values, with every name the rules read filled in."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        values: dict[str, object] = {}
        for code in rules.indicators:
            values[code] = round(rng.uniform(60, 120), 2)
        values["achievement_mean"] = round(rng.uniform(60, 120), 2)
        values["indicator_count"] = 2
        for code, aspect in rules.aspects.items():
            low, high = aspect.scale
            values[code] = round(rng.uniform(low, high), 2)
        for name, spec in rules.inputs.items():
            sample = rules.data["inputs"][name].get("sample")
            if spec.type == "number":
                low = sample[0] if sample else (spec.minimum or 0)
                high = sample[1] if sample else (spec.maximum or 100)
                values[name] = rng.randint(int(low), int(high))
            else:
                values[name] = "2026-12-01"
        rows.append(values)
    return rows


def timed(function, rows) -> float:
    """Seconds to apply ``function`` to every row, keeping the results as an engine must."""
    start = time.perf_counter()
    results = [function(row) for row in rows]
    elapsed = time.perf_counter() - start
    assert len(results) == len(rows)
    return elapsed


def batch_time(batch, rows) -> float:
    start = time.perf_counter()
    batch(rows)
    return time.perf_counter() - start


def best_of(repeats: int, function, rows) -> float:
    return min(timed(function, rows) for _ in range(repeats))


def simpleeval_function(rules: RuleSet):
    """Every expression re-parsed by simpleeval on every row: the naive approach."""
    functions = {name: f.impl for name, f in FUNCTIONS.items()}
    functions["band"] = lambda value, table: band_lookup(value, rules.bands[table])
    steps = [(c.name, c.checked.source) for c in rules.components]
    steps += [("score", rules.score.source), ("predikat", rules.predikat.source)]

    def evaluate(values):
        names = dict(values)
        names.update(true=True, false=False)
        evaluator = EvalWithCompoundTypes(functions=functions, names=names)
        out = []
        for name, source in steps:
            names[name] = evaluator.eval(source)
            out.append(names[name])
        return tuple(out)

    return evaluate


def agree(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= 1e-6
    return a == b


def bench_region(name: str, employees: int, pipeline: int, pm) -> dict[str, float]:
    rules = load_region_rules(pm, name)
    handwritten = HANDWRITTEN[name]
    rows = synthetic_values(rules, employees)
    program = rules.program
    for ours, row in zip(program.batch(rows), rows, strict=True):
        theirs = handwritten(row)
        if not all(agree(a, b) for a, b in zip(ours, theirs, strict=True)):  # type: ignore[arg-type]
            raise SystemExit(f"{name}: compiled rules and hand-written disagree: {ours} {theirs}")
    per_row = best_of(5, program.row, rows)
    compiled = min(batch_time(program.batch, rows) for _ in range(5))
    hand = best_of(5, handwritten, rows)
    sample = rows[: max(employees // 50, 200)]
    naive = timed(simpleeval_function(rules), sample) * len(rows) / len(sample)

    tables = generate(rules, pipeline, seed=3)
    numbered = {
        sheet: [(i + 2, dict(row)) for i, row in enumerate(rows_)]
        for sheet, rows_ in tables.items()
    }
    start = time.perf_counter()
    output = appraise_tables(rules, Tables.from_rows(numbered, "bench"), pm)
    whole = time.perf_counter() - start
    assert output.info.appraised + output.info.rejected_employees == pipeline
    return {
        "per_row": employees / per_row,
        "compiled": employees / compiled,
        "hand": employees / hand,
        "ratio": hand / compiled,
        "simpleeval": employees / naive,
        "simpleeval_ratio": hand / naive,
        "pipeline": pipeline / whole,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--pipeline", type=int, default=10_000)
    parser.add_argument("--regions", default="")
    args = parser.parse_args()
    pm = make_manager()
    names = args.regions.split(",") if args.regions else list(HANDWRITTEN)
    print(
        f"{args.employees:,} employees per region for rule evaluation; "
        f"{args.pipeline:,} for the whole pipeline."
    )
    header = (
        f"{'region':<11} {'row/s':>10} {'batch/s':>10} {'hand/s':>10} {'ratio':>6} "
        f"{'simpleeval/s':>13} {'ratio':>6} {'pipeline/s':>11}"
    )
    print(header)
    print("-" * len(header))
    for name in names:
        r = bench_region(name, args.employees, args.pipeline, pm)
        print(
            f"{name:<11} {r['per_row']:>10,.0f} {r['compiled']:>10,.0f} {r['hand']:>10,.0f} "
            f"{r['ratio']:>6.2f} "
            f"{r['simpleeval']:>13,.0f} {r['simpleeval_ratio']:>6.3f} {r['pipeline']:>11,.0f}"
        )


if __name__ == "__main__":
    main()

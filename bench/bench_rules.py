"""Benchmark: how fast the compiled rules evaluate, against hand-written Python.

For each region it makes N synthetic employees' collected values (the names the
rules read: indicator achievements, rated aspects, declared inputs), checks that
the engine's columnar rule program and a hand-written function agree on every row
(it prints the count checked; mismatches stop it), then times (every variant keeps
its N results, as an engine must):

- columnar rules: the region's components, score and predikat compiled to polars
  expressions (``compile_steps``) and applied to a frame of the N rows;
- hand-written: the same arithmetic written directly in Python, one call per row;
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

import polars as pl  # noqa: E402
from handwritten import HANDWRITTEN  # noqa: E402
from simpleeval import EvalWithCompoundTypes  # noqa: E402

from kinerja.authoring.sample import generate  # noqa: E402
from kinerja.engine_steps import describer  # noqa: E402
from kinerja.expr.columnar import Steps, compile_steps  # noqa: E402
from kinerja.expr.steps import Step  # noqa: E402
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


def values_frame(rules: RuleSet, rows: list[dict[str, object]]) -> pl.DataFrame:
    """The rows as one frame: numbers Float64, text String (as the engine holds them)."""
    text = {n for n, spec in rules.inputs.items() if spec.type != "number"}
    schema = {name: pl.String if name in text else pl.Float64 for name in rows[0]}
    return pl.DataFrame(rows, schema=schema, strict=False)


def columnar_program(rules: RuleSet) -> Steps:
    """The rules' components, score and predikat, compiled as the engine compiles them."""
    steps = [Step(c.name, c.checked) for c in rules.components]
    steps += [Step("score", rules.score), Step("predikat", rules.predikat)]
    return compile_steps(
        steps,
        rules.bands,
        describe=describer(rules),
        score_weights=rules.score_weights,
        labels={c.name: c.label for c in rules.components},
    )


def mismatches(name: str, program: Steps, frame: pl.DataFrame, rows, handwritten) -> int:
    """On how many rows the columnar program and the hand-written function disagree
    (a row the program fails counts as one); the first one is printed to stderr."""
    out = program.apply(frame).select(*program.names, "_error")
    count = 0
    for (*ours, error), row in zip(out.iter_rows(), rows, strict=True):
        theirs = handwritten(row)
        if error is None and all(agree(a, b) for a, b in zip(ours, theirs, strict=True)):
            continue
        if not count:
            print(f"{name}: {error or tuple(ours)} != {theirs} for {row}", file=sys.stderr)
        count += 1
    return count


def timed(function, rows) -> float:
    """Seconds to apply ``function`` to every row, keeping the results as an engine must."""
    start = time.perf_counter()
    results = [function(row) for row in rows]
    elapsed = time.perf_counter() - start
    assert len(results) == len(rows)
    return elapsed


def apply_time(program: Steps, frame: pl.DataFrame) -> float:
    """Seconds to compute every step of every row of ``frame``."""
    start = time.perf_counter()
    out = program.apply(frame)
    elapsed = time.perf_counter() - start
    assert out.height == frame.height
    return elapsed


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
    frame = values_frame(rules, rows)
    program = columnar_program(rules)
    mismatched = mismatches(name, program, frame, rows, handwritten)
    columnar = min(apply_time(program, frame) for _ in range(5))
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
        "checked": len(rows),
        "mismatches": mismatched,
        "columnar": employees / columnar,
        "hand": employees / hand,
        "ratio": hand / columnar,
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
        f"{'region':<11} {'checked':>9} {'mismatch':>8} {'columnar/s':>11} {'hand/s':>10} "
        f"{'ratio':>6} {'simpleeval/s':>13} {'ratio':>6} {'pipeline/s':>11}"
    )
    print(header)
    print("-" * len(header))
    disagreeing = 0
    for name in names:
        r = bench_region(name, args.employees, args.pipeline, pm)
        disagreeing += int(r["mismatches"])
        print(
            f"{name:<11} {r['checked']:>9,.0f} {r['mismatches']:>8,.0f} "
            f"{r['columnar']:>11,.0f} {r['hand']:>10,.0f} {r['ratio']:>6.2f} "
            f"{r['simpleeval']:>13,.0f} {r['simpleeval_ratio']:>6.3f} {r['pipeline']:>11,.0f}"
        )
    if disagreeing:
        raise SystemExit(f"{disagreeing} rows where the engine and the hand-written disagree")


if __name__ == "__main__":
    main()

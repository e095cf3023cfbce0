"""Benchmark at national scale: the whole ``kinerja run`` against a hand-written polars pipeline.

For each region and size N it makes the synthetic input once with ``kinerja sample-data``
(cached in the work folder by region, N and format), runs the whole
``kinerja run --region R --input DIR --output OUT`` as a child process (read, validate,
appraise, write results and rejects) and measures its wall time and peak memory (the
child's own ``ru_maxrss``, from ``os.wait4``), then times the hand-written polars
pipeline (``bench/handwritten_polars.py``) on the same input.

Before a timing is reported, the run's results are checked against the polars
pipeline on every employee (the same employees appraised, the same score, the same
predikat) and, for N up to 100,000, against the hand-written Python functions of
``bench/handwritten.py`` too; the counts checked and the mismatches are printed.
Scores are compared exactly when the run writes Parquet (full precision), and to the
4 decimals of its CSV otherwise.

The run reads and writes Parquet when ``kinerja run`` supports it (probed on a tiny
input) and CSV otherwise; ``--formats`` chooses the input formats to time.

Usage: python bench/bench_national.py [--regions a,b] [--sizes 100000,1000000]
       [--formats parquet,csv] [--workdir DIR] [--kinerja PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

from handwritten import HANDWRITTEN  # noqa: E402
from handwritten_polars import PIPELINES, objections, tidy_array  # noqa: E402

REGIONS = ("kasemen", "asemrowo", "kutacane", "sawahlunto", "lampung")
SIZES = (100_000, 1_000_000, 5_000_000)
SEED = 1
PYTHON_CHECK_LIMIT = 100_000
"""Up to this N the hand-written Python functions are checked too (one call per employee)."""
CSV_DECIMALS = 4
"""The results CSV shows scores to this many decimals."""
OBJECTION_WINDOW = {"kutacane": 14}
"""Regions whose rules apply objections, and their window in days (bench/handwritten.py
computes the predikat before them)."""


@dataclass(frozen=True, slots=True)
class Engine:
    """How to call ``kinerja`` and what it can read and write."""

    command: str
    reads_parquet: bool
    writes_parquet: bool

    @property
    def output_suffix(self) -> str:
        return ".parquet" if self.writes_parquet else ".csv"


@dataclass(frozen=True, slots=True)
class Timing:
    wall: float
    peak_mb: float


@dataclass(frozen=True, slots=True)
class Agreement:
    checked: int
    mismatches: int
    examples: pl.DataFrame


# --------------------------------------------------------------------- the engine


def _high_water_mb(pid: int) -> float | None:
    """The peak RSS of process ``pid`` since it exec'd (``VmHWM``), or None."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_child(args: list[str], log: Path) -> Timing:
    """Run ``args``; wall time and the child's own peak RSS. Output goes to ``log``.

    The peak is the child's ``VmHWM``, read every 20 ms while it runs: a forked
    child's ``ru_maxrss`` starts at its parent's peak, which here may be a baseline
    pipeline's. ``ru_maxrss`` is the fallback where ``/proc`` is not there.
    """
    start = time.perf_counter()
    peaks: list[float] = []
    with log.open("wb") as out:
        child = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        watcher = threading.Thread(target=_watch, args=(child, peaks), daemon=True)
        watcher.start()
        _, status, usage = os.wait4(child.pid, 0)
        watcher.join()
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        tail = log.read_text(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(args)} failed ({child.returncode}):\n{tail}")
    return Timing(wall, max(peaks) if peaks else usage.ru_maxrss / 1024)


def _watch(child: subprocess.Popen, peaks: list[float]) -> None:
    """Record ``child``'s high-water mark until it exits."""
    while _alive(child.pid):
        peak = _high_water_mb(child.pid)
        if peak is not None:
            peaks.append(peak)
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for ``wait4`` counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def probe(command: str, workdir: Path) -> Engine:
    """Which formats ``kinerja run`` reads and writes: tried on a five-employee input."""
    where = workdir / "probe"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    sample = [command, "sample-data", "-r", "lampung", "-n", "5", "-o"]
    subprocess.run(
        [*sample, str(where / "in"), "--format", "parquet"], check=True, capture_output=True
    )
    subprocess.run([*sample, str(where / "in-csv")], check=True, capture_output=True)
    reads = _appraises(
        [command, "run", "-r", "lampung", "-i", str(where / "in"), "-o", str(where / "o.csv")]
    )
    out = where / "o.parquet"
    writes = _appraises(
        [command, "run", "-r", "lampung", "-i", str(where / "in-csv"), "-o", str(out)]
    )
    return Engine(command, reads, writes and out.exists() and _is_parquet(out))


def _appraises(args: list[str]) -> bool:
    """Whether the run succeeds and reads the five employees."""
    english = {**os.environ, "KINERJA_LANG": "en"}
    done = subprocess.run(args, capture_output=True, text=True, env=english)
    return done.returncode == 0 and "Employees: 5 in" in done.stdout


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def make_input(engine: Engine, region: str, n: int, fmt: str, workdir: Path) -> Path:
    """The synthetic input folder for (region, n, fmt), generated once and cached."""
    folder = workdir / "inputs" / f"{region}-{n}-{fmt}"
    done = folder / ".complete"
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    args = [engine.command, "sample-data", "-r", region, "-n", str(n), "--seed", str(SEED)]
    args += ["-o", str(folder), "--format", fmt]
    timing = run_child(args, workdir / f"sample-{region}-{n}-{fmt}.log")
    print(
        f"  made {folder} in {timing.wall:.1f} s, peak {timing.peak_mb:,.0f} MB "
        f"({_size_mb(folder):,.0f} MB on disk)",
        flush=True,
    )
    done.write_text(" ".join(args) + "\n")
    return folder


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.iterdir()) / 2**20


def engine_results(path: Path) -> pl.DataFrame:
    """nip, score, predikat from the run's results (Parquet or CSV)."""
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path, columns=["nip", "score", "predikat"])
    else:
        frame = pl.read_csv(path, infer_schema=False, columns=["nip", "score", "predikat"])
    return frame.with_columns(pl.col("score").cast(pl.Float64))


# --------------------------------------------------------------------- agreement


def agreement(engine: pl.DataFrame, other: pl.DataFrame, tolerance: float) -> Agreement:
    """Compare two (nip, score, predikat) frames on every employee either has."""
    both = engine.join(
        other.select("nip", "score", "predikat"), on="nip", how="full", suffix="_other"
    )
    score_off = (pl.col("score") - pl.col("score_other")).abs() > tolerance
    differs = (score_off | (pl.col("predikat") != pl.col("predikat_other"))).fill_null(True)
    bad = both.filter(differs)
    return Agreement(both.height, bad.height, bad.head(5))


def handwritten_python(region: str, values: pl.DataFrame, folder: Path) -> pl.DataFrame:
    """Score and predikat from ``bench/handwritten.py`` on the polars pipeline's named
    values (indicator means, aspect scores, inputs), objections applied after it."""
    function = HANDWRITTEN[region]
    rows = values.to_dicts()
    computed = [function(row) for row in rows]
    frame = pl.DataFrame(
        {
            "nip": [row["nip"] for row in rows],
            "score": [float(c[-2]) for c in computed],
            "predikat": [c[-1] for c in computed],
        }
    )
    if region in OBJECTION_WINDOW:
        frame = objections(folder, frame.lazy(), OBJECTION_WINDOW[region]).collect()
    return frame


# --------------------------------------------------------------------- one measurement


@dataclass(frozen=True, slots=True)
class Row:
    region: str
    n: int
    fmt: str
    engine: Timing
    baseline: float

    def line(self) -> str:
        rate = self.n / self.engine.wall
        ratio = self.baseline / self.engine.wall
        return (
            f"{self.region:<11} {self.n:>10,} {self.fmt:<8} {self.engine.wall:>9.1f} "
            f"{self.engine.peak_mb:>9,.0f} {rate:>12,.0f} {self.baseline:>11.2f} {ratio:>7.3f}"
        )


HEADER = (
    f"{'region':<11} {'N':>10} {'format':<8} {'wall s':>9} {'peak MB':>9} "
    f"{'employees/s':>12} {'polars s':>11} {'ratio':>7}"
)


def measure(engine: Engine, region: str, n: int, fmt: str, workdir: Path) -> Row:
    """Make the input, run the engine, check it against the baselines, time the baseline."""
    folder = make_input(engine, region, n, fmt, workdir)
    out = workdir / "runs" / f"{region}-{n}-{fmt}{engine.output_suffix}"
    out.parent.mkdir(parents=True, exist_ok=True)
    args = [engine.command, "run", "--region", region, "--input", str(folder), "--output", str(out)]
    timed = run_child(args, out.with_suffix(".log"))
    results = engine_results(out)
    start = time.perf_counter()
    baseline = PIPELINES[region](folder)
    baseline_time = time.perf_counter() - start
    exact = out.suffix == ".parquet"
    tolerance = 0.0 if exact else 0.5 * 10**-CSV_DECIMALS + 1e-9
    how = "exactly" if exact else f"to the CSV's {CSV_DECIMALS} decimals"
    report("polars baseline", region, n, fmt, agreement(results, baseline, tolerance), how)
    if n <= PYTHON_CHECK_LIMIT:
        python = handwritten_python(region, baseline, folder)
        report("bench/handwritten.py", region, n, fmt, agreement(results, python, tolerance), how)
    return Row(region, n, fmt, timed, baseline_time)


def report(against: str, region: str, n: int, fmt: str, result: Agreement, how: str) -> None:
    print(
        f"  {region} {n:,} {fmt}: engine vs {against}: {result.checked:,} employees checked "
        f"(score {how}, predikat), {result.mismatches} mismatches",
        flush=True,
    )
    if result.mismatches:
        print(result.examples)


# --------------------------------------------------------------------- main


def check_tidy(n: int = 200_000) -> None:
    """The polars pipeline's tidying agrees with Python's ``round(x, 9)``, near-ties too."""
    rng = np.random.default_rng(9)
    near = np.round(rng.uniform(0, 130, n // 2), 9) + rng.choice((-5e-10, 5e-10), n // 2)
    values = np.concatenate([rng.uniform(0, 130, n // 2), near])
    differ = int((tidy_array(values.copy()) != [round(float(v), 9) for v in values]).sum())
    print(f"tidy: {len(values):,} values checked against round(x, 9), {differ} differ")


def default_command() -> str:
    beside = Path(sys.executable).with_name("kinerja")
    return str(beside) if beside.exists() else "kinerja"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", default=",".join(REGIONS))
    parser.add_argument("--sizes", default=",".join(str(n) for n in SIZES))
    parser.add_argument("--formats", default="parquet,csv", help="input formats: parquet,csv")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kinerja-bench"
    )
    parser.add_argument("--kinerja", default=default_command(), help="the kinerja command")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    check_tidy()
    engine = probe(args.kinerja, args.workdir)
    formats = [f for f in args.formats.split(",") if f]
    if "parquet" in formats and not engine.reads_parquet:
        print("kinerja run cannot read Parquet yet: timing CSV input only")
        formats = [f for f in formats if f != "parquet"] or ["csv"]
    print(
        f"kinerja: {engine.command} (reads Parquet: {engine.reads_parquet}, writes Parquet: "
        f"{engine.writes_parquet}; results written as {engine.output_suffix[1:]})",
        flush=True,
    )
    rows = []
    for n in (int(s.replace("_", "")) for s in args.sizes.split(",")):
        for region in args.regions.split(","):
            for fmt in formats:
                rows.append(measure(engine, region, n, fmt, args.workdir))
    print()
    print(HEADER)
    print("-" * len(HEADER))
    for row in rows:
        print(row.line())


if __name__ == "__main__":
    main()

"""Benchmark of ``kinerja compare``: every region on one national workforce.

For each size N it makes the national workforce once with ``kinerja sample-data
--national`` (Parquet, cached in the work folder by N), runs

    kinerja compare REGION... --input DIR --format json --output OUT

as a child process and measures its wall time and peak memory (the child's own
``ru_maxrss``, from ``os.wait4``). The baseline it is measured against is what the
agency would do without it: one ``kinerja run --region R`` per region, each on a
sample of N employees made for that region alone (so that nothing is refused); the
ratio printed is compare's time over the sum of those runs' times.

Before a timing is reported, the comparison is checked: every region's computed plus
not-computed employees add up to N, and the pair figures to the employees computed
under both.

Usage: python bench/bench_compare.py [--sizes 100000,1000000] [--workdir DIR]
       [--kinerja PATH] [--no-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REGIONS = ("kasemen", "asemrowo", "kutacane", "sawahlunto", "lampung")
SIZES = (100_000, 1_000_000)
SEED = 1
TARGET = (180.0, 4 << 30)
"""The issue's target at 1,000,000 employees: 3 minutes and 4 GB."""


def _measured(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of a child process; exits on failure."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        err = child.stderr.read().decode() if child.stderr else ""
        sys.exit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(command)}\n{err}")
    return seconds, usage.ru_maxrss * 1024


def _sample(kinerja: str, work: Path, n: int, region: str | None) -> Path:
    """The cached sample of ``n`` employees: national, or for one region."""
    name = f"national-{n}" if region is None else f"{region}-{n}"
    folder = work / name
    if not folder.exists():
        which = ["--national"] if region is None else ["--region", region]
        command = [kinerja, "sample-data", *which, "--employees", str(n), "--seed", str(SEED)]
        subprocess.run([*command, "--output", str(folder), "--format", "parquet"], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    return folder


def _checked(report: Path, n: int) -> dict:
    """The comparison's document, its denominators checked."""
    document = json.loads(report.read_text(encoding="utf-8"))
    impact = document["impact"]
    assert impact["employees"] == n, impact["employees"]
    for item in impact["items"]:
        not_computed = sum(r["employees"] for r in item["not_computed"])
        assert item["computed"] + not_computed == n, (item["label"], item["computed"])
    for pair in impact["pairs"]:
        assert sum(t["employees"] for t in pair["transitions"]) == pair["both"], pair["a"]
    return document


def _bench(kinerja: str, work: Path, n: int, baseline: bool) -> None:
    national = _sample(kinerja, work, n, None)
    report = work / f"compare-{n}.json"
    compare = [kinerja, "compare", *REGIONS, "--input", str(national), "--format", "json"]
    seconds, peak = _measured([*compare, "--output", str(report), "--lang", "en"])
    document = _checked(report, n)
    print(f"\nN = {n:,}: kinerja compare of {len(REGIONS)} regions: {seconds:.1f} s, "
          f"peak {peak / 2**30:.2f} GiB")  # fmt: skip
    for item in document["impact"]["items"]:
        shares = ", ".join(
            f"{d['predikat']} {d['share']:.1%}" for d in item["distribution"] if d["employees"]
        )
        print(f"  {item['label']:<11} computed {item['computed']:>9,}: {shares}")
    for pair in document["impact"]["pairs"]:
        differs = pair["share_differs"]
        shown = "n/a" if differs is None else f"{differs:.1%}"
        print(f"  {pair['a']:>10} vs {pair['b']:<10} predikat differs for {shown}")
    if n == 1_000_000:
        print(f"  target: {TARGET[0]:.0f} s and {TARGET[1] / 2**30:.0f} GiB")
    if not baseline:
        return
    total = 0.0
    for region in REGIONS:
        own = _sample(kinerja, work, n, region)
        out = work / f"run-{region}-{n}"
        out.mkdir(exist_ok=True)
        spent, _peak = _measured([kinerja, "run", "-r", region, "-i", str(own), "-o",
                                  str(out / "hasil.parquet"), "--format", "parquet"])  # fmt: skip
        shutil.rmtree(out, ignore_errors=True)
        total += spent
    print(f"  baseline: five separate runs, {total:.1f} s; ratio compare / runs = "
          f"{seconds / total:.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--kinerja", default=str(Path(sys.executable).with_name("kinerja")))
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kinerja-bench-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder: {work}")
    for n in (int(s) for s in args.sizes.split(",")):
        _bench(args.kinerja, work, n, not args.no_baseline)


if __name__ == "__main__":
    main()

"""Hostile rule files and inputs, each run through the real command line in a child
process under a memory and a time limit: each must end in a clean, located refusal or
a bounded result, and no traceback.

The limits (3 GiB of address space, of which start-up reserves about half, and 60 s
of CPU) are far above what a refusal costs and far below what the attacks cost without
their guards (the zip bomb alone would unpack to 1.1 GiB, then to several times that
as cells; the nested condition to 12**20 operations). Each child also reports the
most memory it held (its peak resident set), which must stay under 1 GiB.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import kinerja.plugins
from kinerja.authoring.sample import generate
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables
from kinerja.regions import load_region_rules

PLUGINS = Path(kinerja.plugins.__file__).parent
MEMORY = 3 << 30
"""Address space of a child: python, polars' thread pools and a small run fit in it."""
CPU_SECONDS = 60


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


PEAK = 1 << 30
"""The most resident memory a child may have held when it ends."""
_REPORT_PEAK = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: sys.stderr.write("
    "f'\\n@peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n'))\n"
)
"""Start of a child's program: on exit it writes its peak resident set (KiB on Linux)."""


def child(code: str, *args: object) -> subprocess.CompletedProcess[str]:
    """Python ``code`` with ``args`` in a child under the limits; its peak memory is
    checked against :data:`PEAK` and taken out of its stderr."""
    result = subprocess.run(
        [sys.executable, "-c", _REPORT_PEAK + code, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limits,
        env={**os.environ, "POLARS_MAX_THREADS": "2"},
        check=False,
    )
    stderr, _, peak = result.stderr.rpartition("\n@peak ")
    assert peak, result.stderr  # the child ended by itself, through its exit handlers
    assert int(peak) * 1024 < PEAK, f"the child held {int(peak) // 1024} MiB"
    result.stderr = stderr
    return result


def kinerja(*args: object) -> subprocess.CompletedProcess[str]:
    """``kinerja ARGS`` in a child process under the limits."""
    return child("from kinerja.cli import main; sys.exit(main())", *args)


def refused(result: subprocess.CompletedProcess[str], words: str) -> None:
    """A clean refusal: exit 1 or 2, the words said, no traceback."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode in (1, 2), output
    assert words in output, output


# ------------------------------------------------------------------ rule files

RULES = (PLUGINS / "asemrowo" / "rules.yaml").read_text(encoding="utf-8")


def _rules(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


RULE_ATTACKS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "nested flow lists": (
        lambda d: _rules(d, "a: " + "[" * 200_000 + "]" * 200_000 + "\n"),
        "nested more than 32 lists or mappings deep",
    ),
    "an 8 GB file": (
        lambda d: _sparse(d / "huge.yaml", 8 * 10**9),
        "rule files are limited to 1,000,000",
    ),
    "extends out of the folder": (
        lambda d: _rules(d, RULES.replace("extends: pp-30-2019", "extends: /etc/passwd")),
        "a path must be relative to the rule file's folder",
    ),
    "a text score": (
        lambda d: _rules(d, _text_score(RULES)),
        "the score must be a number",
    ),
    "a component named score": (
        lambda d: _rules(d, RULES.replace("- name: hasil_kerja", "- name: score", 1)),
        "'score' cannot be declared",
    ),
}


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


def _text_score(text: str) -> str:
    """The rules with a score that is text (a feedback condition may multiply it)."""
    weights = "  weights:\n    hasil_kerja: 1.0\n"
    assert weights in text
    return text.replace(weights, "  expr: \"'tinggi'\"\n")


@pytest.mark.parametrize("attack", list(RULE_ATTACKS))
def test_a_hostile_rule_file_is_refused_by_check(tmp_path: Path, attack: str) -> None:
    make, words = RULE_ATTACKS[attack]
    refused(kinerja("check", "--strict", make(tmp_path)), words)


# ------------------------------------------------------------------ inputs


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("book") / "asemrowo.xlsx"
    write_tables(generate(load_region_rules(make_manager(), "asemrowo"), 12, seed=2), path)
    return path


def _zip_bomb(book: Path, where: Path) -> Path:
    """``book`` with a part of 1.1 GiB of one letter (about a megabyte packed)."""
    shutil.copy(book, where)
    with zipfile.ZipFile(where, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as part:
            block = b"A" * (1 << 24)
            for _ in range(70):
                part.write(block)
    return where


def _deep_json(where: Path) -> Path:
    where.write_bytes(b'{"pegawai": ' + b"[" * 500_000 + b"]" * 500_000 + b"}")
    return where


@pytest.mark.parametrize(
    ("attack", "words"),
    [
        ("zip bomb", "the workbook unpacks to more than 1,073,741,824 bytes"),
        ("deep json", "the JSON nests arrays and objects more than 16 deep"),
    ],
)
def test_a_hostile_input_is_refused_by_run(
    tmp_path: Path, workbook: Path, attack: str, words: str
) -> None:
    source = (
        _zip_bomb(workbook, tmp_path / "bomb.xlsx")
        if attack == "zip bomb"
        else _deep_json(tmp_path / "deep.json")
    )
    out = tmp_path / "out.csv"
    refused(
        kinerja("run", "-r", "asemrowo", "--as-of", "2026-12-01", "-i", source, "-o", out), words
    )
    assert not out.exists()


# ------------------------------------------------------------------ bounded runs


def bounded(result: subprocess.CompletedProcess[str], out: Path) -> str:
    """A run that ended by itself within the limits: results and rejects written."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 0, output
    assert out.exists() and out.with_name(f"{out.stem}-rejects.csv").exists()
    return out.with_name(f"{out.stem}-rejects.csv").read_text(encoding="utf-8-sig")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("in")
    write_tables(generate(load_region_rules(make_manager(), "asemrowo"), 30, seed=4), where)
    return where


_RUN_RULES = """
import sys
from pathlib import Path
from kinerja.manager import make_manager
from kinerja.pipeline import run
from kinerja.rules import load_rules
rules, source, out = sys.argv[1:]
run(load_rules(rules), Path(source), Path(out), "csv", make_manager())
"""


def run_rules(rules: Path, source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """The whole run of ``source`` under the rule file ``rules`` (not an installed
    region), through :func:`kinerja.pipeline.run`, in a child under the limits."""
    return child(_RUN_RULES, rules, source, out)


def test_a_deeply_nested_condition_runs_in_bounded_cost(tmp_path: Path, folder: Path) -> None:
    # each ** reads its operand a dozen times; nested 20 deep and inlined, that would be
    # 12**20 operations: as columns of their own it is 20 of them
    nested = "score"
    for _ in range(20):
        nested = f"({nested}) ** 1"
    text = RULES.replace("  - when: score < 90\n", f"  - when: {nested} < 90\n")
    out = tmp_path / "out.csv"
    bounded(run_rules(_rules(tmp_path, text), folder, out), out)


def test_an_infinite_score_is_a_reject_not_a_result(tmp_path: Path, folder: Path) -> None:
    # achievement_mean / 1e-320 is past the largest double for every employee
    text = RULES.replace("    expr: achievement_mean\n", "    expr: achievement_mean / 1e-320\n")
    out = tmp_path / "out.csv"
    rejects = bounded(run_rules(_rules(tmp_path, text), folder, out), out)
    assert "not appraised: rule 'hasil_kerja' failed: the result is inf, not a finite" in rejects


def test_a_chain_of_growing_components_is_bounded(tmp_path: Path, folder: Path) -> None:
    # each component cubes the one before: as Python integers the last would have some
    # 7 * 3**40 bits, growing past any machine; as bounded numbers each step costs the
    # same, and the first that grows too large fails its employee, named: from an
    # achievement of 95, tumbuh_5 is 95 ** 3**5 = 10**480.6, past the largest double
    # (an achievement under 18 reaches tumbuh_6 first)
    chain = "".join(
        f"  - name: tumbuh_{i}\n    label: tumbuh {i}\n    expr: round(tumbuh_{i - 1}) ** 3\n"
        for i in range(1, 41)
    )
    first = "  - name: tumbuh_0\n    label: tumbuh 0\n    expr: round(achievement_mean)\n"
    text = RULES.replace("components:\n", "components:\n" + first + chain, 1)
    text = text.replace("    hasil_kerja: 1.0\n", "    hasil_kerja: 1.0\n    tumbuh_40: 0.0\n")
    out = tmp_path / "out.csv"
    rejects = bounded(run_rules(_rules(tmp_path, text), folder, out), out)
    assert "failed: number too large in `round(tumbuh_4) ** 3`" in rejects
    reasons = [line.split(",", 4)[-1] for line in rejects.splitlines()[1:]]
    assert all(r.startswith("not appraised: rule 'tumbuh_") for r in reasons), reasons

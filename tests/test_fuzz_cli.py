"""The fuzz corpus through the command line: `kinerja check --strict` on damaged and
hostile rule files, `kinerja run` on damaged and hostile inputs. Every one ends in an
exit code the commands document (0 done, 1 problems found, 2 refused), with words
and no traceback."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from damage import TEXTS, damage_files, damaged_rules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja.authoring.sample import generate
from kinerja.cli import main
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables
from kinerja.regions import load_region_rules

RULES = load_region_rules(make_manager(), "sawahlunto")
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def clean(result: Result, codes: tuple[int, ...] = (0, 1, 2)) -> None:
    """The command ended by itself with a documented code, and said why in words."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.output,
    )
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in codes, result.output
    if result.exit_code:
        assert result.output.strip(), "a refusal says why"


@FUZZ
@given(damaged_rules())
def test_check_strict_on_damaged_rules(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("r") / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    clean(CliRunner().invoke(main, ["check", "--strict", str(path)]))


HOSTILE_RULES: dict[str, Callable[[Path], None]] = {
    "empty": lambda p: p.write_text("", encoding="utf-8"),
    "not utf-8": lambda p: p.write_bytes(b"\xff\xfe" + b"region: x\n"),
    "a list": lambda p: p.write_text("- 1\n- 2\n", encoding="utf-8"),
    "binary": lambda p: p.write_bytes(bytes(range(256)) * 10),
    "a folder": lambda p: p.mkdir(),
    "alias bomb": lambda p: p.write_text(
        "a: &a [x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p_}, *{p_}]\n" for p_, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        encoding="utf-8",
    ),
    "huge number": lambda p: p.write_text(
        TEXTS["asemrowo"].replace("90", "9" * 5000, 1), encoding="utf-8"
    ),
    "deep expression": lambda p: p.write_text(
        TEXTS["asemrowo"].replace("score < 90", "(" * 3000 + "score" + ")" * 3000 + " < 90"),
        encoding="utf-8",
    ),
}


@pytest.mark.parametrize("attack", list(HOSTILE_RULES))
def test_check_strict_on_hostile_rules(tmp_path: Path, attack: str) -> None:
    path = tmp_path / "rules.yaml"
    HOSTILE_RULES[attack](path)
    result = CliRunner().invoke(main, ["check", "--strict", str(path)])
    clean(result, (1, 2))
    # a message quotes a bit of a long value, not all of it
    assert max(len(line) for line in result.output.splitlines()) < 500, result.output


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("in")
    write_tables(generate(RULES, 12, seed=8, bad_rows=2), where)
    return where


@FUZZ
@given(st.data())
def test_run_on_damaged_inputs(
    folder: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    where = tmp_path_factory.mktemp("bad")
    shutil.copytree(folder, where / "in")
    damage_files(data, sorted((where / "in").glob("*.csv")))
    args = ["run", "-r", "sawahlunto", "-i", str(where / "in"), "-o", str(where / "out.csv")]
    clean(CliRunner().invoke(main, args))


def _zip_without_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")


HOSTILE_INPUTS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "empty workbook file": ("in.xlsx", lambda p: p.write_bytes(b"")),
    "garbage workbook": ("in.xlsx", lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 500)),
    "zip without a workbook": ("in.xlsx", _zip_without_workbook),
    "json list": ("in.json", lambda p: p.write_text("[]", encoding="utf-8")),
    "json pegawai not a list": ("in.json", lambda p: p.write_text('{"pegawai": 5}')),
    "json rows not objects": ("in.json", lambda p: p.write_text('{"pegawai": [1, "x", null]}')),
    "json huge number": (
        "in.json",
        lambda p: p.write_text(json.dumps({"pegawai": [{"nip": 10**4000}]})),
    ),
    "empty folder": ("in", lambda p: p.mkdir()),
    "only a BOM": ("in", lambda p: (p.mkdir(), (p / "pegawai.csv").write_bytes(b"\xef\xbb\xbf"))),
    "no pegawai file": (
        "in",
        lambda p: (p.mkdir(), (p / "capaian.csv").write_text("nip,indikator\n1,2\n")),
    ),
    "pegawai is a folder": ("in", lambda p: (p.mkdir(), (p / "pegawai.csv").mkdir())),
    "broken parquet": (
        "in",
        lambda p: (p.mkdir(), (p / "pegawai.parquet").write_bytes(b"PAR1" + b"\x00" * 64)),
    ),
    "unsupported file": ("in.txt", lambda p: p.write_text("nip\n1\n")),
}


@pytest.mark.parametrize("attack", list(HOSTILE_INPUTS))
def test_run_on_hostile_inputs(tmp_path: Path, attack: str) -> None:
    name, make = HOSTILE_INPUTS[attack]
    make(tmp_path / name)
    args = ["run", "-r", "sawahlunto", "-i", str(tmp_path / name), "-o", str(tmp_path / "o.csv")]
    clean(CliRunner().invoke(main, args))

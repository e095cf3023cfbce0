"""Inputs measured before they are parsed: the nesting depth of a JSON text, and how far
a zipped workbook unpacks."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from cli_helpers import cli
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.authoring.sample import generate
from kinerja.errors import InputError
from kinerja.input.measure import (
    MAX_JSON_DEPTH,
    Depth,
    WorkbookLimits,
    json_depth,
    workbook_limits,
)
from kinerja.input.read import read_tables
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables
from kinerja.regions import load_region_rules


def test_depth_counted_by_hand() -> None:
    # { [ [ ... ] ] }: three levels; the brackets in the string "[[[" do not count
    assert json_depth(b'{"a": [["[[[", 1]]}') == Depth(3, 0, 0)
    # an escaped quote does not end the string: "x\"[[[[" is one string
    assert json_depth(b'{"a": "x\\"[[[["}') == Depth(1, 0, 0)
    # an escaped backslash does: "x\\" ends, then [[[]]] is three levels under the object
    assert json_depth(b'{"a": "x\\\\", "b": [[[]]]}', limit=2) == Depth(4, 1, 20)
    assert json_depth(b"") == Depth(0, 0, 0)


def test_the_first_bracket_past_the_limit_is_named() -> None:
    # line 2: 40 brackets under the object; the 16th "[" (column 16) makes level 17
    text = b'{"a":\n' + b"[" * 40 + b"]" * 40 + b"}"
    assert json_depth(text) == Depth(41, 2, MAX_JSON_DEPTH)


def _true_depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_true_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_true_depth(v) for v in value.values()), default=0)
    return 0


_VALUES = st.recursive(
    st.none() | st.integers() | st.text(alphabet='ab[]{}"\\ '),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(_VALUES)
def test_depth_is_the_depth_of_the_parsed_value(value: object) -> None:
    text = json.dumps(value).encode()
    assert json_depth(text, limit=100).deepest == _true_depth(value)


def test_a_deep_json_input_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b'{"pegawai": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")
    with pytest.raises(InputError) as caught:
        read_tables(path)
    assert str(caught.value) == (
        f"Cannot read {path}: the JSON nests arrays and objects more than 16 deep at "
        "line 1, column 28; an input is an object of tables, each a list of rows: "
        '{"pegawai": [{"nip": ...}, ...]}.'
    )


# ------------------------------------------------------------------ zipped workbooks


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A genuine 12-employee Asemrowo workbook."""
    path = tmp_path_factory.mktemp("book") / "asemrowo.xlsx"
    write_tables(generate(load_region_rules(make_manager(), "asemrowo"), 12, seed=2), path)
    return path


def _with_part(book: Path, where: Path, name: str, size: int) -> Path:
    """``book`` with one more part: ``size`` bytes of one letter, packed."""
    shutil.copy(book, where)
    with zipfile.ZipFile(where, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w", force_zip64=True) as part:
            block = b"A" * (1 << 20)
            for _ in range(size >> 20):
                part.write(block)
    return where


def test_a_genuine_workbook_is_read(workbook: Path) -> None:
    tables = read_tables(workbook)
    assert tables.frames["pegawai"].height == 12


def test_a_part_that_packs_too_tightly_is_refused(workbook: Path, tmp_path: Path) -> None:
    # 16 MiB of one letter packs to about 16 KB: over 250 times, and over the 8 MiB
    # below which a part may pack as tightly as it likes
    bomb = _with_part(workbook, tmp_path / "bomb.xlsx", "xl/media/padding.bin", 16 << 20)
    with pytest.raises(InputError) as caught:
        read_tables(bomb)
    message = str(caught.value)
    assert message.startswith(f"Cannot read {bomb}: its part xl/media/padding.bin unpacks from ")
    assert "more than 250 times; a spreadsheet does not pack that tightly" in message


def test_the_unpacked_size_is_capped_and_the_cap_can_be_raised(
    workbook: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    args = ["run", "-r", "asemrowo", "-i", workbook, "-o", tmp_path / "out.csv"]
    refused = cli(runner, *args, "--max-workbook-bytes", 2000, code=2)
    assert "the workbook unpacks to more than 2,000 bytes (at its part " in refused.output
    assert "raise the limit with --max-workbook-bytes" in refused.output
    assert not (tmp_path / "out.csv").exists()
    cli(runner, *args)  # the default limit reads it
    assert (tmp_path / "out.csv").exists()


def test_limits_hold_only_inside_their_block(workbook: Path) -> None:
    with workbook_limits(WorkbookLimits(unpacked=2000)), pytest.raises(InputError):
        read_tables(workbook)
    assert read_tables(workbook).frames["pegawai"].height == 12

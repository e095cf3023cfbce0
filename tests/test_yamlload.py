"""The strict YAML loader: every trap of plain PyYAML is refused or read literally."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kinerja.rules.yamlload import MAX_BYTES, MAX_DEPTH, RulesError, load_yaml


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(RulesError) as info:
        load_yaml(path)
    return [str(p) for p in info.value.problems]


def test_scalars_are_read_literally(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a: no\nb: yes\nc: on\nd: 2026-01-01\ne: 12:30\nf: 0o17\ng: 0x1F\n"
        "h: true\ni: false\nj: 7\nk: -2.5\nl: ~\nm: '12'\nn: 1_000\n",
    )
    data = load_yaml(path).data
    assert data == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": "2026-01-01",
        "e": "12:30",
        "f": "0o17",
        "g": "0x1F",
        "h": True,
        "i": False,
        "j": 7,
        "k": -2.5,
        "l": None,
        "m": "12",
        "n": 1000,
    }


def test_every_problem_is_reported_at_once_with_location(tmp_path: Path) -> None:
    path = write(tmp_path, "a: &x [1, 2]\nb: *x\nc: 1\nc: 2\nd:\n  e: 1\n  e: 3\n")
    found = problems(path)
    assert found == [
        f"{path}:1:4: error: anchor &x is not allowed in rule files; write values out",
        f"{path}:2:4: error: alias *x is not allowed in rule files; write the value out",
        f"{path}:4:1: error: duplicate key 'c' (first at line 3); remove one of them",
        f"{path}:7:3: error: duplicate key 'e' (first at line 6); remove one of them",
    ]


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    found = problems(write(tmp_path, "\n".join(lines) + "\n"))
    assert len(found) > 9
    assert all("anchor" in p or "alias" in p for p in found)


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "a:\n  <<: {b: 1}\n"))
    assert found == [f"{tmp_path / 'rules.yaml'}:2:3: error: merge keys (<<) are not allowed"]


def test_syntax_error_has_location(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "a: [1, 2\nb: 3\n"))
    assert len(found) == 1 and found[0].startswith(f"{tmp_path / 'rules.yaml'}:")
    assert "YAML syntax" in found[0]


def test_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: '" + "x" * MAX_BYTES + "'\n")
    found = problems(path)
    assert "rule files are limited to" in found[0]


def test_marks_give_line_and_column(tmp_path: Path) -> None:
    loaded = load_yaml(write(tmp_path, "top:\n  list:\n    - 1\n    - name: x\n"))
    assert (
        loaded.where(("top", "list", 1, "name")).line,
        loaded.where(("top", "list", 1, "name")).col,
    ) == (4, 13)
    # a path that does not exist falls back to its nearest parent
    assert loaded.where(("top", "missing")).line == 2


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("a: 'caf\xe9'\n".encode("latin-1"))
    assert "not UTF-8" in problems(path)[0]


def test_deep_nesting_is_refused_where_it_gets_too_deep(tmp_path: Path) -> None:
    # "a: " then 5,000 brackets: the mapping is level 1, the 32nd "[" (column 4 + 31)
    # is level 33, one more than MAX_DEPTH
    found = problems(write(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert found == [
        f"{tmp_path / 'rules.yaml'}:1:35: error: the YAML is nested more than "
        f"{MAX_DEPTH} lists or mappings deep here; rule files are shallow: close the "
        "brackets, or move the data out of the rules"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 200_000 + "]" * 200_000 + "\n",  # 400 KB of nested flow lists
        "a:\n" + "- " * 100_000 + "x\n",  # block lists nested on one line
        "a: " + "{b: " * 100_000 + "}" * 100_000 + "\n",  # nested flow mappings
    ],
)
def test_nesting_is_counted_before_anything_is_built(tmp_path: Path, text: str) -> None:
    assert MAX_DEPTH == 32
    [found] = problems(write(tmp_path, text))
    assert "nested more than 32 lists or mappings deep" in found


def test_nesting_up_to_the_limit_loads(tmp_path: Path) -> None:
    # level 1 is the mapping, then 31 lists: 32 levels in all
    loaded = load_yaml(write(tmp_path, "a: " + "[" * 31 + "]" * 31 + "\n"))
    value = loaded.data["a"]  # type: ignore[index]
    for _ in range(30):
        value = value[0]
    assert value == []


def test_a_huge_file_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.truncate(8 * 10**9)  # an 8 GB (sparse) file: reading it would cost 8 GB
    [found] = problems(path)
    assert "file is 8,000,000,000 bytes or more; rule files are limited to 1,000,000" in found


def test_something_other_than_a_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # opening it for reading would wait forever
    [found] = problems(fifo)
    assert found.endswith("not a regular file; give the path of a .yaml file")


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    [found] = problems(tmp_path / "nowhere.yaml")
    where = tmp_path / "nowhere.yaml"
    assert found == f"{where}:1:1: error: cannot read the file: No such file or directory"

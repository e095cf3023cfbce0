"""The strict YAML loader: every trap of plain PyYAML is refused or read literally."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinerja.rules.yamlload import MAX_BYTES, RulesError, load_yaml


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


def test_deep_nesting_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert found == [
        f"{tmp_path / 'rules.yaml'}:1:1: error: the YAML is nested too deeply to be a rule file"
    ]

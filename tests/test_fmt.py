"""`kinerja fmt`: the canonical layout, --check, --diff, refusals, and idempotence."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

import kinerja.plugins
from kinerja.authoring.fmt import format_text
from kinerja.cli.fmt import fmt
from kinerja.rules import load_rules
from kinerja.rules.yamlload import load_yaml

PLUGINS = Path(kinerja.plugins.__file__).parent

MESSY = """\
# a rule file, indented by 4
region: contoh
bands:
    nilai:
    - {label: Baik,min: 70}   # flow kept
    - {label: Kurang, max: 70}
zeta: "2026.1"
alpha: 'x'


"""
# The same document in the canonical layout: mappings by 2, the dash 2 inside its key,
# one space after ':' and ',' in the flow mapping, quotes and key order (zeta before
# alpha) as written, the comment kept at its column (30: the line grew by the 1 space
# after ',', so 3 spaces before it become 2), a single final newline.
CANONICAL = """\
# a rule file, indented by 4
region: contoh
bands:
  nilai:
    - {label: Baik, min: 70}  # flow kept
    - {label: Kurang, max: 70}
zeta: "2026.1"
alpha: 'x'
"""


def invoke(*args: object, code: int) -> Result:
    """Run ``kinerja fmt ARGS``; assert the exit code and that no exception escaped."""
    result = CliRunner().invoke(fmt, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding one messy rule file, ``rules.yaml``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules.yaml").write_text(MESSY, encoding="utf-8")
    return tmp_path


def test_format_text_gives_the_canonical_layout() -> None:
    assert format_text(MESSY) == CANONICAL
    assert format_text(CANONICAL) == CANONICAL


def test_check_lists_the_file_exits_1_and_writes_nothing(folder: Path) -> None:
    result = invoke("--check", "rules.yaml", code=1)
    assert result.stdout == "would reformat rules.yaml\n"
    assert result.stderr == "1 file(s) would be reformatted, 0 already formatted.\n"
    assert (folder / "rules.yaml").read_text(encoding="utf-8") == MESSY


def test_check_exits_0_on_a_formatted_file(folder: Path) -> None:
    (folder / "rules.yaml").write_text(CANONICAL, encoding="utf-8")
    result = invoke("--check", ".", code=0)
    assert result.stdout == ""
    assert result.stderr == "0 file(s) would be reformatted, 1 already formatted.\n"


def test_diff_prints_a_unified_diff_and_writes_nothing(folder: Path) -> None:
    result = invoke("--diff", "rules.yaml", code=0)
    assert result.stdout == (
        "--- rules.yaml\n"
        "+++ rules.yaml\n"
        "@@ -1,10 +1,8 @@\n"
        " # a rule file, indented by 4\n"
        " region: contoh\n"
        " bands:\n"
        "-    nilai:\n"
        "-    - {label: Baik,min: 70}   # flow kept\n"
        "+  nilai:\n"
        "+    - {label: Baik, min: 70}  # flow kept\n"
        "     - {label: Kurang, max: 70}\n"
        ' zeta: "2026.1"\n'
        " alpha: 'x'\n"
        "-\n"
        "-\n"
    )
    assert (folder / "rules.yaml").read_text(encoding="utf-8") == MESSY


def test_diff_with_check_exits_1(folder: Path) -> None:
    result = invoke("--check", "--diff", "rules.yaml", code=1)
    assert result.stdout.startswith("--- rules.yaml\n+++ rules.yaml\n")


def test_plain_rewrites_keeping_comments_key_order_and_data(folder: Path) -> None:
    before = load_yaml(folder / "rules.yaml").data
    result = invoke("rules.yaml", code=0)
    assert result.stdout == "reformatted rules.yaml\n"
    assert result.stderr == "1 file(s) reformatted, 0 already formatted.\n"
    text = (folder / "rules.yaml").read_text(encoding="utf-8")
    assert text == CANONICAL
    assert "# a rule file, indented by 4" in text and "# flow kept" in text
    after = load_yaml(folder / "rules.yaml").data
    assert after == before
    assert list(after) == ["region", "bands", "zeta", "alpha"]  # not sorted
    invoke("rules.yaml", code=0)  # and a second run changes nothing
    assert (folder / "rules.yaml").read_text(encoding="utf-8") == CANONICAL


def test_a_change_of_meaning_is_refused(folder: Path) -> None:
    # Trailing spaces are not canonical, but inside a literal block they are data:
    # "one  \ntwo\n" would become "one\ntwo\n", so the file is left as it is.
    text = "region: contoh\nnote: |\n  one  \n  two\n"
    (folder / "x.cases.yaml").write_text(text, encoding="utf-8")
    result = invoke("x.cases.yaml", code=2)
    assert result.stderr.splitlines()[0] == (
        "x.cases.yaml:2:7: error: formatting would change the value of note, so the file "
        "was left as it is; remove trailing spaces inside block scalars (| or >) and "
        "format again"
    )
    assert result.stdout == ""
    assert (folder / "x.cases.yaml").read_text(encoding="utf-8") == text


def test_a_broken_file_is_an_error_and_the_others_are_still_done(folder: Path) -> None:
    (folder / "rules-broken.yaml").write_text("region: contoh\nbands: [1, 2\n", encoding="utf-8")
    (folder / "rules-twice.yaml").write_text("a: 1\na: 2\n", encoding="utf-8")
    result = invoke(".", code=2)
    errors = result.stderr.splitlines()
    assert errors[0].startswith("rules-broken.yaml:3:1: error: YAML syntax: ")
    assert errors[1].startswith("rules-twice.yaml:2:1: error: duplicate key 'a'")
    assert errors[2] == "1 file(s) reformatted, 0 already formatted."
    assert result.stdout == "reformatted rules.yaml\n"
    assert (folder / "rules.yaml").read_text(encoding="utf-8") == CANONICAL


def test_a_folder_means_its_rule_and_case_files_only(folder: Path) -> None:
    for name in ("sub/2025.cases.yaml", "sub/cases.yaml", "other.yaml", ".hidden/rules.yaml"):
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text("a:\n    b: 1\n", encoding="utf-8")
    result = invoke("--check", ".", code=1)
    assert result.stdout.splitlines() == [
        "would reformat rules.yaml",
        "would reformat sub/2025.cases.yaml",
        "would reformat sub/cases.yaml",
    ]


def test_a_folder_without_rule_files_is_an_error(folder: Path) -> None:
    (folder / "empty").mkdir()
    result = invoke("--check", "empty", code=2)
    assert result.stderr.splitlines()[0] == "empty: no rules*.yaml or *cases.yaml files here"


def test_every_shipped_rule_and_case_file_is_formatted() -> None:
    result = invoke("--check", PLUGINS, code=0)
    assert result.stdout == ""
    assert result.stderr == "0 file(s) would be reformatted, 12 already formatted.\n"


def _reindented(text: str, mapping: int, sequence: int, offset: int) -> str:
    """``text`` written again by ruamel.yaml in another layout."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    out = io.StringIO()
    yaml.dump(yaml.load(text), out)
    return out.getvalue()


@pytest.mark.parametrize("region", ["lampung", "kutacane"])
def test_a_reindented_shipped_file_formats_back_and_keeps_its_rules(
    tmp_path: Path, region: str
) -> None:
    shipped = PLUGINS / region / "rules.yaml"
    messy = _reindented(shipped.read_text(encoding="utf-8"), 4, 4, 0)
    assert messy != shipped.read_text(encoding="utf-8")
    copy = tmp_path / "rules.yaml"
    copy.write_text(messy, encoding="utf-8")
    invoke(copy, code=0)
    assert copy.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
    assert load_rules(copy).data == load_rules(shipped).data


# -- idempotence on generated small documents ---------------------------------------------

_KEYS = st.sampled_from(["nama", "bobot", "min", "label", "b", "z_akhir", "a1"])
_WORDS = st.sampled_from(["Baik", "sangat baik", "x-1", "ok"])
_SCALARS = st.one_of(
    st.integers(-1000, 1000),
    st.sampled_from([0.5, 1.25, 70.0, -3.5]),
    st.tuples(_WORDS, st.sampled_from(["", "'", '"'])),  # (text, quote)
)
_TREES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3),
        st.dictionaries(_KEYS, children, min_size=1, max_size=3),
    ),
    max_leaves=8,
)


def _value(node: object) -> object:
    """The data a generated tree stands for (quoted or not, a word is text)."""
    if isinstance(node, tuple):
        return node[0]
    if isinstance(node, list):
        return [_value(x) for x in node]
    if isinstance(node, dict):
        return {k: _value(v) for k, v in node.items()}
    return node


def _scalar(node: object) -> str:
    if isinstance(node, tuple):
        text, quote = node
        return f"{quote}{text}{quote}"
    return repr(node)


def _is_leaf(node: object) -> bool:
    return not isinstance(node, list | dict)


def _flow(node: object) -> str:
    if isinstance(node, list):
        return "[" + ",".join(_scalar(x) for x in node) + "]"
    assert isinstance(node, dict)
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in node.items()) + "}"


def _block(node: Any, col: int, style: dict[str, Any]) -> list[str]:
    """Lines of ``node`` (a collection) in block style starting at column ``col``."""
    pad, step = " " * col, style["indent"]
    lines: list[str] = []
    items = node.items() if isinstance(node, dict) else [(None, x) for x in node]
    for key, value in items:
        head = pad + (f"{key}:" if key is not None else "-")
        if _is_leaf(value):
            note = "   # note" if key == "b" else ""
            lines.append(f"{head} {_scalar(value)}{note}{style['trailing']}")
        elif style["flow"] and all(_is_leaf(x) for x in _children(value)):
            lines.append(f"{head} {_flow(value)}")
        elif key is None:  # a collection inside a list: "- " then its first line
            inner = _block(value, col + 2, style)
            lines += [pad + "- " + inner[0][col + 2 :], *inner[1:]]
        else:
            inner_col = col + (style["dash"] if isinstance(value, list) else step)
            lines += [head, *_block(value, inner_col, style)]
        if style["blank"] and col == 0:
            lines.append("")
    return lines


def _children(node: Any) -> list[object]:
    return list(node.values()) if isinstance(node, dict) else list(node)


_DOCUMENTS = st.tuples(
    st.dictionaries(_KEYS, _TREES, min_size=1, max_size=4),
    st.fixed_dictionaries(
        {
            "indent": st.sampled_from([2, 3, 4]),
            "dash": st.sampled_from([0, 2, 4]),
            "flow": st.booleans(),
            "blank": st.booleans(),
            "trailing": st.sampled_from(["", "  "]),
        }
    ),
)


def _typed(data: object) -> object:
    """``data`` with every scalar's type beside it (so 1 and 1.0 and '1' differ)."""
    if isinstance(data, dict):
        return [(k, _typed(v)) for k, v in data.items()]
    if isinstance(data, list):
        return [_typed(x) for x in data]
    return (type(data).__name__, data)


@settings(max_examples=80, deadline=None)
@given(_DOCUMENTS)
def test_formatting_is_idempotent_and_keeps_the_data(document: tuple) -> None:
    tree, style = document
    text = "\n".join(_block(tree, 0, style)) + "\n"
    expected = _typed(_value(tree))
    assert _typed(load_yaml("x.yaml", text).data) == expected  # the generator is right
    once = format_text(text)
    assert format_text(once) == once
    assert _typed(load_yaml("x.yaml", once).data) == expected
    assert once.endswith("\n") and not once.endswith("\n\n")
    assert all(line == line.rstrip() for line in once.splitlines())
    assert once.count("# note") == text.count("# note")

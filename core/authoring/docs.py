"""The rule-file reference (``docs/rules.md``), generated so that it cannot go stale.

:func:`render_rules_doc` reads the rules JSON Schema (every field, its type, whether
it is required, its allowed values and description) and the function library
(:data:`kinerja.functions.FUNCTIONS`: signatures, arguments, worked examples), and
adds the ``band(value, 'table')`` built-in. ``kinerja docs`` prints or writes it;
a test checks the committed file is what this module generates.

The reference is English in every language: most of it is the schema's descriptions
and the library's docs, which are written in English and not in the message catalogs,
and the committed file must be what every run generates (``kinerja docs --check``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kinerja.functions import FUNCTIONS, REQUIRED, Function, band_lookup
from kinerja.i18n import language
from kinerja.rules import BUILTIN_NAMES
from kinerja.schemas import load_schema

__all__ = ["DOC_PATH", "Field", "render_rules_doc", "schema_fields"]

DOC_PATH = "docs/rules.md"
"""Where the generated reference lives in the repository."""

KEY_NAMES = {
    "inputs": "column",
    "indicators": "code",
    "aspects": "code",
    "rater_groups": "group",
    "bands": "table",
    "score.weights": "component",
}
"""How the generated doc names the free keys of each mapping (default: ``key``)."""

BAND_EXAMPLE = (
    ("Sangat Baik", 90, None),
    ("Baik", 76, 90),
    ("Butuh Perbaikan", 61, 76),
    ("Kurang", 51, 61),
    ("Sangat Kurang", None, 51),
)
"""The band table shown in the ``band()`` section; its example result is computed."""


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the rules format, as the reference lists it."""

    path: str
    """Where it is, e.g. ``components[].expr`` or ``inputs.<column>.type``."""
    type: str
    required: str
    """``yes``, ``no``, or empty for a mapping key or a list item."""
    allowed: str
    description: str


# ----------------------------------------------------------------- schema fields


_NO_TRAILING_NEWLINE = "(?!\\n)"


def _type(node: dict[str, Any]) -> str:
    """The type of a schema node in words: ``string``, ``array of number``, ..."""
    if "const" in node:
        kind = type(node["const"]).__name__
        return {"int": "integer", "str": "string", "bool": "boolean"}.get(kind, kind)
    kind = node.get("type")
    if kind is None:
        kind = "object" if "properties" in node else "any"
    if kind == "array" and isinstance(node.get("items"), dict):
        inner = node["items"]
        if inner.get("type") in ("string", "number", "integer", "boolean"):
            return f"array of {inner['type']}"
    return str(kind)


def _value(value: object) -> str:
    """A value as it is written in YAML, in code marks."""
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _allowed(node: dict[str, Any]) -> str:
    """The constraints of a schema node in words."""
    parts: list[str] = []
    if "const" in node:
        parts.append(f"always {_value(node['const'])}")
    if "enum" in node:
        parts.append("one of " + ", ".join(f"`{v}`" for v in node["enum"]))
    if "pattern" in node:
        # "(?!\n)" only stops Python's "$" from accepting a trailing newline; readers
        # need the plain pattern
        pattern = node["pattern"].replace(_NO_TRAILING_NEWLINE, "")
        parts.append(f"matches `{pattern}`")
    bounds = (
        ("minimum", "≥"),
        ("exclusiveMinimum", ">"),
        ("maximum", "≤"),
        ("exclusiveMaximum", "<"),
    )
    for key, sign in bounds:
        if key in node:
            parts.append(f"{sign} {node[key]}")
    low, high = node.get("minLength"), node.get("maxLength")
    if low is not None or high is not None:
        parts.append(_range(low, high, "characters"))
    low, high = node.get("minItems"), node.get("maxItems")
    if low is not None or high is not None:
        parts.append(_range(low, high, "items"))
    if node.get("uniqueItems"):
        parts.append("no repeats")
    items = node.get("items")
    if isinstance(items, dict) and node.get("type") == "array" and "enum" in items:
        parts.append("each one of " + ", ".join(f"`{v}`" for v in items["enum"]))
    for index, choice in enumerate(node.get("oneOf", [])):
        needed = ", ".join(f"`{k}`" for k in choice.get("required", []))
        parts.append(("exactly one of: " if index == 0 else "or ") + needed)
    return "; ".join(parts)


def _range(low: int | None, high: int | None, what: str) -> str:
    """``1 to 200 characters``, ``2 items``, ``at least 1 item``, ``at most 40 characters``."""
    one = what.removesuffix("s")
    if low is not None and high is not None:
        return f"{low} to {high} {what}" if low != high else f"{low} {one if low == 1 else what}"
    if low is not None:
        return f"at least {low} {one if low == 1 else what}"
    return f"at most {high} {one if high == 1 else what}"


def _walk(node: dict[str, Any], path: str, required: str) -> Iterator[Field]:
    """The field at ``path`` and every field inside it, depth first in schema order."""
    description = node.get("description", "")
    yield Field(path, _type(node), required, _allowed(node), description)
    yield from _children(node, path)


def _children(node: dict[str, Any], path: str) -> Iterator[Field]:
    """The fields inside ``node``: its properties, its free keys, its list items' fields."""
    needed = set(node.get("required", []))
    prefix = f"{path}." if path else ""
    for key, child in node.get("properties", {}).items():
        yield from _walk(child, f"{prefix}{key}", "yes" if key in needed else "no")
    free = node.get("additionalProperties")
    if isinstance(free, dict):
        key_name = KEY_NAMES.get(path, "key")
        key_path = f"{prefix}<{key_name}>"
        names = node.get("propertyNames", {})
        described = _allowed(names)
        entry = next(_walk(free, key_path, ""))
        allowed = [f"{key_name}: {described}"] if described else []
        allowed += [entry.allowed] if entry.allowed else []
        yield Field(key_path, entry.type, "", "; ".join(allowed), entry.description)
        yield from _children(free, key_path)
    items = node.get("items")
    if isinstance(items, dict) and ("properties" in items or "additionalProperties" in items):
        yield from _children(items, f"{path}[]")


def schema_fields() -> list[Field]:
    """Every field of the rules format, top level first, each followed by its parts."""
    return list(_children(load_schema("rules"), ""))


# ----------------------------------------------------------------- markdown


def _cell(text: str) -> str:
    """Text safe inside a markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A markdown table: the header, the separator, one line per row."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _show(value: object) -> str:
    """A value as a rule expression writes it: ``95.0``, ``'Baik'``, ``None``."""
    return repr(value)


def _function_section(function: Function) -> list[str]:
    """One function: signature and return type, doc, arguments, worked example."""
    lines = [f"### `{function.name}`", "", f"`{function.signature}` → {function.returns}", ""]
    lines += [function.doc, ""]
    rows = []
    for param in function.params:
        if function.variadic:
            name = f"*{param.name}"
            default = "any number, or one list"
        else:
            name = param.name
            default = "required" if param.default is REQUIRED else f"`{_show(param.default)}`"
        rows.append((f"`{name}`", param.type, default, param.doc))
    lines += _table(("argument", "type", "default", "description"), rows)
    example = f"`{function.example}` gives `{_show(function.example_result)}`."
    return [*lines, "", f"Example: {example}", ""]


def _band_section() -> list[str]:
    """The ``band()`` built-in, with an example table and its computed result."""
    value = 87.5
    result = band_lookup(value, BAND_EXAMPLE)
    table = ["bands:", "  nilai:"]
    for label, low, high in BAND_EXAMPLE:
        limits = "".join(
            f", {key}: {limit}" for key, limit in (("min", low), ("max", high)) if limit is not None
        )
        table.append(f"    - {{label: {label}{limits}}}")
    return [
        "## `band(value, 'table')`",
        "",
        "`band(value, 'table')` → string",
        "",
        "The label of the first band of the table `table` (declared under `bands`) "
        "with `min ≤ value < max`: `min` is inclusive, `max` exclusive, and a band "
        "without `min` or `max` is open at that end. The table name is written in "
        "quotes and checked when the rules load (a typo gets a suggestion). A value "
        "in no band is an error: that employee is not appraised and goes to the "
        "rejects with a reason saying what the bands cover, so make the bands cover "
        "every possible value.",
        "",
        *_table(
            ("argument", "type", "default", "description"),
            [
                ("`value`", "number", "required", "The value to place, e.g. `score`."),
                ("`table`", "string", "required", "The name of a table under `bands`, in quotes."),
            ],
        ),
        "",
        "With these bands:",
        "",
        "```yaml",
        *table,
        "```",
        "",
        f"Example: `band({value}, 'nilai')` gives `{_show(result)}`.",
        "",
    ]


def render_rules_doc() -> str:
    """The rule-file reference as markdown: every field, every function, ``band()``;
    in English whatever the language in use (see the module doc)."""
    with language("en"):
        return _render()


def _render() -> str:
    schema = load_schema("rules")
    fields = schema_fields()
    names = ", ".join(f"`{n}`" for n in BUILTIN_NAMES)
    lines = [
        "# Rule file reference",
        "",
        "<!-- Generated by `kinerja docs --output docs/rules.md` from "
        "schemas/rules.schema.json and the function library; do not edit by hand. -->",
        "",
        f"{schema['description']} A rule file is YAML, validated against the JSON "
        f"Schema `{schema['$id']}` (`kinerja schema` prints it). Start the file with "
        f"`# yaml-language-server: $schema={schema['$id']}` (or a path to a saved "
        "copy of the schema) for completion and checks in editors, and run "
        "`kinerja check` before use.",
        "",
        "## Fields",
        "",
        f"Every field of the format ({len(fields)} in all). `a.b` is the field `b` inside "
        "`a`; `a[]` is each item of the list `a`; `<name>` stands for a key you choose. "
        "Required means the field must be present when its parent is.",
        "",
    ]
    rows = [(f"`{f.path}`", f.type, f.required, f.allowed, f.description) for f in fields]
    lines += _table(("field", "type", "required", "allowed values", "description"), rows)
    lines += [
        "",
        "## Expressions",
        "",
        "Components, `score.expr`, `predikat.expr`, and the `when` of feedback and "
        "recommendations are expressions: arithmetic, comparisons, `and`/`or`/`not`, "
        "`x if condition else y`, lists, and calls to the functions below. They read "
        "the declared inputs, indicators (their achievement), aspects (their combined "
        f"score), the built-in names {names}, and earlier components; feedback and "
        "recommendations may also read `score` and `predikat`. A missing value is "
        "`None`. Try one with `kinerja eval --region R EXPRESSION`.",
        "",
        "## Functions",
        "",
        f"{len(FUNCTIONS)} functions, in the order of the library.",
        "",
    ]
    for function in FUNCTIONS.values():
        lines += _function_section(function)
    lines += _band_section()
    return "\n".join(lines).rstrip("\n") + "\n"

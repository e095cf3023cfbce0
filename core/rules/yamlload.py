"""A strict YAML loader for rule files that keeps the line and column of every value.

Plain PyYAML is too forgiving for policy files: it keeps the last of duplicate keys,
reads ``no`` as False and ``12:30`` as 750, turns dates into ``datetime.date``,
and expands alias bombs. This loader:

- refuses anchors and aliases;
- refuses duplicate keys;
- reads only ``true``/``false`` as booleans (``yes``/``no``/``on``/``off`` stay text);
- keeps dates and times as text;
- reads plain decimal integers and floats only (no octal, hex or sexagesimal);
- caps the file size (measured before the file is read) and its nesting depth
  (counted before the parser builds anything);
- reports every problem at once, each with ``file:line:col``.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kinerja.errors import RulesError
from kinerja.i18n import N_, _, count

MAX_BYTES = 1_000_000
"""Rule files larger than this are refused: rules are policy, not data."""
MAX_DEPTH = 32
"""The deepest nesting of lists and mappings a rule file may have (the schema needs 6)."""

_TOO_DEEP = N_(
    "the YAML is nested more than {depth} lists or mappings deep here; rule files "
    "are shallow: close the brackets, or move the data out of the rules"
)
_DEPTH_STEP = {
    yaml.SequenceStartEvent: 1,
    yaml.MappingStartEvent: 1,
    yaml.SequenceEndEvent: -1,
    yaml.MappingEndEvent: -1,
}

Path_ = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*\.[0-9]*|[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "false": False}


@dataclass(frozen=True, slots=True)
class Location:
    """A position in a file, 1-based, printed as ``file:line:col``."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a rule file, with where it is and how to fix it."""

    location: Location
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


@dataclass(slots=True)
class LoadedYaml:
    """The data of a YAML document and the location of every value in it."""

    data: object
    marks: dict[Path_, Location]
    file: str
    text: str
    keys: dict[Path_, Location] = field(default_factory=dict)
    """The location of each mapping key, by the path of its value."""
    problems: list[Problem] = field(default_factory=list)
    """Problems found while loading with ``keep_going`` (otherwise raised)."""
    aliased: set[Path_] = field(default_factory=set)
    """Paths whose value was an alias (refused, read as empty)."""
    layers: list[tuple[str, str]] = field(default_factory=list)
    """(file, text) of every file this document was layered from, base first."""
    base_missing: bool = False
    """Whether a file it extends could not be found or read (its ``extends`` problem is in
    ``problems``): without the baseline the rest cannot be judged."""

    def __post_init__(self) -> None:
        if not self.layers:
            self.layers.append((self.file, self.text))

    def text_of(self, file: str) -> str:
        """The text of one of the layered files (for column arithmetic in messages)."""
        return next((text for name, text in self.layers if name == file), self.text)

    def where(self, path: Path_) -> Location:
        """The location of the value at ``path``, or of its nearest parent that has one."""
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, Location(self.file, 1, 1))

    def where_key(self, path: Path_) -> Location:
        """The location of the key naming the value at ``path`` (else :meth:`where`)."""
        return self.keys.get(tuple(path)) or self.where(path)


class _StrictResolver(yaml.resolver.BaseResolver):
    """Resolves nothing implicitly: scalars are typed by :func:`_scalar` instead."""


class _StrictLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _StrictResolver,
):
    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _StrictResolver.__init__(self)


def _scalar(node: yaml.ScalarNode) -> object:
    """Type a scalar: quoted scalars are text; plain ones may be null, bool, int, float."""
    value = node.value
    if node.style in ("'", '"', "|", ">"):
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value.replace("_", ""))
    if _FLOAT.match(value):
        return float(value.replace("_", ""))
    return value


def _read_text(path: Path, file: str) -> str:
    """The file's text, measured before it is read: a file over :data:`MAX_BYTES` (or
    anything but a regular file) is refused without reading it."""
    where = Location(file, 1, 1)
    try:
        status = path.stat()
    except OSError as exc:
        raise RulesError(
            [Problem(where, _("cannot read the file: {reason}", reason=exc.strerror))]
        ) from None
    if not stat.S_ISREG(status.st_mode):
        raise RulesError([Problem(where, _("not a regular file; give the path of a .yaml file"))])
    if status.st_size > MAX_BYTES:
        raise RulesError([Problem(where, _too_big(status.st_size))])
    with path.open("rb") as fh:
        raw = fh.read(MAX_BYTES + 1)  # the file may have grown since it was measured
    if len(raw) > MAX_BYTES:
        raise RulesError([Problem(where, _too_big(len(raw)))])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulesError(
            [Problem(where, _("file is not UTF-8 text ({reason})", reason=exc.reason))]
        ) from None


def _too_big(size: int) -> str:
    return _(
        "file is {size} bytes or more; rule files are limited to {limit}. "
        "Split data out of the rules.",
        size=count(size),
        limit=count(MAX_BYTES),
    )


def _too_deep() -> str:
    return _(_TOO_DEEP, depth=MAX_DEPTH)


def _loc(file: str, mark: yaml.Mark) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


def load_yaml(path: str | Path, text: str | None = None, *, keep_going: bool = False) -> LoadedYaml:
    """Load one YAML document strictly, keeping the location of every value.

    :param path: the file to read (also the name used in messages).
    :param text: the file's content, when already read.
    :param keep_going: return the data with its problems in ``LoadedYaml.problems``
        (duplicate keys, anchors) instead of raising, so later checks can add theirs.
        A file that cannot be parsed at all still raises.
    :raises RulesError: with every problem found in the file.
    """
    file = str(path)
    if text is None:
        text = _read_text(Path(path), file)
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise RulesError(
            [Problem(Location(file, 1, 1), _("text exceeds {limit} bytes", limit=count(MAX_BYTES)))]
        )

    problems: list[Problem] = []
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_StrictLoader):
            depth += _DEPTH_STEP.get(type(event), 0)
            if depth > MAX_DEPTH:
                raise RulesError([Problem(_loc(file, event.start_mark), _too_deep())])
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent):
                problems.append(
                    Problem(
                        _loc(file, event.start_mark),
                        _(
                            "alias *{anchor} is not allowed in rule files; write the value out",
                            anchor=anchor,
                        ),
                    )
                )
            elif anchor is not None:
                problems.append(
                    Problem(
                        _loc(file, event.start_mark),
                        _(
                            "anchor &{anchor} is not allowed in rule files; write values out",
                            anchor=anchor,
                        ),
                    )
                )
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _loc(file, mark) if mark else Location(file, 1, 1)
        detail = exc.problem or exc.context  # PyYAML's own words, in English
        raise RulesError([Problem(where, _("YAML syntax: {detail}", detail=detail))]) from None
    except yaml.YAMLError as exc:
        raise RulesError([Problem(Location(file, 1, 1), _("YAML: {detail}", detail=exc))]) from None
    except RecursionError:
        raise RulesError([Problem(Location(file, 1, 1), _too_deep())]) from None

    marks: dict[Path_, Location] = {}
    if node is None:
        return LoadedYaml(None, marks, file, text)
    keys: dict[Path_, Location] = {}
    aliased: set[Path_] = set()
    try:
        data = _build(node, (), file, marks, problems, set(), keys, aliased)
    except RecursionError:
        raise RulesError([Problem(Location(file, 1, 1), _too_deep())]) from None
    if problems and not keep_going:
        raise RulesError(problems)
    loaded = LoadedYaml(data, marks, file, text, keys)
    loaded.problems.extend(problems)
    loaded.aliased.update(aliased)
    return loaded


def _build(
    node: yaml.Node,
    path: Path_,
    file: str,
    marks: dict[Path_, Location],
    problems: list[Problem],
    seen: set[int],
    keys: dict[Path_, Location],
    aliased: set[Path_],
) -> object:
    if id(node) in seen:  # an alias: already reported, never expanded
        marks[path] = _loc(file, node.start_mark)
        aliased.add(path)
        return None
    seen.add(id(node))
    marks[path] = _loc(file, node.start_mark)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(child, (*path, i), file, marks, problems, seen, keys, aliased)
            for i, child in enumerate(node.value)
        ]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        first_seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    Problem(_loc(file, key_node.start_mark), _("keys must be plain text"))
                )
                continue
            key = key_node.value
            if key == "<<":
                problems.append(
                    Problem(_loc(file, key_node.start_mark), _("merge keys (<<) are not allowed"))
                )
                continue
            if key in first_seen:
                problems.append(
                    Problem(
                        _loc(file, key_node.start_mark),
                        _(
                            "duplicate key {key} (first at line {line}); remove one of them",
                            key=repr(key),
                            line=first_seen[key].line,
                        ),
                    )
                )
                continue
            first_seen[key] = keys[(*path, key)] = _loc(file, key_node.start_mark)
            result[key] = _build(
                value_node, (*path, key), file, marks, problems, seen, keys, aliased
            )
        return result
    problems.append(Problem(_loc(file, node.start_mark), _("unsupported YAML node")))
    return None

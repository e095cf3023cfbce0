"""``kinerja fmt``: one canonical layout for rule files and case files.

The layout, written by ruamel.yaml's round-trip mode (comments, blank lines, the order
of keys, quoting and flow style are the author's and are kept):

- mappings are indented by 2 spaces;
- a block sequence's dash is indented 2 spaces inside its parent key, and its
  items 4 (``components:`` / ``  - name: x`` / ``    expr: ...``), as the shipped
  regions write them;
- a flow collection stays a flow collection where the author wrote one
  (``- {label: Baik, min: 70}``, ``scale: [1, 5]``), with one space after each
  ``:`` and ``,``; a block collection stays a block collection;
- quotes stay as written (``"2026.1"``, ``'x'``), and so do block scalars
  (``|``, ``>``, ``>-``);
- lines are never re-wrapped: the line width is unlimited (:data:`WIDTH`), so a
  long case row or message stays on the line where the author put it (a wrapped
  flow mapping reads worse than a long one, and wrapping leaves trailing spaces);
- no trailing spaces, ``\\n`` line ends, and exactly one final newline (no blank
  lines at the end); a document start marker ``---`` is dropped.

Formatting never changes what a file means: the formatted text is read again with
the project's own strict loader (:func:`kinerja.rules.yamlload.load_yaml`) and must
give the same data, the same types and the same order of keys, or it is refused
(:func:`format_file` then returns a problem instead of a text). Formatting is
idempotent: formatting a formatted text changes nothing.
"""

from __future__ import annotations

import difflib
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from kinerja.authoring.caseload import shown
from kinerja.i18n import _
from kinerja.rules.yamlload import LoadedYaml, Location, Path_, Problem, RulesError, load_yaml

__all__ = [
    "FILE_PATTERNS",
    "WIDTH",
    "Formatted",
    "diff",
    "find_files",
    "format_file",
    "format_text",
]

FILE_PATTERNS = ("rules*.yaml", "*cases.yaml")
"""The files a folder given to ``kinerja fmt`` stands for: rule files and case files."""
WIDTH = 1_000_000
"""ruamel.yaml's line width: large enough that no line is ever re-wrapped."""
_MAX_PASSES = 3


@dataclass(slots=True)
class Formatted:
    """One file: its text before, its canonical text (None when refused), its problems."""

    path: Path
    before: str
    after: str | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the canonical text differs from the file's text."""
        return self.after is not None and self.after != self.before


def _yaml() -> YAML:
    """A round-trip ruamel.yaml set to the canonical layout (see the module docstring)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = WIDTH
    return yaml


def _tidy(text: str) -> str:
    """Trailing spaces removed and exactly one final newline (an empty text stays empty)."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy = "\n".join(lines).rstrip("\n")
    return tidy + "\n" if tidy else ""


def _once(text: str) -> str:
    """One round trip through ruamel.yaml, then :func:`_tidy`."""
    yaml = _yaml()
    data = yaml.load(text)
    if data is None:  # empty, or only comments: nothing for ruamel to write
        return _tidy(text)
    out = io.StringIO()
    yaml.dump(data, out)
    return _tidy(out.getvalue())


def format_text(text: str) -> str:
    """The canonical layout of a YAML text (its meaning is not checked here).

    A round trip may move a comment once more the second time; passes are repeated
    (at most :data:`_MAX_PASSES`) until the text no longer changes.

    :raises ruamel.yaml.error.YAMLError: when the text is not YAML.
    """
    current = _once(text)
    for _pass in range(_MAX_PASSES - 1):
        again = _once(current)
        if again == current:
            break
        current = again
    return current


def _first_difference(a: object, b: object, path: Path_ = ()) -> Path_ | None:
    """The path of the first value where ``a`` and ``b`` differ (type, value or key order)."""
    if type(a) is not type(b):
        return path
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return path
        for key in a:
            found = _first_difference(a[key], b[key], (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, (*path, i))
            if found is not None:
                return found
        return None
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return None
    return None if a == b else path


def _dotted(path: Path_) -> str:
    """``cases[0].expect.score`` for a path; ``the document`` for the root."""
    if not path:
        return _("the document")
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _ruamel_problem(file: str, exc: YAMLError) -> Problem:
    """A ruamel.yaml error as a located problem."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
    detail = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    return Problem(where, _("YAML syntax: {detail}", detail=detail))


def _changed_meaning(loaded: LoadedYaml, after: str, file: str) -> Problem | None:
    """A problem, located in the original file, when ``after`` does not read as the same
    data as ``loaded`` (or cannot be read by the strict loader at all)."""
    try:
        path = _first_difference(loaded.data, load_yaml(file, after).data)
    except RulesError:
        path = ()
    if path is None:
        return None
    where = loaded.where(path)
    return Problem(
        Location(file, where.line, where.col),
        _(
            "formatting would change the value of {path}, so the file was left as it is; "
            "remove trailing spaces inside block scalars (| or >) and format again",
            path=_dotted(path),
        ),
    )


def format_file(path: Path) -> Formatted:
    """Read ``path`` strictly and compute its canonical text, checked to mean the same.

    Nothing is written. A file the strict loader refuses (not YAML, duplicate keys,
    anchors...) or whose formatting would change its data has ``after`` None and
    its problems, each with ``file:line:col``.
    """
    file = shown(path)
    try:
        loaded = load_yaml(path)
    except RulesError as exc:
        return Formatted(path, "", None, [_renamed(p, file) for p in exc.problems])
    try:
        after = format_text(loaded.text)
    except YAMLError as exc:
        return Formatted(path, loaded.text, None, [_ruamel_problem(file, exc)])
    problem = _changed_meaning(loaded, after, file)
    if problem is not None:
        return Formatted(path, loaded.text, None, [problem])
    return Formatted(path, loaded.text, after)


def _renamed(problem: Problem, file: str) -> Problem:
    """``problem`` located in ``file``, the name messages show."""
    loc = problem.location
    return Problem(Location(file, loc.line, loc.col), problem.message, problem.severity)


def find_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The files to format, and the folders among ``paths`` that hold none.

    A file stands for itself; a folder for every ``rules*.yaml`` and ``*cases.yaml``
    below it, except in hidden folders (``.venv``, ``.git``). Each file once, in order.
    """
    found: dict[Path, None] = {}
    empty: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.setdefault(path, None)
            continue
        below = sorted(
            {
                p
                for pattern in FILE_PATTERNS
                for p in path.rglob(pattern)
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            }
        )
        if not below:
            empty.append(path)
        for p in below:
            found.setdefault(p, None)
    return list(found), empty


def diff(result: Formatted) -> str:
    """A unified diff from the file's text to its canonical text ('' when unchanged)."""
    if not result.changed:
        return ""
    name = shown(result.path)
    assert result.after is not None
    return "".join(
        difflib.unified_diff(
            result.before.splitlines(keepends=True),
            result.after.splitlines(keepends=True),
            fromfile=name,
            tofile=name,
        )
    )

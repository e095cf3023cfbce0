"""Rule files that extend a national baseline or another rule file.

A rule file with ``extends: pp-46-2011`` starts from that baseline and overrides
only what differs. Sections of named entries (inputs, indicators, aspects,
rater_groups, bands) merge entry by entry, the extending file's entry replacing
the baseline's of the same name; every other key (score, predikat, components,
stages, ...) is replaced whole when the extending file gives it. Every value
keeps the location it came from, so messages and ``kinerja show`` say which file
each value is from.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from kinerja.expr.check import suggest
from kinerja.i18n import _
from kinerja.rules.yamlload import LoadedYaml, Location, Path_, Problem, load_yaml

NAMED_SECTIONS = frozenset({"inputs", "indicators", "aspects", "rater_groups", "bands"})
"""Top-level sections that merge entry by entry; any other key is replaced whole."""

MAX_DEPTH = 5
"""How many ``extends`` may chain, so a cycle or a runaway chain stops with a message."""


def baselines() -> dict[str, Path]:
    """The national baselines shipped with kinerja, by name (not the data tables beside
    them, such as the distribution guideline: ``distribution-*.yaml``)."""
    folder = resources.files("kinerja.rules.baselines")
    return {
        entry.name.removesuffix(".yaml"): Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml") and not entry.name.startswith("distribution-")
    }


def installed_region_rules(name: str) -> Path | None:
    """The rule file of the installed region ``name`` (its current rules), if there is
    one: a what-if file may ``extends:`` a region by name and change one value."""
    from kinerja.manager import make_manager  # the plugin manager loads rules: import late
    from kinerja.regions import list_regions

    spec = list_regions(make_manager()).get(name)
    return None if spec is None else Path(spec.rules)


_REGION_NAME = re.compile(r"[a-z][a-z0-9_]*")
"""What an installed region's name looks like (a file name has a dot or a slash)."""


def resolve(reference: str, relative_to: Path) -> Path | str:
    """The file an ``extends`` value names, or why it names none.

    A shipped baseline by name, an installed region by name (its current rule file), or
    a rule file inside the folder of the file that extends it (or below it). A path that
    leaves that folder, also through a symbolic link, is refused: a rule file cannot
    layer in other files of the machine.
    """
    known = baselines()
    if reference in known:
        return known[reference]
    if _REGION_NAME.fullmatch(reference):
        region = installed_region_rules(reference)
        if region is not None:
            return region
    folder = relative_to.parent
    written = Path(reference)
    if written.is_absolute():
        return _("a path must be relative to the rule file's folder, not absolute")
    try:
        candidate = (folder / written).resolve()
        if not candidate.is_relative_to(folder.resolve()):
            return _(
                "the path leads out of the rule file's folder; extend a baseline, or a rule "
                "file in the same folder or below it"
            )
        if not candidate.is_file():
            return _("no such baseline or file")
    except OSError as exc:  # a name too long, a loop of links...
        return _("no such baseline, and no file can be read there ({reason})", reason=exc.strerror)
    return candidate


def load_layered(path: str | Path, _chain: tuple[Path, ...] = ()) -> LoadedYaml:
    """Load a rule file and everything it extends, merged, with every value's location.

    Problems (an unknown baseline, a cycle) are added to ``LoadedYaml.problems``
    at the ``extends`` value's location; YAML problems of every layer are kept.
    """
    loaded = load_yaml(path, keep_going=True)
    data = loaded.data
    if not isinstance(data, dict) or "extends" not in data:
        return loaded
    reference = data["extends"]
    where = loaded.where(("extends",))
    if not isinstance(reference, str):
        message = _("extends must be a baseline name or a file path")
        return _without_base(loaded, Problem(where, message))
    here = Path(path).absolute()
    target = resolve(reference, here)
    if isinstance(target, str):
        names = sorted(baselines())
        hint = suggest(reference, names)
        message = _(
            "extends {reference}: {reason}{hint}; baselines: {names}",
            reference=repr(reference),
            reason=target,
            hint=hint,
            names=", ".join(names),
        )
        return _without_base(loaded, Problem(where, message))
    here = here.resolve()
    chain = (*_chain, here)
    if target.resolve() in chain or len(chain) > MAX_DEPTH:
        message = _(
            "extends {reference} makes a cycle or a chain deeper than {depth}",
            reference=repr(reference),
            depth=MAX_DEPTH,
        )
        return _without_base(loaded, Problem(where, message))
    base = load_layered(target, chain)
    return merge(base, loaded)


def _without_base(loaded: LoadedYaml, problem: Problem) -> LoadedYaml:
    """``loaded`` with the problem of its ``extends``, marked as missing its baseline."""
    loaded.problems.append(problem)
    loaded.base_missing = True
    return loaded


def merge(base: LoadedYaml, over: LoadedYaml) -> LoadedYaml:
    """``over`` laid on ``base``: mappings merge, other values are replaced."""
    over_data = dict(over.data) if isinstance(over.data, dict) else {}
    over_data.pop("extends", None)
    data = _merge(base.data, over_data)
    marks: dict[Path_, Location] = {}
    keys: dict[Path_, Location] = {}
    replaced = _replaced_paths(base.data, over_data)
    for source in (base, over):
        for table, target in ((source.marks, marks), (source.keys, keys)):
            for path, location in table.items():
                if source is base and any(path[: len(r)] == r for r in replaced):
                    continue
                target[path] = location
    marks[()] = over.marks.get((), Location(over.file, 1, 1))
    merged = LoadedYaml(
        data,
        marks,
        over.file,
        over.text,
        keys,
        problems=[*base.problems, *over.problems],
        aliased=base.aliased | over.aliased,
        layers=[*base.layers, *over.layers],
        base_missing=base.base_missing,
    )
    return merged


def _merges(path: Path_, base: object, over: object) -> bool:
    """Whether the value at ``path`` merges (the document, a named section) or is replaced."""
    both = isinstance(base, dict) and isinstance(over, dict)
    return both and (path == () or (len(path) == 1 and path[0] in NAMED_SECTIONS))


def _merge(base: object, over: object, path: Path_ = ()) -> object:
    if not _merges(path, base, over):
        return over
    assert isinstance(base, dict) and isinstance(over, dict)
    merged = dict(base)
    for key, value in over.items():
        merged[key] = _merge(base[key], value, (*path, key)) if key in base else value
    return merged


def _replaced_paths(base: object, over: object, path: Path_ = ()) -> list[Path_]:
    """Paths where ``over`` replaces (not merges) a value of ``base``."""
    if not _merges(path, base, over):
        return [path]
    assert isinstance(base, dict) and isinstance(over, dict)
    found: list[Path_] = []
    for key, value in over.items():
        if key in base:
            found += _replaced_paths(base[key], value, (*path, key))
    return found


def provenance(loaded: LoadedYaml) -> list[tuple[Path_, object, Location]]:
    """Every leaf value of the effective rules with the location it came from."""
    leaves: list[tuple[Path_, object, Location]] = []

    def walk(value: object, path: Path_) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, (*path, key))
        elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
            for i, child in enumerate(value):
                walk(child, (*path, i))
        else:
            leaves.append((path, value, loaded.where(path)))

    walk(loaded.data, ())
    return leaves

"""What can be compared: an installed region, a dated version of one, or a rule file.

An item is written the way a person names it on the command line:

- ``NAME``: the installed region, its rules in force on the day asked for
  (default: today);
- ``NAME@2025``: the version in force during that year; ``NAME@2025-06-30``:
  the version in force on that day; ``NAME@2025.1``: the version whose
  ``version:`` is ``2025.1``;
- ``draft/what-if.yaml`` (anything with a ``/``, or ending in
  ``.yaml``/``.yml``): a rule file, e.g. a what-if. A rule file may ``extends:`` a
  national baseline or another rule file in its own folder or below it (see
  :func:`kinerja.rules.layering.resolve`).

Each resolves to an :class:`Item`: the text as given, the label reports call it by,
the checked :class:`~kinerja.rules.RuleSet`, and its kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pluggy

from kinerja.errors import KinerjaError, RulesError
from kinerja.i18n import _
from kinerja.regions import find_region, list_regions, load_region_rules
from kinerja.rules import RuleSet, load_rules

__all__ = ["KINDS", "Item", "ItemError", "resolve_item", "resolve_items"]

KINDS = ("region", "version", "file")
"""What an item names: an installed region, a dated version of one, or a rule file."""

_YEAR = re.compile(r"[0-9]{4}\Z")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class ItemError(KinerjaError, ValueError):
    """An item cannot be resolved to checked rules; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to compare, resolved to its checked rules."""

    spec: str
    """The item as given (``NAME@2025``, ``./draft/x.yaml``)."""
    label: str
    """What reports call it: ``NAME``, ``NAME@2025``, or the file's stem."""
    rules: RuleSet
    """The checked rules, after layering."""
    kind: str
    """``region``, ``version`` or ``file`` (:data:`KINDS`)."""


def resolve_item(pm: pluggy.PluginManager, text: str, *, as_of: str | None = None) -> Item:
    """The item ``text`` names, with its checked rules (module doc for the forms).

    :param as_of: the day (``YYYY-MM-DD``) a bare region's rules must be in force on
        (default: today); a dated version or a rule file is not affected.
    :raises UnknownRegion: no such installed region, or no single version of it in
        force on that day or during that year.
    :raises ItemError: anything else that keeps the item from being compared.
    """
    spec = text.strip()
    if not spec:
        raise ItemError(
            _(
                "an item is empty; name an installed region (NAME), a version "
                "(NAME@2025) or a rule file (draft/rules.yaml)"
            )
        )
    if "/" in spec or spec.endswith((".yaml", ".yml")):
        return Item(spec, Path(spec).stem, _rule_file(pm, spec), "file")
    name, at, version = spec.partition("@")
    if not at:
        return Item(spec, spec, _region_rules(pm, name, as_of=as_of), "region")
    return Item(spec, spec, _version(pm, name, version), "version")


def resolve_items(
    pm: pluggy.PluginManager, texts: Iterable[str], *, as_of: str | None = None
) -> list[Item]:
    """Every item of ``texts`` (:func:`resolve_item`), with labels made unique: a label
    met again is followed by ``#2``, ``#3``... (``NAME``, ``NAME#2``)."""
    items: list[Item] = []
    taken: set[str] = set()
    for text in texts:
        item = resolve_item(pm, text, as_of=as_of)
        label, n = item.label, 1
        while label in taken:
            n += 1
            label = f"{item.label}#{n}"
        taken.add(label)
        items.append(Item(item.spec, label, item.rules, item.kind))
    return items


def _rule_file(pm: pluggy.PluginManager, spec: str) -> RuleSet:
    """The checked rules of the file ``spec``."""
    path = Path(spec)
    if not path.exists():
        raise ItemError(
            _(
                "there is no rule file {path}; name an installed region ({regions}), a "
                "version like NAME@2025, or the path of a rule file",
                path=spec,
                regions=", ".join(list_regions(pm)) or "-",
            )
        )
    try:
        return load_rules(path)
    except RulesError as exc:
        raise ItemError(
            _(
                "the rule file {path} has problems:\n{problems}\nFix them, then compare again "
                "(`kinerja check {path}` lists them too).",
                path=spec,
                problems=exc,
            )
        ) from None


def _region_rules(
    pm: pluggy.PluginManager,
    name: str,
    *,
    as_of: str | None = None,
    period: str | None = None,
) -> RuleSet:
    """The region's rules in force on ``as_of`` or during ``period`` (default: today)."""
    try:
        return load_region_rules(pm, name, as_of, period)
    except RulesError as exc:
        raise ItemError(_problems_of(name, exc)) from None


def _problems_of(region: str, exc: RulesError) -> str:
    return _(
        "the rules of region {region} have problems:\n{problems}\nRun `kinerja check`.",
        region=repr(region),
        problems=exc,
    )


def _version(pm: pluggy.PluginManager, name: str, version: str) -> RuleSet:
    """The rules of ``name@version``: a year, a day, or a ``version:`` value."""
    if _YEAR.match(version):
        return _region_rules(pm, name, period=version)
    if _DAY.match(version):
        try:
            day = date.fromisoformat(version).isoformat()
        except ValueError:
            item = name + "@" + version
            raise ItemError(
                _(
                    "{item}: {day} is not a day of the calendar; write a date like 2025-06-30",
                    item=item,
                    day=version,
                )
            ) from None
        return _region_rules(pm, name, as_of=day)
    spec = find_region(pm, name)
    versions = []
    for path in spec.rule_files():
        try:
            versions.append(load_rules(path))
        except RulesError as exc:
            raise ItemError(_problems_of(name, exc)) from None
    for rules in versions:
        if rules.version == version:
            return rules
    raise ItemError(_no_version(name, version, versions))


def _no_version(name: str, version: str, versions: list[RuleSet]) -> str:
    """Why ``name@version`` names no version, with the versions there are."""
    ordered = sorted(versions, key=lambda r: r.valid_from)
    listed = "; ".join(
        "{} ({})".format(
            r.version, _("{start} to {end}", start=r.valid_from, end=r.valid_to or _("open-ended"))
        )
        for r in ordered
    )
    return _(
        "region {region} has no version {version}; its versions: {versions}. Name one of "
        "them, a year ({name}@{year}) or a day ({name}@{year}-06-30)",
        region=repr(name),
        version=repr(version),
        versions=listed,
        name=name,
        year=ordered[-1].valid_from[:4] if ordered else "2026",
    )

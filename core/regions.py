"""Regions: how they are declared, found and loaded.

A region is a plugin found through the ``kinerja.regions`` entry-point group. Its
module implements :func:`kinerja.hookspecs.kinerja_register_regions` and returns
:class:`RegionSpec` objects naming its rule file. Built-in and third-party regions
are found the same way; the core names none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pluggy
import polars as pl

from kinerja.errors import UnknownRegion
from kinerja.expr.check import suggest
from kinerja.i18n import _, count
from kinerja.rules import RuleSet, load_rules
from kinerja.rules.yamlload import Problem


@dataclass(frozen=True, slots=True)
class RegionSpec:
    """A region a plugin provides: its name and its rule file."""

    name: str
    rules: Path
    """The region's YAML rule file."""
    summary: str = ""
    """One line on what the region's appraisal rests on."""
    plugin: str = ""
    """The module that registered it (filled in by the manager)."""
    history: tuple[Path, ...] = ()
    """Earlier (or later) rule versions, each valid for its own period."""

    def rule_files(self) -> tuple[Path, ...]:
        """Every rule version of the region: the current file first."""
        return (self.rules, *self.history)


@dataclass(slots=True)
class Collected:
    """What an indicator-collection hook gives: named values and indicator details.

    ``values`` has a ``nip`` column and one column per name it provides (Float64 for
    numbers, String for text); ``indicators`` (optional) has the columns of
    :data:`kinerja.frames.INDICATORS`, one row per indicator of an employee.
    """

    values: pl.DataFrame
    indicators: pl.DataFrame | None = None


@dataclass(slots=True)
class Weighed:
    """What a weighting hook gives: each employee's aspects, their rater groups, notes.

    Frames with the columns of :data:`kinerja.frames.ASPECTS`, :data:`~kinerja.frames.GROUPS`
    and :data:`~kinerja.frames.NOTES`; each employee's rows in the rules' aspect order.
    """

    aspects: pl.DataFrame
    groups: pl.DataFrame
    notes: pl.DataFrame


def list_regions(pm: pluggy.PluginManager) -> dict[str, RegionSpec]:
    """Every usable installed region by name, from all plugins, sorted by name.

    A name that two plugins register is left out (see :func:`region_clashes`); every
    other region still runs.
    """
    regions, clashes = _registrations(pm)
    return {name: spec for name, spec in regions.items() if name not in clashes}


def region_clashes(pm: pluggy.PluginManager) -> dict[str, tuple[str, ...]]:
    """Region names registered by more than one plugin, with those plugins."""
    return _registrations(pm)[1]


def _registrations(
    pm: pluggy.PluginManager,
) -> tuple[dict[str, RegionSpec], dict[str, tuple[str, ...]]]:
    regions: dict[str, RegionSpec] = {}
    clashes: dict[str, tuple[str, ...]] = {}
    for impl in pm.hook.kinerja_register_regions.get_hookimpls():
        plugin = getattr(impl.plugin, "__name__", impl.plugin_name)
        for spec in impl.function() or []:
            if spec.name in regions:
                first = clashes.get(spec.name, (regions[spec.name].plugin,))
                clashes[spec.name] = (*first, plugin)
                continue
            regions[spec.name] = RegionSpec(
                spec.name,
                Path(spec.rules),
                spec.summary,
                plugin,
                tuple(Path(p) for p in spec.history),
            )
    return dict(sorted(regions.items())), clashes


def clash_message(name: str, plugins: tuple[str, ...]) -> str:
    """Why a region registered twice cannot be used, and what to do."""
    return (
        f"region {name!r} is registered twice ({' and '.join(plugins)}); uninstall one of "
        "them, or rename one region"
    )


class RegionHooks:
    """The hooks of one run: the built-ins and every plugin, except other regions' plugins.

    A region plugin's hooks (a plugin that registers regions) are called only for
    runs of a region it registers; plugins that register no region (add-ons) are
    called for every run.
    """

    def __init__(self, pm: pluggy.PluginManager, region: str):
        others = []
        for impl in pm.hook.kinerja_register_regions.get_hookimpls():
            names = {spec.name for spec in impl.function() or []}
            if region not in names:
                others.append(impl.plugin)
        self._pm = pm
        self._others = others

    def __getattr__(self, name: str) -> pluggy.HookCaller:
        if not self._others:
            return getattr(self._pm.hook, name)  # type: ignore[no-any-return]
        return self._pm.subset_hook_caller(name, remove_plugins=self._others)


def find_region(pm: pluggy.PluginManager, name: str) -> RegionSpec:
    """The installed region called ``name``.

    :raises UnknownRegion: naming the installed regions and the closest match.
    """
    regions, clashes = _registrations(pm)
    if name in clashes:
        raise UnknownRegion(clash_message(name, clashes[name]))
    regions = {n: spec for n, spec in regions.items() if n not in clashes}
    if name in regions:
        return regions[name]
    hint = suggest(name, list(regions))
    known = ", ".join(regions) or "none"
    raise UnknownRegion(f"no region {name!r} is installed{hint}; installed: {known}")


def today() -> date:
    """The date the rules must be in force on when a run names none (the real date)."""
    return date.today()


def region_versions(pm: pluggy.PluginManager, name: str) -> list[RuleSet]:
    """Every version of region ``name``'s rules, loaded and checked, in file order.

    :raises UnknownRegion: no such region.
    :raises kinerja.errors.RulesError: a version's rules have problems.
    """
    return [load_rules(path) for path in find_region(pm, name).rule_files()]


def load_region_rules(
    pm: pluggy.PluginManager,
    name: str,
    as_of: str | None = None,
    period: str | None = None,
    on: date | None = None,
) -> RuleSet:
    """Load and check the rules of region ``name`` in force on ``as_of`` or during ``period``.

    With neither, the version in force on ``on`` (default: :func:`today`), so that a run
    after the last version has ended says so instead of using it. ``period`` is a year
    (``2025``).

    :raises UnknownRegion: no such region, or no single version for that date or period.
    """
    versions = region_versions(pm, name)
    if as_of is None and period is None:
        as_of = (on or today()).isoformat()
    first, last = (as_of, as_of) if as_of is not None else (f"{period}-01-01", f"{period}-12-31")
    matching = [r for r in versions if r.valid_from <= last and (r.valid_to or "9999") >= first]
    if len(matching) == 1:
        return matching[0]
    raise UnknownRegion(_not_one_version(name, versions, matching, as_of, period))


def _not_one_version(
    name: str,
    versions: list[RuleSet],
    matching: list[RuleSet],
    as_of: str | None,
    period: str | None,
) -> str:
    """Why no single version of region ``name`` is in force on ``as_of`` / during ``period``."""
    if not matching:
        values = {
            "region": repr(name),
            "versions": "; ".join(f"{r.version} ({_span(r)})" for r in versions),
        }
        if as_of is not None:
            ended = [r.valid_to for r in versions if r.valid_to and r.valid_to < as_of]
            if not ended:
                return _(
                    "no rules of region {region} are in force on {date}; versions: {versions}",
                    date=as_of,
                    **values,
                )
            return _(
                "no rules of region {region} are in force on {date}; versions: {versions}. "
                "To appraise a period that has ended, name a day in it: --as-of {day}",
                date=as_of,
                day=max(ended),
                **values,
            )
        return _(
            "no rules of region {region} are in force during {period}; versions: {versions}",
            period=period,
            **values,
        )
    values = {
        "n": count(len(matching)),
        "region": repr(name),
        "versions": ", ".join(r.version for r in matching),
    }
    if as_of is not None:
        return _(
            "{n} versions of region {region} are in force on {date} ({versions}); "
            "pick one day with --as-of DATE",
            date=as_of,
            **values,
        )
    return _(
        "{n} versions of region {region} are in force during {period} ({versions}); "
        "pick one day with --as-of DATE",
        period=period,
        **values,
    )


def _span(rules: RuleSet) -> str:
    return _("{start} to {end}", start=rules.valid_from, end=rules.valid_to or _("open-ended"))


def version_problems(versions: list[RuleSet]) -> list[Problem]:
    """Overlapping or missing periods between a region's rule versions."""
    ordered = sorted(versions, key=lambda r: r.valid_from)
    problems: list[Problem] = []
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        where = later.where("valid_from")
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            problems.append(
                Problem(
                    where,
                    _(
                        "version {later} starts {start}, while version {earlier} ({span}) "
                        "is still in force; periods must not overlap",
                        later=later.version,
                        start=later.valid_from,
                        earlier=earlier.version,
                        span=_span(earlier),
                    ),
                )
            )
        elif date.fromisoformat(earlier.valid_to) + timedelta(days=1) < date.fromisoformat(
            later.valid_from
        ):
            first = date.fromisoformat(earlier.valid_to) + timedelta(days=1)
            last = date.fromisoformat(later.valid_from) - timedelta(days=1)
            problems.append(
                Problem(
                    where,
                    _(
                        "no rules are in force from {first} to {last}: version {earlier} "
                        "ends {end} and version {later} starts {start}; close the gap",
                        first=first.isoformat(),
                        last=last.isoformat(),
                        earlier=earlier.version,
                        end=earlier.valid_to,
                        later=later.version,
                        start=later.valid_from,
                    ),
                )
            )
    return problems

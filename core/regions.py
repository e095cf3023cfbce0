"""Regions: how they are declared, found and loaded.

A region is a plugin found through the ``kinerja.regions`` entry-point group. Its
module implements :func:`kinerja.hookspecs.kinerja_register_regions` and returns
:class:`RegionSpec` objects naming its rule file. Built-in and third-party regions
are found the same way; the core names none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pluggy

from kinerja.expr.check import suggest
from kinerja.model import IndicatorResult, Value
from kinerja.rules import RuleSet, load_rules


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


@dataclass(slots=True)
class Collected:
    """What an indicator-collection hook gives for one employee."""

    values: dict[str, Value] = field(default_factory=dict)
    indicators: list[IndicatorResult] = field(default_factory=list)


class UnknownRegion(LookupError):
    """No installed plugin provides the region asked for."""


def list_regions(pm: pluggy.PluginManager) -> dict[str, RegionSpec]:
    """Every installed region by name, from all plugins, sorted by name."""
    regions: dict[str, RegionSpec] = {}
    for impl in pm.hook.kinerja_register_regions.get_hookimpls():
        specs = impl.function() or []
        for spec in specs:
            plugin = getattr(impl.plugin, "__name__", impl.plugin_name)
            if spec.name in regions:
                raise UnknownRegion(
                    f"region {spec.name!r} is registered twice ({regions[spec.name].plugin} "
                    f"and {plugin}); uninstall one of them"
                )
            regions[spec.name] = RegionSpec(spec.name, Path(spec.rules), spec.summary, plugin)
    return dict(sorted(regions.items()))


def find_region(pm: pluggy.PluginManager, name: str) -> RegionSpec:
    """The installed region called ``name``.

    :raises UnknownRegion: naming the installed regions and the closest match.
    """
    regions = list_regions(pm)
    if name in regions:
        return regions[name]
    hint = suggest(name, list(regions))
    known = ", ".join(regions) or "none"
    raise UnknownRegion(f"no region {name!r} is installed{hint}; installed: {known}")


def load_region_rules(pm: pluggy.PluginManager, name: str) -> RuleSet:
    """Load and check the rule file of the installed region ``name``."""
    return load_rules(find_region(pm, name).rules)

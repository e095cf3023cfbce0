"""Building the plugin manager: hook specs, built-in defaults, installed regions."""

from __future__ import annotations

import importlib

import pluggy

from kinerja import hookspecs

ENTRY_POINT_GROUP = "kinerja.regions"
"""The entry-point group a region package registers its plugin module in."""

BUILTIN_PLUGINS = (
    "kinerja.builtin.collect",
    "kinerja.builtin.weighting",
    "kinerja.builtin.weight_cap",
    "kinerja.builtin.predikat",
    "kinerja.builtin.feedback",
    "kinerja.builtin.training",
    "kinerja.builtin.stages",
    "kinerja.builtin.objections",
    "kinerja.builtin.supervisors",
    "kinerja.builtin.bias",
    "kinerja.builtin.peers",
)
"""The YAML-driven defaults, registered like any other plugin, each ``trylast``."""


def make_manager(*, load_entry_points: bool = True) -> pluggy.PluginManager:
    """A plugin manager with the hook specs, the built-in defaults and installed regions.

    :param load_entry_points: also load plugins from the ``kinerja.regions`` group.
    :raises pluggy.PluginValidationError: when a plugin implements a hook that does
        not exist (a misspelt hook name fails loudly rather than being ignored).
    """
    pm = pluggy.PluginManager("kinerja")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    if load_entry_points:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    pm.check_pending()
    return pm

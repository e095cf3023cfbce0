"""kinerja: a plugin-based appraisal engine for Indonesian civil servants (ASN)."""

from importlib.metadata import PackageNotFoundError, version

import pluggy

try:
    __version__ = version("kinerja")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0.0.0"

hookimpl = pluggy.HookimplMarker("kinerja")
"""Marker for hook implementations: decorate region-plugin functions with ``@hookimpl``."""

__all__ = ["__version__", "hookimpl"]

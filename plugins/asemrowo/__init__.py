"""The Asemrowo region: outcome-based: achievement against targets, not attendance.

Everything this region requires is said in ``rules.yaml`` beside this file;
this module only registers it.
"""

from __future__ import annotations

from pathlib import Path

from kinerja import RegionSpec, hookimpl

RULES = Path(__file__).with_name("rules.yaml")


@hookimpl
def kinerja_register_regions() -> list[RegionSpec]:
    """Register the Asemrowo region and its rule file."""
    return [
        RegionSpec("asemrowo", RULES, "outcome-based: achievement against targets, not attendance")
    ]

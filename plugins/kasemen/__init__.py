"""The Kasemen region: competency-based, multi-rater (supervisor, peers, citizens served).

Everything this region requires is said in ``rules.yaml`` beside this file;
this module only registers it.
"""

from __future__ import annotations

from pathlib import Path

from kinerja import RegionSpec, hookimpl

RULES = Path(__file__).with_name("rules.yaml")


@hookimpl
def kinerja_register_regions() -> list[RegionSpec]:
    """Register the Kasemen region and its rule file."""
    return [
        RegionSpec(
            "kasemen", RULES, "competency-based, multi-rater (supervisor, peers, citizens served)"
        )
    ]

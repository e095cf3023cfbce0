"""The Sawahlunto region: fair and open appraisal, results published beside peers.

``rules.yaml`` beside this file says everything, including the supervisor's limit
(``max_share: 0.4``): the supervisor never carries more than 40% of a behaviour
aspect, also when peers or subordinates are missing.
"""

from __future__ import annotations

from pathlib import Path

from kinerja import RegionSpec, hookimpl

RULES = Path(__file__).with_name("rules.yaml")


@hookimpl
def kinerja_register_regions() -> list[RegionSpec]:
    """Register the Sawahlunto region and its rule file."""
    return [
        RegionSpec(
            "sawahlunto",
            RULES,
            "fair and open: PermenPANRB 6/2022 matrix, rater-bias evidence, published beside peers",
        )
    ]

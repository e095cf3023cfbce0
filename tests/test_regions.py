"""All five regions: installed, and sample data reconciles through each region's rules.

Each region's hand-computed sample employee and its REGIONS.md requirements are in
``test_region_<name>.py``.
"""

from __future__ import annotations

import pytest
from region_helpers import rules_for, sample_reconciles

from kinerja.manager import make_manager
from kinerja.regions import list_regions

REGIONS = ("kasemen", "asemrowo", "kutacane", "sawahlunto", "lampung")


def test_the_five_regions_are_installed() -> None:
    assert set(REGIONS) <= set(list_regions(make_manager()))


@pytest.mark.parametrize("region", REGIONS)
def test_rules_name_their_seed_document(region: str) -> None:
    rules = rules_for(region)
    assert rules.region == region
    assert "seed 00" in rules.source_doc


@pytest.mark.parametrize("region", REGIONS)
def test_sample_data_reconciles(region: str) -> None:
    # employees in pegawai == appraised results + employee rejects (sheet "pegawai")
    sample_reconciles(region)

"""Test-wide settings: property tests draw the same examples on every run.

A property test that fails, fails every time, on every machine, so CI never
passes or fails by chance; ``KINERJA_HYPOTHESIS_RANDOM=1`` draws fresh examples
for a deeper local search.
"""

from __future__ import annotations

import datetime
import os

import pytest
from hypothesis import settings

settings.register_profile("kinerja", derandomize=True)
settings.register_profile("random", derandomize=False)
settings.load_profile("random" if os.environ.get("KINERJA_HYPOTHESIS_RANDOM") else "kinerja")

# The tests read kinerja's words in English, the language its messages are written in;
# the tests of the Indonesian catalog choose Indonesian themselves (--lang id, or
# kinerja.i18n.language("id")), and so do child processes through the environment.
os.environ["KINERJA_LANG"] = "en"


@pytest.fixture(autouse=True)
def _rules_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped rules are in force during 2026: the tests run on a day of it, whatever
    the real date (a test of the date itself passes its own)."""
    monkeypatch.setattr("kinerja.regions.today", lambda: datetime.date(2026, 12, 1))

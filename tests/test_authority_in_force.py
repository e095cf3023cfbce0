"""A run that names no date uses the rules in force today, and fails when none are."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from kinerja import regions
from kinerja.cli import main
from kinerja.manager import make_manager
from kinerja.regions import UnknownRegion, list_regions, load_region_rules

PM = make_manager()
INSTALLED = sorted(list_regions(PM))


@pytest.mark.parametrize("region", INSTALLED)
@pytest.mark.parametrize("day", [date(2026, 1, 1), date(2026, 12, 1), date(2026, 12, 31)])
def test_every_installed_region_is_in_force_during_2026(region: str, day: date) -> None:
    rules = load_region_rules(PM, region, on=day)
    assert rules.valid_from <= day.isoformat() <= (rules.valid_to or "9999-12-31")


def test_kutacane_picks_the_version_in_force_on_the_day() -> None:
    # 2025.1 covers 2025-01-01..2025-12-31, 2026.1 covers 2026-01-01..2026-12-31
    assert load_region_rules(PM, "kutacane", on=date(2025, 12, 31)).version == "2025.1"
    assert load_region_rules(PM, "kutacane", on=date(2026, 1, 1)).version == "2026.1"


def test_a_day_after_every_version_fails_as_as_of_does() -> None:
    with pytest.raises(UnknownRegion) as undated:
        load_region_rules(PM, "kutacane", on=date(2027, 1, 1))
    with pytest.raises(UnknownRegion) as dated:
        load_region_rules(PM, "kutacane", as_of="2027-01-01")
    assert (
        str(undated.value)
        == str(dated.value)
        == (
            "no rules of region 'kutacane' are in force on 2027-01-01; versions: "
            "2026.1 (2026-01-01 to 2026-12-31); 2025.1 (2025-01-01 to 2025-12-31). "
            "To appraise a period that has ended, name a day in it: --as-of 2026-12-31"
        )
    )


def test_an_explicit_date_or_period_wins_over_the_day() -> None:
    day = date(2030, 6, 1)  # no version in force
    assert load_region_rules(PM, "kutacane", as_of="2025-03-01", on=day).version == "2025.1"
    assert load_region_rules(PM, "kutacane", period="2026", on=day).version == "2026.1"


def test_the_cli_without_a_date_fails_with_exit_code_2_when_no_rules_are_in_force(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(regions, "today", lambda: date(2027, 3, 1))
    result = CliRunner().invoke(main, ["show", "--region", "kasemen"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(
        "Error: no rules of region 'kasemen' are in force on 2027-03-01; versions: "
    )


def test_the_cli_without_a_date_runs_on_a_day_the_rules_cover(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(regions, "today", lambda: date(2026, 12, 1))
    result = CliRunner().invoke(main, ["show", "--region", "kasemen"])
    assert result.exit_code == 0, result.output


def test_the_hint_names_a_day_that_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The day the refusal offers (the end of the last version: Kasemen 2026.1, which
    ends 2026-12-31) runs the same rules as on a day inside it."""
    monkeypatch.setattr(regions, "today", lambda: date(2027, 3, 1))
    refused = CliRunner().invoke(main, ["show", "--region", "kasemen", "--lang", "id"])
    assert refused.exit_code == 2
    assert refused.output.rstrip().endswith(
        "Untuk menilai periode yang sudah berakhir, sebutkan satu hari di dalamnya: "
        "--as-of 2026-12-31"
    )
    day = load_region_rules(PM, "kasemen", as_of="2026-12-31")
    assert day.version == load_region_rules(PM, "kasemen", on=date(2026, 12, 1)).version

"""What can be compared: installed regions, dated versions, rule files (what-ifs)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pluggy
import pytest

import kinerja.plugins
from kinerja.compare.items import Item, ItemError, resolve_item, resolve_items
from kinerja.errors import KinerjaError, UnknownRegion
from kinerja.manager import make_manager

PLUGINS = Path(kinerja.plugins.__file__).parent
WHAT_IF = Path(__file__).parent / "data" / "compare" / "sawahlunto-supervisor-30.yaml"


@pytest.fixture(scope="module")
def pm() -> pluggy.PluginManager:
    return make_manager()


# ------------------------------------------------------------------ regions and versions
def test_a_region_is_its_rules_in_force_today(pm: pluggy.PluginManager) -> None:
    item = resolve_item(pm, "kutacane")  # today is 2026-12-01 (tests/conftest.py)
    assert (item.spec, item.label, item.kind) == ("kutacane", "kutacane", "region")
    assert item.rules.version == "2026.1"
    assert Path(item.rules.path) == PLUGINS / "kutacane" / "rules.yaml"


def test_a_region_on_another_day(pm: pluggy.PluginManager) -> None:
    assert resolve_item(pm, "kutacane", as_of="2025-06-30").rules.version == "2025.1"


def test_a_region_with_no_rules_in_force_today_says_so(
    pm: pluggy.PluginManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kinerja.regions.today", lambda: datetime.date(2027, 3, 1))
    with pytest.raises(UnknownRegion, match="no rules of region 'kutacane' are in force on 2027"):
        resolve_item(pm, "kutacane")


@pytest.mark.parametrize(
    ("spec", "version"),
    [
        ("kutacane@2025", "2025.1"),  # the year: period=2025
        ("kutacane@2026", "2026.1"),
        ("kutacane@2025-12-31", "2025.1"),  # the day
        ("kutacane@2026-01-01", "2026.1"),
        ("kutacane@2025.1", "2025.1"),  # the version: value
        ("kutacane@2026.1", "2026.1"),
    ],
)
def test_a_dated_version(pm: pluggy.PluginManager, spec: str, version: str) -> None:
    item = resolve_item(pm, spec)
    assert (item.label, item.kind, item.rules.version) == (spec, "version", version)


def test_an_unknown_version_lists_the_versions(pm: pluggy.PluginManager) -> None:
    with pytest.raises(ItemError) as caught:
        resolve_item(pm, "kutacane@2024.9")
    assert str(caught.value) == (
        "region 'kutacane' has no version '2024.9'; its versions: "
        "2025.1 (2025-01-01 to 2025-12-31); 2026.1 (2026-01-01 to 2026-12-31). "
        "Name one of them, a year (kutacane@2026) or a day (kutacane@2026-06-30)"
    )


def test_a_year_without_rules_says_which_years_have_them(pm: pluggy.PluginManager) -> None:
    with pytest.raises(UnknownRegion, match="during 2024; versions: 2026.1 .*; 2025.1"):
        resolve_item(pm, "kutacane@2024")


def test_a_day_that_is_not_in_the_calendar(pm: pluggy.PluginManager) -> None:
    with pytest.raises(ItemError, match="2025-02-30 is not a day of the calendar"):
        resolve_item(pm, "kutacane@2025-02-30")


@pytest.mark.parametrize("spec", ["kutacan", "kutacan@2025", "kutacan@2025.1"])
def test_an_unknown_region_names_the_closest(pm: pluggy.PluginManager, spec: str) -> None:
    with pytest.raises(UnknownRegion, match="no region 'kutacan' is installed.*kutacane"):
        resolve_item(pm, spec)


@pytest.mark.parametrize("spec", ["", "   "])
def test_an_empty_item_says_what_an_item_is(pm: pluggy.PluginManager, spec: str) -> None:
    with pytest.raises(ItemError, match=r"name an installed region \(NAME\)"):
        resolve_item(pm, spec)


def test_item_errors_are_kinerja_errors() -> None:
    assert issubclass(ItemError, KinerjaError)


# ------------------------------------------------------------------ rule files
def test_a_rule_file_is_labelled_by_its_stem(pm: pluggy.PluginManager) -> None:
    item = resolve_item(pm, str(WHAT_IF))
    assert (item.label, item.kind) == ("sawahlunto-supervisor-30", "file")
    assert item.rules.rater_groups["supervisor"].weight == 0.3
    assert item.rules.rater_groups["supervisor"].max_share == 0.3


@pytest.mark.parametrize("name", ["draft.yaml", "draft.yml"])
def test_a_name_ending_in_yaml_is_a_file_even_without_a_slash(
    pm: pluggy.PluginManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    (tmp_path / name).write_text(WHAT_IF.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    item = resolve_item(pm, name)
    assert (item.label, item.kind) == ("draft", "file")


def test_a_missing_rule_file_says_what_an_item_can_be(pm: pluggy.PluginManager) -> None:
    with pytest.raises(ItemError) as caught:
        resolve_item(pm, "draft/nothing-here.yaml")
    assert str(caught.value) == (
        "there is no rule file draft/nothing-here.yaml; name an installed region "
        "(asemrowo, kasemen, kutacane, lampung, sawahlunto), a version like NAME@2025, "
        "or the path of a rule file"
    )


def test_a_rule_file_with_problems_lists_them(pm: pluggy.PluginManager, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = WHAT_IF.read_text(encoding="utf-8").replace("weight: 0.3", "weight: 3")
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ItemError) as caught:
        resolve_item(pm, str(broken))
    message = str(caught.value)
    assert message.startswith(f"the rule file {broken} has problems:\n{broken}:11:")
    assert message.endswith(f"(`kinerja check {broken}` lists them too).")


def test_a_what_if_cannot_extend_a_file_outside_its_folder(
    pm: pluggy.PluginManager, tmp_path: Path
) -> None:
    draft = tmp_path / "draft"
    draft.mkdir()
    what_if = draft / "what-if.yaml"
    what_if.write_text(f"extends: {PLUGINS / 'sawahlunto' / 'rules.yaml'}\n", encoding="utf-8")
    with pytest.raises(ItemError, match="a path must be relative to the rule file's folder"):
        resolve_item(pm, str(what_if))
    relative = "../../" * 10 + str(PLUGINS / "sawahlunto" / "rules.yaml").lstrip("/")
    what_if.write_text(f"extends: {relative}\n", encoding="utf-8")
    with pytest.raises(ItemError, match="the path leads out of the rule file's folder"):
        resolve_item(pm, str(what_if))


def test_a_what_if_extends_a_rule_file_in_its_own_folder(
    pm: pluggy.PluginManager, tmp_path: Path
) -> None:
    region = (PLUGINS / "sawahlunto" / "rules.yaml").read_text(encoding="utf-8")
    (tmp_path / "sawahlunto.yaml").write_text(region, encoding="utf-8")
    what_if = tmp_path / "cap-30.yaml"
    # rater_groups merge entry by entry: the supervisor entry is given whole
    what_if.write_text(
        "extends: sawahlunto.yaml\n"
        "rater_groups:\n"
        "  supervisor: {label: Atasan langsung, weight: 0.4, min_count: 1, max_share: 0.3}\n",
        encoding="utf-8",
    )
    item = resolve_item(pm, str(what_if))
    assert item.rules.rater_groups["supervisor"].max_share == 0.3
    assert item.rules.rater_groups["peer"].weight == 0.4  # from sawahlunto.yaml


# ------------------------------------------------------------------ several
def test_labels_are_made_unique(
    pm: pluggy.PluginManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sawahlunto.yaml").write_text(WHAT_IF.read_text("utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    items = resolve_items(pm, ["sawahlunto", "sawahlunto.yaml", "sawahlunto", "sawahlunto@2026"])
    assert [(i.spec, i.label, i.kind) for i in items] == [
        ("sawahlunto", "sawahlunto", "region"),
        ("sawahlunto.yaml", "sawahlunto#2", "file"),
        ("sawahlunto", "sawahlunto#3", "region"),
        ("sawahlunto@2026", "sawahlunto@2026", "version"),
    ]
    assert all(isinstance(i, Item) for i in items)


def test_as_of_applies_to_every_bare_region(pm: pluggy.PluginManager) -> None:
    items = resolve_items(pm, ["kutacane", "kutacane@2026"], as_of="2025-03-01")
    assert [i.rules.version for i in items] == ["2025.1", "2026.1"]

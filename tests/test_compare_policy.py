"""The policy of a rule set as rows, where each value is written, and where it departs
from the national baseline; and the differences between two policies, in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kinerja.plugins
from kinerja.compare.diff import change_words, diff_policies
from kinerja.compare.policy import SECTIONS, Policy, policy_of, same_value, side_by_side
from kinerja.i18n import language
from kinerja.manager import make_manager
from kinerja.regions import list_regions
from kinerja.rules import load_rules
from kinerja.rules.layering import baselines

PLUGINS = Path(kinerja.plugins.__file__).parent
REGIONS = ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto")
SAWAHLUNTO = PLUGINS / "sawahlunto" / "rules.yaml"


def policy(region: str, file: str = "rules.yaml") -> Policy:
    return policy_of(load_rules(PLUGINS / region / file))


def every_rule_file() -> list[Path]:
    return [p for spec in list_regions(make_manager()).values() for p in spec.rule_files()]


def line_of(row_file: str, line: int) -> str:
    return Path(row_file).read_text(encoding="utf-8").splitlines()[line - 1]


# ------------------------------------------------------------------ locations
@pytest.mark.parametrize("path", every_rule_file(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_row_of_every_shipped_rule_file_has_a_location(path: Path) -> None:
    rules = load_rules(path)
    layers = {Path(file).resolve() for file, _text in rules.loaded.layers}
    rows = policy_of(rules).rows
    assert rows
    for row in rows:
        file = Path(row.location.file).resolve()
        assert file in layers, row
        assert 1 <= row.location.line <= len(file.read_text("utf-8").splitlines()), row
        assert row.where.endswith(f":{row.location.line}"), row
        assert row.section in SECTIONS


def test_a_value_is_located_on_the_line_that_writes_it() -> None:
    p = policy("sawahlunto")
    rows = {(r.section, r.key): r for r in p.rows}
    weight = rows["rater_groups", "supervisor.weight"]
    assert line_of(weight.location.file, weight.location.line) == "    weight: 0.4"
    share = rows["rater_groups", "supervisor.max_share"]
    assert line_of(share.location.file, share.location.line) == "    max_share: 0.4"
    # a value from the baseline is located in the baseline, and named by it
    expr = rows["predikat", "expr"]
    assert Path(expr.location.file) == baselines()["permenpanrb-6-2022"]
    assert expr.where == f"baseline permenpanrb-6-2022:{expr.location.line}"
    assert "expr: predikat_matrix(rating_hasil, rating_perilaku)" in line_of(
        expr.location.file, expr.location.line
    )


def test_a_default_is_located_at_the_entry_it_belongs_to() -> None:
    rows = {(r.section, r.key): r for r in policy("sawahlunto").rows}
    # supervisor gives no when_missing: the run-wide `when_group_missing: incomplete` holds
    missing = rows["rater_groups", "supervisor.when_missing"]
    assert missing.default and missing.value == "incomplete"
    assert line_of(missing.location.file, missing.location.line) == "  supervisor:"
    assert missing.words == (
        "incomplete: the result stays provisional until the group's ratings are in (default)"
    )


# ------------------------------------------------------------------ words
def test_rater_groups_in_words() -> None:
    rows = {(r.section, r.key): r for r in policy("sawahlunto").rows}
    assert rows["rater_groups", "supervisor.weight"].words == "0.4 (40%)"
    assert rows["rater_groups", "subordinate.weight"].words == "0.2 (20%)"
    assert rows["rater_groups", "peer.min_count"].words == "at least 2 raters"
    assert rows["rater_groups", "supervisor.min_count"].words == "at least 1 rater"
    assert rows["rater_groups", "subordinate.when_missing"].words == (
        "renormalise: the other groups' weights are rescaled"
    )
    assert rows["rater_groups", "supervisor.max_share"].words == (
        "0.4 (40%): the most of an aspect this group carries in any result"
    )
    assert rows["rater_groups", "when_group_missing"].value == "incomplete"
    assert rows["rater_groups", "supervisor.weight"].subject == "rater group supervisor: weight"


def test_aspect_weights_stages_and_bands_in_words() -> None:
    rows = {(r.section, r.key): r for r in policy("kasemen").rows}
    assert rows["aspects", "pengetahuan_teknis.weights"].words == (
        "supervisor 0.625 (62.5%), peer 0.375 (37.5%)"
    )
    assert rows["aspects", "komunikasi.groups"].value == ["supervisor", "peer", "citizen"]
    assert rows["bands", "nilai.Baik"].words == "76 to under 90"
    assert rows["bands", "nilai.Sangat Baik"].words == "90 and above"
    assert rows["bands", "nilai.Sangat Kurang"].words == "under 51"
    assert rows["basis", "period"].words == "per semester (twice a year)"
    rows = {(r.section, r.key): r for r in policy("kutacane").rows}
    assert rows["stages", "order"].value == [
        "pengumpulan_data",
        "evaluasi_atasan",
        "diskusi",
        "catatan_diskusi",
        "tindak_lanjut",
    ]
    assert rows["stages", "diskusi.requires"].words == (
        "column tanggal_diskusi of pegawai is filled in"
    )
    assert rows["objections", "window_days"].words == (
        "objections within 14 days of receiving the result"
    )
    assert rows["score", "weights.kualitas"].words == "0.3 (30%)"


def test_words_follow_the_language_in_use() -> None:
    with language("id"):
        rows = {(r.section, r.key): r for r in policy("sawahlunto").rows}
    assert rows["rater_groups", "supervisor.weight"].words == "0,4 (40%)"
    assert rows["rater_groups", "supervisor.weight"].value == 0.4


# ------------------------------------------------------------------ baselines
def test_departs_from_pp30_where_asemrowo_replaces_it() -> None:
    p = policy("asemrowo")
    assert p.baseline == "pp-30-2019"
    # By hand, from plugins/asemrowo/rules.yaml and baselines/pp-30-2019.yaml:
    # - score: the baseline's is label + expr (70/30 or 60/40); asemrowo gives its own
    #   label and weights {hasil_kerja: 1.0}: both depart (the baseline has no such key);
    # - predikat: the labels are the baseline's five, written again: no departure; the
    #   expression reads kategori_capaian instead of band(score, 'capaian'): departs;
    # - inputs.inovasi: written again exactly as the baseline has it: no departure;
    # - bands.capaian: the baseline's, not overridden: no departure;
    # - everything else (indicators, components, feedback...) the baseline leaves to the
    #   region; the version rows never depart.
    departing = {(r.section, r.key) for r in p.rows if r.departs}
    assert departing == {("score", "label"), ("score", "weights.hasil_kerja"), ("predikat", "expr")}
    rows = {(r.section, r.key): r for r in p.rows}
    assert rows["score", "label"].baseline == (
        "Nilai kinerja PP 30/2019 (SKP 70% + perilaku 30%, atau 60% + 40% bila perilaku "
        "dinilai 360 derajat)"
    )
    assert rows["score", "weights.hasil_kerja"].baseline is None  # the baseline has an expr
    assert rows["predikat", "expr"].baseline == (
        "'Baik' if band(score, 'capaian') == 'Sangat Baik' and coalesce(inovasi, 0) < 1 "
        "else band(score, 'capaian')"
    )
    labels = rows["predikat", "labels"]
    assert labels.baseline == ["Sangat Baik", "Baik", "Cukup", "Kurang", "Sangat Kurang"]
    assert not labels.departs
    assert rows["inputs", "inovasi.maximum"].baseline == 1
    assert rows["basis", "baseline"].value == "pp-30-2019"


def test_kutacane_departs_from_pp46_only_in_its_score() -> None:
    # 2026: Kutacane's score weighs output_layanan 0.5, kualitas 0.3, kehadiran 0.2 under
    # its own label, where PP 46/2011 weighs skp 0.6 and perilaku 0.4; bands and
    # predikat come from the baseline untouched.
    departing = {(r.section, r.key) for r in policy("kutacane").rows if r.departs}
    assert departing == {
        ("score", "label"),
        ("score", "weights.output_layanan"),
        ("score", "weights.kualitas"),
        ("score", "weights.kehadiran"),
    }
    # 2025: the baseline's score, bands and predikat as they are
    assert not [r for r in policy("kutacane", "rules-2025.yaml").rows if r.departs]


def test_rules_extending_no_baseline_depart_from_none() -> None:
    p = policy("kasemen")
    assert p.baseline is None
    assert not [r for r in p.rows if r.departs or r.baseline is not None]
    row = p.row("basis", "baseline")
    assert row is not None and row.value is None
    assert row.words == "none: these rules extend no national baseline"


def test_the_baseline_is_found_through_a_chain(tmp_path: Path) -> None:
    (tmp_path / "sawahlunto.yaml").write_text(SAWAHLUNTO.read_text("utf-8"), encoding="utf-8")
    what_if = tmp_path / "what-if.yaml"
    what_if.write_text("extends: sawahlunto.yaml\nperiod: semester\n", encoding="utf-8")
    p = policy_of(load_rules(what_if))
    assert p.baseline == "permenpanrb-6-2022"
    # permenpanrb-6-2022 sets `period: annual`: semester departs from it
    period = p.row("basis", "period")
    assert period is not None and period.departs and period.baseline == "annual"
    assert Path(period.location.file) == what_if.resolve()


# ------------------------------------------------------------------ differences
def test_a_policy_has_no_differences_with_itself() -> None:
    for region in REGIONS:
        assert diff_policies(policy(region), policy(region)) == []


def test_differences_mirror() -> None:
    a, b = policy("kasemen"), policy("lampung")
    forth, back = diff_policies(a, b), diff_policies(b, a)
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    assert sorted((c.section, c.key, flip[c.change]) for c in forth) == sorted(
        (c.section, c.key, c.change) for c in back
    )


def test_a_change_in_one_sentence() -> None:
    a, b = policy("kasemen"), policy("lampung")
    a = Policy("kasemen", a.rules, a.rows, a.baseline)
    changes = {(c.section, c.key): c for c in diff_policies(a, b)}
    assert change_words(changes["rater_groups", "supervisor.weight"]) == (
        "rater group supervisor: weight 0.5 (50%) in kasemen, 0.8 (80%) in lampung"
    )
    assert change_words(changes["rater_groups", "citizen.weight"]) == (
        "rater group citizen: weight 0.2 (20%) in kasemen; absent from lampung"
    )
    assert change_words(changes["rater_groups", "self.min_count"]) == (
        "rater group self: minimum raters at least 1 rater in lampung; absent from kasemen"
    )


def test_the_order_is_by_section_then_as_the_policies_give_the_keys() -> None:
    a, b = policy("kasemen"), policy("sawahlunto")
    changes = diff_policies(a, b)
    ranks = [SECTIONS.index(c.section) for c in changes]
    assert ranks == sorted(ranks)
    groups = [(c.key, c.change) for c in changes if c.section == "rater_groups"]
    # kasemen's keys first, in its order, then those only sawahlunto has. Both label the
    # supervisor "Atasan langsung" and the peers "Rekan kerja", with min_count 1 and 2;
    # kasemen renormalises (when_group_missing), sawahlunto keeps the result incomplete.
    assert groups == [
        ("supervisor.weight", "changed"),  # 0.5 -> 0.4
        ("supervisor.when_missing", "changed"),  # renormalise -> incomplete (run-wide)
        ("peer.weight", "changed"),  # 0.3 -> 0.4
        ("peer.when_missing", "changed"),
        ("citizen.label", "removed"),
        ("citizen.weight", "removed"),
        ("citizen.min_count", "removed"),
        ("citizen.when_missing", "removed"),
        ("when_group_missing", "changed"),
        ("supervisor.max_share", "added"),
        ("subordinate.label", "added"),
        ("subordinate.weight", "added"),
        ("subordinate.min_count", "added"),
        ("subordinate.when_missing", "added"),
    ]


def test_side_by_side_has_one_row_per_key_and_one_cell_per_policy() -> None:
    policies = [policy("asemrowo"), policy("kasemen"), policy("sawahlunto")]
    rows = side_by_side(policies)
    keys = [(r.section, r.key) for r in rows]
    assert len(keys) == len(set(keys))
    assert [SECTIONS.index(s) for s, _k in keys] == sorted(SECTIONS.index(s) for s, _k in keys)
    every = {(r.section, r.key) for p in policies for r in p.rows}
    assert set(keys) == every
    weight = next(r for r in rows if (r.section, r.key) == ("rater_groups", "supervisor.weight"))
    assert [c.words if c else None for c in weight.cells] == [None, "0.5 (50%)", "0.4 (40%)"]


def test_same_value_is_the_same_policy() -> None:
    assert same_value(120, 120.0)
    assert same_value({"min": 90, "max": None}, {"max": None, "min": 90.0})
    assert not same_value(True, 1)
    assert not same_value(None, 0)
    assert not same_value(["a", "b"], ["b", "a"])


@settings(max_examples=12, deadline=None)
@given(st.integers(min_value=0, max_value=100))
def test_changing_one_weight_is_one_change(tmp_path_factory, percent: int) -> None:
    folder = tmp_path_factory.mktemp("what-if")
    weight = percent / 100
    text = SAWAHLUNTO.read_text("utf-8").replace(
        "  peer:\n    label: Rekan kerja\n    weight: 0.4\n",
        f"  peer:\n    label: Rekan kerja\n    weight: {weight}\n",
    )
    (folder / "w.yaml").write_text(text, encoding="utf-8")
    before = policy_of(load_rules(SAWAHLUNTO))
    # the policy as written (such rules do not run: their weights no longer sum to 1)
    after = policy_of(load_rules(folder / "w.yaml", refuse_analysis_errors=False))
    changes = diff_policies(before, after)
    if percent == 40:
        assert changes == []
        return
    assert [(c.section, c.key, c.change) for c in changes] == [
        ("rater_groups", "peer.weight", "changed")
    ]
    assert changes[0].b is not None and changes[0].b.value == weight

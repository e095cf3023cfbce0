"""Dated rule versions, layering on national baselines, and `kinerja show`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from region_helpers import capaian, nilai, nip, pegawai
from rule_helpers import step_values

from kinerja.cli import main
from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.output.views import results_of
from kinerja.pipeline import appraise_tables
from kinerja.regions import UnknownRegion, load_region_rules, version_problems
from kinerja.rules import load_rules
from kinerja.rules.layering import baselines
from kinerja.rules.yamlload import RulesError

BASE = """\
rules_format: 1
region: contoh
title: Contoh
version: "1"
valid_from: "2026-01-01"
basis: outcome
period: annual
indicators:
  layanan: {label: Layanan, kind: normal}
components:
  - {name: skp, label: SKP, expr: achievement_mean}
  - {name: perilaku, label: Perilaku, expr: achievement_mean * 0.5}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# ------------------------------------------------------------------ layering
def test_baselines_are_shipped() -> None:
    assert sorted(baselines()) == ["permenpanrb-6-2022", "pp-30-2019", "pp-46-2011"]
    for path in baselines().values():
        assert path.read_text().startswith("# yaml-language-server: $schema=")


def test_extending_pp46_takes_its_score_bands_and_predikat(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, "r.yaml", BASE + "extends: pp-46-2011\n"))
    # achievement 90 -> skp 90, perilaku 45; score 0.6 * 90 + 0.4 * 45 = 54 + 18 = 72 -> Cukup
    assert step_values(rules, {"achievement_mean": 90.0}) == (90.0, 45.0, 72.0, "Cukup")
    assert rules.where("score", "weights", "skp").file == str(baselines()["pp-46-2011"])
    assert rules.where("components", 0, "expr").file == str(tmp_path / "r.yaml")
    assert len(rules.loaded.layers) == 2


def test_named_sections_merge_by_entry_and_other_keys_are_replaced(tmp_path: Path) -> None:
    text = BASE + (
        "extends: pp-46-2011\n"
        "bands:\n  lain:\n    - {label: A, min: 0}\n"
        "score:\n  weights: {skp: 1.0}\n"
    )
    rules = load_rules(write(tmp_path, "r.yaml", text))
    # bands: the baseline's 'nilai' table and this file's 'lain' table
    assert sorted(rules.bands) == ["lain", "nilai"]
    # score replaced whole: only skp, not skp + perilaku from the baseline
    assert rules.score_weights == {"skp": 1.0}
    # achievement 80 -> score 80 -> Baik (76 <= 80 < 91)
    assert step_values(rules, {"achievement_mean": 80.0})[-2:] == (80.0, "Baik")


def test_extending_a_file_beside_the_rules_and_sha256_covers_both(tmp_path: Path) -> None:
    write(
        tmp_path,
        "base.yaml",
        "bands:\n  nilai:\n    - {label: Baik, min: 50}\n    - {label: Kurang, max: 50}\n",
    )
    text = BASE + (
        "extends: base.yaml\nscore:\n  weights: {skp: 1.0}\n"
        "predikat:\n  labels: [Baik, Kurang]\n  expr: band(score, 'nilai')\n"
    )
    path = write(tmp_path, "r.yaml", text)
    first = load_rules(path)
    assert step_values(first, {"achievement_mean": 60.0})[-1] == "Baik"
    write(
        tmp_path,
        "base.yaml",
        "bands:\n  nilai:\n    - {label: Baik, min: 70}\n    - {label: Kurang, max: 70}\n",
    )
    second = load_rules(path)
    assert step_values(second, {"achievement_mean": 60.0})[-1] == "Kurang"
    assert first.sha256 != second.sha256  # the baseline is part of the rules' identity


def test_unknown_baseline_and_cycles_are_located(tmp_path: Path) -> None:
    path = write(tmp_path, "r.yaml", BASE + "extends: pp-46-2012\n")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    first = info.value.problems[0]
    assert (first.location.line, first.message.split(";")[0]) == (
        13,
        "extends 'pp-46-2012': no such baseline or file "
        "(did you mean 'pp-46-2011' or 'pp-30-2019'?)",
    )
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(RulesError) as info:
        load_rules(tmp_path / "a.yaml")
    assert any("makes a cycle" in p.message for p in info.value.problems)


@pytest.mark.parametrize(
    ("reference", "why"),
    [
        ("/etc/passwd", "a path must be relative to the rule file's folder, not absolute"),
        ("../outside.yaml", "the path leads out of the rule file's folder"),
        ("inside/link.yaml", "the path leads out of the rule file's folder"),
    ],
)
def test_extends_stays_inside_the_rule_files_folder(
    tmp_path: Path, reference: str, why: str
) -> None:
    folder = tmp_path / "region"
    (folder / "inside").mkdir(parents=True)
    write(tmp_path, "outside.yaml", BASE)  # a rule file, but not in the region's folder
    (folder / "inside" / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    path = write(folder, "r.yaml", BASE + f"extends: {reference}\n")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    [message] = [p.message for p in info.value.problems if p.message.startswith("extends")]
    assert message.startswith(f"extends {reference!r}: {why}")


def test_extends_a_name_too_long_for_a_file_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "r.yaml", BASE + f"extends: {'x' * 300}.yaml\n")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    [message] = [p.message for p in info.value.problems if p.message.startswith("extends")]
    assert ": no such baseline, and no file can be read there (File name too long)" in message


def test_extends_reads_a_rule_file_below_its_own_folder(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    write(tmp_path / "base", "common.yaml", BASE + "extends: pp-46-2011\n")
    rules = load_rules(write(tmp_path, "r.yaml", "extends: base/common.yaml\n"))
    assert rules.region == load_rules(tmp_path / "base" / "common.yaml").region


def test_a_problem_in_a_baseline_value_points_into_the_baseline(tmp_path: Path) -> None:
    # without components skp and perilaku, the baseline's score weights name unknown components
    text = BASE.replace("skp", "hasil").replace("perilaku", "sikap") + "extends: pp-46-2011\n"
    with pytest.raises(RulesError) as info:
        load_rules(write(tmp_path, "r.yaml", text))
    located = {(Path(p.location.file).name, p.message.split(" (")[0]) for p in info.value.problems}
    assert ("pp-46-2011.yaml", "unknown component 'skp'") in located
    assert ("pp-46-2011.yaml", "unknown component 'perilaku'") in located


# ------------------------------------------------------------------ versions
def test_kutacane_carries_two_versions_selected_by_date() -> None:
    pm = make_manager()
    assert load_region_rules(pm, "kutacane", on=date(2026, 12, 1)).version == "2026.1"
    assert load_region_rules(pm, "kutacane", as_of="2025-06-30").version == "2025.1"
    assert load_region_rules(pm, "kutacane", period="2025").version == "2025.1"
    assert load_region_rules(pm, "kutacane", as_of="2026-01-01").version == "2026.1"
    with pytest.raises(UnknownRegion, match="in force on 2024-12-31; versions: 2026.1"):
        load_region_rules(pm, "kutacane", as_of="2024-12-31")


def test_the_same_employee_under_2025_and_2026_rules() -> None:
    a, sup = nip(1), nip(90)
    people = [
        pegawai(a, "Ani", atasan=sup, hari_kerja=250, hari_hadir=200, tanggal_diskusi="2026-12-20"),
        pegawai(sup, "Atasan"),
    ]
    outcomes = [capaian(a, "pasien_dilayani", 100, 110)]
    rows = nilai(
        a,
        sup,
        "supervisor",
        dict.fromkeys(("kualitas_layanan", "komunikasi", "tanggung_jawab"), 4),
        "2026-12-01",
    )
    pm = make_manager()
    tables = Tables.from_rows(
        {
            "pegawai": list(enumerate(people, 2)),
            "capaian": list(enumerate(outcomes, 2)),
            "penilaian": list(enumerate(rows, 2)),
        },
        "test",
        "0" * 64,
        [],
    )

    def appraised(rules):
        return {r.nip: r for r in results_of(appraise_tables(rules, tables, pm))}

    res_2025 = appraised(load_region_rules(pm, "kutacane", period="2025"))
    res_2026 = appraised(load_region_rules(pm, "kutacane"))
    # 2025 (PP 46/2011): skp 110, perilaku 4 * 20 = 80; 0.6 * 110 + 0.4 * 80 = 66 + 32 = 98
    assert res_2025[a].score == pytest.approx(98.0)
    assert res_2025[a].predikat == "Sangat Baik"
    # 2026: output 110, kualitas 80, kehadiran 200 / 250 = 80
    #   0.5 * 110 + 0.3 * 80 + 0.2 * 80 = 55 + 24 + 16 = 95
    assert res_2026[a].score == pytest.approx(95.0)


def test_overlapping_and_missing_periods(tmp_path: Path) -> None:
    def version(name: str, start: str, end: str) -> object:
        text = (
            BASE.replace('version: "1"', f'version: "{name}"').replace(
                'valid_from: "2026-01-01"', f'valid_from: "{start}"\nvalid_to: "{end}"'
            )
            + "extends: pp-46-2011\n"
        )
        return load_rules(write(tmp_path, f"{name}.yaml", text))

    a = version("a", "2024-01-01", "2024-12-31")
    b = version("b", "2024-12-01", "2025-06-30")  # overlaps a by a month
    c = version("c", "2025-08-01", "2025-12-31")  # a month's gap after b
    messages = [(Path(p.location.file).name, p.message) for p in version_problems([c, a, b])]
    assert messages == [
        (
            "b.yaml",
            "version b starts 2024-12-01, while version a (2024-01-01 to 2024-12-31) "
            "is still in force; periods must not overlap",
        ),
        (
            # b is in force on 2025-06-30 and c on 2025-08-01: the gap is the days between
            "c.yaml",
            "no rules are in force from 2025-07-01 to 2025-07-31: version b ends 2025-06-30 "
            "and version c starts 2025-08-01; close the gap",
        ),
    ]
    assert version_problems([a]) == []
    # the same answers when the files are named as paths to `kinerja check`
    checked = CliRunner().invoke(
        main, ["check", *(str(tmp_path / f"{n}.yaml") for n in ("c", "a", "b"))]
    )
    assert checked.exit_code == 1
    assert "periods must not overlap" in checked.output
    assert "no rules are in force from 2025-07-01 to 2025-07-31" in checked.output


# ------------------------------------------------------------------ CLI
def test_run_with_period_and_as_of(runner: CliRunner, tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "kutacane" / "kutacane.xlsx"
    out = tmp_path / "out.json"
    result = runner.invoke(
        main, ["run", "-r", "kutacane", "-i", str(example), "-o", str(out), "--period", "2025"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("Region kutacane — rules 2025.1 ")
    bad = runner.invoke(main, ["run", "-r", "kutacane", "-i", str(example), "--as-of", "2024-5-1"])
    assert bad.exit_code == 2 and "is not a date like 2026-12-31" in bad.output
    none = runner.invoke(
        main, ["run", "-r", "kutacane", "-i", str(example), "--as-of", "2030-01-01"]
    )
    assert none.exit_code == 2
    assert "no rules of region 'kutacane' are in force on 2030-01-01" in none.output


def test_show_prints_values_with_their_origin(runner: CliRunner) -> None:
    result = runner.invoke(main, ["show", "--region", "kutacane"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "# region kutacane, version 2026.1, valid 2026-01-01 to 2026-12-31"
    assert lines[2].startswith("# layers, base first: baseline pp-46-2011, ")
    assert "  expr: band(score, 'nilai')  # baseline pp-46-2011:23" in lines
    assert "    - label: Sangat Baik  # baseline pp-46-2011:11" in lines
    assert any(
        line.startswith("    output_layanan: 0.5  # ") and line.endswith("rules.yaml:88")
        for line in lines
    )
    old = runner.invoke(main, ["show", "--region", "kutacane", "--as-of", "2025-03-01"])
    assert "version 2025.1" in old.output.splitlines()[0]
    as_json = runner.invoke(main, ["show", "--region", "sawahlunto", "--json"])
    import json

    entries = json.loads(as_json.output)
    expr = next(e for e in entries if e["path"] == ["predikat", "expr"])
    assert expr["value"] == "predikat_matrix(rating_hasil, rating_perilaku)"
    assert expr["origin"] == "baseline permenpanrb-6-2022:16"


def test_check_reports_overlapping_versions_of_a_region(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib
    import sys
    import textwrap

    package = tmp_path / "dua_versi"
    package.mkdir()
    first = BASE + "extends: pp-46-2011\n"
    (package / "rules.yaml").write_text(
        first.replace(
            'valid_from: "2026-01-01"', 'valid_from: "2026-01-01"\nvalid_to: "2026-12-31"'
        )
    )
    (package / "rules-old.yaml").write_text(
        first.replace('version: "1"', 'version: "0"').replace(
            'valid_from: "2026-01-01"', 'valid_from: "2025-01-01"\nvalid_to: "2026-03-31"'
        )
    )
    (package / "__init__.py").write_text(
        textwrap.dedent("""
        from pathlib import Path
        from kinerja import hookimpl
        from kinerja.regions import RegionSpec

        HERE = Path(__file__).parent

        @hookimpl
        def kinerja_register_regions():
            return [RegionSpec("contoh", HERE / "rules.yaml", history=(HERE / "rules-old.yaml",))]
    """)
    )
    dist = tmp_path / "dua_versi-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: dua-versi\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[kinerja.regions]\ncontoh = dua_versi\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "dua_versi", raising=False)
    importlib.invalidate_caches()
    result = runner.invoke(main, ["check", "--region", "contoh"])
    assert result.exit_code == 1
    # rules.yaml line 6 holds valid_from; 2026-01-01 falls inside the old version's period
    # the current file reports the overlap (its line 5 holds valid_from); the old one is ok
    assert result.stdout.splitlines() == [
        f"{package / 'rules.yaml'}:5:13: error: version 1 starts 2026-01-01, while version 0 "
        "(2025-01-01 to 2026-03-31) is still in force; periods must not overlap",
        f"{package / 'rules-old.yaml'}: ok (contoh 0, 4 expressions checked)",
    ]


def test_test_command_picks_the_case_files_of_the_rules_in_force(runner: CliRunner) -> None:
    old = runner.invoke(main, ["test", "--region", "kutacane", "--period", "2025"])
    assert old.exit_code == 0, old.output
    assert old.output.splitlines() == ["plugins/kutacane/2025.cases.yaml: 5 cases, 5 passed"]
    new = runner.invoke(main, ["test", "--region", "kutacane", "--as-of", "2026-03-01"])
    assert new.output.splitlines() == ["plugins/kutacane/cases.yaml: 7 cases, 7 passed"]
    none = runner.invoke(main, ["test", "--region", "kutacane", "--as-of", "2024-03-01"])
    assert none.exit_code == 2
    assert "no case files test rules in force on 2024-03-01" in none.output

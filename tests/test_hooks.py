"""The plugin system: hook specs, built-in defaults, entry points, overrides, call order."""

from __future__ import annotations

import importlib
import inspect
import sys
import textwrap
from pathlib import Path

import pluggy
import polars as pl
import pytest
from click.testing import CliRunner

from kinerja import hookimpl, hookspecs
from kinerja.cli import main
from kinerja.engine import appraise
from kinerja.input.tables import Tables
from kinerja.input.validate import build_dataset
from kinerja.manager import BUILTIN_PLUGINS, make_manager
from kinerja.output.views import results_of
from kinerja.regions import (
    Collected,
    RegionSpec,
    UnknownRegion,
    Weighed,
    list_regions,
    load_region_rules,
    region_clashes,
)
from kinerja.rules import load_rules

HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("kinerja_"))
TESTS = Path(__file__).parent

RULES = """\
rules_format: 1
region: acme
title: Acme region
version: "0.1"
valid_from: "2026-01-01"
basis: mixed
period: annual
inputs:
  bonus: {type: number, label: Bonus}
indicators:
  layanan: {label: Layanan, kind: normal}
aspects:
  kerja_sama: {label: Kerja sama, scale: [1, 5]}
rater_groups:
  supervisor: {weight: 1.0}
bands:
  nilai:
    - {label: Baik, min: 76}
    - {label: Kurang, max: 76}
components:
  - {name: hasil, label: Hasil, expr: achievement_mean}
  - {name: perilaku, label: Perilaku, expr: kerja_sama * 20}
score:
  weights: {hasil: 0.5, perilaku: 0.5}
predikat:
  labels: [Baik, Kurang]
  expr: band(score, 'nilai')
stages:
  - {id: atasan, label: Atasan, requires: 'ratings:supervisor'}
"""
NIP = "198001012005011001"


def install_region(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str = "") -> None:
    """Put a third-party region package on sys.path with a real entry point."""
    package = tmp_path / "acme_region"
    package.mkdir()
    (package / "rules.yaml").write_text(RULES)
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            from pathlib import Path
            from kinerja import RegionSpec, hookimpl

            @hookimpl
            def kinerja_register_regions():
                return [RegionSpec("acme", Path(__file__).with_name("rules.yaml"), "test region")]
            """
        )
        + textwrap.dedent(body)
    )
    dist = tmp_path / "acme_region-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-region\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[kinerja.regions]\nacme = acme_region\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "acme_region", raising=False)
    importlib.invalidate_caches()


def dataset_for(rules_path: Path, score: int = 4):
    rules = load_rules(rules_path)
    tables = Tables.from_rows(
        {
            "pegawai": [
                (
                    2,
                    {
                        "nip": NIP,
                        "nama": "Siti",
                        "jabatan": "Analis",
                        "unit_kerja": "Dinas",
                        "golongan": "III/a",
                        "atasan_nip": None,
                        "bonus": 1,
                    },
                )
            ],
            "capaian": [(2, {"nip": NIP, "indikator": "layanan", "target": 100, "realisasi": 90})],
            "penilaian": [
                (
                    2,
                    {
                        "nip": NIP,
                        "penilai_nip": "197001012000011001",
                        "kelompok": "supervisor",
                        "aspek": "kerja_sama",
                        "nilai": score,
                    },
                )
            ],
        },
        "test",
        "0" * 64,
        [],
    )
    return rules, build_dataset(tables, rules.input_spec())


# ------------------------------------------------------------------ specs and docs
@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_documented(name: str) -> None:
    spec = getattr(hookspecs, name)
    doc = inspect.getdoc(spec) or ""
    params = [p for p in inspect.signature(spec).parameters]
    assert doc.splitlines()[0], f"{name} has no summary line"
    for param in params:
        assert f":param {param}:" in doc, f"{name} does not document {param}"
    if spec.kinerja_spec.get("firstresult"):
        assert "Stops at first non-None result." in doc


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_tested(name: str) -> None:
    """Each hook name appears in a test other than this generic check."""
    sources = [p.read_text() for p in TESTS.glob("test_*.py")]
    uses = sum(source.count(f"def {name}(") for source in sources)
    assert uses >= 1, f"no test implements {name}"


def test_builtins_are_trylast_and_registered_like_plugins() -> None:
    pm = make_manager(load_entry_points=False)
    for module in BUILTIN_PLUGINS:
        plugin = pm.get_plugin(module)
        assert plugin is not None
        for impl in pm.get_hookcallers(plugin) or []:
            for hookimpl_ in impl.get_hookimpls():
                if hookimpl_.plugin is plugin:
                    assert hookimpl_.trylast, f"{module}.{impl.name} should be trylast"


def test_core_names_no_region() -> None:
    core = Path(importlib.import_module("kinerja").__file__).parent  # type: ignore[arg-type]
    regions = ("kasemen", "asemrowo", "kutacane", "sawahlunto", "lampung")
    for path in core.rglob("*.py"):
        text = path.read_text().lower()
        assert not any(region in text for region in regions), path


# ------------------------------------------------------------------ discovery
def test_builtin_regions_come_from_entry_points() -> None:
    pm = make_manager()
    regions = list_regions(pm)
    assert list(regions) == ["asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto"]
    assert all(spec.plugin.startswith("kinerja.plugins.") for spec in regions.values())
    assert list_regions(make_manager(load_entry_points=False)) == {}


def test_third_party_region_appears_without_core_change(tmp_path, monkeypatch) -> None:
    install_region(tmp_path, monkeypatch)
    pm = make_manager()
    assert "acme" in list_regions(pm)
    result = CliRunner().invoke(main, ["regions"])
    assert result.exit_code == 0
    assert "acme" in result.output and "test region" in result.output
    check = CliRunner().invoke(main, ["check", "--region", "acme"])
    assert check.exit_code == 0, check.output


def test_misspelt_hook_fails_loudly(tmp_path, monkeypatch) -> None:
    install_region(
        tmp_path,
        monkeypatch,
        """
        @hookimpl
        def kinerja_colect_indicators(rules, batch):
            return None
        """,
    )
    with pytest.raises(pluggy.PluginValidationError, match="kinerja_colect_indicators"):
        make_manager()


# ------------------------------------------------------------------ overrides and order
def test_hook_call_order_for_a_run(tmp_path, monkeypatch) -> None:
    install_region(tmp_path, monkeypatch)
    pm = make_manager()
    rules, dataset = dataset_for(tmp_path / "acme_region" / "rules.yaml")
    calls: list[str] = []
    undo = pm.add_hookcall_monitoring(
        lambda name, impls, kwargs: calls.append(name), lambda *args: None
    )
    appraise(rules, dataset, pm)
    undo()
    assert calls == [
        "kinerja_collect_indicators",
        "kinerja_weigh_ratings",
        "kinerja_assign_predikat",
        "kinerja_review_stage",
        "kinerja_review_batch",
        "kinerja_give_feedback",
    ]


class RegionExtension:
    """A region plugin that overrides or extends every hook the engine calls."""

    @hookimpl
    def kinerja_collect_indicators(self, rules, batch):
        # adds a value and overrides the built-in achievement_mean
        values = batch.employees.select("nip", pl.lit(100.0).alias("achievement_mean"))
        return Collected(values)

    @hookimpl
    def kinerja_weigh_ratings(self, rules, batch):
        nips = batch.employees.select("nip")
        aspects = nips.with_columns(
            code=pl.lit("kerja_sama"), label=pl.lit("Kerja sama"), score=5.0, complete=True
        )
        groups = nips.with_columns(
            aspect=pl.lit("kerja_sama"),
            group=pl.lit("supervisor"),
            count=pl.lit(1, pl.Int64),
            mean=5.0,
            weight=1.0,
            effective_weight=1.0,
            status=pl.lit("used"),
        )
        notes = pl.DataFrame(schema={"nip": pl.String, "aspect": pl.String, "text": pl.String})
        return Weighed(aspects, groups, notes)

    @hookimpl
    def kinerja_assign_predikat(self, rules, results):
        return pl.lit("Istimewa")

    @hookimpl
    def kinerja_give_feedback(self, rules, appraisal, batch):
        feedback = appraisal.results.select("nip", text=pl.lit("from the region plugin"))
        appraisal.add("feedback", feedback)

    @hookimpl
    def kinerja_review_stage(self, rules, stage, appraisal, batch):
        states = appraisal.results.select(
            "nip",
            id=pl.lit(stage.id),
            label=pl.lit(stage.label),
            status=pl.lit("pending"),
            detail=pl.lit("by plugin"),
        )
        appraisal.add("stages", states)
        return True

    @hookimpl
    def kinerja_review_batch(self, rules, appraisal, batch):
        appraisal.update(appraisal.results.select("nip", peer_rank=pl.lit("only one")))


def test_region_plugin_overrides_every_default(tmp_path, monkeypatch) -> None:
    install_region(tmp_path, monkeypatch)
    pm = make_manager()
    rules, dataset = dataset_for(tmp_path / "acme_region" / "rules.yaml", score=2)
    pm.register(RegionExtension())
    (result,) = results_of(appraise(rules, dataset, pm))
    # collection: achievement_mean forced to 100 (the built-in would give 90)
    # weighting: kerja_sama forced to 5 (the rating says 2) -> perilaku 5 * 20 = 100
    # score: 0.5 * 100 + 0.5 * 100 = 100
    assert result.values["hasil"] == 100.0 and result.values["perilaku"] == 100
    assert result.score == 100
    assert result.predikat == "Istimewa"
    assert result.feedback[0] == "from the region plugin"
    assert [(s.id, s.status, s.detail) for s in result.stages] == [
        ("atasan", "pending", "by plugin")
    ]
    assert result.status == "provisional"
    assert result.peer_rank == "only one"


def test_defaults_without_overrides(tmp_path, monkeypatch) -> None:
    install_region(tmp_path, monkeypatch)
    rules, dataset = dataset_for(tmp_path / "acme_region" / "rules.yaml", score=4)
    (result,) = results_of(appraise(rules, dataset, make_manager()))
    # hasil: 90 / 100 * 100 = 90; perilaku: 4 * 20 = 80; score 0.5*90 + 0.5*80 = 85 -> Baik
    assert (result.values["hasil"], result.values["perilaku"], result.score) == (90.0, 80.0, 85.0)
    assert result.predikat == "Baik"
    assert [(s.id, s.status) for s in result.stages] == [("atasan", "done")]
    assert result.status == "final"


def test_a_region_plugin_acts_only_in_its_own_region(tmp_path, monkeypatch) -> None:
    install_region(
        tmp_path,
        monkeypatch,
        """
        @hookimpl
        def kinerja_assign_predikat(rules, results):
            import polars

            return polars.lit("Istimewa")
        """,
    )
    pm = make_manager()
    rules, dataset = dataset_for(tmp_path / "acme_region" / "rules.yaml", score=4)
    (own,) = results_of(appraise(rules, dataset, pm))
    assert own.predikat == "Istimewa"  # acme's own run: its hook applies
    other_rules = load_rules(Path(importlib.import_module("kinerja.plugins.asemrowo").RULES))
    other = appraise(
        other_rules,
        build_dataset(
            Tables.from_rows(
                {
                    "pegawai": [
                        (
                            2,
                            {
                                "nip": NIP,
                                "nama": "Siti",
                                "jabatan": "Analis",
                                "unit_kerja": "Dinas",
                                "golongan": "III/a",
                                "atasan_nip": None,
                            },
                        )
                    ],
                    "capaian": [
                        (
                            2,
                            {
                                "nip": NIP,
                                "indikator": "realisasi_program",
                                "target": 100,
                                "realisasi": 95,
                            },
                        )
                    ],
                },
                "test",
                "0" * 64,
                [],
            ),
            other_rules.input_spec(),
        ),
        pm,
    )
    # asemrowo's run: 95 / 100 * 100 = 95 -> Baik (90 <= 95 < 110); acme's hook stays out
    assert results_of(other)[0].predikat == "Baik"


class _SecondKasemen:
    """A plugin that registers a region under a name already installed."""

    __name__ = "acme_kasemen"

    @hookimpl
    def kinerja_register_regions(self) -> list[RegionSpec]:
        return [RegionSpec("kasemen", Path("elsewhere.yaml"), "a second kasemen")]


def test_a_region_registered_twice_is_named_and_the_others_still_run() -> None:
    pm = make_manager()
    pm.register(_SecondKasemen())
    assert region_clashes(pm) == {"kasemen": ("kinerja.plugins.kasemen", "acme_kasemen")}
    assert "kasemen" not in list_regions(pm)
    assert load_region_rules(pm, "asemrowo").region == "asemrowo"
    with pytest.raises(UnknownRegion) as caught:
        load_region_rules(pm, "kasemen")
    assert str(caught.value) == (
        "region 'kasemen' is registered twice (kinerja.plugins.kasemen and acme_kasemen); "
        "uninstall one of them, or rename one region"
    )


def test_the_regions_command_shows_a_clash(monkeypatch: pytest.MonkeyPatch) -> None:
    pm = make_manager()
    pm.register(_SecondKasemen())
    monkeypatch.setattr(sys.modules["kinerja.cli.regions"], "manager", lambda: pm)
    result = CliRunner().invoke(main, ["regions"])
    assert result.exit_code == 0, result.output
    assert "asemrowo" in result.output
    assert (
        "kasemen      clash: region 'kasemen' is registered twice (kinerja.plugins.kasemen "
        "and acme_kasemen); uninstall one of them, or rename one region" in result.output
    )

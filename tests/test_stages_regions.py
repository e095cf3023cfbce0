"""Every region shows provisional against final correctly on its own example, the
missing stage named: each final result has every stage done; each provisional one names
what keeps it so (a stage not done, with its reason, or an incomplete result); and when
one stage's records of a final result are taken away, that result turns provisional with
that very stage named, in the results and in `kinerja explain` (or, where nothing is left
to compute a score from, as Asemrowo's one stage of data, it is in the rejects with why).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kinerja.cli import main
from kinerja.frames import RunOutput
from kinerja.input.read import read_tables
from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.pipeline import appraise_tables
from kinerja.regions import load_region_rules
from kinerja.rules import RuleSet, Stage

EXAMPLES = Path(__file__).parents[1] / "examples"
REGIONS = ("kasemen", "asemrowo", "kutacane", "sawahlunto", "lampung")


@cache
def rules_of(region: str) -> RuleSet:
    return load_region_rules(make_manager(), region, as_of="2026-12-01")


@cache
def example(region: str) -> Tables:
    return read_tables(EXAMPLES / region / f"{region}.xlsx")


def appraise(region: str, tables: Tables) -> RunOutput:
    return appraise_tables(rules_of(region), tables, make_manager())


@pytest.mark.parametrize("region", REGIONS)
def test_final_means_every_stage_done_and_provisional_names_why(region: str) -> None:
    run = appraise(region, example(region))
    open_stages = run.stages.filter(pl.col("status") != "done")
    incomplete = run.flags.filter(pl.col("code") == "incomplete")["nip"]
    final = run.results.filter(pl.col("status") == "final")["nip"]
    provisional = run.results.filter(pl.col("status") == "provisional")["nip"]
    assert not open_stages["nip"].is_in(final.implode()).any()
    assert not incomplete.is_in(final.implode()).any()
    why = pl.concat([open_stages["nip"], incomplete]).unique()
    assert set(provisional) == set(why)
    assert open_stages["detail"].str.len_chars().min() or open_stages.is_empty()


def without_stage(tables: Tables, stage: Stage, nip: str) -> Tables:
    """``tables`` without the records that mark ``stage`` done for ``nip``."""
    frames = dict(tables.frames)
    if stage.kind == "outcomes":
        frames["capaian"] = frames["capaian"].filter(pl.col("nip") != nip)
    elif stage.kind == "ratings":
        mine = (pl.col("nip") == nip) & (pl.col("kelompok") == stage.subject)
        frames["penilaian"] = frames["penilaian"].filter(~mine)
    else:
        column = pl.when(pl.col("nip") == nip).then(None).otherwise(pl.col(stage.subject))
        frames["pegawai"] = frames["pegawai"].with_columns(column.alias(stage.subject))
    return Tables(frames, tables.source, tables.sha256, list(tables.problems), tables.columns)


@pytest.mark.parametrize("region", REGIONS)
def test_taking_one_stage_away_keeps_the_result_provisional_with_that_stage_named(
    region: str,
) -> None:
    rules, tables = rules_of(region), example(region)
    before = appraise(region, tables)
    finals = before.results.filter(pl.col("status") == "final")["nip"].to_list()
    for stage, nip in zip(rules.stages, finals, strict=False):
        after = appraise(region, without_stage(tables, stage, nip))
        kept = after.results.filter(pl.col("nip") == nip)["status"]
        if kept.is_empty():  # nothing to compute a score from (Asemrowo without its data):
            (reason,) = after.rejects.filter(pl.col("nip") == nip)["reason"]
            assert reason, (region, stage.id)  # in the rejects with its reason, never final
            continue
        assert kept.to_list() == ["provisional"], (region, stage.id, nip)
        mine = after.stages.filter((pl.col("nip") == nip) & (pl.col("status") != "done"))
        assert stage.id in mine["id"].to_list(), (region, stage.id, mine)


def test_explain_names_the_stage_that_keeps_a_result_provisional(tmp_path: Path) -> None:
    """Kutacane's 199510232017092572 has no dialogue date: the explanation names the stage
    by its label and says what is missing."""
    workbook = str(EXAMPLES / "kutacane" / "kutacane.xlsx")
    args = ["explain", "-r", "kutacane", "-i", workbook, "--nip", "199510232017092572",
            "--as-of", "2026-12-01"]  # fmt: skip
    shown = CliRunner().invoke(main, args)
    assert shown.exit_code == 0, shown.output
    assert "Result: 90.77, Baik — PROVISIONAL" in shown.output
    assert "Diskusi hasil antara pegawai dan atasan" in shown.output
    assert "column 'tanggal_diskusi' is empty" in shown.output

"""Random damage to real input files: a run reads what it can and refuses the rest with
reasons (InputError for a file it cannot read at all), never any other exception."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from damage import damage_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja.authoring.sample import generate
from kinerja.errors import InputError
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables
from kinerja.pipeline import appraise_path
from kinerja.regions import load_region_rules

PM = make_manager()
RULES = load_region_rules(PM, "sawahlunto")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("in")
    write_tables(generate(RULES, 15, seed=6, bad_rows=3), where)
    return where


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_damaged_inputs_are_read_or_refused(
    folder: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    where = tmp_path_factory.mktemp("bad")
    shutil.copytree(folder, where, dirs_exist_ok=True)
    damage_files(data, sorted(where.glob("*.csv")))
    try:
        run = appraise_path(RULES, where, PM)
    except InputError as exc:
        assert str(exc).startswith("Cannot read")
        return
    assert run.info.appraised + run.info.rejected_employees == run.info.employees_in

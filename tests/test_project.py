"""Project hygiene: README commands match CI, examples are current, packaging is complete."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kinerja.authoring.sample import generate
from kinerja.input.read import write_tables
from kinerja.manager import make_manager
from kinerja.regions import list_regions, load_region_rules

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto")


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    marker = next(i for i, line in enumerate(ci) if "README-TEST-COMMAND" in line)
    command = ci[marker + 1].strip()
    readme = (ROOT / "README.md").read_text()
    assert command in readme
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert command in first_block, "the README opens with the test command"
    assert "kinerja run --region kasemen --input examples/kasemen/kasemen.xlsx" in first_block


@pytest.mark.parametrize("region", REGIONS)
def test_example_workbooks_are_current(region: str, tmp_path: Path) -> None:
    rules = load_region_rules(make_manager(), region)
    fresh = tmp_path / f"{region}.xlsx"
    write_tables(generate(rules, 40, seed=2026, bad_rows=2), fresh)
    example = ROOT / "examples" / region / f"{region}.xlsx"
    assert fresh.read_bytes() == example.read_bytes(), (
        f"examples/{region} is stale: kinerja sample-data --region {region} --employees 40 "
        f"--seed 2026 --bad-rows 2 --output examples/{region}/{region}.xlsx"
    )


def test_every_mapped_folder_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = set(config["tool"]["setuptools"]["packages"])
    mapping = config["tool"]["setuptools"]["package-dir"]
    found = set()
    for package, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((package, *relative)))
    assert found == packages
    entry_points = config["project"]["entry-points"]["kinerja.regions"]
    assert sorted(entry_points) == sorted(list_regions(make_manager()))

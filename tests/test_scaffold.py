"""`kinerja new-region`: the package it writes checks, tests, installs and is found."""

from __future__ import annotations

import importlib.util
import json
import os
import site
import subprocess
import sys
import tomllib
import venv
from importlib import metadata
from pathlib import Path, PurePosixPath
from types import ModuleType

import jsonschema
import pytest
from click.testing import CliRunner, Result

from kinerja.authoring.scaffold import (
    FILES,
    ScaffoldError,
    check_region_name,
    create_region,
    render_region_files,
)
from kinerja.cli import main
from kinerja.manager import make_manager
from kinerja.regions import list_regions
from kinerja.rules import load_rules
from kinerja.rules.yamlload import load_yaml
from kinerja.schemas import load_schema

NAME = "contoh"
PACKAGE = "kinerja_region_contoh"
BUILTIN = ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto")
LAYOUT = [
    "pyproject.toml",
    "README.md",
    f"{PACKAGE}/__init__.py",
    f"{PACKAGE}/rules.yaml",
    f"{PACKAGE}/cases.yaml",
    "tests/test_rules.py",
]


def invoke(*args: object) -> Result:
    """``kinerja ARGS`` through CliRunner, with stdout and stderr kept apart."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package folder of region ``contoh``, written once by ``kinerja new-region``."""
    base = tmp_path_factory.mktemp("scaffold")
    assert invoke("new-region", NAME, "--dir", base).exit_code == 0
    return base / f"kinerja-region-{NAME}"


def generated_tests(scaffold: Path) -> ModuleType:
    """The package's own tests/test_rules.py, imported from the scaffold."""
    path = scaffold / "tests" / "test_rules.py"
    spec = importlib.util.spec_from_file_location("generated_test_rules", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ the command
def test_new_region_prints_what_it_made_and_what_next(tmp_path: Path) -> None:
    result = invoke("new-region", NAME, "--dir", tmp_path)
    assert result.exit_code == 0, result.output
    root = tmp_path / f"kinerja-region-{NAME}"
    assert result.stdout == (
        f"Created {root}/\n" + "".join(f"  {path}\n" for path in LAYOUT) + "\nNext steps:\n"
        f"  cd {root}\n"
        "  python3 -m venv .venv && .venv/bin/pip install -e '.[test]'\n"
        f"  edit {PACKAGE}/rules.yaml, and its cases in {PACKAGE}/cases.yaml\n"
        f"  .venv/bin/kinerja check --region {NAME}\n"
        "  .venv/bin/pytest\n"
        f"  .venv/bin/kinerja run --region {NAME} --input WORKBOOK.xlsx\n"
    )
    assert result.stderr == ""
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert written == sorted(LAYOUT)
    assert [p.name for p in tmp_path.iterdir()] == [root.name], "no staging folder is left"


def test_dir_defaults_to_the_working_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("new-region", "kota_baru").exit_code == 0
    assert (tmp_path / "kinerja-region-kota_baru" / "kinerja_region_kota_baru").is_dir()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "Contoh-Kota",
            "Error: region name 'Contoh-Kota' is not allowed: use lowercase letters, digits "
            "and underscores, starting with a letter (for example 'contoh_kota')\n",
        ),
        (
            "9lives",
            "Error: region name '9lives' is not allowed: use lowercase letters, digits "
            "and underscores, starting with a letter\n",
        ),
        (
            "a" * 41,
            f"Error: region name {'a' * 41!r} is 41 characters long; the most is 40\n",
        ),
    ],
)
def test_bad_names_are_refused(tmp_path: Path, name: str, message: str) -> None:
    result = invoke("new-region", name, "--dir", tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["", "_x", "kota baru", "kota.baru", "kótа", "x\n"])
def test_check_region_name_refuses(name: str) -> None:
    with pytest.raises(ScaffoldError, match="not allowed"):
        check_region_name(name)


@pytest.mark.parametrize("name", ["a", "kota_baru", "k2", "a" * 40])
def test_check_region_name_accepts(name: str) -> None:
    check_region_name(name)


def test_an_existing_folder_is_refused_unless_empty(tmp_path: Path) -> None:
    root = tmp_path / f"kinerja-region-{NAME}"
    root.mkdir()
    (root / "notes.txt").write_text("mine")
    result = invoke("new-region", NAME, "--dir", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {root} already exists and is not empty; nothing was written. "
        "Choose another --dir, or move that folder away first\n"
    )
    assert [p.name for p in root.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == [root.name]
    (root / "notes.txt").unlink()
    assert invoke("new-region", NAME, "--dir", tmp_path).exit_code == 0
    assert (root / "pyproject.toml").is_file()


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / f"kinerja-region-{NAME}").write_text("")
    result = invoke("new-region", NAME, "--dir", tmp_path)
    assert result.exit_code == 2
    assert "already exists and is a file; choose another --dir" in result.stderr


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    calls = []

    def failing_write(self: Path, *args: object, **kwargs: object) -> int:
        calls.append(self)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return original(self, *args, **kwargs)

    original = Path.write_text
    monkeypatch.setattr(Path, "write_text", failing_write)
    with pytest.raises(ScaffoldError, match="cannot create .*: No space left on device"):
        create_region(NAME, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_naming_an_installed_region_is_refused(tmp_path: Path) -> None:
    result = invoke("new-region", "kasemen", "--dir", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: a region named 'kasemen' is already installed (kinerja.plugins.kasemen); two "
        "regions of one name cannot both run. Pick another name.\n"
    )
    assert list(tmp_path.iterdir()) == []  # nothing written


# ------------------------------------------------------------------ the files
def test_every_template_is_filled() -> None:
    files = render_region_files(NAME, year=2030)
    assert [str(p) for p in files] == LAYOUT
    assert len(FILES) == len(files)
    for path, text in files.items():
        assert "{{" not in text, path
        assert text.endswith("\n") and not text.endswith("\n\n"), path
    assert 'version: "2030.1"' in files[PurePosixPath(f"{PACKAGE}/rules.yaml")]


def test_pyproject_declares_the_package_and_entry_point(scaffold: Path) -> None:
    config = tomllib.loads((scaffold / "pyproject.toml").read_text())
    project = config["project"]
    assert project["name"] == f"kinerja-region-{NAME}"
    assert [d.split(">")[0] for d in project["dependencies"]] == ["kinerja"]
    assert project["entry-points"]["kinerja.regions"] == {NAME: PACKAGE}
    assert config["build-system"]["build-backend"] == "setuptools.build_meta"
    assert config["tool"]["setuptools"]["packages"] == [PACKAGE]
    assert config["tool"]["setuptools"]["package-data"] == {PACKAGE: ["*.yaml"]}


def test_rules_start_with_the_schema_and_pass_check(scaffold: Path) -> None:
    rules_path = scaffold / PACKAGE / "rules.yaml"
    first = rules_path.read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema={load_schema('rules')['$id']}"
    result = invoke("check", rules_path)
    assert result.exit_code == 0, result.output
    rules = load_rules(rules_path)
    assert rules.region == NAME
    assert len(rules.indicators) == len(rules.aspects) == 1
    assert set(rules.rater_groups) == {"supervisor", "peer"}
    assert len(rules.stages) == 2 and rules.feedback and rules.recommendations
    assert rules.score_weights == {"hasil_kerja": 0.5, "perilaku": 0.5}


def test_rules_explain_every_section_in_both_languages(scaffold: Path) -> None:
    """Above each top-level key (or the group of keys it belongs to) is a comment
    block in Indonesian (``# ID:``) and English (``# EN:``)."""
    text = (scaffold / PACKAGE / "rules.yaml").read_text()
    data = load_yaml("rules.yaml", text).data
    assert isinstance(data, dict) and len(data) >= 20
    lines = text.splitlines()
    for key in data:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        while at > 0 and lines[at - 1].strip() and not lines[at - 1].startswith("#"):
            at -= 1  # the keys and values of the same group
        block = []
        while at > 0 and lines[at - 1].startswith("#"):
            at -= 1
            block.append(lines[at])
        assert any(c.startswith("# ID:") for c in block), f"{key}: no Indonesian comment"
        assert any(c.startswith("# EN:") for c in block), f"{key}: no English comment"


def test_cases_follow_the_case_format(scaffold: Path) -> None:
    text = (scaffold / PACKAGE / "cases.yaml").read_text()
    first = text.splitlines()[0]
    assert first == (
        "# yaml-language-server: $schema=https://kinerja.example/schemas/cases.schema.json"
    )
    data = load_yaml("cases.yaml", text).data
    assert isinstance(data, dict) and data["rules"] == "rules.yaml"
    jsonschema.Draft7Validator(load_schema("cases")).validate(data)


def test_cases_cover_every_band_and_compute_as_written(scaffold: Path) -> None:
    tests = generated_tests(scaffold)
    rules = load_rules(scaffold / PACKAGE / "rules.yaml")
    cases = tests.CASES
    assert {c["expect"]["predikat"] for c in cases} == set(rules.predikat_labels)
    assert [c["name"] for c in cases if c["name"] == "contoh-baik"] == ["contoh-baik"]
    tests.test_rules_pass_kinerja_check()
    tests.test_cases_cover_every_predikat()
    for case in cases:
        tests.test_case(case)
        result = tests.appraise_case(case)
        assert result.status == "final", case["name"]
        assert result.predikat == case["expect"]["predikat"]


def test_generated_python_is_ruff_clean(tmp_path: Path) -> None:
    longest = "a" * 40
    assert invoke("new-region", longest, "--dir", tmp_path).exit_code == 0
    root = tmp_path / f"kinerja-region-{longest}"
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr


# ------------------------------------------------------------------ installed for real
def _offline_build() -> bool:
    """True when setuptools can build a wheel from this environment, with no download."""
    try:
        version = tuple(int(p) for p in metadata.version("setuptools").split(".")[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return False
    return version >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _fresh_venv(path: Path) -> Path:
    """A venv without pip that sees this environment's packages (kinerja and its deps)."""
    venv.EnvBuilder(with_pip=False, clear=True).create(path)
    python = path / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    hosts = [d for d in site.getsitepackages() if Path(d).is_dir()]
    lines = "".join(f"import site; site.addsitedir({d!r})\n" for d in hosts)
    (Path(purelib) / "_kinerja_host.pth").write_text(lines)
    return python


def _run(args: list[object], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.skipif(os.name == "nt", reason="the venv layout here is POSIX")
def test_the_package_installs_into_a_fresh_venv(tmp_path: Path) -> None:
    assert invoke("new-region", NAME, "--dir", tmp_path).exit_code == 0
    package = tmp_path / f"kinerja-region-{NAME}"
    env_dir = tmp_path / "venv"
    python = _fresh_venv(env_dir)

    install = [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q"]
    if _offline_build():
        install += ["--no-build-isolation", "--no-index"]
    done = _run([*install, package], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr

    elsewhere = tmp_path / "elsewhere"  # not the package folder, so the installed copy is used
    elsewhere.mkdir()
    kinerja = [python, "-c", "from kinerja.cli import main; main(prog_name='kinerja')"]
    listed = _run([*kinerja, "regions", "--json"], cwd=elsewhere)
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert set(BUILTIN) <= set(rows)
    assert sorted(rows) == sorted([*list_regions(make_manager()), NAME])
    mine = rows[NAME]
    assert (mine["plugin"], mine["status"]) == (PACKAGE, "ok")
    installed_rules = Path(mine["rules"])
    assert installed_rules.is_relative_to(env_dir) and installed_rules.name == "rules.yaml"
    assert (installed_rules.parent / "cases.yaml").is_file(), "cases.yaml is package data too"

    checked = _run([*kinerja, "check", "--region", NAME], cwd=elsewhere)
    count = len(load_rules(installed_rules).all_expressions())
    version = load_rules(installed_rules).version
    assert (checked.returncode, checked.stdout) == (
        0,
        f"{installed_rules}: ok ({NAME} {version}, {count} expressions checked)\n",
    )

    # `kinerja test` runs the cases from the installed copy too
    cased = _run([*kinerja, "test", "--region", NAME], cwd=elsewhere)
    assert cased.returncode == 0, cased.stdout + cased.stderr
    assert cased.stdout.endswith("6 cases, 6 passed\n"), cased.stdout

    tested = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=package)
    cases = len(generated_tests(package).CASES)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    # check, registration, predikat coverage, the example hook, then one test per case
    assert f"{4 + cases} passed" in tested.stdout

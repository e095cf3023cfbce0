"""The public API: what ``kinerja`` exports, and that plugins use nothing else."""

from __future__ import annotations

import ast
from pathlib import Path

import kinerja

ROOT = Path(__file__).resolve().parents[1]


def test_all_exports_exist_and_are_listed() -> None:
    exported = set(kinerja.__all__)
    assert len(exported) == len(kinerja.__all__), "a name is listed twice in __all__"
    for name in exported:
        assert hasattr(kinerja, name), name
    public = {
        name
        for name, value in vars(kinerja).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("kinerja")
    }
    assert public <= exported | {"hookimpl"}, sorted(public - exported)


def test_exported_members_say_where_they_live() -> None:
    for name in kinerja.__all__:
        member = getattr(kinerja, name)
        module = getattr(member, "__module__", None)
        if module is not None and not name.startswith("__"):
            assert module.startswith(("kinerja", "pluggy")), (name, module)


def _kinerja_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kinerja"):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("kinerja")]
    return found


def test_builtin_region_plugins_import_only_the_public_api() -> None:
    files = sorted((ROOT / "plugins").rglob("*.py"))
    assert files
    for path in files:
        for module in _kinerja_imports(path):
            assert module == "kinerja", f"{path.relative_to(ROOT)} imports {module}"


def test_scaffolded_plugin_imports_only_the_public_api(tmp_path: Path) -> None:
    template = ROOT / "core" / "authoring" / "templates" / "region" / "plugin.py.tmpl"
    text = template.read_text(encoding="utf-8").replace("{{", "").replace("}}", "")
    path = tmp_path / "plugin.py"
    path.write_text(text, encoding="utf-8")
    assert _kinerja_imports(path) == ["kinerja"]

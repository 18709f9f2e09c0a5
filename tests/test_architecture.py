"""Architecture rules: the core never depends on Qt or the GUI package; one audit function."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "dvdesk"
FORBIDDEN = ("PySide6", "shiboken6", "ui")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            names.update(
                arg.value.split(".")[0]
                for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
    return names


def test_no_core_module_imports_qt_or_ui() -> None:
    offenders = {
        str(path.relative_to(CORE.parent)): sorted(_imported_modules(path) & set(FORBIDDEN))
        for path in CORE.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_importing_every_core_module_loads_no_qt() -> None:
    script = (
        "import importlib, pkgutil, sys, dvdesk\n"
        "for m in pkgutil.walk_packages(dvdesk.__path__, 'dvdesk.'):\n"
        "    if m.name not in ('dvdesk.__main__',) and '.migrations.' not in m.name + '.':\n"
        "        importlib.import_module(m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'ui')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


AUDIT_MODULE = CORE / "services" / "audit.py"


def _builds_audit_entry(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "AuditEntry")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "AuditEntry")
        )
    ]


def test_only_the_audit_module_builds_audit_entries() -> None:
    # One function writes every entry, so every entry gets the same fields and stamp.
    root = CORE.parent
    sources = [
        path
        for folder in ("dvdesk", "ui", "bench", "docs")
        for path in (root / folder).rglob("*.py")
        if path != AUDIT_MODULE
    ]
    offenders = {str(path.relative_to(root)): _builds_audit_entry(path) for path in sources}
    assert {path: lines for path, lines in offenders.items() if lines} == {}
    assert _builds_audit_entry(AUDIT_MODULE), "the audit module itself must build the entry"


TEMP_ROOT = "/tmp"


def _fixed_temp_paths(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(TEMP_ROOT)
    ]


def test_tests_write_under_tmp_path_not_a_fixed_temp_folder() -> None:
    # Fixed folders are shared by every run on the machine: parallel runs overwrite each
    # other's files and leave them behind; tmp_path is the run's own.
    tests = Path(__file__).resolve().parent
    offenders = {
        path.name: lines
        for path in tests.rglob("*.py")
        if path != Path(__file__).resolve() and (lines := _fixed_temp_paths(path))
    }
    assert offenders == {}

"""The house rules of ARCHITECTURE.md: desktop -> sync -> localdb, Qt only in desktop, the SQL runner stands alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT = {"PySide6", "PyQt5", "PyQt6", "pytestqt", "shiboken6"}
APP = {"desktop", "sync", "localdb", "devstack", "server_migrations"}

# package -> top-level names it must never import
FORBIDDEN = {
    "localdb": QT | {"desktop", "sync", "devstack", "server_migrations", "httpx", "supabase", "apscheduler"},
    "sync": QT | {"desktop", "devstack", "server_migrations"},
    "server_migrations": QT | APP - {"server_migrations"},
    "devstack": QT | {"desktop", "sync", "localdb"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_layering(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = imported_roots(path) & FORBIDDEN[package]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}")
    assert not offenders, "layering broken:\n" + "\n".join(offenders)


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport sync.engine\n", encoding="utf-8")
    assert imported_roots(sample) == {"PySide6", "sync"}

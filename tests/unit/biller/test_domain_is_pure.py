"""The biller's domain imports no I/O framework (STYLE.md: dependencies point inward)."""

from __future__ import annotations

import ast
from pathlib import Path

import services.biller.domain as domain

FORBIDDEN = ("asyncio", "asyncpg", "faststream", "aiokafka", "services.common")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_domain_imports_no_infrastructure() -> None:
    modules = sorted(Path(domain.__file__).parent.glob("*.py"))
    assert modules
    for module in modules:
        for name in imported_modules(module):
            assert not name.startswith(FORBIDDEN), f"{module.name} imports {name}"

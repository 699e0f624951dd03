"""Every service's domain imports no I/O framework (STYLE.md: dependencies point inward)."""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pytest

import services.biller.domain
import services.coder.domain
import services.notifier.domain

FORBIDDEN = ("asyncio", "asyncpg", "faststream", "aiokafka", "aiosmtplib", "services.common")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "domain",
    [services.coder.domain, services.biller.domain, services.notifier.domain],
    ids=lambda d: d.__name__,
)
def test_domain_imports_no_infrastructure(domain: ModuleType) -> None:
    modules = sorted(Path(domain.__file__ or "").parent.glob("*.py"))
    assert modules
    for module in modules:
        for name in imported_modules(module):
            assert not name.startswith(FORBIDDEN), f"{module.name} imports {name}"

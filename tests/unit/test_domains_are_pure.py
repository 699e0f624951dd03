"""Every service's domain is pure (STYLE.md: dependencies point inward; DESIGN.md: the domain
has its own types and no I/O). It imports neither the wire contract nor any I/O framework, and
reads no file, clock or environment at call time: data is loaded at start-up and passed in."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = sorted((ROOT / "services").glob("*/domain"))

FORBIDDEN_IMPORTS = (
    "schemas",
    "asyncio",
    "asyncpg",
    "faststream",
    "aiokafka",
    "aiosmtplib",
    "smtplib",
    "socket",
    "services.common",
    "pydantic_settings",
    "importlib.resources",
    "pkgutil",
    "os",
    "time",
    "pathlib",
    "random",
)
# the names whose *call* reads a file, the clock or the environment
FORBIDDEN_CALLS = {
    "open",
    "read_text",
    "read_bytes",
    "now",
    "utcnow",
    "today",
    "getenv",
    "uuid4",  # reads randomness; ids derived with uuid5 are pure
    "uuid1",
}
FORBIDDEN_ATTRIBUTES = {"environ"}


def _python_files(domain: Path) -> list[Path]:
    return sorted(domain.rglob("*.py"))


def imported_modules(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def impure_calls(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node) in FORBIDDEN_CALLS:
            found.append(f"line {node.lineno}: {_called_name(node)}()")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def test_every_service_has_a_domain() -> None:
    assert {d.parent.name for d in DOMAINS} >= {"coder", "biller", "notifier"}


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.parent.name)
def test_domain_imports_neither_the_wire_nor_infrastructure(domain: Path) -> None:
    files = _python_files(domain)
    assert files
    for path in files:
        for name in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            bad = name == "os" or any(
                name == f or name.startswith(f + ".") for f in FORBIDDEN_IMPORTS
            )
            assert not bad, f"{path.relative_to(ROOT)} imports {name}"


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.parent.name)
def test_domain_reads_no_file_clock_or_environment(domain: Path) -> None:
    for path in _python_files(domain):
        calls = impure_calls(ast.parse(path.read_text(encoding="utf-8")))
        assert not calls, f"{path.relative_to(ROOT)}: {', '.join(calls)}"


def test_the_check_catches_what_it_forbids() -> None:
    sample = ast.parse(
        "import os\nfrom schemas.coding import X\n"
        "def f(p):\n    return p.read_text(), datetime.now(), os.environ['A']\n"
    )
    assert {"os", "schemas.coding"} <= imported_modules(sample)
    assert len(impure_calls(sample)) == 3

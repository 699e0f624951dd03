"""The CLI as a user runs it: a `medbill` process with only the environment we give it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from medbill import stack
from medbill.migrate import migrate_all

ROOT = Path(__file__).resolve().parents[2]
# what the CLI reads from the environment; a test's process starts without any of it
SETTINGS = ("DATABASE_URL", "KAFKA_", "SMTP_", "CODING_TEAM_EMAIL", "MEDBILL_", "LOG_LEVEL")


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def line(self) -> str:
        """The one line the CLI printed on stderr (asserting there is exactly one)."""
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, self.err
        return lines[0]

    def assert_one_clear_line(self) -> str:
        assert self.code != 0
        assert "Traceback" not in self.out + self.err
        assert self.line.startswith("medbill: ")
        return self.line


def environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS)}
    # `medbill up` on this machine may have left a runtime file in the venv: a test names
    # every server itself, so that file must not fill in what the test left out
    env.setdefault("KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{stack.free_port()}")
    env.setdefault("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{stack.free_port()}/none")
    env.update(values)
    return env


def medbill(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "medbill.cli", *args],
        cwd=ROOT,
        env=env or environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
async def migrated_database(database_url: str) -> AsyncIterator[str]:
    await migrate_all(database_url)
    yield database_url

"""The notifier's schema migrated into a fresh database, and a runtime of just what the
dispatcher uses (settings, pool, stopping, wake), for tests without a broker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg
import pytest

from services.common.db import create_pool
from services.common.migrations import migrate
from services.common.settings import Settings
from services.notifier.main import MIGRATIONS, NAME


@pytest.fixture
async def notifier_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    conn = await asyncpg.connect(database_url)
    try:
        await migrate(conn, NAME, MIGRATIONS)
    finally:
        await conn.close()
    pool = await create_pool(database_url, NAME, max_size=8)
    yield pool
    await pool.close()


@dataclass
class DispatcherRuntime:
    """The parts of ServiceRuntime the dispatcher uses."""

    settings: Settings
    pool: asyncpg.Pool
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    wakes: int = 0

    def wake(self) -> None:
        self.wakes += 1


def mail_settings(smtp_port: int, **extra: object) -> Settings:
    return Settings(  # type: ignore[arg-type]
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_timeout_s=5,
        smtp_from="billing@example.org",
        **extra,
    )

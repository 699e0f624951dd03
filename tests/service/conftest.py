"""Service-level fixtures: a migrated schema on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from services.common.db import create_pool
from services.common.migrations import migrate
from tests.service.records import SCHEMA, SCRATCH_SQL


@pytest.fixture
def service_migrations(tmp_path: Path) -> Path:
    folder = tmp_path / SCHEMA / "migrations"
    folder.mkdir(parents=True)
    (folder / "001_scratch.sql").write_text(SCRATCH_SQL)
    return folder


@pytest.fixture
async def pool(database_url: str, service_migrations: Path) -> AsyncIterator[asyncpg.Pool]:
    """A pool whose search_path is the migrated `svc` schema (common tables + effects)."""
    conn = await asyncpg.connect(database_url)
    try:
        await migrate(conn, SCHEMA, service_migrations)
    finally:
        await conn.close()
    pool = await create_pool(database_url, SCHEMA, max_size=4)
    yield pool
    await pool.close()

"""The coder's schema, migrated into a fresh database, and its handlers as the service builds
them (reference data loaded once)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from services.coder import reference_data
from services.coder.handlers import CoderHandlers
from services.common.migrations import migrate

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "coder" / "migrations"


@pytest.fixture(scope="session")
def handlers() -> CoderHandlers:
    return CoderHandlers(reference_data.load())


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the migrated coder schema (search_path coder, as the service has)."""
    admin = await asyncpg.connect(database_url)
    try:
        await migrate(admin, "coder", MIGRATIONS)
    finally:
        await admin.close()
    connection = await asyncpg.connect(database_url, server_settings={"search_path": "coder"})
    yield connection
    await connection.close()

"""Apply every service's migrations (each service also does so at start-up)."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from services.common.migrations import migrate

SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"
SERVICE_NAMES = ("coder", "biller", "notifier")


async def migrate_all(database_url: str) -> dict[str, list[str]]:
    conn = await asyncpg.connect(database_url)
    try:
        return await migrate_every_service(conn)
    finally:
        await conn.close()


async def migrate_every_service(conn: asyncpg.Connection) -> dict[str, list[str]]:
    """The migrations applied now, by service."""
    return {
        name: await migrate(conn, name, SERVICES_DIR / name / "migrations")
        for name in SERVICE_NAMES
    }

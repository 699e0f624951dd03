"""PostgreSQL pool, one schema per service."""

from __future__ import annotations

import asyncpg

from .retry import retry_transient


async def _session_kept(conn: asyncpg.Connection) -> None:
    """On release asyncpg rolls back a transaction left open, then calls this instead of
    its reset query (advisory unlock all, CLOSE ALL, UNLISTEN, RESET ALL: one more round
    trip per release). The services leave nothing of that on a connection: no LISTEN, no
    cursor or SET outside a transaction, and the one advisory lock (migrations) is released
    where it is taken."""


async def create_pool(dsn: str, schema: str, *, max_size: int = 8) -> asyncpg.Pool:
    async def _connect() -> asyncpg.Pool:
        return await asyncpg.create_pool(
            dsn,
            min_size=1,
            max_size=max_size,
            server_settings={"search_path": f"{schema},public", "application_name": schema},
            reset=_session_kept,
        )

    return await retry_transient(_connect, what="connect")

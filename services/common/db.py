"""PostgreSQL pool, one schema per service, and the retry policy for transient failures."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from .errors import is_transient
from .logs import log_fields

log = logging.getLogger(__name__)
T = TypeVar("T")


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


async def retry_transient(
    operation: Callable[[], Awaitable[T]],
    *,
    what: str,
    stop: asyncio.Event | None = None,
    initial_delay: float = 0.1,
    max_delay: float = 5.0,
) -> T:
    """Run `operation`; on a transient failure wait with jittered exponential backoff and try
    again until it succeeds or `stop` is set (then the last error is raised, so the caller
    does not commit and the message is delivered again)."""
    delay = initial_delay
    attempt = 0
    while True:
        try:
            return await operation()
        except Exception as exc:
            if not is_transient(exc) or (stop is not None and stop.is_set()):
                raise
            attempt += 1
            log.warning(
                "transient failure, retrying",
                extra=log_fields(what=what, attempt=attempt, error=type(exc).__name__),
            )
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, max_delay)

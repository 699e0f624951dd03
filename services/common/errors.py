"""The one policy that says which failures are transient (retried, never dead-lettered)."""

from __future__ import annotations

import asyncio

import asyncpg

TRANSIENT_DB_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ConnectionError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.AdminShutdownError,
    asyncpg.QueryCanceledError,
)


def is_transient(exc: BaseException) -> bool:
    """Database or network trouble that a retry can outlast; never dead-lettered."""
    return isinstance(exc, TRANSIENT_DB_ERRORS)

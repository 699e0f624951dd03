"""What the CLI tells an operator when something outside it is wrong: one line, no traceback.

A `CommandError` is a problem the operator can fix (a server that does not answer, a file
that is missing or malformed, an id that does not exist); `medbill` prints its text on
stderr and exits with its code. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, urlsplit

import asyncpg
from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError


class CommandError(Exception):
    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class Unreachable(CommandError):
    """The server does not answer (yet): worth a retry while it may be starting."""


def describe_database(url: str) -> str:
    """user@host:port/database of a PostgreSQL URL, never its password."""
    try:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        host = parts.hostname or (query.get("host") or ["localhost"])[0]
        port = parts.port or int((query.get("port") or ["5432"])[0])
        database = parts.path.lstrip("/") or (parts.username or "postgres")
        user = f"{parts.username}@" if parts.username else ""
    except ValueError:
        return "the PostgreSQL server in DATABASE_URL"
    where = host if host.startswith("/") else f"{host}:{port}"
    return f"{user}{where}/{database}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno:
        return os.strerror(exc.errno).lower()
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    return type(exc).__name__


@asynccontextmanager
async def database(url: str, *, timeout: float = 10) -> AsyncIterator[asyncpg.Connection]:
    """A connection, or a CommandError naming the server (not its password) and why."""
    where = describe_database(url)
    try:
        conn = await asyncpg.connect(url, timeout=timeout)
    except asyncpg.InvalidCatalogNameError:
        raise CommandError(f"the database {where} does not exist") from None
    except asyncpg.InvalidAuthorizationSpecificationError:
        raise CommandError(f"PostgreSQL at {where} refused the login") from None
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise Unreachable(f"cannot reach PostgreSQL at {where}: {_reason(exc)}") from None
    try:
        yield conn
    except asyncpg.UndefinedTableError:
        raise CommandError(
            f"the database {where} has no medbill status views yet: run `medbill migrate`"
            " (`medbill up` and every service apply the migrations when they start)"
        ) from None
    except (OSError, asyncpg.ConnectionDoesNotExistError) as exc:
        raise CommandError(f"lost PostgreSQL at {where}: {_reason(exc)}") from None
    finally:
        if not conn.is_closed():
            await conn.close()


def broker_unreachable(bootstrap: str, exc: BaseException) -> CommandError:
    return CommandError(f"cannot reach the Kafka broker at {bootstrap}: {_kafka_reason(exc)}")


def _kafka_reason(exc: BaseException) -> str:
    if isinstance(exc, KafkaConnectionError):
        return "it does not answer"
    if isinstance(exc, KafkaTimeoutError):
        return "no answer in time"
    if isinstance(exc, KafkaError):
        return type(exc).__name__
    return _reason(exc)


KAFKA_FAILURES: tuple[type[BaseException], ...] = (KafkaError, OSError, TimeoutError)
"""What talking to a broker raises when it is down or unreachable."""

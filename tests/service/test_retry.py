"""The one retry policy: transient failures are retried with backoff, others are not."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from medbill.stack import free_port
from services.common.db import create_pool
from services.common.errors import is_transient
from services.common.retry import retry_transient
from services.common.settings import Settings


class Flaky:
    """An operation that fails with `error` the first `failures` times, then answers 42."""

    def __init__(self, failures: int, error: type[BaseException]) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    async def __call__(self) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error(f"failure {self.calls}")
        return 42


async def test_a_transient_failure_is_retried_until_it_succeeds():
    operation = Flaky(2, ConnectionRefusedError)
    assert await retry_transient(operation, what="test", initial_delay=0.01) == 42
    assert operation.calls == 3


async def test_a_non_transient_failure_is_raised_at_once():
    operation = Flaky(2, ValueError)
    with pytest.raises(ValueError, match="failure 1"):
        await retry_transient(operation, what="test", initial_delay=0.01)
    assert operation.calls == 1


async def test_when_stopping_a_transient_failure_is_raised_instead_of_retried():
    stop = asyncio.Event()
    stop.set()
    operation = Flaky(2, ConnectionRefusedError)
    with pytest.raises(ConnectionRefusedError, match="failure 1"):
        await retry_transient(operation, what="test", stop=stop, initial_delay=0.01)
    assert operation.calls == 1


async def test_a_stop_during_the_retries_ends_them():
    stop = asyncio.Event()
    operation = Flaky(1_000_000, ConnectionRefusedError)
    retrying = asyncio.create_task(
        retry_transient(operation, what="test", stop=stop, initial_delay=0.01, max_delay=0.02)
    )
    await asyncio.sleep(0.2)
    assert not retrying.done()
    stop.set()
    with pytest.raises(ConnectionRefusedError):
        await asyncio.wait_for(retrying, timeout=5)
    assert 2 < operation.calls < 1_000_000


async def test_the_backoff_doubles_up_to_its_ceiling():
    operation = Flaky(8, ConnectionResetError)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await retry_transient(operation, what="test", initial_delay=0.01, max_delay=0.02)
    elapsed = loop.time() - started
    # 0.01 + 7 * 0.02 = 0.15 s times a jitter in [0.5, 1.5); with no ceiling, at least 1.27 s
    assert 0.07 <= elapsed < 1.0
    assert operation.calls == 9


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (asyncpg.DeadlockDetectedError(), True),
        (asyncpg.SerializationError(), True),
        (asyncpg.CannotConnectNowError(), True),
        (asyncpg.UniqueViolationError(), False),
        (asyncpg.CheckViolationError(), False),
        (asyncpg.UndefinedTableError(), False),
        (ValueError(), False),
    ],
)
def test_which_failures_are_transient(error: BaseException, transient: bool):
    assert is_transient(error) is transient


async def test_real_database_errors_are_classified(database_url: str):
    conn = await asyncpg.connect(database_url)
    try:
        with pytest.raises(asyncpg.PostgresError) as caught:
            await conn.execute("SELECT * FROM no_such_table")
        assert not is_transient(caught.value)

        calls = 0

        async def query() -> int:
            nonlocal calls
            calls += 1
            return await conn.fetchval("SELECT 1 FROM no_such_table")

        with pytest.raises(asyncpg.UndefinedTableError):
            await retry_transient(query, what="test", initial_delay=0.01)
        assert calls == 1
    finally:
        await conn.close()


async def test_connecting_to_a_closed_port_is_transient_and_retried_until_stopped():
    settings = Settings(database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/postgres")
    stop = asyncio.Event()
    stop.set()
    with pytest.raises(OSError) as caught:
        await retry_transient(
            lambda: asyncpg.connect(settings.require_database_url()), what="connect", stop=stop
        )
    assert is_transient(caught.value)
    # create_pool retries without a stop: it outlasts a database that is not up yet
    pool_task = asyncio.create_task(create_pool(settings.require_database_url(), "svc"))
    await asyncio.sleep(0.5)
    assert not pool_task.done()
    pool_task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await pool_task


async def test_a_released_connection_keeps_no_open_transaction(database_url: str):
    """The pool skips asyncpg's reset query; what a released connection must not carry
    over (an open transaction, uncommitted rows) is still rolled back."""
    pool = await create_pool(database_url, "public", max_size=2)
    try:
        async with pool.acquire() as conn:
            await conn.execute("CREATE TABLE released_probe (n int)")
        conn = await pool.acquire()
        await conn.execute("BEGIN")
        await conn.execute("INSERT INTO released_probe VALUES (1)")
        await pool.release(conn)  # neither committed nor rolled back by the caller
        async with pool.acquire() as first, pool.acquire() as second:
            for conn in (first, second):
                assert not conn.is_in_transaction()
                assert await conn.fetchval("SELECT count(*) FROM released_probe") == 0
    finally:
        await pool.close()

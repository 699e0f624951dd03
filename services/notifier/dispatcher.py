"""Sends queued notifications over a few long-lived SMTP connections, one message at a time
on each, and records each outcome, with its event, as soon as the server has answered: a
connection sends its next message only once the outcome of its last one is committed. The
outcomes the connections have ready at the same moment commit together (group commit: one
transaction, not one per message).

So a crash or a database outage in the middle of a batch re-sends at most the message each
connection had in flight (its answer not yet recorded), with the same Message-ID so that
mail systems can drop the copy: SMTP offers no stronger guarantee. Notifications are claimed
with a lease (`repository.claim_due`): those a dead dispatcher claimed but never tried are
due again when the lease ends."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import parseaddr
from functools import partial
from uuid import UUID

import asyncpg

from services.common.consuming import where
from services.common.logs import log_fields
from services.common.outbox import OutboxMessage, enqueue
from services.common.retry import retry_transient
from services.common.runtime import ServiceRuntime

from . import repository, wire
from .domain import after_failure, check_sender
from .mailer import SendResult, SmtpConnection

log = logging.getLogger(__name__)
MESSAGES_PER_CONNECTION = 25  # per claim: a claim is short, so its lease can be too


class Dispatcher:
    def __init__(self, runtime: ServiceRuntime, *, lease_s: float = 60.0) -> None:
        settings = runtime.settings
        self._rt = runtime
        self._connections = [SmtpConnection(settings) for _ in range(settings.smtp_connections)]
        self._batch = MESSAGES_PER_CONNECTION * settings.smtp_connections
        self._lease_s = lease_s
        self._mail_from = parseaddr(check_sender(settings.smtp_from))[1]  # RFC 5321 MAIL FROM
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._outcomes = GroupCommit(
            lambda items: retry_transient(
                partial(self._record, items), what="record", stop=self._rt.stopping
            )
        )

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="notification-dispatcher")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task:
            await self._task
        for connection in self._connections:
            await connection.quit()

    async def _run(self) -> None:
        wait = 0.0
        failures = 0
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(wait, 0.05))
            self._wake.clear()
            try:
                while not self._stopping and await self._dispatch_once():
                    pass
                due = await retry_transient(self._next_due_in, what="due", stop=self._rt.stopping)
                wait = 1.0 if due is None else min(due, 1.0)
                failures = 0
            except Exception as exc:
                if isinstance(exc, ExceptionGroup):  # from a connection's sender task
                    exc = exc.exceptions[0]
                failures += 1
                wait = min(2.0**failures, 30.0)
                # no traceback: exception texts can quote addresses
                log.error(
                    "dispatch pass failed; will retry",
                    extra=log_fields(error=where(exc), wait_s=wait),
                )

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        async with self._rt.pool.acquire() as conn:
            try:
                yield conn
            except asyncpg.InternalClientError as exc:
                # a connection the server dropped in the middle of an operation (a database
                # restart) can stay in the pool in a state asyncpg refuses to use: close it,
                # so the pool opens a new one, and let the retry policy try again
                conn.terminate()
                raise ConnectionResetError("database connection left unusable") from exc

    async def _next_due_in(self) -> float | None:
        async with self._connection() as conn:
            return await repository.next_due_in(conn)

    async def _claim(self) -> list[repository.Pending]:
        async with self._connection() as conn:
            return await repository.claim_due(conn, self._batch, self._lease_s)

    async def _dispatch_once(self) -> int:
        """Claim what is due and send it; returns how many were claimed."""
        claimed = await retry_transient(self._claim, what="claim", stop=self._rt.stopping)
        if not claimed:
            return 0
        queue = deque(claimed)
        # a claim is used for half its lease at most, so it cannot end while a message is
        # still in flight (another dispatcher could then send it too)
        deadline = asyncio.get_running_loop().time() + self._lease_s / 2
        unreachable = 0

        async def send_on(connection: SmtpConnection) -> None:
            nonlocal unreachable
            loop = asyncio.get_running_loop()
            while queue and not self._stopping and loop.time() < deadline:
                pending = queue.popleft()
                result = await connection.send(self._mail_from, pending.recipient, pending.message)
                await self._outcomes.record(pending, result)
                if not result.reached:
                    unreachable += 1  # the rest wait for the end of their lease
                    return

        async with asyncio.TaskGroup() as senders:
            for connection in self._connections[: len(claimed)]:
                senders.create_task(send_on(connection))
        self._rt.wake()  # the notification events committed in this pass
        if queue and not unreachable:
            untried = [p.notification_id for p in queue]
            await retry_transient(partial(self._release, untried), what="release")
        return len(claimed)

    async def _release(self, ids: list[UUID]) -> None:
        async with self._connection() as conn:
            await repository.release(conn, ids)

    async def _record(self, items: list[tuple[repository.Pending, SendResult]]) -> None:
        """The outcomes of some messages and their events, committed together: the
        deliveries (nearly always all of them) in one statement, the failures in one
        transaction."""
        now = datetime.now(UTC)
        async with self._connection() as conn:
            await repository.record_sent(
                conn,
                [
                    (p.notification_id, OutboxMessage.of(wire.sent_event(p, sent_at=now)))
                    for p, result in items
                    if result.ok
                ],
                now,
            )
            failed = [(pending, result) for pending, result in items if not result.ok]
            if failed:
                async with conn.transaction():
                    await self._record_failures(conn, failed, now)
        # the relay is woken once per dispatch pass, not per commit (its poll covers the rest)

    async def _record_failures(
        self,
        conn: asyncpg.Connection,
        failed: list[tuple[repository.Pending, SendResult]],
        now: datetime,
    ) -> None:
        events: list[OutboxMessage] = []
        for pending, result in failed:
            failure = after_failure(
                attempts_before=pending.attempts,
                error=result.error,
                refused=result.refused,
                max_attempts=self._rt.settings.notify_max_attempts,
                now=now,
            )
            if await repository.mark_failed(conn, pending.notification_id, failure):
                events.append(OutboxMessage.of(wire.failed_event(pending, failure, failed_at=now)))
            log.warning(
                "notification failed",
                extra=log_fields(
                    notification_id=str(pending.notification_id),
                    error=failure.error,
                    attempts=failure.attempts,
                    permanent=failure.permanent,
                ),
            )
        await enqueue(conn, events)


class GroupCommit:
    """Outcomes handed in while a commit is running wait for the next one, which takes them
    all: each caller returns once its own outcome is committed (or gets its error)."""

    def __init__(
        self, commit: Callable[[list[tuple[repository.Pending, SendResult]]], Awaitable[None]]
    ) -> None:
        self._commit = commit
        self._waiting: list[tuple[repository.Pending, SendResult, asyncio.Future[None]]] = []
        self._committing: asyncio.Task[None] | None = None

    async def record(self, pending: repository.Pending, result: SendResult) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((pending, result, done))
        if self._committing is None or self._committing.done():
            self._committing = asyncio.create_task(self._run(), name="notification-outcomes")
        await done

    async def _run(self) -> None:
        while self._waiting:
            taken, self._waiting = self._waiting, []
            try:
                await self._commit([(pending, result) for pending, result, _ in taken])
            except BaseException as exc:  # handed to every waiter: they raise it themselves
                for _, _, done in taken:
                    if not done.done():
                        done.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
            else:
                for _, _, done in taken:
                    if not done.done():
                        done.set_result(None)

"""Sends queued notifications and records each outcome, with its event, in one transaction.

A crash after the SMTP server accepted a message but before the commit sends it again on
restart, with the same Message-ID so that mail systems can drop the copy: SMTP offers no
stronger guarantee."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Protocol

from schemas.notifications import (
    NotificationFailed,
    NotificationFailedData,
    NotificationSent,
    NotificationSentData,
)
from services.common.db import retry_transient
from services.common.logs import log_fields
from services.common.outbox import OutboxMessage, enqueue
from services.common.runtime import ServiceRuntime

from . import repository
from .domain import mask_address
from .mailer import Envelope, SendResult, SmtpMailer

log = logging.getLogger(__name__)
SOURCE = "medbill/notifier"


class Mailer(Protocol):
    async def send_many(self, envelopes: list[Envelope]) -> list[SendResult]: ...

    async def close(self) -> None: ...


class Dispatcher:
    def __init__(self, runtime: ServiceRuntime, mailer: Mailer | None = None, batch: int = 200):
        self._rt = runtime
        self._mailer = mailer or SmtpMailer(runtime.settings)
        self._batch = batch
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="notification-dispatcher")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task:
            await self._task
        await self._mailer.close()

    async def _run(self) -> None:
        wait = 0.0
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(wait, 0.05))
            self._wake.clear()
            try:
                while not self._stopping:
                    sent: int = await retry_transient(self._send_once, what="send")
                    if not sent:
                        break
                async with self._rt.pool.acquire() as conn:
                    due = await repository.next_due_in(conn)
                wait = 1.0 if due is None else min(due, 1.0)
            except Exception:
                log.exception("dispatch pass failed; will retry")
                wait = 1.0

    async def _send_once(self) -> int:
        max_attempts = self._rt.settings.notify_max_attempts
        sender = parseaddr(self._rt.settings.smtp_from)[1]  # the envelope's MAIL FROM
        async with self._rt.pool.acquire() as conn, conn.transaction():
            due = await repository.lock_due(conn, self._batch)
            if not due:
                return 0
            results = await self._mailer.send_many(
                [Envelope(sender, p.recipient, p.message) for p in due]
            )
            now = datetime.now(UTC)
            events: list[OutboxMessage] = []
            sent = [p for p, r in zip(due, results, strict=True) if r.ok]
            await repository.mark_sent(conn, [p.notification_id for p in sent], now)
            events += [OutboxMessage.of(_sent_event(p, now)) for p in sent]
            for p, r in zip(due, results, strict=True):
                if r.ok:
                    continue
                attempts = p.attempts + 1
                permanent = r.permanent or attempts >= max_attempts
                retry_at = now + timedelta(seconds=min(2**attempts, 300))
                await repository.mark_failed(
                    conn,
                    p.notification_id,
                    r.error or "unknown",
                    permanent=permanent,
                    retry_at=retry_at,
                )
                events.append(OutboxMessage.of(_failed_event(p, now, r, attempts, permanent)))
                log.warning(
                    "notification failed",
                    extra=log_fields(
                        notification_id=str(p.notification_id),
                        error=r.error,
                        attempts=attempts,
                        permanent=permanent,
                    ),
                )
            written = await enqueue(conn, events)
        self._rt.relay_submit(written)
        return len(due)


def _common(p: repository.Pending, attempts: int) -> dict[str, object]:
    return {
        "notification_id": p.notification_id,
        "channel": "email",
        "audience": p.audience,
        "template": p.template,
        "recipient": mask_address(p.recipient),
        "subject_event_id": p.subject_event_id,
        "subject_event_type": p.subject_event_type,
        "attempts": attempts,
    }


def _sent_event(p: repository.Pending, now: datetime) -> NotificationSent:
    data = NotificationSentData(**_common(p, p.attempts + 1), sent_at=now)  # type: ignore[arg-type]
    return NotificationSent.create(
        data, source=SOURCE, correlation_id=p.correlation_id, causation_id=p.subject_event_id
    )


def _failed_event(
    p: repository.Pending, now: datetime, r: SendResult, attempts: int, permanent: bool
) -> NotificationFailed:
    data = NotificationFailedData(
        **_common(p, attempts),  # type: ignore[arg-type]
        failed_at=now,
        error=r.error or "unknown",
        permanent=permanent,
    )
    return NotificationFailed.create(
        data, source=SOURCE, correlation_id=p.correlation_id, causation_id=p.subject_event_id
    )

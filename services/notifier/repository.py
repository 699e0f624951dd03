"""SQL for the notifier's tables. Functions take a connection inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from services.common import outbox
from services.common.outbox import OutboxMessage

from .domain import Failure, OutgoingEmail, Undeliverable


@dataclass(frozen=True)
class Pending:
    """A notification claimed for sending."""

    notification_id: UUID
    audience: str
    template: str
    recipient: str
    message: bytes
    subject_event_id: UUID
    subject_event_type: str
    correlation_id: str
    attempts: int


@dataclass(frozen=True)
class QueuedEmail:
    email: OutgoingEmail
    message: bytes
    subject_event_type: str
    correlation_id: str


@dataclass(frozen=True)
class Refused:
    refusal: Undeliverable
    subject_event_type: str
    correlation_id: str


_INSERT = (
    "INSERT INTO notifications (notification_id, channel, audience, template, recipient,"
    " subject, message, subject_event_id, subject_event_type, correlation_id, status,"
    " attempts, last_error)"
    " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],"
    " $6::text[], $7::bytea[], $8::uuid[], $9::text[], $10::text[], $11::text[],"
    " $12::int[], $13::text[])"
    " ON CONFLICT (notification_id) DO NOTHING RETURNING notification_id"
)


async def add_emails(conn: asyncpg.Connection, queued: Sequence[QueuedEmail]) -> None:
    """Queue rendered emails; a notification id already queued is skipped."""
    if not queued:
        return
    n = len(queued)
    await conn.fetch(
        _INSERT,
        [q.email.notification_id for q in queued],
        ["email"] * n,
        [q.email.audience for q in queued],
        [q.email.template for q in queued],
        [q.email.to for q in queued],
        [q.email.subject for q in queued],
        [q.message for q in queued],
        [q.email.subject_event_id for q in queued],
        [q.subject_event_type for q in queued],
        [q.correlation_id for q in queued],
        ["pending"] * n,
        [0] * n,
        [None] * n,
    )


async def add_refused(conn: asyncpg.Connection, refused: Sequence[Refused]) -> set[UUID]:
    """Record notifications refused before any send (failed for good, nothing to send, the
    recipient masked); returns the ids recorded now, not before."""
    if not refused:
        return set()
    n = len(refused)
    rows = await conn.fetch(
        _INSERT,
        [r.refusal.notification_id for r in refused],
        ["email"] * n,
        [r.refusal.audience for r in refused],
        [r.refusal.template for r in refused],
        [r.refusal.recipient for r in refused],
        [""] * n,
        [b""] * n,
        [r.refusal.subject_event_id for r in refused],
        [r.subject_event_type for r in refused],
        [r.correlation_id for r in refused],
        ["failed"] * n,
        [1] * n,
        [r.refusal.reason for r in refused],
    )
    return {r["notification_id"] for r in rows}


async def claim_due(conn: asyncpg.Connection, limit: int, lease_s: float) -> list[Pending]:
    """Take up to `limit` due notifications for `lease_s` seconds, oldest first: they are not
    due again (for this or another dispatcher) until the lease ends, so a dispatcher that
    dies holding them only delays them. Committed at once: each outcome is then recorded in
    a transaction of its own."""
    rows = await conn.fetch(
        "UPDATE notifications n SET next_attempt_at = now() + make_interval(secs => $2)"
        " FROM (SELECT notification_id, next_attempt_at FROM notifications"
        "       WHERE status = 'pending' AND next_attempt_at <= now()"
        "       ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due"
        " WHERE n.notification_id = due.notification_id"
        " RETURNING due.next_attempt_at AS due_at, n.notification_id, n.audience, n.template,"
        " n.recipient, n.message, n.subject_event_id, n.subject_event_type, n.correlation_id,"
        " n.attempts",
        limit,
        lease_s,
    )
    rows = sorted(rows, key=lambda r: r["due_at"])
    return [Pending(**{k: v for k, v in r.items() if k != "due_at"}) for r in rows]


_RECORD_SENT = """
WITH sent AS (
    UPDATE notifications SET status = 'sent', sent_at = $8, attempts = attempts + 1,
        last_error = NULL
    WHERE notification_id = ANY($7::uuid[]) AND status = 'pending'
    RETURNING notification_id
)""" + outbox.insert_from(
    # the event of each notification this statement changed; $7 is parallel to the events
    outbox.MESSAGES + " WHERE ($7::uuid[])[u.position] IN (SELECT notification_id FROM sent)"
)


async def record_sent(
    conn: asyncpg.Connection,
    delivered: Sequence[tuple[UUID, OutboxMessage]],
    at: datetime,
) -> int:
    """Record the notifications as sent and queue the event of each that was still pending
    (another dispatcher may have recorded one already), in one statement: one round trip
    and one commit for a group of outcomes. Returns how many events were queued."""
    if not delivered:
        return 0
    status = await conn.execute(
        _RECORD_SENT,
        *outbox.message_arrays([event for _, event in delivered]),
        [notification_id for notification_id, _ in delivered],
        at,
    )
    return int(status.rsplit(" ", 1)[1])


async def mark_failed(conn: asyncpg.Connection, notification_id: UUID, failure: Failure) -> bool:
    """False when the notification was no longer pending (nothing changed)."""
    status = await conn.execute(
        "UPDATE notifications SET attempts = $2, last_error = $3,"
        " status = CASE WHEN $4 THEN 'failed' ELSE 'pending' END,"
        " next_attempt_at = coalesce($5, next_attempt_at)"
        " WHERE notification_id = $1 AND status = 'pending'",
        notification_id,
        failure.attempts,
        failure.error[:500],
        failure.permanent,
        failure.retry_at,
    )
    return status == "UPDATE 1"


async def release(conn: asyncpg.Connection, ids: Sequence[UUID]) -> None:
    """End the lease of claimed notifications that were not tried: due again now."""
    await conn.execute(
        "UPDATE notifications SET next_attempt_at = now()"
        " WHERE notification_id = ANY($1::uuid[]) AND status = 'pending'",
        list(ids),
    )


async def next_due_in(conn: asyncpg.Connection) -> float | None:
    """Seconds until the next pending notification is due, if any."""
    value = await conn.fetchval(
        "SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM notifications"
        " WHERE status = 'pending'"
    )
    return None if value is None else max(0.0, float(value))

"""SQL for the notifier's tables. Functions take a connection inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from .domain import OutgoingEmail


@dataclass(frozen=True)
class Pending:
    notification_id: UUID
    audience: str
    template: str
    recipient: str
    subject: str
    message: bytes
    subject_event_id: UUID
    subject_event_type: str
    correlation_id: str
    attempts: int


@dataclass(frozen=True)
class QueuedEmail:
    email: OutgoingEmail
    message: bytes
    correlation_id: str


async def add_emails(conn: asyncpg.Connection, queued: Sequence[QueuedEmail]) -> None:
    """Queue rendered emails; a notification id already queued is skipped."""
    if not queued:
        return
    await conn.execute(
        "INSERT INTO notifications (notification_id, channel, audience, template, recipient,"
        " subject, message, subject_event_id, subject_event_type, correlation_id)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],"
        " $6::text[], $7::bytea[], $8::uuid[], $9::text[], $10::text[])"
        " ON CONFLICT (notification_id) DO NOTHING",
        [q.email.notification_id for q in queued],
        ["email"] * len(queued),
        [q.email.audience for q in queued],
        [q.email.template for q in queued],
        [q.email.to for q in queued],
        [q.email.subject for q in queued],
        [q.message for q in queued],
        [q.email.subject_event_id for q in queued],
        [q.email.subject_event_type for q in queued],
        [q.correlation_id for q in queued],
    )


async def lock_due(conn: asyncpg.Connection, limit: int) -> list[Pending]:
    rows = await conn.fetch(
        "SELECT notification_id, audience, template, recipient, subject, message,"
        " subject_event_id, subject_event_type, correlation_id, attempts FROM notifications"
        " WHERE status = 'pending' AND next_attempt_at <= now()"
        " ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        limit,
    )
    return [Pending(**dict(r)) for r in rows]


async def mark_sent(conn: asyncpg.Connection, ids: Sequence[UUID], at: datetime) -> None:
    await conn.execute(
        "UPDATE notifications SET status = 'sent', sent_at = $2, attempts = attempts + 1,"
        " last_error = NULL WHERE notification_id = ANY($1::uuid[])",
        list(ids),
        at,
    )


async def mark_failed(
    conn: asyncpg.Connection,
    notification_id: UUID,
    error: str,
    *,
    permanent: bool,
    retry_at: datetime,
) -> None:
    await conn.execute(
        "UPDATE notifications SET attempts = attempts + 1, last_error = $2,"
        " status = CASE WHEN $3 THEN 'failed' ELSE 'pending' END, next_attempt_at = $4"
        " WHERE notification_id = $1",
        notification_id,
        error[:500],
        permanent,
        retry_at,
    )


async def next_due_in(conn: asyncpg.Connection) -> float | None:
    """Seconds until the next pending notification is due, if any."""
    value = await conn.fetchval(
        "SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM notifications"
        " WHERE status = 'pending'"
    )
    return None if value is None else max(0.0, float(value))

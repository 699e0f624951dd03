"""Recording deliveries: one statement marks the notifications sent and queues the event of
each one it changed, in the order given; a delivery recorded twice (a lease that ran out and
another dispatcher that sent the message again) gives one event."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import asyncpg

from services.common.outbox import OutboxMessage
from services.notifier import repository, wire

from .test_dispatcher_failures import email_to, queue


async def pending(pool: asyncpg.Pool) -> list[repository.Pending]:
    async with pool.acquire() as conn:
        return await repository.claim_due(conn, 100, 60.0)


def delivered(items: list[repository.Pending], at: datetime) -> list[tuple[object, OutboxMessage]]:
    return [(p.notification_id, OutboxMessage.of(wire.sent_event(p, sent_at=at))) for p in items]


async def test_deliveries_are_recorded_once_with_their_events_in_order(notifier_pool):
    await queue(notifier_pool, [email_to(f"p{i}@example.org") for i in range(5)])
    claimed = await pending(notifier_pool)
    at = datetime.now(UTC)
    first, later = claimed[:3], claimed[3:]
    async with notifier_pool.acquire() as conn:
        assert await repository.record_sent(conn, delivered(first, at), at) == 3
        # the first three again (already sent) with the other two: only the two are new
        again = delivered(later[:1] + first + later[1:], at)
        assert await repository.record_sent(conn, again, at) == 2
        assert await repository.record_sent(conn, [], at) == 0
        rows = await conn.fetch("SELECT value FROM outbox ORDER BY id")
        statuses = await conn.fetch("SELECT status, attempts FROM notifications")
    order = [json.loads(r["value"])["data"]["notification_id"] for r in rows]
    expected = [p.notification_id for p in first + later[:1] + later[1:]]
    assert order == [str(i) for i in expected]
    assert {(r["status"], r["attempts"]) for r in statuses} == {("sent", 1)}

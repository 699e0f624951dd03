"""The inbox: the event ids each consumer has applied, written in the transaction of the
effects, so that a redelivered event is recognised and skipped."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import asyncpg


async def claim_new(
    conn: asyncpg.Connection, consumer: str, event_ids: Iterable[UUID]
) -> set[UUID]:
    """Record the events as applied by `consumer`; return those seen for the first time.
    Runs inside the caller's transaction, so a rollback forgets them again."""
    rows = await conn.fetch(
        "INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[])"
        " ON CONFLICT DO NOTHING RETURNING event_id",
        consumer,
        list(event_ids),
    )
    return {r["event_id"] for r in rows}


async def forget(conn: asyncpg.Connection, consumer: str, event_ids: Iterable[UUID]) -> None:
    """Un-record events (dead-lettered ones: a replay from the dead-letter topic is applied
    afresh)."""
    await conn.execute(
        "DELETE FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])",
        consumer,
        list(event_ids),
    )

"""The transactional outbox: the events a transaction emits, written in that transaction and
published by the relay after it commits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg

from schemas.envelope import Envelope
from schemas.topics import topic_for


@dataclass(frozen=True)
class OutboxMessage:
    topic: str
    key: bytes | None
    value: bytes
    headers: dict[str, str] = field(default_factory=dict)
    event_id: UUID | None = None
    correlation_id: str | None = None

    @classmethod
    def of(cls, event: Envelope) -> OutboxMessage:
        topic = topic_for(event)
        return cls(
            topic=topic.name,
            key=topic.key_of(event),
            value=event.model_dump_json().encode(),
            headers={
                "content-type": "application/json",
                "ce_type": event.event_type,
                "ce_id": str(event.event_id),
                "ce_specversion": "1.0",
                "schema_version": str(event.schema_version),
                "correlation_id": event.correlation_id,
            },
            event_id=event.event_id,
            correlation_id=event.correlation_id,
        )


OUTBOX_COLUMNS = ("topic", "key", "value", "headers", "event_id", "correlation_id")


async def enqueue(
    conn: asyncpg.Connection, messages: Sequence[OutboxMessage]
) -> list[tuple[int, OutboxMessage]]:
    """Write the messages to the outbox in order; returns them with their row ids (ids
    ascend in the order given, which is the order the relay publishes in)."""
    if not messages:
        return []
    ids = sorted(
        await conn.fetchval(
            "SELECT array_agg(nextval('outbox_id_seq')) FROM generate_series(1, $1)",
            len(messages),
        )
    )
    await conn.copy_records_to_table(
        "outbox",
        records=[
            (i, m.topic, m.key, m.value, json.dumps(m.headers), m.event_id, m.correlation_id)
            for i, m in zip(ids, messages, strict=True)
        ],
        columns=("id", *OUTBOX_COLUMNS),
    )
    return list(zip(ids, messages, strict=True))

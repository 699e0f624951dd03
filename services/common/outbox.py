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


# The messages as rows, in the order given: $1..$6 are the arrays of `message_arrays`.
MESSAGES = """
SELECT * FROM unnest($1::text[], $2::bytea[], $3::bytea[], $4::text[], $5::uuid[], $6::text[])
    WITH ORDINALITY AS u(topic, key, value, headers, event_id, correlation_id, position)
"""


def insert_from(messages_sql: str) -> str:
    """An INSERT of the rows `messages_sql` selects (the columns of MESSAGES, or a subset of
    its rows), with ids ascending in their `position` order: the order the relay publishes
    them in. A caller whose own statement decides which events to emit can put this after a
    WITH of its own and write everything in one round trip."""
    return f"""
INSERT INTO outbox (id, topic, key, value, headers, event_id, correlation_id)
SELECT nextval('outbox_id_seq'), topic, key, value, headers::jsonb, event_id, correlation_id
FROM ({messages_sql} ORDER BY position) AS given
"""


ENQUEUE = insert_from(MESSAGES)


def message_arrays(messages: Sequence[OutboxMessage]) -> list[list[object]]:
    """The parameters $1..$6 of MESSAGES."""
    return [
        [m.topic for m in messages],
        [m.key for m in messages],
        [m.value for m in messages],
        [json.dumps(m.headers) for m in messages],
        [m.event_id for m in messages],
        [m.correlation_id for m in messages],
    ]


async def enqueue(conn: asyncpg.Connection, messages: Sequence[OutboxMessage]) -> None:
    """Write the messages to the outbox in one statement, with ids ascending in the order
    given: the order the relay publishes them in."""
    if not messages:
        return
    await conn.execute(ENQUEUE, *message_arrays(messages))

"""Dead letters: the original bytes, the reason, the service and the time, kept in the
service's `dead_letters` table and published to `<topic>.dlq` through the outbox."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from pydantic import ValidationError

from schemas.topics import DLQ_SUFFIX

from .outbox import OutboxMessage


@dataclass(frozen=True)
class RawRecord:
    """One consumed Kafka record, as it arrived."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes | None], ...] = ()

    @classmethod
    def of(cls, record: object) -> RawRecord:
        return cls(
            topic=record.topic,  # type: ignore[attr-defined]
            partition=record.partition,  # type: ignore[attr-defined]
            offset=record.offset,  # type: ignore[attr-defined]
            key=record.key,  # type: ignore[attr-defined]
            value=record.value or b"",  # type: ignore[attr-defined]
            headers=tuple(record.headers or ()),  # type: ignore[attr-defined]
        )


@dataclass(frozen=True)
class DeadLetter:
    record: RawRecord
    error: str


def describe_validation_error(exc: ValidationError) -> str:
    """The reason without the offending input values, which may hold patient data."""
    parts = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "<root>"
        parts.append(f"{loc}: {err['msg']}")
    more = f" (+{len(parts) - 5} more)" if len(parts) > 5 else ""
    return "schema-invalid: " + "; ".join(parts[:5]) + more


def storable(text: str) -> str:
    """PostgreSQL text and jsonb cannot hold NUL, and a poison message may carry any bytes:
    without this, storing its dead letter fails for good and the partition stalls."""
    return text.replace("\x00", "\ufffd")


def _header_text(value: bytes | None) -> str:
    return storable((value or b"").decode("utf-8", "replace"))  # Kafka allows null values


def _headers_json(headers: tuple[tuple[str, bytes | None], ...]) -> str:
    return json.dumps([[storable(k), _header_text(v)] for k, v in headers])


async def record_dead_letters(
    conn: asyncpg.Connection, service: str, letters: Sequence[DeadLetter]
) -> list[OutboxMessage]:
    """Store the letters (once per topic/partition/offset, so a redelivered poison message is
    not counted twice) and return the `<topic>.dlq` messages to publish for the new ones."""
    if not letters:
        return []
    failed_at = datetime.now(UTC)
    rows = await conn.fetch(
        "INSERT INTO dead_letters"
        " (service, topic, kafka_partition, kafka_offset, key, value, headers, error, failed_at)"
        " SELECT $1, t, p, o, k, v, h::jsonb, e, $2"
        " FROM unnest($3::text[], $4::int[], $5::bigint[], $6::bytea[], $7::bytea[],"
        "             $8::text[], $9::text[]) AS u(t, p, o, k, v, h, e)"
        " ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING"
        " RETURNING topic, kafka_partition, kafka_offset",
        service,
        failed_at,
        [d.record.topic for d in letters],
        [d.record.partition for d in letters],
        [d.record.offset for d in letters],
        [d.record.key for d in letters],
        [d.record.value for d in letters],
        [_headers_json(d.record.headers) for d in letters],
        [storable(d.error[:2000]) for d in letters],
    )
    new = {(r["topic"], r["kafka_partition"], r["kafka_offset"]) for r in rows}
    return [
        dlq_message(d, service, failed_at)
        for d in letters
        if (d.record.topic, d.record.partition, d.record.offset) in new
    ]


def dlq_message(letter: DeadLetter, service: str, failed_at: datetime) -> OutboxMessage:
    r = letter.record
    headers = {storable(k): _header_text(v) for k, v in r.headers}
    headers.update(
        {
            "dlq.error": storable(letter.error[:2000]),
            "dlq.service": service,
            "dlq.failed_at": failed_at.isoformat(),
            "dlq.topic": r.topic,
            "dlq.partition": str(r.partition),
            "dlq.offset": str(r.offset),
        }
    )
    return OutboxMessage(topic=r.topic + DLQ_SUFFIX, key=r.key, value=r.value, headers=headers)

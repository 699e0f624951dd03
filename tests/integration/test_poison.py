"""Garbage bytes and schema-invalid events go to the dead-letter topic with their reasons,
while valid events on the same partition keep flowing."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from medbill.migrate import migrate_all
from services.coder import main as coder
from services.common.records import header_key_bytes
from services.common.settings import Settings
from tests.conftest import eventually, read_topics
from tests.integration.raw_produce import RawHeaders, RawRecord, produce_raw
from tests.pipeline import Pipeline
from tests.support.samples import sample_encounter, sample_encounters


async def test_poison_messages_are_dead_lettered_and_the_partition_moves_on(
    fresh_kafka, database_url, tmp_path
):
    good = [e for e in sample_encounters(40, seed=5, review_share=0.0)]
    invalid = json.loads(good[0].model_dump_json())
    invalid["event_id"] = str(uuid.uuid4())
    invalid["data"]["patient"]["birth_date"] = "not a date"
    invalid["data"]["place_of_service"] = "ABC"
    wrong_version = json.loads(good[1].model_dump_json())
    wrong_version["event_id"] = str(uuid.uuid4())
    wrong_version["schema_version"] = 99
    poison = [
        b"\x00\xffthis is not json at all",
        json.dumps(invalid).encode(),
        b'{"event_type": "encounter.closed"}',
        json.dumps(wrong_version).encode(),
    ]
    # all on partition 0, interleaved: the valid ones after each poison must still be applied
    stream: list[bytes] = []
    for i, event in enumerate(good):
        stream.append(event.model_dump_json().encode())
        if i % 10 == 3:
            stream.append(poison[i // 10])

    await migrate_all(database_url)
    pipeline = Pipeline(kafka=fresh_kafka, database_url=database_url, smtp=None, log_dir=tmp_path)
    pipeline.start("coder")
    producer = AIOKafkaProducer(bootstrap_servers=fresh_kafka)
    await producer.start()
    try:
        for value in stream:
            await producer.send_and_wait("encounter.closed", value, key=b"same-key", partition=0)
    finally:
        await producer.stop()

    conn = await asyncpg.connect(database_url)
    try:

        async def all_seen() -> bool:
            coded = await conn.fetchval("SELECT count(*) FROM coder.encounters")
            dead = await conn.fetchval("SELECT count(*) FROM coder.dead_letters")
            return coded == len(good) and dead == len(poison)

        assert await eventually(all_seen, timeout=90), pipeline.logs("coder")[-3000:]
        letters = await conn.fetch(
            "SELECT topic, kafka_partition, value, error, service FROM coder.dead_letters"
            " ORDER BY kafka_offset"
        )
    finally:
        await conn.close()
        pipeline.stop()

    assert [bytes(r["value"]) for r in letters] == poison
    assert all(r["topic"] == "encounter.closed" and r["kafka_partition"] == 0 for r in letters)
    assert all(r["service"] == "coder" for r in letters)
    reasons = [r["error"] for r in letters]
    assert reasons[0].startswith("unparseable")
    assert "schema-invalid" in reasons[1] and "birth_date" in reasons[1]
    assert "place_of_service" in reasons[1]
    assert "not a date" not in reasons[1]  # reasons never echo the (possibly PHI) input
    assert "schema-invalid" in reasons[2] and "data" in reasons[2]
    assert "schema_version" in reasons[3]

    seen = await read_topics(fresh_kafka, ["encounter.closed.dlq"], len(poison))
    assert sorted(r.value for r in seen) == sorted(poison)
    headers = [dict(r.headers) for r in seen]
    assert all(
        h["dlq.service"] == b"coder" and h["dlq.error"] and h["dlq.failed_at"] for h in headers
    )
    assert all(h["dlq.topic"] == b"encounter.closed" for h in headers)


# --- any bytes: each record a producer can send is applied or dead-lettered ---------------

EVENT = sample_encounter(1, seed=11, review=False)
VALID = EVENT.model_dump_json().encode()
NOT_JSON = b"not an event"
POISON: dict[str, tuple[RawRecord, str]] = {
    # name: ((key, value, headers), what the dead letter's reason starts with)
    "null value": ((b"k", None, []), "unparseable"),
    "empty value": ((b"k", b"", []), "unparseable"),
    "value not UTF-8": ((b"k", b'{"event_id": "\xff\xfe"}', []), "unparseable"),
    "key not UTF-8": ((b"\xff\xfe\xfd", NOT_JSON, []), "unparseable"),
    "header with a null value": ((b"k", NOT_JSON, [(b"trace", None)]), "unparseable"),
    "header value not UTF-8": ((b"k", NOT_JSON, [(b"trace", b"\xc3\x28")]), "unparseable"),
    "header key not UTF-8": (
        (b"k", NOT_JSON, [(b"\xff\xfe", b"v"), (b"base64:x", b"w"), (b"ok", b"")]),
        "unparseable",
    ),
    "JSON but not an object": ((b"k", b"[1, 2, 3]", []), "schema-invalid"),
    "deeply nested JSON": ((b"k", b"[" * 100_000 + b"]" * 100_000, []), "unparseable"),
    "900 kB value": (
        (b"k", b'{"event_type": "encounter.closed", "note": "' + b"x" * 900_000 + b'"}', []),
        "schema-invalid",
    ),
}
APPLIED: dict[str, RawRecord] = {
    # a valid event with odd but legal headers is an event like any other
    "valid event, header key not UTF-8": (b"k", VALID, [(b"\xff\xfe", b"v")]),
    "valid event, header with a null value": (b"k", VALID, [(b"trace", None)]),
}


@asynccontextmanager
async def coder_consuming(kafka: str, database_url: str) -> AsyncIterator[None]:
    """The coder service in this process, as `medbill run coder` runs it."""
    runtime = coder.build(
        Settings(
            kafka_bootstrap_servers=kafka,
            database_url=database_url,
            kafka_group_prefix=f"test-{uuid.uuid4().hex[:8]}",
            kafka_session_timeout_ms=2000,
            kafka_heartbeat_interval_ms=300,
            kafka_fetch_max_wait_ms=50,
            relay_poll_ms=100,
        )
    )
    async with runtime.lifespan():
        await runtime.broker.start()
        try:
            yield
        finally:
            runtime.stopping.set()
            await runtime.broker.stop()


def _stored_headers(headers_json: str) -> list[tuple[bytes, bytes]]:
    return [(header_key_bytes(k), v.encode()) for k, v in json.loads(headers_json)]


def _as_stored(headers: RawHeaders) -> list[tuple[bytes, bytes]]:
    """Header keys are kept exactly; values as text (services.common.deadletter), a null as
    empty and bytes that are not UTF-8 as U+FFFD."""
    return [(k, (v or b"").decode("utf-8", "replace").encode()) for k, v in headers]


@pytest.mark.parametrize("case", [*POISON, *APPLIED])
async def test_any_bytes_are_applied_or_dead_lettered_and_the_partition_moves_on(
    case, fresh_kafka, database_url
):
    record = POISON[case][0] if case in POISON else APPLIED[case]
    key, value, headers = record
    after = EVENT.model_copy(update={"event_id": uuid.uuid4()})
    # one batch on one partition: the poison record, then a valid encounter
    first = await produce_raw(
        fresh_kafka,
        "encounter.closed",
        0,
        [record, (b"after", after.model_dump_json().encode(), [])],
    )

    conn = await asyncpg.connect(database_url)
    try:
        async with coder_consuming(fresh_kafka, database_url):

            async def settled() -> bool:
                try:
                    applied = await conn.fetchval(
                        "SELECT count(*) FROM coder.inbox WHERE event_id = ANY($1::uuid[])",
                        [after.event_id, EVENT.event_id],
                    )
                    dead = await conn.fetchval("SELECT count(*) FROM coder.dead_letters")
                except asyncpg.UndefinedTableError:
                    return False  # not migrated yet
                return applied == 2 - (case in POISON) and dead == (case in POISON)

            done = await eventually(settled, timeout=60)
            letters = await conn.fetch(
                "SELECT topic, kafka_partition, kafka_offset, key, value, headers::text, error"
                " FROM coder.dead_letters"
            )
        assert done, f"stalled: dead letters {len(letters)}"
    finally:
        await conn.close()

    if case in APPLIED:
        assert letters == []
        return
    (letter,) = letters
    assert (letter["topic"], letter["kafka_partition"], letter["kafka_offset"]) == (
        "encounter.closed",
        0,
        first,
    )
    assert bytes(letter["value"]) == (value or b"")
    assert bytes(letter["key"]) == key
    assert _stored_headers(letter["headers"]) == _as_stored(headers)
    assert letter["error"].startswith(POISON[case][1]), letter["error"]

    (dlq,) = await read_topics(fresh_kafka, ["encounter.closed.dlq"], 1)
    assert dlq.value == (value or b"") and dlq.key == key
    dlq_headers = dict(dlq.headers)
    assert dlq_headers["dlq.error"].decode() == letter["error"]
    assert dlq_headers["dlq.offset"] == str(first).encode()
    # the outbox keeps a message's headers as a JSON object: their order is not kept
    assert sorted(
        (header_key_bytes(k), v) for k, v in dlq.headers if not k.startswith("dlq.")
    ) == sorted(_as_stored(headers))

"""Garbage bytes and schema-invalid events go to the dead-letter topic with their reasons,
while valid events on the same partition keep flowing."""

from __future__ import annotations

import json
import uuid

import asyncpg
from aiokafka import AIOKafkaProducer

from medbill.migrate import migrate_all
from tests.conftest import eventually, read_topics
from tests.pipeline import Pipeline
from tests.support.samples import sample_encounters


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

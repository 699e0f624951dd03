"""The contract can evolve, on the running system: every consumer applies events whose
envelope and `data` carry fields it does not know (a newer producer added them), an event of
a version nobody reads is dead-lettered with a reason naming it, and every producer emits
only the fields its model declares."""

from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg

from medbill.migrate import migrate_all
from medbill.publishing import send_all
from schemas.topics import BY_NAME
from services.common.outbox import OutboxMessage
from tests.conftest import eventually, read_topics
from tests.integration.flows import Expected, publish, settled
from tests.pipeline import Pipeline
from tests.support.samples import sample_encounters

CONSUMED = ["encounter.closed", "encounter.coded", "statement.issued", "coding.review-requested"]
PRODUCED = [
    "encounter.coded",
    "coding.review-requested",
    "claim.submitted",
    "claim.rejected",
    "statement.issued",
    "notification.sent",
    "notification.failed",
]


def newer(event: dict, tag: str) -> dict:
    """The same fact as a newer producer would send it: a fresh id, and fields added later
    in the envelope, in `data` and deeper."""
    e = json.loads(json.dumps(event))
    e["event_id"] = str(uuid.uuid4())
    e["x_trace"] = {"added": "later"}
    data = e["data"]
    data["x_added_later"] = [1, {"two": 2}]
    for value in data.values():
        target = value[0] if isinstance(value, list) and value else value
        if isinstance(target, dict):
            target["x_added_later"] = True
    for key in ("encounter_id", "patient_account"):
        if key in data:
            data[key] = f"{data[key]}-{tag}"
    if "encounter_id" in data:
        e["correlation_id"] = data["encounter_id"]
    for doc in ("statement_id", "claim_id"):
        if doc in data:
            data[doc] = str(uuid.uuid4())
    if "encounter_ids" in data:
        data["encounter_ids"] = [f"{i}-{tag}" for i in data["encounter_ids"]]
    return e


def message(topic: str, event: dict) -> OutboxMessage:
    key = event["data"].get("patient_account") if topic == "statement.issued" else None
    key = key or event["data"].get("encounter_id") or event["correlation_id"]
    return OutboxMessage(topic=topic, key=key.encode(), value=json.dumps(event).encode())


async def test_every_consumer_applies_fields_added_later_and_every_producer_is_strict(
    fresh_kafka, database_url, smtp_server, tmp_path
):
    host, port, mailbox = smtp_server
    events = sample_encounters(30, seed=3, review_share=0.15, self_pay_share=0.4)
    expected = Expected.of(events)
    await migrate_all(database_url)
    pipeline = Pipeline(
        kafka=fresh_kafka, database_url=database_url, smtp=(host, port), log_dir=tmp_path
    )
    pipeline.start()
    conn = await asyncpg.connect(database_url)
    try:
        await publish(fresh_kafka, events)
        await settled(database_url, expected, mailbox)

        # what our own producers wrote, and the same facts again from a "newer" producer
        records = await read_topics(fresh_kafka, CONSUMED, len(events))
        first: dict[str, dict] = {}
        for r in records:
            first.setdefault(r.topic, json.loads(r.value))
        assert set(first) == set(CONSUMED)
        again = {t: newer(e, "NEWER") for t, e in first.items()}
        before = await _applied(conn)
        await send_all(fresh_kafka, [message(t, e) for t, e in again.items()])

        async def all_applied() -> bool:
            now = await _applied(conn)
            return all(now[c] > before[c] for c in now)

        assert await eventually(all_applied, timeout=60), (before, await _applied(conn))
        closed_id = again["encounter.closed"]["data"]["encounter_id"]
        coded_id = again["encounter.coded"]["data"]["encounter_id"]
        assert await conn.fetchval(
            "SELECT count(*) FROM coder.encounters WHERE encounter_id = $1", closed_id
        )
        assert await conn.fetchval(
            "SELECT (SELECT count(*) FROM biller.claims WHERE encounter_id = $1)"
            " + (SELECT count(*) FROM biller.statements WHERE encounter_id = $1)",
            coded_id,
        )
        assert await conn.fetchval("SELECT count(*) FROM coder.dead_letters") == 0
        assert await conn.fetchval("SELECT count(*) FROM biller.dead_letters") == 0
        assert await conn.fetchval("SELECT count(*) FROM notifier.dead_letters") == 0

        # and an event of a version no consumer reads: dead-lettered, the reason names it
        future = json.loads(json.dumps(first["encounter.closed"]))
        future["event_id"] = str(uuid.uuid4())
        future["schema_version"] = 99
        await send_all(fresh_kafka, [message("encounter.closed", future)])
        letters = await eventually(
            lambda: conn.fetch("SELECT error FROM coder.dead_letters"), timeout=30
        )
        assert [r["error"] for r in letters] == [
            "unreadable: unknown schema_version 99 of encounter.closed"
            " (this consumer reads version 1)"
        ]
        await asyncio.sleep(1)
    finally:
        await conn.close()
        pipeline.stop()

    # producers are strict: every event they wrote parses with unknown fields refused
    produced = await read_topics(fresh_kafka, PRODUCED, 1)
    sources: set[str] = set()
    for record in produced:
        if b"x_added_later" in record.value:
            continue  # what this test injected as a newer producer
        event = BY_NAME[record.topic].event.model_validate_json(record.value, extra="forbid")
        sources.add(event.source)
    assert {"medbill/coder", "medbill/biller", "medbill/notifier"} <= sources


async def _applied(conn: asyncpg.Connection) -> dict[str, int]:
    """Events applied per consumer, from each service's inbox."""
    rows = await conn.fetch(
        "SELECT consumer, count(*) AS n FROM ("
        " SELECT consumer FROM coder.inbox UNION ALL SELECT consumer FROM biller.inbox"
        " UNION ALL SELECT consumer FROM notifier.inbox) i GROUP BY consumer"
    )
    applied = {r["consumer"]: r["n"] for r in rows}
    for consumer in (
        "coder.encounter-closed",
        "biller.encounter-coded",
        "notifier.statement-issued",
        "notifier.review-requested",
    ):
        applied.setdefault(consumer, 0)
    return {c: n for c, n in applied.items() if c != "coder.review-completed"}

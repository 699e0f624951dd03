"""Inbox, outbox, dead letters and the batch consumption policy (the failure policy, the
version policy) on the real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest

from schemas.billing import ClaimRejected, ClaimRejectedData
from schemas.coding import CodingReviewCompleted
from services.common.consuming import (
    Batch,
    BatchGivenBack,
    BatchProcessor,
    ConsumerHalted,
    Handler,
)
from services.common.deadletter import RawRecord
from services.common.inbox import claim_new
from services.common.outbox import OutboxMessage, enqueue
from services.common.retry import Backoff, FailurePolicy
from tests.service.records import TOPIC, record_of, review_completed

CONSUMER = "svc.reviews"


# --- inbox and outbox primitives -------------------------------------------------------------


async def test_claim_new_returns_only_ids_seen_for_the_first_time(pool: asyncpg.Pool):
    a, b, c = uuid4(), uuid4(), uuid4()
    async with pool.acquire() as conn:
        assert await claim_new(conn, CONSUMER, [a, b]) == {a, b}
        assert await claim_new(conn, CONSUMER, [b, c, c]) == {c}
        assert await claim_new(conn, CONSUMER, [a, b, c]) == set()
        # the inbox is per consumer: another consumer of the same events starts afresh
        assert await claim_new(conn, "svc.other", [a]) == {a}


async def test_a_rolled_back_transaction_forgets_the_ids_it_claimed(pool: asyncpg.Pool):
    a = uuid4()
    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError, match="effects failed"):
            async with conn.transaction():
                assert await claim_new(conn, CONSUMER, [a]) == {a}
                raise RuntimeError("effects failed")
        assert await claim_new(conn, CONSUMER, [a]) == {a}


async def test_enqueue_writes_one_unsent_row_per_message(pool: asyncpg.Pool):
    event = review_completed("ENC-7")
    raw_message = OutboxMessage(topic="x.y", key=None, value=b"\x00\xffbytes", headers={})
    async with pool.acquire() as conn:
        await enqueue(conn, [OutboxMessage.of(event), raw_message])
        await enqueue(conn, [])
        rows = await conn.fetch("SELECT * FROM outbox ORDER BY id")

    assert len(rows) == 2
    first, second = rows
    assert first["topic"] == "coding.review-completed"
    assert first["key"] == b"ENC-7"
    assert CodingReviewCompleted.model_validate_json(first["value"]) == event
    assert json.loads(first["headers"]) == {
        "content-type": "application/json",
        "ce_type": "coding.review-completed",
        "ce_id": str(event.event_id),
        "ce_specversion": "1.0",
        "schema_version": "1",
        "correlation_id": "ENC-7",
    }
    assert first["event_id"] == event.event_id
    assert first["correlation_id"] == "ENC-7"
    assert (second["topic"], second["key"], second["value"]) == ("x.y", None, b"\x00\xffbytes")
    assert second["event_id"] is None


# --- the batch processor ---------------------------------------------------------------------


def rejected_because_reviewed(event: CodingReviewCompleted) -> ClaimRejected:
    """The event a test handler emits for each review it applies (any small event will do)."""
    return ClaimRejected.create(
        ClaimRejectedData(encounter_id=event.data.encounter_id, stage="scrubber", reasons=["x"]),
        source="tests/svc",
        correlation_id=event.correlation_id,
        causation_id=event.event_id,
    )


async def apply_reviews(conn: asyncpg.Connection, batch: Batch[CodingReviewCompleted]) -> None:
    await conn.executemany(
        "INSERT INTO effects (event_id, encounter_id) VALUES ($1, $2)",
        [(e.event_id, e.data.encounter_id) for e in batch.events],
    )
    for event in batch.events:
        batch.emit(rejected_because_reviewed(event))


class Harness:
    """A BatchProcessor on the test schema, and what it left in the database."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        handler: Handler[Any],
        max_attempts: int = 3,
        keep: Callable[[CodingReviewCompleted], Any] | None = None,
    ) -> None:
        self.pool = pool
        self.stop = asyncio.Event()
        self.commits = 0
        self.processor = BatchProcessor(
            service="svc",
            consumer=CONSUMER,
            model=CodingReviewCompleted,
            handler=handler,
            pool=lambda: pool,
            after_commit=self._committed,
            stop=self.stop,
            policy=FailurePolicy(max_attempts=max_attempts, backoff=Backoff(0.01, 0.02)),
            keep=keep,
        )

    def _committed(self) -> None:
        self.commits += 1

    async def process(self, records: list[RawRecord]) -> None:
        await self.processor.process(records)

    async def fetch(self, sql: str, *args: object) -> list[asyncpg.Record]:
        async with self.pool.acquire() as conn:
            return await conn.fetch(sql, *args)

    async def effects(self) -> list[str]:
        rows = await self.fetch("SELECT encounter_id FROM effects ORDER BY id")
        return [r["encounter_id"] for r in rows]

    async def emitted(self) -> list[asyncpg.Record]:
        return await self.fetch("SELECT * FROM outbox WHERE topic NOT LIKE '%.dlq' ORDER BY id")

    async def emitted_causes(self) -> list[UUID | None]:
        """The events the emitted ones answer, in outbox order."""
        return [
            ClaimRejected.model_validate_json(r["value"]).causation_id for r in await self.emitted()
        ]

    async def dlq(self) -> list[asyncpg.Record]:
        return await self.fetch("SELECT * FROM outbox WHERE topic LIKE '%.dlq' ORDER BY id")

    async def dead_letters(self) -> list[asyncpg.Record]:
        return await self.fetch("SELECT * FROM dead_letters ORDER BY kafka_offset")

    async def inbox(self) -> set[UUID]:
        rows = await self.fetch("SELECT event_id FROM inbox WHERE consumer = $1", CONSUMER)
        return {r["event_id"] for r in rows}


@pytest.fixture
def harness(pool: asyncpg.Pool) -> Harness:
    return Harness(pool, apply_reviews)


async def test_a_redelivered_batch_is_applied_once(harness: Harness):
    events = [review_completed(f"ENC-{i}") for i in range(3)]
    records = [record_of(e, offset=i) for i, e in enumerate(events)]

    await harness.process(records)
    await harness.process(records)
    # a redelivery may also come at other offsets, e.g. after a rebalance
    await harness.process([record_of(events[1], offset=10), record_of(events[1], offset=11)])

    assert await harness.effects() == ["ENC-0", "ENC-1", "ENC-2"]
    assert await harness.emitted_causes() == [e.event_id for e in events]
    assert [r["topic"] for r in await harness.emitted()] == ["claim.rejected"] * 3
    assert await harness.inbox() == {e.event_id for e in events}
    assert await harness.dead_letters() == []
    assert harness.commits == 3


async def test_garbage_and_schema_invalid_records_are_dead_lettered_and_the_rest_applied(
    harness: Harness,
):
    good = [review_completed("ENC-1"), review_completed("ENC-2")]
    invalid = json.loads(review_completed("ENC-3").model_dump_json())
    invalid["data"]["diagnoses"] = ["not a code"]
    invalid_bytes = json.dumps(invalid).encode()
    garbage = b"\x00\x01 definitely not json {"
    poison_headers = (("content-type", b"application/json"), ("trace", b"abc"))
    records = [
        record_of(good[0], offset=0),
        record_of(garbage, offset=1, headers=poison_headers),
        record_of(invalid_bytes, offset=2),
        record_of(good[1], offset=3),
    ]

    await harness.process(records)

    assert await harness.effects() == ["ENC-1", "ENC-2"]
    assert len(await harness.emitted()) == 2

    letters = await harness.dead_letters()
    assert [(r["topic"], r["kafka_partition"], r["kafka_offset"]) for r in letters] == [
        (TOPIC, 0, 1),
        (TOPIC, 0, 2),
    ]
    assert [r["value"] for r in letters] == [garbage, invalid_bytes]
    assert letters[0]["error"].startswith("unparseable")
    assert letters[1]["error"].startswith("schema-invalid")
    assert "data.diagnoses.0" in letters[1]["error"]
    assert all(r["service"] == "svc" for r in letters)
    assert json.loads(letters[0]["headers"]) == [
        ["content-type", "application/json"],
        ["trace", "abc"],
    ]

    dlq = await harness.dlq()
    assert [r["topic"] for r in dlq] == [f"{TOPIC}.dlq", f"{TOPIC}.dlq"]
    assert [r["value"] for r in dlq] == [garbage, invalid_bytes]
    assert [r["key"] for r in dlq] == [b"ENC-POISON", b"ENC-POISON"]
    headers = [json.loads(r["headers"]) for r in dlq]
    assert headers[0]["trace"] == "abc"
    for h, offset, reason in zip(headers, (1, 2), ("unparseable", "schema-invalid"), strict=True):
        assert h["dlq.error"].startswith(reason)
        assert h["dlq.service"] == "svc"
        assert h["dlq.topic"] == TOPIC
        assert h["dlq.partition"] == "0"
        assert h["dlq.offset"] == str(offset)
        assert h["dlq.failed_at"]


async def test_the_reason_for_a_schema_invalid_record_does_not_quote_its_content(
    harness: Harness,
):
    invalid = json.loads(review_completed("ENC-3").model_dump_json())
    invalid["data"]["reviewer_id"] = ""
    invalid["data"]["note"] = {"patient": "Ana Lopez"}

    await harness.process([record_of(json.dumps(invalid).encode(), offset=0)])

    [letter] = await harness.dead_letters()
    assert "data.note" in letter["error"]
    assert "Ana Lopez" not in letter["error"]


async def test_a_redelivered_poison_record_is_dead_lettered_once(harness: Harness):
    poison = record_of(b"not json", offset=7, partition=2)

    await harness.process([poison])
    await harness.process([poison])

    letters = await harness.dead_letters()
    assert [(r["kafka_partition"], r["kafka_offset"]) for r in letters] == [(2, 7)]
    assert len(await harness.dlq()) == 1
    assert harness.commits == 2


async def test_poison_records_with_any_header_bytes_are_dead_lettered_and_the_rest_applied(
    harness: Harness,
):
    # PostgreSQL text and jsonb cannot hold NUL; Kafka allows null header values
    nul = record_of(b"junk \x00", offset=1, headers=(("trace\x00", b"a\x00b"), ("h", b"\xff")))
    null = record_of(b"junk", offset=2, headers=(("empty", None),))  # type: ignore[arg-type]
    good = review_completed("ENC-1")

    await harness.process([nul, record_of(good, offset=0), null])

    assert await harness.effects() == ["ENC-1"]
    letters = await harness.dead_letters()
    assert [(r["kafka_offset"], r["value"]) for r in letters] == [(1, b"junk \x00"), (2, b"junk")]
    assert json.loads(letters[0]["headers"]) == [["trace\ufffd", "a\ufffdb"], ["h", "\ufffd"]]
    assert json.loads(letters[1]["headers"]) == [["empty", ""]]
    dlq = await harness.dlq()
    assert [r["value"] for r in dlq] == [b"junk \x00", b"junk"]
    assert json.loads(dlq[0]["headers"])["trace\ufffd"] == "a\ufffdb"


async def test_a_message_its_handler_calls_bad_is_dead_lettered_and_left_out_of_the_inbox(
    pool: asyncpg.Pool,
):
    async def handler(conn: asyncpg.Connection, batch: Batch[CodingReviewCompleted]) -> None:
        good = []
        for event in batch.events:
            if event.data.encounter_id == "ENC-UNKNOWN":
                batch.reject(event, "encounter ENC-UNKNOWN is not waiting for review")
            else:
                good.append(event)
        await conn.executemany(
            "INSERT INTO effects (event_id, encounter_id) VALUES ($1, $2)",
            [(event.event_id, event.data.encounter_id) for event in good],
        )
        for event in good:
            batch.emit(rejected_because_reviewed(event))

    harness = Harness(pool, handler)
    events = [review_completed(e) for e in ("ENC-1", "ENC-UNKNOWN", "ENC-3")]
    await harness.process([record_of(e, offset=i) for i, e in enumerate(events)])

    assert await harness.effects() == ["ENC-1", "ENC-3"]
    assert len(await harness.emitted()) == 2
    # not marked applied: a replay from the dead-letter topic is applied afresh
    assert await harness.inbox() == {events[0].event_id, events[2].event_id}
    [letter] = await harness.dead_letters()
    assert letter["kafka_offset"] == 1
    assert letter["value"] == record_of(events[1], offset=1).value
    assert letter["error"] == "encounter ENC-UNKNOWN is not waiting for review"
    [dlq] = await harness.dlq()
    assert dlq["topic"] == f"{TOPIC}.dlq"
    assert dlq["key"] == b"ENC-UNKNOWN"


async def test_a_bug_halts_the_consumer_without_dead_letters_or_commits_and_a_restart_applies_once(
    harness: Harness, pool: asyncpg.Pool
):
    events = [review_completed(e) for e in ("ENC-1", "ENC-VIOLATES-CHECK", "ENC-3")]
    records = [record_of(e, offset=i) for i, e in enumerate(events)]
    records.append(record_of(b"[]", offset=3))

    running = asyncio.ensure_future(harness.process(records))
    for _ in range(200):  # three failed attempts, then it holds the batch
        if harness.processor.health.state == "halted":
            break
        await asyncio.sleep(0.02)
    assert harness.processor.health.state == "halted"
    assert harness.processor.health.failures == 3
    assert harness.processor.health.detail.startswith("CheckViolationError")
    assert not harness.processor.health.healthy
    assert not running.done()  # takes no more messages: FastStream commits nothing

    harness.stop.set()  # SIGTERM: the batch goes back uncommitted
    with pytest.raises(ConsumerHalted):
        await running
    assert harness.commits == 0
    assert await harness.effects() == []
    assert await harness.inbox() == set()
    assert await harness.dead_letters() == []
    assert await harness.fetch("SELECT * FROM outbox") == []

    # the bug fixed (the rule relaxed) and the service restarted: every event applied once
    async with pool.acquire() as conn:
        await conn.execute("ALTER TABLE effects DROP CONSTRAINT effects_encounter_id_check")
    restarted = Harness(pool, apply_reviews)
    await restarted.process(records)
    await restarted.process(records)  # and a redelivery changes nothing
    assert await restarted.effects() == ["ENC-1", "ENC-VIOLATES-CHECK", "ENC-3"]
    assert await restarted.emitted_causes() == [e.event_id for e in events]
    # only the record that is not an event at all is dead-lettered
    assert [r["kafka_offset"] for r in await restarted.dead_letters()] == [3]
    assert restarted.processor.health.state == "ok"


@dataclass(frozen=True)
class Kept:
    """What a consumer keeps of a review (its domain form, say)."""

    event_id: UUID
    encounter_id: str


def kept(event: CodingReviewCompleted) -> Kept:
    return Kept(event.event_id, event.data.encounter_id)


async def test_the_handler_is_given_what_keep_makes_of_each_new_event(pool: asyncpg.Pool):
    given: list[list[object]] = []

    async def handler(conn: asyncpg.Connection, batch: Batch[Kept]) -> None:
        given.append(batch.events)
        await conn.executemany(
            "INSERT INTO effects (event_id, encounter_id) VALUES ($1, $2)",
            [(k.event_id, k.encounter_id) for k in batch.events],
        )

    harness = Harness(pool, handler, keep=kept)
    events = [review_completed("ENC-1"), review_completed("ENC-2")]
    records = [record_of(e, offset=i) for i, e in enumerate(events)]
    await harness.process([*records, record_of(b"[]", offset=2)])
    await harness.process(records)  # a redelivery: nothing new, the handler is not called

    assert given == [[Kept(e.event_id, e.data.encounter_id) for e in events]]
    assert await harness.effects() == ["ENC-1", "ENC-2"]
    assert await harness.inbox() == {e.event_id for e in events}
    assert [r["kafka_offset"] for r in await harness.dead_letters()] == [2]


async def test_a_failure_of_keep_is_ours_retried_by_the_policy_and_never_dead_lettered(
    pool: asyncpg.Pool,
):
    calls = 0

    def keep_failing_twice(event: CodingReviewCompleted) -> Kept:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise ValueError("a bug in the translation")  # a ValueError, as pydantic's are
        return kept(event)

    async def handler(conn: asyncpg.Connection, batch: Batch[Kept]) -> None:
        await conn.executemany(
            "INSERT INTO effects (event_id, encounter_id) VALUES ($1, $2)",
            [(k.event_id, k.encounter_id) for k in batch.events],
        )

    harness = Harness(pool, handler, keep=keep_failing_twice)
    await harness.process([record_of(review_completed("ENC-1"), offset=0)])

    assert calls == 3
    assert await harness.effects() == ["ENC-1"]
    assert await harness.dead_letters() == []
    assert harness.commits == 1


async def test_a_persistent_transient_failure_turns_health_red_until_it_passes(pool: asyncpg.Pool):
    harness = Harness(pool, failing_first(4, lambda: ConnectionResetError("db away")), 2)
    states: list[str] = []
    real_failed = harness.processor.health.failed

    def watch(detail: str, *, unhealthy: bool) -> None:
        real_failed(detail, unhealthy=unhealthy)
        states.append(harness.processor.health.state)

    harness.processor.health.failed = watch  # type: ignore[method-assign]
    await harness.process([record_of(review_completed("ENC-1"), offset=0)])

    assert states == ["ok", "retrying", "retrying", "retrying"]  # never halted: it passes
    assert harness.processor.health.state == "ok"
    assert await harness.effects() == ["ENC-1"]
    assert await harness.dead_letters() == []


def failing_first(times: int, error: Callable[[], Exception]) -> Handler[CodingReviewCompleted]:
    calls = 0

    async def handler(conn: asyncpg.Connection, batch: Batch[CodingReviewCompleted]) -> None:
        nonlocal calls
        await apply_reviews(conn, batch)
        calls += 1
        if calls <= times:
            raise error()

    return handler


async def test_a_transient_failure_is_retried_and_never_dead_lettered(pool: asyncpg.Pool):
    harness = Harness(pool, failing_first(2, lambda: ConnectionResetError("db went away")))
    events = [review_completed("ENC-1"), review_completed("ENC-2")]

    await harness.process([record_of(e, offset=i) for i, e in enumerate(events)])

    assert await harness.effects() == ["ENC-1", "ENC-2"]
    assert len(await harness.emitted()) == 2
    assert await harness.dead_letters() == []
    assert harness.commits == 1


async def test_a_transient_failure_while_stopping_commits_nothing(pool: asyncpg.Pool):
    harness = Harness(pool, failing_first(1, lambda: ConnectionResetError("db went away")))
    harness.stop.set()
    event = review_completed("ENC-1")

    with pytest.raises(BatchGivenBack, match="stopping while it failed") as given_back:
        await harness.process([record_of(event, offset=0)])
    assert isinstance(given_back.value.__cause__, ConnectionResetError)

    assert harness.commits == 0
    assert await harness.effects() == []
    assert await harness.inbox() == set()
    assert await harness.dead_letters() == []
    assert await harness.fetch("SELECT * FROM outbox") == []

    # delivered again after the restart: applied
    harness.stop.clear()
    await harness.process([record_of(event, offset=0)])
    assert await harness.effects() == ["ENC-1"]


# --- the version policy ----------------------------------------------------------------------


async def test_fields_a_newer_producer_added_are_ignored_and_the_event_applied(harness: Harness):
    event = review_completed("ENC-NEWER")
    newer = json.loads(event.model_dump_json())
    newer["traceparent"] = "00-abc-def-01"
    newer["data"]["added_later"] = {"nested": [1, 2]}
    newer["data"]["procedures"] = [{"code": "99213", "modifiers": [], "units": 1, "why": "x"}]

    await harness.process([record_of(json.dumps(newer).encode(), offset=0)])

    assert await harness.effects() == ["ENC-NEWER"]
    assert await harness.dead_letters() == []


async def test_an_unknown_schema_version_is_dead_lettered_with_a_reason_naming_it(
    harness: Harness,
):
    future = json.loads(review_completed("ENC-V99").model_dump_json())
    future["schema_version"] = 99

    await harness.process([record_of(json.dumps(future).encode(), offset=0)])

    assert await harness.effects() == []
    [letter] = await harness.dead_letters()
    assert letter["error"] == (
        "unreadable: unknown schema_version 99 of coding.review-completed"
        " (this consumer reads version 1)"
    )
    [dlq] = await harness.dlq()
    assert json.loads(dlq["headers"])["dlq.error"] == letter["error"]


async def test_an_older_version_is_read_side_by_side_and_upcast(pool: asyncpg.Pool):
    from pydantic import BaseModel

    from schemas.coding import CodingReviewCompletedData
    from schemas.versions import Reader, reader_for, register

    class ReviewV0Data(BaseModel):  # a shape from before: the reviewer was called "coder"
        encounter_id: str
        coder: str
        diagnoses: list[str]

    class ReviewV0(BaseModel):
        event_id: UUID
        event_type: str
        schema_version: int
        occurred_at: str
        source: str
        correlation_id: str
        data: ReviewV0Data

    def upcast(old: ReviewV0) -> CodingReviewCompleted:
        return CodingReviewCompleted(
            event_id=old.event_id,
            event_type=old.event_type,
            schema_version=1,
            occurred_at=old.occurred_at,
            source=old.source,
            correlation_id=old.correlation_id,
            data=CodingReviewCompletedData(
                encounter_id=old.data.encounter_id,
                reviewer_id=old.data.coder,
                diagnoses=old.data.diagnoses,
            ),
        )

    current = reader_for(CodingReviewCompleted)
    register(Reader(CodingReviewCompleted, {0: (ReviewV0, upcast)}))
    try:
        harness = Harness(pool, apply_reviews)
        old = json.loads(review_completed("ENC-OLD").model_dump_json())
        old["schema_version"] = 0
        old["data"]["coder"] = old["data"].pop("reviewer_id")
        await harness.process(
            [
                record_of(json.dumps(old).encode(), offset=0),
                record_of(review_completed("ENC-NEW"), offset=1),
            ]
        )
    finally:
        register(current)

    assert await harness.effects() == ["ENC-OLD", "ENC-NEW"]
    assert await harness.dead_letters() == []

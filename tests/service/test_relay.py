"""The outbox relay against the real PostgreSQL and the real Kafka-protocol broker."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, RequestTimedOutError
from aiokafka.structs import ConsumerRecord

from services.common.kafka import create_topics, make_producer
from services.common.outbox import OutboxMessage, enqueue
from services.common.relay import TAKE_OLDEST, Relay
from services.common.settings import Settings
from tests.conftest import eventually, read_topics


@pytest.fixture
async def producer(kafka: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = make_producer(Settings(kafka_bootstrap_servers=kafka))
    await producer.start()
    yield producer
    await producer.stop()


@pytest.fixture
async def topic(kafka: str) -> str:
    name = f"relay-test-{uuid4().hex[:12]}"
    assert await create_topics(kafka, {name: 1}) == [name]
    return name


def messages(topic: str, n: int, start: int = 0) -> list[OutboxMessage]:
    return [
        OutboxMessage(
            topic=topic,
            key=f"ENC-{i}".encode(),
            value=f'{{"n": {i}}}'.encode(),
            headers={"ce_type": "test.event", "n": str(i)},
        )
        for i in range(start, start + n)
    ]


async def enqueue_committed(pool: asyncpg.Pool, batch: list[OutboxMessage]) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await enqueue(conn, batch)


async def unsent(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT count(*) FROM outbox")


async def read_all(kafka: str, topic: str, expected: int) -> list[ConsumerRecord]:
    return await read_topics(kafka, [topic], expected)


def as_sent(records: list[ConsumerRecord]) -> list[tuple[bytes, bytes, dict[str, str]]]:
    return [(r.key, r.value, {k: v.decode() for k, v in r.headers}) for r in records]


def as_enqueued(batch: list[OutboxMessage]) -> list[tuple[bytes | None, bytes, dict[str, str]]]:
    return [(m.key, m.value, m.headers) for m in batch]


async def test_committed_rows_are_published_in_order_and_removed(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, kafka: str, topic: str
):
    relay = Relay(pool, producer, batch_size=2, poll_interval=0.05)
    relay.start()
    try:
        first, second = messages(topic, 5), messages(topic, 3, start=5)
        await enqueue_committed(pool, first)
        relay.wake()
        await enqueue_committed(pool, second)
        assert await eventually(lambda: _sent_count([relay], 8), timeout=30)
        assert await _all_sent(pool)
    finally:
        await relay.stop()

    assert relay.published == 8
    assert as_sent(await read_all(kafka, topic, 8)) == as_enqueued(first + second)


async def _all_sent(pool: asyncpg.Pool) -> bool:
    return await unsent(pool) == 0


async def test_an_uncommitted_row_is_not_published_until_its_transaction_commits(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, kafka: str, topic: str
):
    relay = Relay(pool, producer, poll_interval=0.05)
    relay.start()
    try:
        async with pool.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            await enqueue(conn, messages(topic, 1, start=0))
            await enqueue_committed(pool, messages(topic, 1, start=1))
            relay.wake()
            assert await eventually(lambda: _sent_count([relay], 1), timeout=30)
            await asyncio.sleep(0.3)  # several relay passes
            assert relay.published == 1
            await tx.commit()
        relay.wake()
        assert await eventually(lambda: _sent_count([relay], 2), timeout=30)
    finally:
        await relay.stop()

    # published in commit order here; the id order only holds among committed rows
    sent = as_sent(await read_all(kafka, topic, 2))
    assert [value for _, value, _ in sent] == [b'{"n": 1}', b'{"n": 0}']


async def _sent_count(relays: list[Relay], n: int) -> bool:
    return sum(r.published for r in relays) == n


async def test_stop_publishes_what_is_committed_before_returning(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, kafka: str, topic: str
):
    relay = Relay(pool, producer, batch_size=3, poll_interval=600)  # only stop() wakes it
    relay.start()
    batch = messages(topic, 7)
    await enqueue_committed(pool, batch)
    await asyncio.sleep(0.2)
    assert await unsent(pool) == 7

    await asyncio.wait_for(relay.stop(), timeout=30)

    assert await unsent(pool) == 0
    assert relay.published == 7
    assert as_sent(await read_all(kafka, topic, 7)) == as_enqueued(batch)


async def test_two_relays_share_the_outbox_and_publish_each_row_once(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, kafka: str, topic: str
):
    batch = messages(topic, 60)
    relays = [Relay(pool, producer, batch_size=5, poll_interval=0.02) for _ in range(2)]
    for relay in relays:
        relay.start()
    try:
        for i in range(0, 60, 10):
            await enqueue_committed(pool, batch[i : i + 10])
            for relay in relays:
                relay.wake()
        assert await eventually(lambda: _sent_count(relays, 60), timeout=30)
    finally:
        for relay in relays:
            await relay.stop()

    assert sum(relay.published for relay in relays) == 60
    received = as_sent(await read_all(kafka, topic, 60))
    assert sorted(value for _, value, _ in received) == sorted(m.value for m in batch)


class FlakyProducer:
    """The real producer, with injected failures: some batches never reach the broker, and
    some reach it but their acknowledgement is lost (the relay must send them again)."""

    def __init__(self, real: AIOKafkaProducer, seed: int) -> None:
        self._real = real
        self._rng = random.Random(seed)
        self.failures = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)

    async def send_batch(self, batch: object, topic: str, *, partition: int) -> asyncio.Future:
        roll = self._rng.random()
        if roll < 0.2:
            self.failures += 1
            raise KafkaConnectionError("injected: not sent")
        sent = await self._real.send_batch(batch, topic, partition=partition)
        if roll < 0.35:
            await sent
            self.failures += 1
            lost: asyncio.Future = asyncio.get_running_loop().create_future()
            lost.set_exception(RequestTimedOutError("injected: acknowledgement lost"))
            return lost
        return sent


async def drain(relay: Relay, pool: asyncpg.Pool) -> None:
    """Publish passes until the outbox is empty, failed passes included (no backoff)."""
    while await unsent(pool):
        with contextlib.suppress(KafkaConnectionError, RequestTimedOutError):
            await relay.publish_once()
        await asyncio.sleep(0)


@pytest.mark.parametrize("replicas", [1, 2])
async def test_per_key_order_holds_under_publish_failures(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, kafka: str, replicas: int
):
    topic = f"relay-order-{uuid4().hex[:12]}"
    await create_topics(kafka, {topic: 3})
    rng = random.Random(7)
    batch = [
        OutboxMessage(
            topic=topic,
            key=f"ENC-{rng.randrange(6)}".encode(),
            value=f"{i:04d}".encode(),
            headers={"n": str(i)},
        )
        for i in range(240)
    ]
    for i in range(0, len(batch), 40):  # committed in several transactions, as consumers do
        await enqueue_committed(pool, batch[i : i + 40])

    flaky = [FlakyProducer(producer, seed) for seed in range(replicas)]
    relays = [Relay(pool, p, batch_size=13) for p in flaky]  # type: ignore[arg-type]
    await asyncio.wait_for(asyncio.gather(*(drain(r, pool) for r in relays)), 120)

    assert sum(p.failures for p in flaky) > 5  # the failures did happen
    records = await read_topics(kafka, [topic], len(batch))
    first_seen: dict[bytes, list[bytes]] = {}
    seen: set[bytes] = set()
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        if record.value not in seen:  # what a consumer applies: its inbox drops repeats
            seen.add(record.value)
            first_seen.setdefault(record.key, []).append(record.value)
    assert seen == {m.value for m in batch}  # nothing lost
    for key, values in first_seen.items():
        assert values == [m.value for m in batch if m.key == key], key


async def test_a_pass_that_empties_the_table_is_not_followed_by_a_query_of_the_empty_table(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, kafka: str, topic: str
):
    relay = Relay(pool, producer, batch_size=3, poll_interval=600)  # only wakes start a pass
    taken: list[int] = []
    publish_once = relay.publish_once

    async def counted() -> int:
        taken.append(await publish_once())
        return taken[-1]

    relay.publish_once = counted  # type: ignore[method-assign]
    relay.start()
    try:
        await enqueue_committed(pool, messages(topic, 7))
        relay.wake()
        assert await eventually(lambda: _sent_count([relay], 7), timeout=30)
        await asyncio.sleep(0.2)
        assert taken == [3, 3, 1]  # full batches, then the rest; no empty pass after it
        await enqueue_committed(pool, messages(topic, 2, start=7))
        relay.wake()  # a commit after the last pass wakes it again
        assert await eventually(lambda: _sent_count([relay], 9), timeout=30)
        assert taken == [3, 3, 1, 2]
    finally:
        await relay.stop()
    assert as_sent(await read_all(kafka, topic, 9)) == as_enqueued(messages(topic, 9))


async def test_a_pass_commits_without_waiting_for_the_wal_flush_and_only_itself(
    pool: asyncpg.Pool, topic: str
):
    # a lost delete only publishes its rows again (at-least-once): no flush is waited for
    await enqueue_committed(pool, messages(topic, 2))
    async with pool.acquire() as conn:
        async with conn.transaction():
            taken = await conn.fetch(TAKE_OLDEST, 10)
            assert await conn.fetchval("SHOW synchronous_commit") == "off"
        assert len(taken) == 2
        assert await conn.fetchval("SHOW synchronous_commit") == "on"  # the next transaction
        assert await unsent(pool) == 0

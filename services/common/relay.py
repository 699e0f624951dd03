"""The outbox relay: publishes committed outbox rows in id order and deletes them.

Two paths, one task (so they never publish out of turn):
- fresh: right after a consumer's commit it hands over the messages it wrote, with their
  row ids; the relay locks those rows (ids only), publishes the messages from memory and
  deletes the rows. Reading the events back from PostgreSQL was a good part of the relay's
  cost.
- poll: whatever is left in the table (a crash, a failed publish, another process's rows) is
  read, published in id order and deleted. Any failure of the fresh path falls back to it.

At-least-once: a crash between publishing and deleting publishes a row again, and the
consumers' inbox drops the duplicate. Replicas share the work with SKIP LOCKED."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Sequence

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder

from .db import retry_transient
from .logs import log_fields
from .outbox import OutboxMessage

log = logging.getLogger(__name__)

# Rows are deleted in the transaction that publishes them: a failed publish rolls the
# delete back. SKIP LOCKED lets replicas' relays share the table without sending a row twice.
TAKE_OLDEST = """
DELETE FROM outbox WHERE id IN (
    SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
) RETURNING id, topic, key, value, headers
"""
TAKE_THESE = """
DELETE FROM outbox WHERE id IN (
    SELECT id FROM outbox WHERE id = ANY($1::bigint[]) FOR UPDATE SKIP LOCKED
) RETURNING id
"""


class Relay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        *,
        batch_size: int = 1000,
        poll_interval: float = 0.2,
    ) -> None:
        self._pool = pool
        self._producer = producer
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._partitioner = DefaultPartitioner()
        self._partition_cache: dict[str, list[int]] = {}
        self._fresh: deque[Sequence[tuple[int, OutboxMessage]]] = deque()
        self.published = 0

    def wake(self) -> None:
        self._wake.set()

    def submit(self, rows: Sequence[tuple[int, OutboxMessage]]) -> None:
        """Committed outbox rows (id, message), to publish without reading them back."""
        if rows:
            self._fresh.append(rows)
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        """Publish what is committed, then stop."""
        self._stopping.set()
        self._wake.set()
        if self._task:
            await self._task

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval)
            self._wake.clear()
            handed_over = bool(self._fresh)
            try:
                while self._fresh:
                    await self._publish_fresh(self._fresh[0])
                    self._fresh.popleft()
                # leftovers are looked for on the poll tick, on a plain wake and at stop; a
                # wake that brought its rows needs no extra pass over the table
                if not handed_over or self._stopping.is_set():
                    while await retry_transient(self._publish_once, what="relay"):
                        pass
            except Exception:
                # the rows are still in the table: the poll path publishes them in id order
                self._fresh.clear()
                log.exception("relay pass failed; will retry")
                await asyncio.sleep(1)
            if self._stopping.is_set():
                return

    async def _publish_fresh(self, rows: Sequence[tuple[int, OutboxMessage]]) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            taken = {r["id"] for r in await conn.fetch(TAKE_THESE, [i for i, _ in rows])}
            # a row missing here was published by a poll pass (here or in a replica)
            await self._send([(m.topic, m.key, m.value, m.headers) for i, m in rows if i in taken])
        self.published += len(taken)

    async def _publish_once(self) -> int:
        """One batch of leftovers: take the oldest, publish and wait for the acks, commit."""
        async with self._pool.acquire() as conn, conn.transaction():
            # the published events live on in Kafka and in the services' own tables;
            # deleting is far cheaper for PostgreSQL than rewriting each row as sent
            rows = sorted(await conn.fetch(TAKE_OLDEST, self._batch_size), key=lambda r: r["id"])
            if not rows:
                return 0
            await self._send(
                [(r["topic"], r["key"], r["value"], json.loads(r["headers"])) for r in rows]
            )
        self.published += len(rows)
        log.debug("relayed", extra=log_fields(count=len(rows)))
        return len(rows)

    async def _send(self, rows: list[tuple[str, bytes | None, bytes, dict[str, str]]]) -> None:
        """Publish in per-partition batches (one future per batch, not per message: the
        difference is most of the relay's CPU) and wait for the broker's acks. Partitions are
        chosen by the producer's default partitioner, as a keyed send would."""
        open_batches: dict[tuple[str, int], BatchBuilder] = {}
        acks: list[asyncio.Future[object]] = []
        for topic, key, value, header_map in rows:
            partitions = await self._partitions_of(topic)
            target = (topic, self._partitioner(key, partitions, partitions))
            headers = [(k, v.encode()) for k, v in header_map.items()]
            batch = open_batches.get(target)
            if (
                batch is None
                or batch.append(key=key, value=value, timestamp=None, headers=headers) is None
            ):
                if batch is not None:  # full: send it, start the next one
                    acks.append(await self._producer.send_batch(batch, topic, partition=target[1]))
                batch = open_batches[target] = self._producer.create_batch()
                if batch.append(key=key, value=value, timestamp=None, headers=headers) is None:
                    raise ValueError(f"a {topic} event is larger than a producer batch")
        for (topic, partition), batch in open_batches.items():
            acks.append(await self._producer.send_batch(batch, topic, partition=partition))
        try:
            await asyncio.gather(*acks)
        except Exception:
            self._partition_cache.clear()
            raise

    async def _partitions_of(self, topic: str) -> list[int]:
        partitions = self._partition_cache.get(topic)
        if partitions is None:
            partitions = sorted(await self._producer.partitions_for(topic))
            self._partition_cache[topic] = partitions
        return partitions

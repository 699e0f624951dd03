"""The outbox relay: publishes committed outbox rows in id order and deletes them.

At-least-once: a crash between publishing and marking publishes a row again, and the
consumers' inbox drops the duplicate. Replicas share the work with SKIP LOCKED."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder

from .db import retry_transient
from .logs import log_fields

log = logging.getLogger(__name__)

FETCH_UNSENT = """
SELECT id, topic, key, value, headers FROM outbox
ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
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
        self.published = 0

    def wake(self) -> None:
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
            try:
                while await retry_transient(self._publish_once, what="relay"):
                    pass
            except Exception:
                log.exception("relay pass failed; will retry")
                await asyncio.sleep(1)
            if self._stopping.is_set():
                return

    async def _publish_once(self) -> int:
        """One batch: lock, publish and wait for the broker's acks, delete, commit."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(FETCH_UNSENT, self._batch_size)
            if not rows:
                return 0
            await self._send(rows)
            # the published events live on in Kafka and in the services' own tables;
            # deleting is far cheaper for PostgreSQL than rewriting each row as sent
            await conn.execute(
                "DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows]
            )
        self.published += len(rows)
        log.debug("relayed", extra=log_fields(count=len(rows)))
        return len(rows)

    async def _send(self, rows: list[asyncpg.Record]) -> None:
        """Publish in per-partition batches (one future per batch, not per message: the
        difference is most of the relay's CPU) and wait for the broker's acks. Partitions are
        chosen by the producer's default partitioner, as a keyed send would."""
        open_batches: dict[tuple[str, int], BatchBuilder] = {}
        acks: list[asyncio.Future[object]] = []
        for r in rows:
            topic, key, value = r["topic"], r["key"], r["value"]
            partitions = await self._partitions_of(topic)
            target = (topic, self._partitioner(key, partitions, partitions))
            headers = [(k, v.encode()) for k, v in json.loads(r["headers"]).items()]
            batch = open_batches.get(target)
            if (
                batch is None
                or batch.append(key=key, value=value, timestamp=None, headers=headers) is None
            ):
                if batch is not None:  # full: send it, start the next one
                    acks.append(await self._producer.send_batch(batch, topic, partition=target[1]))
                batch = open_batches[target] = self._producer.create_batch()
                if batch.append(key=key, value=value, timestamp=None, headers=headers) is None:
                    raise ValueError(f"outbox row {r['id']} is larger than a producer batch")
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

"""The outbox relay: publishes committed outbox rows in id order and deletes them.

One path: take the oldest rows, publish them, wait for the broker's acks, delete them in the
same transaction. A failed publish rolls the delete back, and the next pass starts again from
the oldest row, so a row never goes out before an older one it follows (per key order holds
under publish failures). Two rules keep that true:

- within a pass, the rows of one partition go out batch after batch, each only once the one
  before it was acknowledged (the partitions' batches travel together, round by round), and
  a failure stops the pass before anything newer is sent;
- one relay per schema publishes at a time (a transaction-scoped advisory lock), so replicas
  never publish newer rows of a key while another replica still holds older ones.

At-least-once: a crash, or a failure after some batches were acknowledged, publishes rows
again; the consumers' inbox drops the duplicates."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder

from .logs import log_fields
from .retry import Backoff, pause

log = logging.getLogger(__name__)

# One statement per pass: the transaction-scoped advisory lock (one relay per schema at a
# time; evaluated once, as an init plan) and the oldest rows, deleted and returned. A failed
# publish rolls the delete back.
#
# The pass commits without waiting for its WAL to reach the disk (synchronous_commit off
# for this transaction only): a delete that a database crash loses only brings its rows
# back, to be published again, which the relay allows for anyway (at-least-once, the
# consumers' inbox drops the copies). Nothing else is ever decided on it. The wait was
# most of the cost of a pass's commit: a flush of the WAL each time.
TAKE_OLDEST = """
WITH relay AS (
    SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.relay')) AS mine,
        set_config('synchronous_commit', 'off', true) AS unflushed
)
DELETE FROM outbox WHERE id IN (
    SELECT id FROM outbox WHERE (SELECT mine AND unflushed = 'off' FROM relay) ORDER BY id LIMIT $1
) RETURNING id, topic, key, value, headers
"""
Row = tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]


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
        self.published = 0

    def wake(self) -> None:
        """Rows were committed: look at the table now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        """Publish what is committed (trying for a while), then stop."""
        self._stopping.set()
        self._wake.set()
        if self._task:
            await self._task

    async def _run(self) -> None:
        delays = Backoff(0.1, 5.0).delays()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval)
            self._wake.clear()
            try:
                # a pass that took less than a full batch emptied the table as of its start;
                # whatever committed since then woke us again (after the clear above), so
                # the next round comes at once without asking for an empty table here
                while await self.publish_once() >= self._batch_size:
                    pass
                delays = Backoff(0.1, 5.0).delays()
            except Exception as exc:
                # the rows are still in the table; the next pass starts from the oldest again
                log.warning(
                    "relay pass failed; will retry", extra=log_fields(error=type(exc).__name__)
                )
                if self._stopping.is_set():
                    return  # what is left is published by the next start (or a replica)
                await pause(next(delays), self._stopping)
                continue
            if self._stopping.is_set():
                return

    async def publish_once(self) -> int:
        """One batch: take the oldest rows, publish and wait for the acks, commit."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = sorted(await conn.fetch(TAKE_OLDEST, self._batch_size), key=lambda r: r["id"])
            if not rows:
                return 0  # nothing to publish, or another relay of this schema is at it
            await self._send(
                [
                    (
                        r["topic"],
                        r["key"],
                        r["value"],
                        [(k, v.encode()) for k, v in json.loads(r["headers"]).items()],
                    )
                    for r in rows
                ]
            )
        self.published += len(rows)
        log.debug("relayed", extra=log_fields(count=len(rows)))
        return len(rows)

    async def _send(self, rows: list[Row]) -> None:
        """Publish in per-partition batches, in order. Each round hands the broker the next
        batch of every partition at once (one produce request for all of them) and waits
        for all their acknowledgements before the next round, so a partition's batch never
        goes out before the one ahead of it was acknowledged. Partitions are chosen by the
        producer's default partitioner, as a keyed send would."""
        pending: dict[tuple[str, int], list[BatchBuilder]] = {}
        partitions_of: dict[str, list[int]] = {}
        for topic, key, value, headers in rows:
            partitions = partitions_of.get(topic)
            if partitions is None:
                partitions = partitions_of[topic] = sorted(
                    await self._producer.partitions_for(topic)
                )
            target = (topic, self._partitioner(key, partitions, partitions))
            batches = pending.setdefault(target, [self._producer.create_batch()])
            if batches[-1].append(key=key, value=value, timestamp=None, headers=headers) is None:
                batches.append(self._producer.create_batch())
                if (
                    batches[-1].append(key=key, value=value, timestamp=None, headers=headers)
                    is None
                ):
                    raise ValueError(f"a {topic} event is larger than a producer batch")
        while pending:
            acks = [
                await self._producer.send_batch(batches.pop(0), topic, partition=partition)
                for (topic, partition), batches in pending.items()
            ]
            await asyncio.gather(*acks)
            pending = {target: batches for target, batches in pending.items() if batches}

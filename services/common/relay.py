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
            futures = [
                await self._producer.send(
                    r["topic"],
                    value=r["value"],
                    key=r["key"],
                    headers=[(k, v.encode()) for k, v in json.loads(r["headers"]).items()],
                )
                for r in rows
            ]
            await asyncio.gather(*futures)
            # the published events live on in Kafka and in the services' own tables;
            # deleting is far cheaper for PostgreSQL than rewriting each row as sent
            await conn.execute(
                "DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows]
            )
        self.published += len(rows)
        log.debug("relayed", extra=log_fields(count=len(rows)))
        return len(rows)

"""Each consumer's health, as its instance sees it, written to `consumer_health` every few
seconds so that `medbill health SERVICE` (another process) can read it through the
`service_health` view.

A consumer is ok only while it holds partitions and its last batch applied; `retrying`
while a batch keeps failing; `halted` once the failure policy gave up (a bug): it then takes
no more messages until the service is restarted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

from .logs import log_fields

log = logging.getLogger(__name__)
INSTANCE = f"{socket.gethostname()}:{os.getpid()}"

UPSERT = """
INSERT INTO consumer_health AS h (instance, consumer, state, partitions, failures, detail,
                                  updated_at)
SELECT $1, c, s, p, f, d, now()
FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::text[]) AS u(c, s, p, f, d)
ON CONFLICT (instance, consumer) DO UPDATE SET
    state = EXCLUDED.state, partitions = EXCLUDED.partitions, failures = EXCLUDED.failures,
    detail = EXCLUDED.detail, updated_at = now()
"""


@dataclass
class ConsumerHealth:
    consumer: str
    state: str = "ok"  # reported as "starting" until it holds partitions
    failures: int = 0
    detail: str | None = None
    partitions: Callable[[], int] = lambda: 0

    def applied(self) -> None:
        self.state, self.failures, self.detail = "ok", 0, None

    def failed(self, detail: str, *, unhealthy: bool) -> None:
        self.failures += 1
        self.detail = detail
        if unhealthy:
            self.state = "retrying"

    def halted(self) -> None:
        self.state = "halted"

    @property
    def healthy(self) -> bool:
        return self.state == "ok" and self.partitions() > 0

    def reported_state(self) -> str:
        if self.state == "ok" and self.partitions() == 0:
            return "starting"  # not (or no longer) holding partitions: not serving
        return self.state


class HealthReporter:
    """Writes the consumers' health every `interval` seconds until stopped."""

    def __init__(self, pool: Callable[[], asyncpg.Pool], interval: float = 2.0) -> None:
        self._pool = pool
        self._interval = interval
        self.consumers: list[ConsumerHealth] = []
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    def track(self, consumer: ConsumerHealth) -> ConsumerHealth:
        self.consumers.append(consumer)
        return consumer

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="health-reporter")

    async def stop(self) -> None:
        self._stop.set()
        if self._task:
            await self._task
        for consumer in self.consumers:
            consumer.state = "stopped"
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.write(), 5)

    async def write(self) -> None:
        rows = [
            (c.consumer, c.reported_state(), c.partitions(), c.failures, c.detail)
            for c in self.consumers
        ]
        if not rows:
            return
        async with self._pool().acquire() as conn:
            await conn.execute(UPSERT, INSTANCE, *(list(col) for col in zip(*rows, strict=True)))

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self.write(), self._interval * 2)
            except Exception as exc:  # the database away: the rows go stale, health reads red
                log.warning("health not written", extra=log_fields(error=type(exc).__name__))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._interval)

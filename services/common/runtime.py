"""A service's process: pool, migrations, relay, health and broker, in that order; SIGTERM
or SIGINT at any moment stops it: it stops fetching, lets the in-flight batch commit,
publishes the outbox and closes. Start-up that does not finish (a consumer group that never
assigns partitions) times out with one clear line and a non-zero exit."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker

from schemas.envelope import Envelope
from schemas.topics import Topic

from .consuming import BatchProcessor, Handler, Keep
from .db import create_pool
from .deadletter import RawRecord
from .health import ConsumerHealth, HealthReporter
from .kafka import batch_subscriber, make_broker, make_producer
from .logs import configure, log_fields
from .migrations import migrate
from .relay import Relay
from .retry import Backoff, FailurePolicy
from .settings import Settings, get_settings

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Envelope)


def settle_heap() -> None:
    """Exempt what start-up loaded from garbage collection, and collect young objects less
    often.

    Measured (coder, parse and code 3,000 encounters in batches of 500, collections timed
    with gc.callbacks): with the defaults the collector took 26.6 % of the time, walking the
    ~620,000 objects of the ICD-10-CM code set on every full pass and re-walking each batch's
    freshly parsed events on young passes; with the start-up heap frozen 13.3 %; frozen and
    with a young-generation threshold of 50,000 allocations 2.6 %. Cycles are still
    collected; only the start-up heap (reference data, modules) is never scanned again."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


class StartupTimeout(RuntimeError):
    """The service did not get ready in STARTUP_TIMEOUT_S."""


class ServiceRuntime:
    def __init__(
        self,
        name: str,
        migrations_dir: Path,
        settings: Settings | None = None,
        *,
        extra_workers: list[Callable[[ServiceRuntime], Any]] | None = None,
    ) -> None:
        self.name = name
        self.settings = settings or get_settings()
        self.migrations_dir = migrations_dir
        self.broker: KafkaBroker = make_broker(self.settings, description=f"medbill {name}")
        self.stopping = asyncio.Event()
        self._pool: asyncpg.Pool | None = None
        self.relay: Relay | None = None
        self.health = HealthReporter(lambda: self.pool, self.settings.health_interval_s)
        self.policy = FailurePolicy(
            max_attempts=self.settings.consumer_max_attempts,
            backoff=Backoff(0.1, self.settings.consumer_max_backoff_s),
        )
        self._workers = extra_workers or []
        self._running_workers: list[Any] = []

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError(f"{self.name}: the database pool is not open yet")
        return self._pool

    def wake(self) -> None:
        """After a commit: the relay and any worker have new rows to look at."""
        if self.relay:
            self.relay.wake()
        for worker in self._running_workers:
            worker.wake()

    def subscribe(
        self,
        topic: Topic,
        model: type[E],
        handler: Handler[Any],
        purpose: str,
        *,
        keep: Keep[E] | None = None,
    ) -> None:
        """Register a batch consumer of `topic` whose messages `handler` applies (each as
        `keep` makes it when it is parsed, if given: see BatchProcessor)."""
        consumer = f"{self.name}.{purpose}"
        subscriber: Any = None

        def held_partitions() -> int:
            client = getattr(subscriber, "consumer", None)
            return len(client.assignment()) if client is not None else 0

        processor = BatchProcessor(
            service=self.name,
            consumer=consumer,
            model=model,
            handler=handler,
            pool=lambda: self.pool,
            after_commit=self.wake,
            stop=self.stopping,
            policy=self.policy,
            health=self.health.track(ConsumerHealth(consumer, partitions=held_partitions)),
            keep=keep,
        )

        async def consume(records: list[RawRecord]) -> None:
            await processor.process(records)

        # The decoder hands over the raw records (a bad one must reach the dead-letter topic
        # with its bytes); the annotation is what the AsyncAPI document shows as the payload.
        consume.__annotations__["records"] = list[model]  # type: ignore[valid-type]
        subscriber = batch_subscriber(self.broker, topic, self.name, self.settings)
        subscriber(consume)

    def declare_output(self, *topics: Topic) -> None:
        """Document what this service emits (published by the outbox relay)."""
        for topic in topics:
            self.broker.publisher(
                topic.name,
                schema=topic.event,
                title=f"{self.name}:{topic.name}",
                description=(topic.event.__doc__ or topic.event.__name__).strip(),
            )

    @property
    def ready(self) -> bool:
        """Every consumer holds partitions and applies its batches."""
        return all(c.healthy for c in self.health.consumers)

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        """Everything but the broker's consumers: pool, migrations, relay, health, workers."""
        s = self.settings
        pool: asyncpg.Pool = await asyncio.wait_for(
            create_pool(s.require_database_url(), self.name, max_size=s.db_pool_max),
            s.startup_timeout_s,
        )
        self._pool = pool
        producer = make_producer(s)
        try:
            async with pool.acquire() as conn:
                await migrate(conn, self.name, self.migrations_dir)
            await producer.start()
            self.relay = Relay(
                pool, producer, batch_size=s.relay_batch, poll_interval=s.relay_poll_ms / 1000
            )
            self.relay.start()
            self.health.start()
            self._running_workers = [make(self) for make in self._workers]
            for worker in self._running_workers:
                await worker.start()
            yield
        finally:
            self.stopping.set()
            for worker in self._running_workers:
                await worker.stop()
            if self.relay:
                await self.relay.stop()
            await producer.stop()
            await self.health.stop()
            await pool.close()
            log.info("service stopped", extra=log_fields(service=self.name))

    async def run(self) -> int:
        """Run until SIGTERM/SIGINT; 0 on a clean stop, 1 when start-up timed out."""
        configure(self.settings.log_level)
        loop = asyncio.get_running_loop()
        signalled = asyncio.Event()
        main = asyncio.current_task()
        consuming = False

        def on_signal() -> None:
            signalled.set()
            if not consuming and main is not None:
                main.cancel()  # still connecting or migrating: nothing in flight to finish

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)
        settle_heap()  # the reference data is loaded by now (build())
        log.info(
            f"{self.name} starting: broker {self.settings.kafka_bootstrap_servers},"
            f" database {self._database()}",
            extra=log_fields(service=self.name),
        )
        try:
            async with self.lifespan():
                consuming = True
                try:
                    await self._start_consuming(signalled)
                except StartupTimeout as exc:
                    log.error(str(exc), extra=log_fields(service=self.name))
                    await self._leave()
                    return 1
                except (KafkaError, OSError) as exc:
                    log.error(
                        f"{self.name} could not reach the broker"
                        f" {self.settings.kafka_bootstrap_servers}: {type(exc).__name__}",
                        extra=log_fields(service=self.name),
                    )
                    await self._leave()
                    return 1
                if not signalled.is_set():
                    log.info("service ready", extra=log_fields(service=self.name))
                    await signalled.wait()
                log.info("stopping", extra=log_fields(service=self.name))
                self.stopping.set()  # ends retry loops: an in-flight batch gives up uncommitted
                await self.broker.stop()
        except asyncio.CancelledError:
            if not signalled.is_set():
                raise
            log.info("stopped during start-up", extra=log_fields(service=self.name))
            return 0
        except (KafkaError, OSError, asyncpg.PostgresError) as exc:
            # start-up could not reach the broker or the database: one line, no traceback
            log.error(
                f"{self.name} could not start: {type(exc).__name__}"
                f" (broker {self.settings.kafka_bootstrap_servers}, database {self._database()})",
                extra=log_fields(service=self.name),
            )
            return 1
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
        return 0

    async def _leave(self) -> None:
        """Close the consumers that did start, so that they leave their group: a member that
        vanishes without leaving holds the next start-up's join for a session timeout, and on
        the local broker a chain of such members kept a group from ever assigning again."""
        self.stopping.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.broker.stop(), 15)

    def _database(self) -> str:
        """The database's host and name, never its password."""
        url = self.settings.database_url or ""
        return url.rsplit("@", 1)[-1] if "@" in url else url.split("?")[0]

    async def _start_consuming(self, signalled: asyncio.Event) -> None:
        timeout = self.settings.startup_timeout_s
        deadline = asyncio.get_running_loop().time() + timeout
        starting = asyncio.ensure_future(self.broker.start())
        interrupted = asyncio.ensure_future(signalled.wait())
        try:
            done, _ = await asyncio.wait(
                {starting, interrupted}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if starting not in done:
                if signalled.is_set():
                    return
                raise StartupTimeout(
                    f"{self.name} could not start its consumers within {timeout:.0f} s"
                    f" (broker {self.settings.kafka_bootstrap_servers}); giving up"
                )
            starting.result()
            while not self.ready and not signalled.is_set():
                if asyncio.get_running_loop().time() > deadline:
                    waiting = [c.consumer for c in self.health.consumers if not c.healthy]
                    raise StartupTimeout(
                        f"{self.name} started, but its consumer group gave it no partitions"
                        f" within {timeout:.0f} s ({', '.join(waiting)}); giving up"
                    )
                await asyncio.sleep(0.1)
        finally:
            interrupted.cancel()
            if not starting.done():
                starting.cancel()
                with contextlib.suppress(BaseException):
                    await starting

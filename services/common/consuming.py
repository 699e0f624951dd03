"""The consumption policy, in one place. A consumed batch has three possible outcomes:

- **the message is bad** (undecodable, schema-invalid, of an unknown version, or refused by
  its handler with `Batch.reject`): it is dead-lettered with its bytes and the reason, in the
  transaction of the rest of the batch, and the partition moves on;
- **the business says no**: not a failure at all; the domain returns a refusal and the
  handler emits the event the contract has for it (`claim.rejected`, ...);
- **our code or our infrastructure is broken** (any exception a handler or the database
  raises): nothing is committed, nothing is dead-lettered; the batch is retried with backoff
  (FailurePolicy). A transient failure is retried until it passes; any other halts the
  consumer after `max_attempts`: it stops taking messages, logs one line, and reports itself
  unhealthy, so that fixing the code and restarting applies every message once.

Offsets are committed by FastStream only after `process` returns, i.e. after the commit."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

import asyncpg
from faststream.exceptions import NackMessage
from pydantic import ValidationError

from schemas.envelope import Envelope
from schemas.versions import Reader, UnreadableEvent, reader_for

from .deadletter import DeadLetter, RawRecord, describe_validation_error, record_dead_letters
from .errors import is_transient
from .health import ConsumerHealth
from .inbox import claim_new, forget
from .logs import log_fields
from .outbox import OutboxMessage, enqueue
from .retry import FailurePolicy, pause

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Envelope)


class Identified(Protocol):
    """What a batch needs of each item a handler is given: the id of its event."""

    @property
    def event_id(self) -> UUID: ...


I = TypeVar("I", bound=Identified)  # noqa: E741


class BatchGivenBack(NackMessage):
    """The batch goes back to the broker uncommitted (FastStream seeks to its first record
    and logs this one line, not a traceback whose text could quote data): the service is
    stopping while the batch still fails, or the consumer has halted."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def __str__(self) -> str:
        return f"batch given back uncommitted: {self.reason}"


class ConsumerHalted(BatchGivenBack):
    """The failure policy gave up on a batch: the consumer takes no more messages."""


@dataclass
class Batch(Generic[I]):
    """The new events of one consumed batch (each as its consumer keeps it: the event, or
    what `BatchProcessor`'s `keep` made of it), and what handling them produced."""

    items: list[tuple[RawRecord, I]]
    emitted: list[OutboxMessage] = field(default_factory=list)
    rejected: dict[UUID, str] = field(default_factory=dict)
    _values: dict[UUID, bytes] = field(default_factory=dict, repr=False)

    @property
    def events(self) -> list[I]:
        return [event for _, event in self.items]

    def raw_value(self, event: I) -> bytes:
        """The event's bytes as consumed (its JSON, without serializing it again)."""
        if len(self._values) != len(self.items):
            self._values = {e.event_id: record.value for record, e in self.items}
        return self._values[event.event_id]

    def emit(self, event: Envelope | OutboxMessage) -> OutboxMessage:
        """Publish after the commit (through the outbox). Returns the serialized message, so
        a handler that also stores the event's JSON serializes it only once."""
        message = event if isinstance(event, OutboxMessage) else OutboxMessage.of(event)
        self.emitted.append(message)
        return message

    def reject(self, event: I, reason: str) -> None:
        """This message is bad (it cannot be applied as sent): dead-letter it and move on.
        Not for business refusals (those are events) nor for failures of our own."""
        self.rejected[event.event_id] = reason


Handler = Callable[[asyncpg.Connection, Batch[I]], Awaitable[None]]
Keep = Callable[[E], Identified]
AfterCommit = Callable[[], None]


def _itself(event: E) -> E:
    return event


def decode(
    reader: Reader[E], records: Sequence[RawRecord], keep: Keep[E] = _itself
) -> tuple[list[tuple[RawRecord, Any]], list[DeadLetter]]:
    """Parse each record with its version's model and hand it to `keep`, which returns
    what the handler is given of it; what cannot be read becomes a dead letter whose reason
    names the problem, never the values. `keep` runs outside the parse's error handling: its
    own failure is ours (the failure policy), never the message's."""
    parsed: list[tuple[RawRecord, Any]] = []
    dead: list[DeadLetter] = []
    for record in records:
        try:
            event = reader.read(record.value)
        except UnreadableEvent as exc:
            dead.append(DeadLetter(record, f"unreadable: {exc}"))
            continue
        except ValidationError as exc:
            reason = (
                "unparseable: not a JSON event"
                if any(e["type"] in {"json_invalid", "json_type"} for e in exc.errors())
                else describe_validation_error(exc)
            )
            dead.append(DeadLetter(record, reason))
            continue
        parsed.append((record, keep(event)))
    return parsed, dead


def where(exc: BaseException) -> str:
    """The error class and the code location it came from, never its message (exception
    texts can quote patient data)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    ours = [f for f in frames if "/services/" in f.filename and "/common/" not in f.filename]
    last = (ours or frames)[-1]  # the line of ours that failed, else where it surfaced
    return f"{type(exc).__name__} at {last.filename.rsplit('/', 2)[-1]}:{last.lineno} ({last.name})"


class BatchProcessor(Generic[E]):
    """Applies batches of one event type for one consumer (`service.purpose`).

    `keep` turns each parsed event into what the handler is given of it (its domain form,
    say), as soon as it is parsed: the wire model is then freed at once rather than held for
    the whole batch, which spares the allocator and the garbage collector tens of thousands
    of live objects per batch of large events. Without it the handler gets the events."""

    def __init__(
        self,
        *,
        service: str,
        consumer: str,
        model: type[E],
        handler: Handler[Any],
        pool: Callable[[], asyncpg.Pool],
        after_commit: AfterCommit,
        stop: asyncio.Event,
        policy: FailurePolicy | None = None,
        health: ConsumerHealth | None = None,
        keep: Keep[E] | None = None,
    ) -> None:
        self.service = service
        self.consumer = consumer
        self.reader = reader_for(model)
        self.handler = handler
        self.keep: Keep[E] = keep or _itself
        self._pool = pool
        self._after_commit = after_commit
        self._stop = stop
        self.policy = policy or FailurePolicy()
        self.health = health or ConsumerHealth(consumer)

    async def process(self, records: Sequence[RawRecord]) -> None:
        if self.health.state == "halted":
            await self._hold()
        started = time.perf_counter()
        await self._apply_with_retries(records)
        self._after_commit()
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "batch applied",
                extra=log_fields(
                    consumer=self.consumer,
                    records=len(records),
                    ms=round((time.perf_counter() - started) * 1000, 1),
                ),
            )

    async def _apply_with_retries(self, records: Sequence[RawRecord]) -> None:
        delays = self.policy.backoff.delays()
        while True:
            try:
                # decoded on each try, under the failure policy: `keep` is our code, not the message
                await self._apply(*decode(self.reader, records, self.keep))
            except Exception as exc:
                if self._stop.is_set():
                    # shutting down: nothing committed, the batch is delivered again
                    raise BatchGivenBack(f"stopping while it failed ({where(exc)})") from exc
                transient = is_transient(exc)
                attempts = self.health.failures + 1
                gave_up = attempts >= self.policy.max_attempts
                self.health.failed(where(exc), unhealthy=gave_up)
                if gave_up and not transient:
                    self.health.halted()
                    log.error(
                        "consumer halted: a batch failed %d times with an error that is not"
                        " transient; nothing was committed or dead-lettered; fix the cause and"
                        " restart the service",
                        attempts,
                        extra=log_fields(consumer=self.consumer, error=self.health.detail),
                    )
                    await self._hold()
                log.warning(
                    "batch failed; retrying",
                    extra=log_fields(
                        consumer=self.consumer, attempt=attempts, error=self.health.detail
                    ),
                )
                await pause(next(delays), self._stop)
            else:
                self.health.applied()
                return

    async def _hold(self) -> None:
        """Take no more messages until shutdown; then give the batch back uncommitted."""
        await self._stop.wait()
        raise ConsumerHalted(f"{self.consumer} halted: {self.health.detail}")

    async def _apply(self, parsed: list[tuple[RawRecord, Any]], dead: list[DeadLetter]) -> None:
        unique: dict[UUID, tuple[RawRecord, Any]] = {}
        for record, event in parsed:
            unique.setdefault(event.event_id, (record, event))
        async with self._pool().acquire() as conn, conn.transaction():
            new_ids = await claim_new(conn, self.consumer, unique) if unique else set()
            batch: Batch[Any] = Batch([item for eid, item in unique.items() if eid in new_ids])
            if batch.items:
                await self.handler(conn, batch)
            letters = list(dead)
            if batch.rejected:
                await forget(conn, self.consumer, batch.rejected)
                letters += [
                    DeadLetter(record, batch.rejected[event.event_id])
                    for record, event in batch.items
                    if event.event_id in batch.rejected
                ]
            await enqueue(
                conn, batch.emitted + await record_dead_letters(conn, self.service, letters)
            )
        if letters:
            log.warning(
                "dead-lettered", extra=log_fields(consumer=self.consumer, count=len(letters))
            )

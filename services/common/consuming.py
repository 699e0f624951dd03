"""The consumption policy, in one place: decode a batch, dead-letter what is invalid, apply
the rest in one transaction with the inbox and outbox, retry what is transient, and isolate a
message that fails for good so that the partition moves on."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from uuid import UUID

import asyncpg
from pydantic import ValidationError

from schemas.envelope import Envelope

from .db import retry_transient
from .deadletter import (
    DeadLetter,
    RawRecord,
    describe_error,
    describe_validation_error,
    record_dead_letters,
)
from .errors import is_transient
from .logs import log_fields
from .outbox import OutboxMessage, claim_new, enqueue

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Envelope)
R = TypeVar("R")


@dataclass
class Batch(Generic[E]):
    """The new events of one consumed batch, and what handling them produced."""

    items: list[tuple[RawRecord, E]]
    emitted: list[OutboxMessage] = field(default_factory=list)
    rejected: dict[UUID, str] = field(default_factory=dict)
    _values: dict[UUID, bytes] = field(default_factory=dict, repr=False)

    @property
    def events(self) -> list[E]:
        return [event for _, event in self.items]

    def raw_value(self, event: E) -> bytes:
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

    def reject(self, event: E, reason: str) -> None:
        """Dead-letter this event (a domain rule cannot be applied to it) and move on."""
        self.rejected[event.event_id] = reason

    def map(self, decide: Callable[[E], R]) -> Iterator[tuple[E, R]]:
        """Apply a pure domain function to each event; an event it raises on is rejected."""
        for event in self.events:
            try:
                yield event, decide(event)
            except Exception as exc:
                self.reject(event, describe_error(exc))
                # no traceback: exception texts can quote patient data
                log.error(
                    "domain failure",
                    extra=log_fields(event_id=str(event.event_id), error=type(exc).__name__),
                )


Handler = Callable[[asyncpg.Connection, Batch[E]], Awaitable[None]]
AfterCommit = Callable[[list[tuple[int, OutboxMessage]]], None]
"""Called with the outbox rows (id, message) a batch committed."""


def decode(
    model: type[E], records: Sequence[RawRecord]
) -> tuple[list[tuple[RawRecord, E]], list[DeadLetter]]:
    parsed: list[tuple[RawRecord, E]] = []
    dead: list[DeadLetter] = []
    for record in records:
        try:
            parsed.append((record, model.model_validate_json(record.value)))
        except ValidationError as exc:
            reason = (
                "unparseable: not a JSON event"
                if any(e["type"] == "json_invalid" for e in exc.errors())
                else describe_validation_error(exc)
            )
            dead.append(DeadLetter(record, reason))
    return parsed, dead


class BatchProcessor(Generic[E]):
    """Applies batches of one event type for one consumer (`service.purpose`)."""

    def __init__(
        self,
        *,
        service: str,
        consumer: str,
        model: type[E],
        handler: Handler[E],
        pool: Callable[[], asyncpg.Pool],
        after_commit: AfterCommit,
        stop: asyncio.Event,
    ) -> None:
        self.service = service
        self.consumer = consumer
        self.model = model
        self.handler = handler
        self._pool = pool
        self._after_commit = after_commit
        self._stop = stop

    async def process(self, records: Sequence[RawRecord]) -> None:
        started = time.perf_counter()
        parsed, dead = decode(self.model, records)
        self._written: list[tuple[int, OutboxMessage]] = []
        await self._commit(parsed, dead)
        self._after_commit(self._written)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "batch applied",
                extra=log_fields(
                    consumer=self.consumer,
                    records=len(records),
                    ms=round((time.perf_counter() - started) * 1000, 1),
                ),
            )

    async def _commit(self, parsed: list[tuple[RawRecord, E]], dead: list[DeadLetter]) -> None:
        try:
            await retry_transient(
                lambda: self._apply(parsed, dead), what=self.consumer, stop=self._stop
            )
        except Exception as exc:
            if is_transient(exc):
                raise  # shutting down: nothing committed, the batch is delivered again
            if len(parsed) + len(dead) > 1:
                log.warning(
                    "batch failed; applying its messages one by one",
                    extra=log_fields(consumer=self.consumer, error=type(exc).__name__),
                )
                for letter in dead:  # one by one too: the same batch again would recurse
                    await self._commit([], [letter])
                for item in parsed:
                    await self._commit([item], [])
            elif parsed:
                record, event = parsed[0]
                log.error(
                    "message failed for good; dead-lettered",
                    extra=log_fields(consumer=self.consumer, event_id=str(event.event_id)),
                )
                await self._commit([], [DeadLetter(record, describe_error(exc))])
            else:
                raise

    async def _apply(self, parsed: list[tuple[RawRecord, E]], dead: list[DeadLetter]) -> None:
        unique: dict[UUID, tuple[RawRecord, E]] = {}
        for record, event in parsed:
            unique.setdefault(event.event_id, (record, event))
        async with self._pool().acquire() as conn, conn.transaction():
            new_ids = await claim_new(conn, self.consumer, unique) if unique else set()
            batch: Batch[E] = Batch([item for eid, item in unique.items() if eid in new_ids])
            if batch.items:
                await self.handler(conn, batch)
            letters = list(dead)
            if batch.rejected:
                # not marked processed: a replay from the dead-letter topic is applied afresh
                await conn.execute(
                    "DELETE FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])",
                    self.consumer,
                    list(batch.rejected),
                )
                letters += [
                    DeadLetter(record, batch.rejected[event.event_id])
                    for record, event in batch.items
                    if event.event_id in batch.rejected
                ]
            outgoing = batch.emitted + await record_dead_letters(conn, self.service, letters)
            written = await enqueue(conn, outgoing)
        self._written += written  # committed (a split batch commits in several parts)
        if dead or batch.rejected:
            log.warning(
                "dead-lettered",
                extra=log_fields(consumer=self.consumer, count=len(dead) + len(batch.rejected)),
            )

"""The biller's schema migrated into a fresh database, and a way to apply batches to it the
way the consumer does: one transaction with the inbox, the handler, and the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from schemas.coding import EncounterCoded
from services.biller import wire
from services.biller.chargemaster_file import load_chargemaster
from services.biller.domain import CodedEncounter
from services.biller.handlers import BillerHandlers
from services.common.consuming import Batch
from services.common.migrations import migrate
from services.common.outbox import OutboxMessage

from .events import record_of

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "biller" / "migrations"
CONSUMER = "biller.encounter-coded"


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(database_url)
    await migrate(connection, "biller", MIGRATIONS)
    await connection.execute("SET search_path TO biller, public")
    yield connection
    await connection.close()


@dataclass
class Applied:
    batch: Batch[CodedEncounter]

    @property
    def emitted(self) -> list[OutboxMessage]:
        return self.batch.emitted

    def of_topic(self, topic: str) -> list[OutboxMessage]:
        return [m for m in self.batch.emitted if m.topic == topic]


@pytest.fixture
def apply(conn: asyncpg.Connection):  # type: ignore[no-untyped-def]
    handlers = BillerHandlers(load_chargemaster())

    async def apply_batch(events: Sequence[EncounterCoded]) -> Applied:
        """One consumed batch: events already in the inbox are skipped, as the consumer does."""
        events = list({e.event_id: e for e in reversed(events)}.values())[::-1]
        async with conn.transaction():
            new = {
                r["event_id"]
                for r in await conn.fetch(
                    "INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[])"
                    " ON CONFLICT DO NOTHING RETURNING event_id",
                    CONSUMER,
                    [e.event_id for e in events],
                )
            }
            # as the consumer keeps them (runtime.subscribe's keep)
            batch: Batch[CodedEncounter] = Batch(
                [
                    (record_of(e, n), wire.coded_encounter(e))
                    for n, e in enumerate(events)
                    if e.event_id in new
                ]
            )
            if batch.items:
                await handlers.on_encounters_coded(conn, batch)
        return Applied(batch)

    return apply_batch

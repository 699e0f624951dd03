"""Biller use cases. Each runs inside its batch's transaction (opened by
services.common.consuming, with the inbox and outbox): load what stands, call the domain,
save, announce."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from services.common.consuming import Batch
from services.common.logs import log_fields

from . import repository, wire
from .domain import Chargemaster, CodedEncounter, Outcome, StatementTerms, bill_encounter

log = logging.getLogger(__name__)


class BillerHandlers:
    def __init__(self, chargemaster: Chargemaster, terms: StatementTerms | None = None) -> None:
        self.chargemaster = chargemaster
        self.terms = terms or StatementTerms()

    async def on_encounters_coded(
        self, conn: asyncpg.Connection, batch: Batch[CodedEncounter]
    ) -> None:
        """Bill each encounter's newest coding in the batch (an older one in the same batch
        was never billed, so it needs no correction), correcting what an earlier batch
        billed for it; a coding the domain refuses is announced by claim.rejected. The
        batch holds each encounter.coded as `wire.coded_encounter` made it when consumed."""
        now = datetime.now(UTC)
        newest = newest_per_encounter(batch.events)
        standing = await repository.load_billed(conn, newest)
        changes = repository.Changes()
        kinds: Counter[str] = Counter()
        for encounter_id, encounter in newest.items():
            outcome = bill_encounter(
                standing.get(encounter_id), encounter, self.chargemaster, now=now, terms=self.terms
            )
            changes.add(outcome, encounter.event_id, announce(batch, outcome, encounter))
            kinds[outcome.kind] += 1
        await repository.save(conn, changes)
        if kinds.keys() - {"billed"}:  # counts only: reasons and ids may reveal care
            log.info("encounters billed", extra=log_fields(**kinds))


def newest_per_encounter(codings: list[CodedEncounter]) -> dict[str, CodedEncounter]:
    """Each encounter's newest coding in the batch (domain.Version orders them)."""
    newest: dict[str, CodedEncounter] = {}
    for encounter in codings:
        seen = newest.get(encounter.encounter_id)
        if seen is None or encounter.version > seen.version:
            newest[encounter.encounter_id] = encounter
    return newest


def announce(
    batch: Batch[CodedEncounter], outcome: Outcome, cause: CodedEncounter
) -> dict[UUID, str]:
    """Emit the events of an outcome, in the order its effects happen (a voided statement,
    a void or replacement claim, the new document, the refusal); returns each event's JSON
    by document id (by the coding's event id for the refusal), to be stored with it."""
    stored: dict[UUID, str] = {}
    if outcome.voided_statement is not None:
        batch.emit(wire.statement_voided(outcome.voided_statement, cause))
    for claim in outcome.claims:
        stored[claim.claim_id] = batch.emit(wire.claim_submitted(claim, cause)).value.decode()
    if outcome.statement is not None:
        message = batch.emit(wire.statement_issued(outcome.statement, cause))
        stored[outcome.statement.statement_id] = message.value.decode()
    if outcome.refusal is not None:
        stored[cause.event_id] = batch.emit(
            wire.claim_rejected(outcome.refusal, cause)
        ).value.decode()
    return stored

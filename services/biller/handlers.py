"""Biller use cases: one transaction per batch (opened by services.common.consuming)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from schemas.billing import (
    ClaimSubmitted,
    ClaimSubmittedData,
    StatementIssued,
    StatementIssuedData,
)
from schemas.coding import EncounterCoded, EncounterCodedData
from services.common.consuming import Batch
from services.common.outbox import OutboxMessage

from . import repository
from .domain import (
    Chargemaster,
    LedgerEntry,
    build_claim,
    build_self_pay_statement,
    charge_entries,
    claim_id_for,
    statement_id_for,
)

SOURCE = "medbill/biller"


def bill(
    coded: EncounterCodedData, chargemaster: Chargemaster, now: datetime
) -> ClaimSubmittedData | StatementIssuedData:
    """Insured: a claim to the primary payer. Self-pay: a statement for the full charge.
    Ids derive from the encounter, so a redelivered event builds the very same documents."""
    if coded.billing.self_pay:
        return build_self_pay_statement(
            coded,
            chargemaster,
            statement_id=statement_id_for(coded.billing.patient.account_number, coded.encounter_id),
            statement_date=now.date(),
        )
    return build_claim(
        coded, chargemaster, claim_id=claim_id_for(coded.encounter_id), submitted_at=now
    )


class BillerHandlers:
    def __init__(self, chargemaster: Chargemaster) -> None:
        self.chargemaster = chargemaster

    async def on_encounters_coded(
        self, conn: asyncpg.Connection, batch: Batch[EncounterCoded]
    ) -> None:
        now = datetime.now(UTC)
        claims: list[repository.Stored[ClaimSubmittedData]] = []
        statements: list[repository.Stored[StatementIssuedData]] = []
        for event, document in batch.map(lambda e: bill(e.data, self.chargemaster, now)):
            encounter_id = event.data.encounter_id
            if isinstance(document, ClaimSubmittedData):
                claim = ClaimSubmitted.create(
                    document,
                    source=SOURCE,
                    correlation_id=encounter_id,
                    causation_id=event.event_id,
                )
                claims.append(repository.Stored(document, OutboxMessage.of(claim), event.event_id))
            else:
                statement = StatementIssued.create(
                    document,
                    source=SOURCE,
                    correlation_id=encounter_id,
                    causation_id=event.event_id,
                )
                statements.append(
                    repository.Stored(document, OutboxMessage.of(statement), event.event_id)
                )
        # an encounter billed before (a redelivery the inbox cannot see, or a re-coding)
        # keeps its first document: nothing is posted or emitted twice
        new = await repository.insert_claims(conn, claims)
        new |= await repository.insert_statements(conn, statements)
        ledger: list[tuple[LedgerEntry, UUID]] = []
        documents: list[
            repository.Stored[ClaimSubmittedData] | repository.Stored[StatementIssuedData]
        ]
        documents = [*claims, *statements]
        for stored in documents:
            if stored.document_id in new:
                ledger += [(entry, stored.cause) for entry in charge_entries(stored.document)]
                batch.emit(stored.message)
        await repository.post_ledger(conn, ledger)

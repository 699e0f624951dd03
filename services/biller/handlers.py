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
        claims: list[tuple[ClaimSubmittedData, UUID]] = []
        statements: list[tuple[StatementIssuedData, EncounterCoded]] = []
        for event, document in batch.map(lambda e: bill(e.data, self.chargemaster, now)):
            if isinstance(document, ClaimSubmittedData):
                claims.append((document, event.event_id))
            else:
                statements.append((document, event))
        new_claims = await repository.insert_claims(conn, claims)
        new_statements = await repository.insert_statements(conn, [s for s, _ in statements])
        ledger: list[tuple[LedgerEntry, UUID]] = []
        for claim, cause in claims:
            if claim.claim_id in new_claims:
                ledger += [(entry, cause) for entry in charge_entries(claim)]
                batch.emit(
                    ClaimSubmitted.create(
                        claim, source=SOURCE, correlation_id=claim.encounter_id,
                        causation_id=cause,
                    )
                )
        for statement, event in statements:
            if statement.statement_id in new_statements:
                ledger += [(entry, event.event_id) for entry in charge_entries(statement)]
                batch.emit(
                    StatementIssued.create(
                        statement, source=SOURCE, correlation_id=event.data.encounter_id,
                        causation_id=event.event_id,
                    )
                )
        await repository.post_ledger(conn, ledger)

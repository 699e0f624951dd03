"""SQL for the biller's tables. Functions take a connection inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from uuid import UUID

import asyncpg

from schemas.billing import ClaimSubmittedData, StatementIssuedData
from services.common.outbox import OutboxMessage

from .domain import LedgerEntry

D = TypeVar("D", ClaimSubmittedData, StatementIssuedData)


@dataclass(frozen=True)
class Stored(Generic[D]):
    """A claim or statement, the event that announces it, and the event that caused it."""

    document: D
    message: OutboxMessage
    cause: UUID

    @property
    def document_id(self) -> UUID:
        doc = self.document
        return doc.claim_id if isinstance(doc, ClaimSubmittedData) else doc.statement_id


async def insert_claims(
    conn: asyncpg.Connection, stored: Sequence[Stored[ClaimSubmittedData]]
) -> set[UUID]:
    """Store claims (with the claim.submitted event's JSON) and their lines; returns the ids
    stored now (an encounter already claimed keeps its first claim: a corrected claim is a
    later, explicit step)."""
    if not stored:
        return set()
    claims = [(s.document, s.cause) for s in stored]
    rows = await conn.fetch(
        "INSERT INTO claims (claim_id, encounter_id, patient_account, payer_id, total_charge,"
        " claim, coded_event_id)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::numeric[],"
        " $6::text[]::json[], $7::uuid[]) ON CONFLICT DO NOTHING RETURNING claim_id",
        [c.claim_id for c, _ in claims],
        [c.encounter_id for c, _ in claims],
        [c.patient_account for c, _ in claims],
        [c.payer_id for c, _ in claims],
        [c.total_charge for c, _ in claims],
        [s.message.value.decode() for s in stored],
        [cause for _, cause in claims],
    )
    new_ids = {r["claim_id"] for r in rows}
    lines = [(c.claim_id, line) for c, _ in claims if c.claim_id in new_ids for line in c.lines]
    if lines:
        await conn.copy_records_to_table(
            "claim_lines",
            records=[
                (
                    cid,
                    ln.line_number,
                    ln.code,
                    list(ln.modifiers),
                    ln.units,
                    ln.charge,
                    list(ln.diagnosis_pointers),
                )
                for cid, ln in lines
            ],
            columns=(
                "claim_id",
                "line_number",
                "code",
                "modifiers",
                "units",
                "charge",
                "diagnosis_pointers",
            ),
        )
    return new_ids


async def insert_statements(
    conn: asyncpg.Connection, stored: Sequence[Stored[StatementIssuedData]]
) -> set[UUID]:
    if not stored:
        return set()
    statements = [s.document for s in stored]
    rows = await conn.fetch(
        "INSERT INTO statements (statement_id, patient_account, encounter_id, amount_due,"
        " statement_date, due_date, statement)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::date[],"
        " $6::date[], $7::text[]::json[]) ON CONFLICT DO NOTHING RETURNING statement_id",
        [s.statement_id for s in statements],
        [s.patient_account for s in statements],
        [s.encounter_ids[0] for s in statements],
        [s.amount_due for s in statements],
        [s.statement_date for s in statements],
        [s.due_date for s in statements],
        [s.message.value.decode() for s in stored],
    )
    return {r["statement_id"] for r in rows}


async def post_ledger(
    conn: asyncpg.Connection, entries: Sequence[tuple[LedgerEntry, UUID]]
) -> None:
    if not entries:
        return
    await conn.copy_records_to_table(
        "ledger_entries",
        records=[
            (
                e.account,
                e.encounter_id or "",
                e.entry_type,
                e.amount,
                e.reference,
                e.line_number,
                cause,
            )
            for e, cause in entries
        ],
        columns=(
            "patient_account",
            "encounter_id",
            "entry_type",
            "amount",
            "reference",
            "line_number",
            "source_event_id",
        ),
    )

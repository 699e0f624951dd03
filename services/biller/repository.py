"""SQL for the biller's tables. Functions take a connection inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from schemas.billing import ClaimSubmittedData, StatementIssuedData

from .domain import LedgerEntry


async def insert_claims(
    conn: asyncpg.Connection, claims: Sequence[tuple[ClaimSubmittedData, UUID]]
) -> set[UUID]:
    """Store claims with their lines; returns the ids stored now (an encounter already
    claimed keeps its first claim: a corrected claim is a later, explicit step)."""
    if not claims:
        return set()
    rows = await conn.fetch(
        "INSERT INTO claims (claim_id, encounter_id, patient_account, payer_id, total_charge,"
        " claim, coded_event_id)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::numeric[],"
        " $6::jsonb[], $7::uuid[]) ON CONFLICT DO NOTHING RETURNING claim_id",
        [c.claim_id for c, _ in claims],
        [c.encounter_id for c, _ in claims],
        [c.patient_account for c, _ in claims],
        [c.payer_id for c, _ in claims],
        [c.total_charge for c, _ in claims],
        [c.model_dump_json() for c, _ in claims],
        [cause for _, cause in claims],
    )
    stored = {r["claim_id"] for r in rows}
    lines = [(c.claim_id, line) for c, _ in claims if c.claim_id in stored for line in c.lines]
    if lines:
        await conn.copy_records_to_table(
            "claim_lines",
            records=[
                (cid, ln.line_number, ln.code, list(ln.modifiers), ln.units, ln.charge,
                 list(ln.diagnosis_pointers))
                for cid, ln in lines
            ],
            columns=("claim_id", "line_number", "code", "modifiers", "units", "charge",
                     "diagnosis_pointers"),
        )
    return stored


async def insert_statements(
    conn: asyncpg.Connection, statements: Sequence[StatementIssuedData]
) -> set[UUID]:
    if not statements:
        return set()
    rows = await conn.fetch(
        "INSERT INTO statements (statement_id, patient_account, encounter_id, amount_due,"
        " statement_date, due_date, statement)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::date[],"
        " $6::date[], $7::jsonb[]) ON CONFLICT DO NOTHING RETURNING statement_id",
        [s.statement_id for s in statements],
        [s.patient_account for s in statements],
        [s.encounter_ids[0] for s in statements],
        [s.amount_due for s in statements],
        [s.statement_date for s in statements],
        [s.due_date for s in statements],
        [s.model_dump_json() for s in statements],
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
            (e.account, e.encounter_id or "", e.entry_type, e.amount, e.reference, e.line_number,
             cause)
            for e, cause in entries
        ],
        columns=("patient_account", "encounter_id", "entry_type", "amount", "reference",
                 "line_number", "source_event_id"),
    )

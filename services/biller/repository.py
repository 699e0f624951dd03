"""SQL for the biller's tables. Functions take a connection inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import asyncpg

from . import wire
from .domain import (
    VOID,
    Billed,
    Claim,
    LedgerEntry,
    Outcome,
    Refusal,
    Statement,
    Version,
    rejection_id_for,
)


async def load_billed(conn: asyncpg.Connection, encounter_ids: Iterable[str]) -> dict[str, Billed]:
    """What stands for each of these encounters (locked until the transaction ends, so that
    two consumers of one encounter cannot both correct it). The ids drive the join, one
    index lookup each: a filter `= ANY(ids)` lets the planner scan the whole table with
    every id compared against every row, which it chose while the table was young."""
    rows = await conn.fetch(
        "SELECT b.encounter_id, b.version_at, b.version_event_id, b.documents_issued,"
        " b.current_kind, c.claim::text AS claim, s.statement::text AS statement,"
        " r.rejection::text AS rejection"
        " FROM unnest($1::text[]) AS wanted (encounter_id)"
        " JOIN encounter_bills b USING (encounter_id)"
        " LEFT JOIN claims c ON b.current_kind = 'claim' AND c.claim_id = b.current_id"
        " LEFT JOIN statements s ON b.current_kind = 'statement' AND s.statement_id = b.current_id"
        " LEFT JOIN claim_rejections r"
        "   ON b.current_kind = 'rejection' AND r.rejection_id = b.current_id"
        " FOR UPDATE OF b",
        list(encounter_ids),
    )
    billed = {}
    for row in rows:
        current: Claim | Statement | Refusal
        if row["current_kind"] == "claim":
            current = wire.stored_claim(row["claim"])
        elif row["current_kind"] == "statement":
            current = wire.stored_statement(row["statement"])
        else:
            current = wire.stored_refusal(row["rejection"])
        billed[row["encounter_id"]] = Billed(
            encounter_id=row["encounter_id"],
            version=Version(row["version_at"], row["version_event_id"]),
            current=current,
            documents_issued=row["documents_issued"],
        )
    return billed


@dataclass
class Changes:
    """What a batch's outcomes write, gathered so that each table is written once."""

    states: dict[str, Billed] = field(default_factory=dict)
    claims: list[tuple[Claim, str, UUID]] = field(default_factory=list)
    statements: list[tuple[Statement, str]] = field(default_factory=list)
    rejections: list[tuple[UUID, Refusal, str, UUID]] = field(default_factory=list)
    claim_status: dict[UUID, str] = field(default_factory=dict)
    voided_statements: dict[UUID, datetime] = field(default_factory=dict)
    ledger: list[tuple[LedgerEntry, UUID]] = field(default_factory=list)

    def add(self, outcome: Outcome, cause: UUID, event_json: dict[UUID, str]) -> None:
        """Record an outcome; `event_json` holds the JSON of the event announcing each new
        document (by document id) and of the refusal (by the coding's event id)."""
        if outcome.kind == "stale":
            return
        self.states[outcome.state.encounter_id] = outcome.state
        for claim in outcome.claims:
            self.claims.append((claim, event_json[claim.claim_id], cause))
            if claim.replaces is not None:
                self.claim_status[claim.replaces] = (
                    "voided" if claim.frequency == VOID else "replaced"
                )
        if outcome.statement is not None:
            statement = outcome.statement
            self.statements.append((statement, event_json[statement.statement_id]))
        if outcome.voided_statement is not None:
            void = outcome.voided_statement
            self.voided_statements[void.statement_id] = void.voided_at
        if outcome.refusal is not None:
            rejection_id = rejection_id_for(outcome.state.encounter_id, cause)
            self.rejections.append((rejection_id, outcome.refusal, event_json[cause], cause))
        self.ledger += [(entry, cause) for entry in outcome.ledger]


def _current_id(state: Billed) -> tuple[str, UUID]:
    current = state.current
    if isinstance(current, Claim):
        return "claim", current.claim_id
    if isinstance(current, Statement):
        return "statement", current.statement_id
    return "rejection", rejection_id_for(state.encounter_id, state.version.event_id)


async def save(conn: asyncpg.Connection, changes: Changes) -> None:
    """Write a batch's changes: what stands per encounter, documents that no longer stand
    (before the new ones, so that one stands per encounter at every moment), new claims,
    statements and refusals, and the ledger."""
    await _save_states(conn, list(changes.states.values()))
    new_claims = {claim.claim_id for claim, _, _ in changes.claims}
    earlier = [(cid, s) for cid, s in changes.claim_status.items() if cid not in new_claims]
    if earlier:
        await conn.execute(
            "UPDATE claims SET status = u.status FROM unnest($1::uuid[], $2::text[]) AS"
            " u(claim_id, status) WHERE claims.claim_id = u.claim_id",
            [cid for cid, _ in earlier],
            [status for _, status in earlier],
        )
    new_statements = {s.statement_id for s, _ in changes.statements}
    voided = [
        (sid, at) for sid, at in changes.voided_statements.items() if sid not in new_statements
    ]
    if voided:
        await conn.execute(
            "UPDATE statements SET status = 'voided', voided_at = u.voided_at"
            " FROM unnest($1::uuid[], $2::timestamptz[]) AS u(statement_id, voided_at)"
            " WHERE statements.statement_id = u.statement_id",
            [sid for sid, _ in voided],
            [at for _, at in voided],
        )
    await _insert_claims(conn, changes.claims, changes.claim_status)
    await _insert_statements(conn, changes.statements, changes.voided_statements)
    await _insert_rejections(conn, changes.rejections)
    await _post_ledger(conn, changes.ledger)


async def _save_states(conn: asyncpg.Connection, states: Sequence[Billed]) -> None:
    if not states:
        return
    current = [_current_id(state) for state in states]
    await conn.execute(
        "INSERT INTO encounter_bills (encounter_id, version_at, version_event_id,"
        " documents_issued, current_kind, current_id)"
        " SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::uuid[], $4::int[],"
        " $5::text[], $6::uuid[])"
        " ON CONFLICT (encounter_id) DO UPDATE SET version_at = excluded.version_at,"
        " version_event_id = excluded.version_event_id,"
        " documents_issued = excluded.documents_issued, current_kind = excluded.current_kind,"
        " current_id = excluded.current_id, updated_at = now()",
        [s.encounter_id for s in states],
        [s.version.coded_at for s in states],
        [s.version.event_id for s in states],
        [s.documents_issued for s in states],
        [kind for kind, _ in current],
        [document_id for _, document_id in current],
    )


async def _insert_claims(
    conn: asyncpg.Connection,
    claims: Sequence[tuple[Claim, str, UUID]],
    status: dict[UUID, str],
) -> None:
    if not claims:
        return

    def status_of(claim: Claim) -> str:
        return "void" if claim.frequency == VOID else status.get(claim.claim_id, "submitted")

    await conn.execute(
        "INSERT INTO claims (claim_id, encounter_id, patient_account, payer_id, total_charge,"
        " status, claim, coded_event_id, frequency_code, replaces_claim_id)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::numeric[],"
        " $6::text[], $7::text[]::json[], $8::uuid[], $9::text[], $10::uuid[])",
        [c.claim_id for c, _, _ in claims],
        [c.encounter_id for c, _, _ in claims],
        [c.patient_account for c, _, _ in claims],
        [c.payer_id for c, _, _ in claims],
        [c.total_charge for c, _, _ in claims],
        [status_of(c) for c, _, _ in claims],
        [event_json for _, event_json, _ in claims],
        [cause for _, _, cause in claims],
        [c.frequency for c, _, _ in claims],
        [c.replaces for c, _, _ in claims],
    )


async def _insert_statements(
    conn: asyncpg.Connection,
    statements: Sequence[tuple[Statement, str]],
    voided: dict[UUID, datetime],
) -> None:
    if not statements:
        return
    await conn.execute(
        "INSERT INTO statements (statement_id, patient_account, encounter_id, amount_due,"
        " statement_date, due_date, statement, status, voided_at, replaces_statement_id)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::date[],"
        " $6::date[], $7::text[]::json[], $8::text[], $9::timestamptz[], $10::uuid[])",
        [s.statement_id for s, _ in statements],
        [s.patient_account for s, _ in statements],
        [s.encounter_ids[0] for s, _ in statements],
        [s.amount_due for s, _ in statements],
        [s.statement_date for s, _ in statements],
        [s.due_date for s, _ in statements],
        [event_json for _, event_json in statements],
        ["voided" if s.statement_id in voided else "issued" for s, _ in statements],
        [voided.get(s.statement_id) for s, _ in statements],
        [s.replaces for s, _ in statements],
    )


async def _insert_rejections(
    conn: asyncpg.Connection, rejections: Sequence[tuple[UUID, Refusal, str, UUID]]
) -> None:
    if not rejections:
        return
    await conn.executemany(
        "INSERT INTO claim_rejections (rejection_id, encounter_id, document, reasons, rejection,"
        " coded_event_id) VALUES ($1, $2, $3, $4, $5::json, $6)",
        [
            (rejection_id, r.encounter_id, r.document, list(r.reasons), event_json, cause)
            for rejection_id, r, event_json, cause in rejections
        ],
    )


async def _post_ledger(
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
                e.reversal,
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
            "reversal",
            "source_event_id",
        ),
    )

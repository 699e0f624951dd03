"""Migration 002 on a database the previous biller filled: what it billed stands, and a
re-send of one of its encounters corrects it like any other."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg

from schemas.billing import ClaimSubmitted
from services.biller import wire
from services.biller.chargemaster_file import load_chargemaster
from services.biller.domain import Claim, build_claim, claim_id_for
from services.biller.handlers import BillerHandlers
from services.common.consuming import Batch
from services.common.migrations import migrate

from .conftest import MIGRATIONS
from .events import coded_encounter, coded_event, coverage, record_of


async def test_documents_billed_before_corrections_existed_can_be_corrected(
    database_url: str, tmp_path: Path
) -> None:
    before = tmp_path / "biller" / "migrations"
    before.mkdir(parents=True)
    shutil.copy(MIGRATIONS / "001_claims.sql", before)
    conn = await asyncpg.connect(database_url, server_settings={"search_path": "biller,public"})
    try:
        await migrate(conn, "biller", before)
        # what the previous biller stored for an insured encounter: claim, lines, charges
        old_event = coded_event(coded_encounter())
        claim = build_claim(
            old_coding := wire.coded_encounter(old_event),
            load_chargemaster(),
            claim_id=claim_id_for("ENC-100234"),
            submitted_at=datetime(2026, 11, 2, 17, tzinfo=UTC),
        )
        assert isinstance(claim, Claim)
        event = ClaimSubmitted.model_validate_json(
            wire.claim_submitted(claim, old_coding).model_dump_json(
                exclude={"data": {"frequency_code", "replaces_claim_id"}}
            )
        )
        await conn.execute(
            "INSERT INTO claims (claim_id, encounter_id, patient_account, payer_id,"
            " total_charge, claim, coded_event_id) VALUES ($1, $2, $3, $4, $5, $6::json, $7)",
            claim.claim_id,
            claim.encounter_id,
            claim.patient_account,
            claim.payer_id,
            claim.total_charge,
            event.model_dump_json(),
            old_event.event_id,
        )
        old_lines = [
            (
                claim.claim_id,
                ln.line_number,
                ln.code,
                list(ln.modifiers),
                ln.units,
                ln.charge,
                list(ln.diagnosis_pointers),
            )
            for ln in claim.lines
        ]
        await conn.copy_records_to_table("claim_lines", records=old_lines)
        for line in claim.lines:
            await conn.execute(
                "INSERT INTO ledger_entries (patient_account, encounter_id, entry_type, amount,"
                " reference, line_number, source_event_id) VALUES ($1, $2, 'charge', $3, $4,"
                " $5, $6)",
                claim.patient_account,
                claim.encounter_id,
                line.charge,
                str(claim.claim_id),
                line.line_number,
                old_event.event_id,
            )

        await migrate(conn, "biller", MIGRATIONS)

        assert await conn.fetchval("SELECT current_id FROM encounter_bills") == claim.claim_id
        # the lines table became a view of the claims' documents: the same lines
        assert [tuple(r) for r in await conn.fetch("SELECT * FROM claim_lines")] == old_lines
        assert await conn.fetchval("SELECT status FROM claims") == "submitted"
        corrected = coded_event(
            coded_encounter(coverages=[coverage(member_id="W999")]), minutes=24 * 60
        )
        batch = Batch([(record_of(corrected), wire.coded_encounter(corrected))])
        async with conn.transaction():
            await BillerHandlers(load_chargemaster()).on_encounters_coded(conn, batch)
        (message,) = batch.emitted
        data = json.loads(message.value)["data"]
        assert (data["frequency_code"], data["replaces_claim_id"]) == ("7", str(claim.claim_id))
        assert await conn.fetchval("SELECT sum(receivable_change) FROM ledger_entries") == Decimal(
            "188.00"
        )
        assert await conn.fetchval("SELECT count(*) FROM ledger_entries WHERE reversal") == 2
    finally:
        await conn.close()

"""The biller's handler applied to batches against the real PostgreSQL: what it stores, what
it posts to the ledger and what it announces."""

from __future__ import annotations

import json
from decimal import Decimal
from uuid import UUID

import asyncpg

from .events import coded_encounter, coded_event, lines_for, self_pay_encounter


def data_of(message) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(message.value)["data"]


async def balance(conn: asyncpg.Connection, account: str = "ACCT-0042") -> Decimal:
    return await conn.fetchval(
        "SELECT coalesce(sum(receivable_change), 0) FROM ledger_entries WHERE patient_account = $1",
        account,
    )


async def test_an_insured_encounter_gets_a_claim_its_lines_and_its_charges(conn, apply) -> None:
    event = coded_event(coded_encounter(service_lines=lines_for("99213", "87880")))
    applied = await apply([event])

    (message,) = applied.emitted
    assert message.topic == "claim.submitted"
    claim = data_of(message)
    assert (claim["total_charge"], claim["frequency_code"], claim["replaces_claim_id"]) == (
        "188.00",
        "1",
        None,
    )
    row = await conn.fetchrow("SELECT * FROM claims")
    assert (str(row["claim_id"]), row["status"], row["coded_event_id"]) == (
        claim["claim_id"],
        "submitted",
        event.event_id,
    )
    assert json.loads(row["claim"]) == json.loads(message.value)  # stored as announced
    assert await balance(conn) == Decimal("188.00")
    assert await conn.fetchval("SELECT current_kind FROM encounter_bills") == "claim"


async def test_a_claims_lines_are_read_from_its_stored_document(conn, apply) -> None:
    """Written once, in the claim.submitted event stored with the claim: the claim_lines
    view gives them with their columns' types."""
    event = coded_event(coded_encounter(service_lines=lines_for("99213", "87880")))
    (message,) = (await apply([event])).emitted
    lines = await conn.fetch("SELECT * FROM claim_lines ORDER BY line_number")

    assert [dict(r) for r in lines] == [
        {
            "claim_id": UUID(data_of(message)["claim_id"]),
            "line_number": line["line_number"],
            "code": line["code"],
            "modifiers": line["modifiers"],
            "units": line["units"],
            "charge": Decimal(line["charge"]),
            "diagnosis_pointers": line["diagnosis_pointers"],
        }
        for line in data_of(message)["lines"]
    ]
    assert [(r["code"], r["charge"]) for r in lines] == [
        ("99213", Decimal("150.00")),
        ("87880", Decimal("38.00")),
    ]
    assert await conn.fetchval("SELECT sum(charge) FROM claim_lines") == await conn.fetchval(
        "SELECT total_charge FROM claims"
    )


async def test_a_self_pay_encounter_gets_a_statement_and_its_charges(conn, apply) -> None:
    applied = await apply([coded_event(self_pay_encounter())])
    (message,) = applied.emitted
    assert message.topic == "statement.issued"
    assert message.key == b"ACCT-0042"
    assert data_of(message)["amount_due"] == "188.00"
    assert await conn.fetchval("SELECT status FROM statements") == "issued"
    assert await balance(conn) == Decimal("188.00")


async def test_an_unpriced_procedure_is_a_claim_rejected_not_a_dead_letter(conn, apply) -> None:
    event = coded_event(coded_encounter(service_lines=lines_for("99213", "99499")))
    applied = await apply([event])

    assert applied.batch.rejected == {}  # no dead letter
    (message,) = applied.emitted
    assert message.topic == "claim.rejected"
    assert message.key == b"ENC-100234"
    assert data_of(message) == {
        "claim_id": None,
        "encounter_id": "ENC-100234",
        "stage": "scrubber",
        "reasons": ["service line 2: code 99499 has no price in the chargemaster"],
        "document": "claim",
    }
    assert json.loads(message.value)["causation_id"] == str(event.event_id)
    assert await conn.fetchval("SELECT count(*) FROM claims") == 0
    assert await conn.fetchval("SELECT count(*) FROM ledger_entries") == 0
    row = await conn.fetchrow("SELECT * FROM claim_rejections")
    assert (row["encounter_id"], row["reasons"], row["coded_event_id"]) == (
        "ENC-100234",
        ["service line 2: code 99499 has no price in the chargemaster"],
        event.event_id,
    )

    # redelivered (same event) or re-sent (new event, same coding): announced once only
    assert (await apply([event])).emitted == []
    resent = coded_event(event.data, minutes=5)
    assert (await apply([resent])).emitted == []
    assert await conn.fetchval("SELECT count(*) FROM claim_rejections") == 1


async def test_an_unpriceable_self_pay_encounter_is_refused_the_same_way(conn, apply) -> None:
    applied = await apply([coded_event(self_pay_encounter(service_lines=lines_for("0001A")))])
    (message,) = applied.emitted
    assert message.topic == "claim.rejected"
    assert data_of(message)["document"] == "statement"
    assert await conn.fetchval("SELECT count(*) FROM statements") == 0
    assert await balance(conn) == 0


async def test_a_refused_encounter_is_billed_once_its_coding_is_corrected(conn, apply) -> None:
    await apply([coded_event(coded_encounter(service_lines=lines_for("99499")))])
    applied = await apply([coded_event(coded_encounter(), minutes=10)])
    (message,) = applied.emitted
    assert (message.topic, data_of(message)["frequency_code"]) == ("claim.submitted", "1")
    assert await balance(conn) == Decimal("188.00")

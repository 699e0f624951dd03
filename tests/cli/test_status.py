"""`medbill status`: counts and timelines read through each service's status view; a
timeline reads as sentences, in the order things happened."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg

from tests.cli.conftest import environment, medbill

T0 = datetime(2026, 10, 5, 14, 0, 0, tzinfo=UTC)
CLAIM_ID = uuid4()
REASONS = [
    {"rule": "ICD10CM-NOT-BILLABLE", "message": "E11 is a category, not a billable code",
     "subject": "E11"},
]  # fmt: skip
CODED = {
    "diagnoses": [{"code": "E11.9", "description": "x"}, {"code": "I10", "description": "y"}],
    "service_lines": [{"code": "99213"}, {"code": "36415"}],
}


async def reviewed_and_billed(url: str) -> None:
    """One encounter sent to review and coded from the coder's decision at T0 (one
    transaction, so one timestamp), its review email sent a second later, coded and billed
    five minutes later (the claim in the same second as the coding)."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "INSERT INTO coder.encounters (encounter_id, patient_id, date_of_service,"
            " closed_event_id, status, coded, coded_event_id, review_reasons,"
            " review_requested_at, coded_at, received_at)"
            " VALUES ('ENC-1', 'MRN-1', '2026-10-05', $1, 'coded', $2::json, $3, $4::json,"
            " $5, $6, $5)",
            uuid4(), json.dumps(CODED), uuid4(), json.dumps(REASONS), T0, T0 + timedelta(minutes=5),
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO biller.claims (claim_id, encounter_id, patient_account, payer_id,"
            " total_charge, claim, coded_event_id, created_at)"
            " VALUES ($1, 'ENC-1', 'ACCT-1', '60054', 125.00, '{}', $2, $3)",
            CLAIM_ID, uuid4(), T0 + timedelta(minutes=5),
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO notifier.notifications (notification_id, channel, audience, template,"
            " recipient, subject, message, subject_event_id, subject_event_type,"
            " correlation_id, status, attempts, created_at, sent_at)"
            " VALUES ($1, 'email', 'coding_team', 'coding-review-requested',"
            " 'coding@example.org', 'Chart needs review', 'x', $2, 'coding.review-requested',"
            " 'ENC-1', 'sent', 1, $3, $4)",
            uuid4(), uuid4(), T0, T0 + timedelta(seconds=1),
        )  # fmt: skip
    finally:
        await conn.close()


async def test_a_timeline_reads_as_sentences_in_the_order_things_happened(migrated_database):
    await reviewed_and_billed(migrated_database)
    result = medbill("status", "ENC-1", env=environment(DATABASE_URL=migrated_database))
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "2026-10-05 14:00:00  encounter received (date of service 2026-10-05)",
        "2026-10-05 14:00:00  sent to the coding team for review:"
        " E11 is a category, not a billable code",
        "2026-10-05 14:00:01  email 'coding-review-requested' to the coding team sent (1 attempt)",
        "2026-10-05 14:05:00  coded with diagnoses E11.9, I10 and service lines 99213, 36415",
        f"2026-10-05 14:05:00  claim {CLAIM_ID} to payer 60054 for 125.00 (submitted)",
    ]
    assert "{" not in result.out and "ICD10CM-NOT-BILLABLE" not in result.out


async def test_a_timeline_as_json(migrated_database):
    await reviewed_and_billed(migrated_database)
    result = medbill("status", "--json", "ENC-1", env=environment(DATABASE_URL=migrated_database))
    steps = json.loads(result.out)
    assert [s["stage"] for s in steps] == [
        "closed", "review-requested", "notification-sent", "coded", "claim"
    ]  # fmt: skip
    assert steps[0]["at"].startswith("2026-10-05 14:00:00")


async def test_counts_come_from_the_status_views(migrated_database):
    await reviewed_and_billed(migrated_database)
    result = medbill("status", "--json", env=environment(DATABASE_URL=migrated_database))
    counts = json.loads(result.out)
    assert counts == {
        "encounters_closed": 1,
        "encounters_coded": 1,
        "review_requested": 1,
        "claims": 1,
        "statements": 0,
        "claims_rejected": 0,
        "notifications_sent": 1,
        "notifications_failed": 0,
        "notifications_pending": 0,
        "dead_letters": 0,
    }
    text = medbill("status", env=environment(DATABASE_URL=migrated_database)).out
    assert "encounters coded                 1" in text


async def test_the_status_views_hold_no_patient_data(migrated_database):
    """The CLI's window on each service: ids, codes, amounts, dates; no names, no accounts,
    no addresses, no clinical text."""
    conn = await asyncpg.connect(migrated_database)
    try:
        columns = {
            (r["table_schema"], r["table_name"]): set(r["columns"])
            for r in await conn.fetch(
                "SELECT table_schema, table_name, array_agg(column_name::text) AS columns"
                " FROM information_schema.columns WHERE table_name IN"
                " ('encounter_status', 'billing_status', 'notification_status')"
                " GROUP BY 1, 2"
            )
        }
    finally:
        await conn.close()
    assert set(columns) == {
        ("coder", "encounter_status"),
        ("biller", "billing_status"),
        ("notifier", "notification_status"),
    }
    everything = set().union(*columns.values())
    for private in ("patient_id", "patient_account", "recipient", "subject", "message", "closed"):
        assert private not in everything


async def test_a_corrected_encounter_counts_once_and_its_timeline_says_what_happened(
    migrated_database,
):
    """A re-sent encounter voided its statement and was reissued one; another was refused."""
    conn = await asyncpg.connect(migrated_database)
    voided, reissued = uuid4(), uuid4()
    try:
        for statement_id, status, at, voided_at in (
            (voided, "voided", T0, T0 + timedelta(hours=1)),
            (reissued, "issued", T0 + timedelta(hours=1), None),
        ):
            await conn.execute(
                "INSERT INTO biller.statements (statement_id, patient_account, encounter_id,"
                " amount_due, statement_date, due_date, statement, status, voided_at,"
                " created_at) VALUES ($1, 'ACCT-2', 'ENC-2', 40.00, '2026-10-06', '2026-11-05',"
                " '{}', $2, $3, $4)",
                statement_id, status, voided_at, at,
            )  # fmt: skip
        await conn.execute(
            "INSERT INTO biller.claim_rejections (rejection_id, encounter_id, document, reasons,"
            " rejection, coded_event_id, created_at) VALUES ($1, 'ENC-3', 'claim',"
            " ARRAY['no price for 99999 in the chargemaster'], '{}', $2, $3)",
            uuid4(), uuid4(), T0,
        )  # fmt: skip
    finally:
        await conn.close()
    env = environment(DATABASE_URL=migrated_database)
    counts = json.loads(medbill("status", "--json", env=env).out)
    assert (counts["statements"], counts["claims_rejected"]) == (1, 1)
    assert medbill("status", "ENC-2", env=env).out.splitlines() == [
        f"2026-10-05 14:00:00  patient statement {voided} for 40.00, due 2026-11-05",
        f"2026-10-05 15:00:00  statement {voided} voided",
        f"2026-10-05 15:00:00  patient statement {reissued} for 40.00, due 2026-11-05",
    ]
    assert medbill("status", "ENC-3", env=env).out.splitlines() == [
        "2026-10-05 14:00:00  not billed: no price for 99999 in the chargemaster",
    ]

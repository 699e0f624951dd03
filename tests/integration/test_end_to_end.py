"""200 encounters through the real broker, PostgreSQL and SMTP server, each exactly once."""

from __future__ import annotations

import asyncio

import asyncpg

from medbill.migrate import migrate_all
from tests.integration.flows import (
    Expected,
    message_ids,
    one_document_each,
    publish,
    read_events,
    settled,
)
from tests.pipeline import Pipeline
from tests.support.samples import sample_encounters


async def test_two_hundred_encounters_flow_through_exactly_once(
    fresh_kafka, database_url, smtp_server, tmp_path
):
    host, port, mailbox = smtp_server
    events = sample_encounters(200, seed=11, review_share=0.08, self_pay_share=0.3)
    expected = Expected.of(events)
    assert expected.review and expected.statements and expected.claims  # the mix is varied

    await migrate_all(database_url)
    pipeline = Pipeline(
        kafka=fresh_kafka, database_url=database_url, smtp=(host, port), log_dir=tmp_path
    )
    pipeline.start()
    try:
        await publish(fresh_kafka, events)
        counts = await settled(database_url, expected, mailbox)
        await asyncio.sleep(2)  # anything extra (a duplicate) would show up now
    finally:
        codes = pipeline.stop()

    assert counts["encounters_closed"] == 200
    assert counts["dead_letters"] == 0
    assert codes == {"coder": 0, "biller": 0, "notifier": 0}  # SIGTERM: graceful exit

    conn = await asyncpg.connect(database_url)
    try:
        coded = {
            r["encounter_id"]
            for r in await conn.fetch(
                "SELECT encounter_id FROM coder.encounters WHERE status = 'coded'"
            )
        }
        review = {
            r["encounter_id"]
            for r in await conn.fetch(
                "SELECT encounter_id FROM coder.encounters WHERE status = 'review'"
            )
        }
        claims = [
            r["encounter_id"] for r in await conn.fetch("SELECT encounter_id FROM biller.claims")
        ]
        statements = [
            r["encounter_id"]
            for r in await conn.fetch("SELECT encounter_id FROM biller.statements")
        ]
        ledger = await conn.fetch(
            "SELECT reference, count(*) AS n FROM biller.ledger_entries GROUP BY reference"
        )
        lines = await conn.fetchval("SELECT count(*) FROM biller.claim_lines")
        unsent = await conn.fetchval(
            "SELECT (SELECT count(*) FROM coder.outbox) + (SELECT count(*) FROM biller.outbox)"
            " + (SELECT count(*) FROM notifier.outbox)"
        )
    finally:
        await conn.close()

    assert coded == expected.coded
    assert review == expected.review
    assert sorted(claims) == sorted(expected.claims)
    assert sorted(statements) == sorted(expected.statements)
    assert len(ledger) == len(claims) + len(statements)
    assert lines > len(claims)
    assert unsent == 0

    claim_events = await read_events(fresh_kafka, ["claim.submitted"], len(expected.claims))
    claimed, doubled = one_document_each(claim_events, "claim_id")
    assert len(claimed) == len(expected.claims) and not doubled
    assert {e["correlation_id"] for e in claim_events} == expected.claims

    ids = message_ids(mailbox)
    assert len(mailbox.snapshot()) == expected.patient_emails + expected.review_emails
    assert all(n == 1 for n in ids.values())
    recipients = [rcpt for _, rcpts in mailbox.envelopes for rcpt in rcpts]
    assert recipients.count("coding@example.org") == expected.review_emails

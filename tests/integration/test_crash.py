"""The biller killed with SIGKILL mid-stream and started again: no lost, no duplicated claims."""

from __future__ import annotations

import asyncio

import asyncpg

from medbill.migrate import migrate_all
from tests.conftest import eventually
from tests.integration.flows import Expected, one_document_each, publish, read_events, settled
from tests.pipeline import Pipeline
from tests.support.samples import sample_encounters


async def test_biller_killed_mid_stream_loses_and_duplicates_nothing(
    fresh_kafka, database_url, tmp_path
):
    events = sample_encounters(1500, seed=23, review_share=0.03, self_pay_share=0.3)
    expected = Expected.of(events)
    await migrate_all(database_url)
    pipeline = Pipeline(
        kafka=fresh_kafka,
        database_url=database_url,
        smtp=None,
        log_dir=tmp_path,
        KAFKA_MAX_BATCH="50",
    )
    pipeline.start("coder", "biller")
    conn = await asyncpg.connect(database_url)
    try:
        await publish(fresh_kafka, events)

        async def some_billed() -> bool:
            n = await conn.fetchval(
                "SELECT (SELECT count(*) FROM biller.claims)"
                " + (SELECT count(*) FROM biller.statements)"
            )
            return n >= 100

        assert await eventually(some_billed, timeout=90)
        pipeline.kill("biller")
        at_kill = await conn.fetchval("SELECT count(*) FROM biller.claims")
        assert 0 < at_kill < len(expected.claims)  # killed in the middle, not after the end
        await asyncio.sleep(1)
        pipeline.start("biller")
        counts = await settled(database_url, expected, None, timeout=150, notifications=False)
        await asyncio.sleep(2)

        claims = [
            r["encounter_id"] for r in await conn.fetch("SELECT encounter_id FROM biller.claims")
        ]
        statements = [
            r["encounter_id"]
            for r in await conn.fetch("SELECT encounter_id FROM biller.statements")
        ]
        # the ledger has no unique key: a re-applied event would post its charges twice
        doubled = await conn.fetchval(
            "SELECT count(*) FROM (SELECT reference, line_number, entry_type"
            " FROM biller.ledger_entries GROUP BY 1, 2, 3 HAVING count(*) > 1) d"
        )
        lines_expected = await conn.fetchval("SELECT count(*) FROM biller.claim_lines")
        claim_line_sum = await conn.fetchval(
            "SELECT count(*) FROM biller.claims c WHERE total_charge <>"
            " (SELECT sum(charge) FROM biller.claim_lines l WHERE l.claim_id = c.claim_id)"
        )
    finally:
        await conn.close()
        pipeline.stop()

    assert counts["claims"] == len(expected.claims)
    assert sorted(claims) == sorted(expected.claims)
    assert sorted(statements) == sorted(expected.statements)
    assert doubled == 0
    claim_events = await read_events(fresh_kafka, ["claim.submitted"], len(expected.claims))
    claimed, doubled_claims = one_document_each(claim_events, "claim_id")
    assert len(claimed) == len(expected.claims) and not doubled_claims
    statement_events = await read_events(
        fresh_kafka, ["statement.issued"], len(expected.statements)
    )
    issued, doubled_statements = one_document_each(statement_events, "statement_id")
    assert len(issued) == len(expected.statements) and not doubled_statements
    assert lines_expected >= len(expected.claims)
    assert claim_line_sum == 0

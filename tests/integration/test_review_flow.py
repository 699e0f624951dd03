"""A chart the coder is unsure of goes to review, a coder's decision comes back on
coding.review-completed, and the encounter is coded and billed from it."""

from __future__ import annotations

import json

import asyncpg

from medbill.migrate import migrate_all
from medbill.publishing import send_all
from medbill.status import timeline
from schemas.coding import CodingReviewCompleted, CodingReviewCompletedData
from services.common.outbox import OutboxMessage
from tests.conftest import eventually
from tests.pipeline import Pipeline
from tests.support.samples import sample_encounter


async def test_a_reviewed_chart_is_coded_and_billed(fresh_kafka, database_url, tmp_path):
    closed = sample_encounter(1, seed=77, kind="office", review=True, self_pay=False)
    encounter_id = closed.data.encounter_id
    await migrate_all(database_url)
    pipeline = Pipeline(kafka=fresh_kafka, database_url=database_url, smtp=None, log_dir=tmp_path)
    pipeline.start("coder", "biller")
    conn = await asyncpg.connect(database_url)
    try:
        await send_all(fresh_kafka, [OutboxMessage.of(closed)])

        async def status() -> str | None:
            return await conn.fetchval(
                "SELECT status FROM coder.encounters WHERE encounter_id = $1", encounter_id
            )

        assert await eventually(lambda: _is(status, "review"), timeout=60)
        assert await conn.fetchval("SELECT count(*) FROM biller.claims") == 0

        decision = CodingReviewCompleted.create(
            CodingReviewCompletedData(
                encounter_id=encounter_id,
                reviewer_id="coder-17",
                diagnoses=["E11.9", "I10"],
                evaluation_and_management="99213",
            ),
            source="coding-ui",
            correlation_id=encounter_id,
        )
        stranger = CodingReviewCompleted.create(
            CodingReviewCompletedData(
                encounter_id="ENC-NOT-HERE", reviewer_id="coder-17", diagnoses=["I10"]
            ),
            source="coding-ui",
            correlation_id="ENC-NOT-HERE",
        )
        await send_all(fresh_kafka, [OutboxMessage.of(decision), OutboxMessage.of(stranger)])

        assert await eventually(lambda: _is(status, "coded"), timeout=60)

        async def billed() -> int:
            return await conn.fetchval(
                "SELECT count(*) FROM biller.claims WHERE encounter_id = $1", encounter_id
            )

        assert await eventually(billed, timeout=60)
        row = await conn.fetchrow(
            "SELECT coded AS data, coded_event_id, closed FROM coder.encounters"
            " WHERE encounter_id = $1",
            encounter_id,
        )
        claim = await conn.fetchrow(
            "SELECT claim->'data' AS data, coded_event_id FROM biller.claims"
            " WHERE encounter_id = $1",
            encounter_id,
        )
        letters = await conn.fetch("SELECT topic, error FROM coder.dead_letters")
        steps = await timeline(conn, encounter_id)  # what `medbill status ID` prints
    finally:
        await conn.close()
        pipeline.stop()

    coded = json.loads(row["data"])
    assert [d["code"] for d in coded["diagnoses"]] == ["E11.9", "I10"]
    assert all(d["method"] == "reviewed" for d in coded["diagnoses"])
    assert "billing" not in coded  # the coder keeps the coding, not the demographics
    assert row["coded_event_id"] == claim["coded_event_id"]  # the event the biller billed
    assert row["closed"] is None  # the source record is not kept once coded
    assert [line["code"] for line in json.loads(claim["data"])["lines"]][0] == "99213"
    stages = {step["stage"]: step["detail"] for step in steps}
    assert list(stages)[:3] == ["closed", "review-requested", "coded"]
    assert stages["coded"].startswith("coded with diagnoses E11.9, I10 and service lines 99213")
    assert "claim" in stages
    assert [(r["topic"], r["error"]) for r in letters] == [
        ("coding.review-completed", "encounter ENC-NOT-HERE is not waiting for review")
    ]


async def _is(status, wanted: str) -> bool:  # noqa: ANN001
    return await status() == wanted

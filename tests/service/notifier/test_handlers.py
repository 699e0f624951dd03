"""The notifier's handlers, called directly inside a transaction on the real PostgreSQL."""

from __future__ import annotations

from email import message_from_bytes
from uuid import uuid4

import asyncpg
import pytest

from schemas.notifications import NotificationFailed
from services.common.consuming import Batch
from services.common.deadletter import RawRecord
from services.common.settings import Settings
from services.notifier.domain import NotifierError, notification_id_for
from services.notifier.handlers import NotifierHandlers
from tests.unit.notifier.factories import (
    CLINICAL_DESCRIPTIONS,
    PATIENT_EMAIL,
    recipient,
    review_requested,
    statement_issued,
)

SETTINGS = Settings(smtp_from="Billing <billing@example.org>", coding_team_email="coding@h.test")  # type: ignore[call-arg]


def batch_of(*events):  # noqa: ANN002, ANN201
    topic = events[0].TYPE
    return Batch(
        [
            (RawRecord(topic, 0, i, b"k", e.model_dump_json().encode()), e)
            for i, e in enumerate(events)
        ]
    )


async def rows(conn: asyncpg.Connection) -> dict:
    return {r["notification_id"]: r for r in await conn.fetch("SELECT * FROM notifications")}


async def test_a_statement_is_queued_rendered_and_nothing_is_emitted_yet(notifier_pool):
    event = statement_issued(uuid4())
    batch = batch_of(event)
    async with notifier_pool.acquire() as conn, conn.transaction():
        await NotifierHandlers(SETTINGS).on_statements_issued(conn, batch)
    async with notifier_pool.acquire() as conn:
        [row] = (await rows(conn)).values()

    assert row["notification_id"] == notification_id_for(
        event.event_id, "statement-ready", "patient"
    )
    assert (row["status"], row["attempts"], row["recipient"]) == ("pending", 0, PATIENT_EMAIL)
    assert (row["subject_event_type"], row["correlation_id"]) == ("statement.issued", "ENC-100234")
    message = message_from_bytes(row["message"])
    assert message["To"] == PATIENT_EMAIL
    assert message["From"] == "Billing <billing@example.org>"
    assert message["Message-ID"] == f"<{row['notification_id']}@medbill>"
    assert all(d.encode() not in row["message"] for d in CLINICAL_DESCRIPTIONS)
    assert batch.emitted == [] and batch.rejected == {}


async def test_the_same_statement_twice_queues_one_email(notifier_pool):
    event = statement_issued(uuid4())
    handlers = NotifierHandlers(SETTINGS)
    for _ in range(2):  # redelivered, or twice in one batch
        async with notifier_pool.acquire() as conn, conn.transaction():
            await handlers.on_statements_issued(conn, batch_of(event, event))
    async with notifier_pool.acquire() as conn:
        assert len(await rows(conn)) == 1


async def test_a_patient_who_asked_for_paper_gets_no_email(notifier_pool):
    event = statement_issued(uuid4(), recipient=recipient(contact_preference="mail"))
    batch = batch_of(event)
    async with notifier_pool.acquire() as conn, conn.transaction():
        await NotifierHandlers(SETTINGS).on_statements_issued(conn, batch)
        assert await rows(conn) == {}
    assert batch.emitted == []


async def test_an_address_that_cannot_receive_mail_is_a_failed_notification_not_a_dead_letter(
    notifier_pool,
):
    bad, good = (
        statement_issued(uuid4(), recipient=recipient(email="ana.lopez@example")),
        statement_issued(uuid4()),
    )
    batch = batch_of(bad, good)
    handlers = NotifierHandlers(SETTINGS)
    async with notifier_pool.acquire() as conn, conn.transaction():
        await handlers.on_statements_issued(conn, batch)
    async with notifier_pool.acquire() as conn:
        found = await rows(conn)

    assert batch.rejected == {}
    [message] = batch.emitted
    failed = NotificationFailed.model_validate_json(message.value)
    refused_id = notification_id_for(bad.event_id, "statement-ready", "patient")
    assert failed.data.notification_id == refused_id
    assert (failed.data.permanent, failed.data.attempts) == (True, 1)
    assert failed.data.recipient == "a***@example"
    assert failed.causation_id == bad.event_id and failed.correlation_id == "ENC-100234"
    assert b"ana.lopez" not in message.value
    assert (found[refused_id]["status"], found[refused_id]["message"]) == ("failed", b"")
    assert "ana.lopez" not in found[refused_id]["recipient"]
    assert found[notification_id_for(good.event_id, "statement-ready", "patient")]["status"] == (
        "pending"
    )

    again = batch_of(bad)  # the refusal is reported once
    async with notifier_pool.acquire() as conn, conn.transaction():
        await handlers.on_statements_issued(conn, again)
    assert again.emitted == []


async def test_a_review_request_is_queued_for_the_coding_team(notifier_pool):
    event = review_requested(uuid4())
    async with notifier_pool.acquire() as conn, conn.transaction():
        await NotifierHandlers(SETTINGS).on_reviews_requested(conn, batch_of(event))
    async with notifier_pool.acquire() as conn:
        [row] = (await rows(conn)).values()

    assert (row["recipient"], row["audience"], row["template"]) == (
        "coding@h.test",
        "coding_team",
        "coding-review-requested",
    )
    assert row["subject_event_type"] == "coding.review-requested"
    assert b"reports knee pain" not in row["message"]  # no evidence text


@pytest.mark.parametrize(
    "setting", [{"coding_team_email": "coding team"}, {"smtp_from": "billing\r\nBcc: a@b.org"}]
)
def test_a_misconfigured_address_stops_the_service_at_start(setting: dict[str, str]):
    with pytest.raises(NotifierError):
        NotifierHandlers(Settings(**setting))  # type: ignore[arg-type]

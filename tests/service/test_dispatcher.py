"""The notifier's dispatcher end to end: its real runtime (pool, migrations, relay, dispatcher)
against PostgreSQL, the Kafka-protocol broker and a real SMTP server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import pytest

from medbill.stack import free_port
from schemas.notifications import NotificationFailed, NotificationSent
from services.common.kafka import create_topics
from services.common.runtime import ServiceRuntime
from services.common.settings import Settings
from services.notifier import repository
from services.notifier.domain import OutgoingEmail, review_request_email, statement_email
from services.notifier.main import build
from tests.conftest import Mailbox, eventually, read_topics, serving_mail
from tests.unit.notifier.factories import PATIENT_EMAIL, review_request, statement_notice

CORRELATION = "ENC-100234"
REFUSED = "nobody@example.org"


def settings_for(kafka: str, database_url: str, smtp_port: int, **extra: object) -> Settings:
    return Settings(  # type: ignore[arg-type]
        kafka_bootstrap_servers=kafka,
        database_url=database_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_timeout_s=5,
        smtp_from="billing@example.org",
        relay_poll_ms=50,
        **extra,
    )


@asynccontextmanager
async def running_notifier(settings: Settings) -> AsyncIterator[ServiceRuntime]:
    await create_topics(
        settings.kafka_bootstrap_servers, {"notification.sent": 3, "notification.failed": 3}
    )
    runtime = build(settings)
    async with runtime.lifespan():
        yield runtime


def statement() -> OutgoingEmail:
    email = statement_email(statement_notice(uuid4()))
    assert isinstance(email, OutgoingEmail)
    return email


def review(coding_team: str = "coding@example.org") -> OutgoingEmail:
    return review_request_email(review_request(uuid4()), coding_team=coding_team)


async def queue(runtime: ServiceRuntime, *emails: OutgoingEmail) -> None:
    now = datetime.now(UTC)
    async with runtime.pool.acquire() as conn, conn.transaction():
        await repository.add_emails(
            conn,
            [
                repository.QueuedEmail(
                    e,
                    e.render("billing@example.org", sent_at=now),
                    "statement.issued" if e.audience == "patient" else "coding.review-requested",
                    CORRELATION,
                )
                for e in emails
            ],
        )
    runtime.wake()


async def notifications(runtime: ServiceRuntime) -> dict:
    async with runtime.pool.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM notifications")
    return {r["notification_id"]: r for r in rows}


async def outbox(runtime: ServiceRuntime, topic: str) -> list[dict[str, bytes]]:
    """The events about this test's notifications that the relay published to `topic`
    (the shared broker also carries other tests' events)."""
    ids = {str(i) for i in await notifications(runtime)}
    records = await read_topics(runtime.settings.kafka_bootstrap_servers, [topic], 0)
    return [
        {"value": r.value} for r in records if json.loads(r.value)["data"]["notification_id"] in ids
    ]


async def unpublished(runtime: ServiceRuntime) -> int:
    async with runtime.pool.acquire() as conn:
        return await conn.fetchval("SELECT count(*) FROM outbox")


@pytest.fixture
def mail_server() -> Iterator[tuple[int, Mailbox]]:
    box = Mailbox()
    with serving_mail(box) as controller:
        yield controller.port, box


async def test_queued_emails_are_sent_once_and_recorded(
    kafka: str, database_url: str, mail_server: tuple[int, Mailbox]
):
    port, mailbox = mail_server
    emails = [statement(), review()]
    async with running_notifier(settings_for(kafka, database_url, port)) as runtime:
        await queue(runtime, *emails)
        await queue(runtime, emails[0])  # queued again (a redelivered event): still one email

        async def all_sent() -> bool:
            rows = await notifications(runtime)
            return len(rows) == 2 and all(r["status"] == "sent" for r in rows.values())

        assert await eventually(all_sent, timeout=30)

        async def relayed() -> bool:
            rows = await outbox(runtime, "notification.sent")
            return len(rows) == 2 and await unpublished(runtime) == 0

        assert await eventually(relayed, timeout=30)
        runtime.wake()
        await asyncio.sleep(0.5)  # a further dispatcher pass must not send them again
        rows = await notifications(runtime)
        sent_events = await outbox(runtime, "notification.sent")
        assert await outbox(runtime, "notification.failed") == []

    messages = mailbox.snapshot()
    assert sorted(m["Message-ID"] for m in messages) == sorted(e.message_id for e in emails)
    assert sorted(rcpts[0] for _, rcpts in mailbox.envelopes) == sorted(
        [PATIENT_EMAIL, "coding@example.org"]
    )
    by_id = {m["Message-ID"]: m for m in messages}
    for email in emails:
        message = by_id[email.message_id]
        assert message["To"] == email.to
        assert message["Subject"] == email.subject
        assert message["From"] == "billing@example.org"
        row = rows[email.notification_id]
        assert (row["attempts"], row["last_error"]) == (1, None)
        assert row["sent_at"] is not None

    events = [NotificationSent.model_validate_json(r["value"]) for r in sent_events]
    assert {e.data.notification_id for e in events} == {e.notification_id for e in emails}
    for event in events:
        email = next(e for e in emails if e.notification_id == event.data.notification_id)
        assert event.causation_id == email.subject_event_id
        assert event.correlation_id == CORRELATION
        assert event.data.attempts == 1
        assert event.data.template == email.template
        assert event.data.recipient == email.to[0] + "***@example.org"
    published = b"".join(r["value"] for r in sent_events)
    assert all(email.to.encode() not in published for email in emails)  # masked, never whole


async def test_an_unreachable_server_leaves_the_email_pending_for_another_try(
    kafka: str, database_url: str
):
    email = statement()
    async with running_notifier(settings_for(kafka, database_url, free_port())) as runtime:
        await queue(runtime, email)

        async def failed_once() -> list[asyncpg.Record]:
            return await outbox(runtime, "notification.failed")

        failures = await eventually(failed_once, timeout=30)
        assert failures
        row = (await notifications(runtime))[email.notification_id]

    assert row["status"] == "pending"
    assert row["attempts"] >= 1
    assert row["last_error"]
    assert row["sent_at"] is None
    first = NotificationFailed.model_validate_json(failures[0]["value"])
    assert first.data.notification_id == email.notification_id
    assert first.data.permanent is False
    assert first.data.attempts == 1
    assert first.correlation_id == CORRELATION
    assert row["next_attempt_at"] >= row["created_at"] + timedelta(seconds=2)  # backed off


async def test_the_last_allowed_attempt_fails_for_good(kafka: str, database_url: str):
    email = statement()
    settings = settings_for(kafka, database_url, free_port(), notify_max_attempts=1)
    async with running_notifier(settings) as runtime:
        await queue(runtime, email)

        async def failed() -> bool:
            row = (await notifications(runtime))[email.notification_id]
            return row["status"] == "failed"

        assert await eventually(failed, timeout=30)
        [failure] = await outbox(runtime, "notification.failed")

    event = NotificationFailed.model_validate_json(failure["value"])
    assert (event.data.permanent, event.data.attempts) == (True, 1)


class RefusingMailbox(Mailbox):
    """Accepts every recipient but one, which it refuses for good (550)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address == REFUSED:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_smtp_server() -> Iterator[tuple[int, RefusingMailbox]]:
    box = RefusingMailbox()
    with serving_mail(box) as controller:
        yield controller.port, box


async def test_a_refused_recipient_fails_for_good_and_the_rest_are_sent(
    kafka: str, database_url: str, refusing_smtp_server: tuple[int, RefusingMailbox]
):
    port, mailbox = refusing_smtp_server
    refused, accepted = review(coding_team=REFUSED), statement()
    async with running_notifier(settings_for(kafka, database_url, port)) as runtime:
        await queue(runtime, refused, accepted)

        async def settled() -> bool:
            rows = await notifications(runtime)
            return len(rows) == 2 and all(r["status"] != "pending" for r in rows.values())

        assert await eventually(settled, timeout=30)
        runtime.wake()
        await asyncio.sleep(0.5)  # not tried again
        rows = await notifications(runtime)
        failures = await outbox(runtime, "notification.failed")
        sent = await outbox(runtime, "notification.sent")

    assert rows[refused.notification_id]["status"] == "failed"
    assert rows[refused.notification_id]["attempts"] == 1
    assert "550" in rows[refused.notification_id]["last_error"]
    assert rows[accepted.notification_id]["status"] == "sent"
    assert [m["Message-ID"] for m in mailbox.snapshot()] == [accepted.message_id]

    [failure] = [NotificationFailed.model_validate_json(r["value"]) for r in failures]
    assert failure.data.notification_id == refused.notification_id
    assert failure.data.permanent is True
    assert failure.data.attempts == 1
    assert failure.data.recipient == "n***@example.org"
    [success] = [NotificationSent.model_validate_json(r["value"]) for r in sent]
    assert success.data.notification_id == accepted.notification_id

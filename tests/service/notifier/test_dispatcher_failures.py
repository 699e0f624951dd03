"""The dispatcher against a real aiosmtpd and PostgreSQL when things go wrong: a crash or a
database outage in the middle of a batch, a 421 or a 5xx for one message."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import pytest

from services.common.db import create_pool
from services.notifier import repository
from services.notifier.dispatcher import Dispatcher
from services.notifier.domain import OutgoingEmail, notification_id_for
from tests.conftest import Mailbox, eventually, serving_mail

from .conftest import DispatcherRuntime, mail_settings

CONNECTIONS = 4


def email_to(address: str) -> OutgoingEmail:
    event_id = uuid4()
    return OutgoingEmail(
        notification_id=notification_id_for(event_id, "statement-ready", "patient"),
        audience="patient",
        template="statement-ready",
        to=address,
        subject="Your billing statement is ready",
        text_body="Hello,\n",
        html_body=None,
        subject_event_id=event_id,
    )


async def queue(pool: asyncpg.Pool, emails: list[OutgoingEmail]) -> None:
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        await repository.add_emails(
            conn,
            [
                repository.QueuedEmail(
                    e, e.render("billing@example.org", sent_at=now), "statement.issued", "ENC-1"
                )
                for e in emails
            ],
        )


async def statuses(pool: asyncpg.Pool) -> Counter[str]:
    async with pool.acquire() as conn:
        return Counter(r["status"] for r in await conn.fetch("SELECT status FROM notifications"))


async def events(pool: asyncpg.Pool) -> Counter[tuple[str, str]]:
    """(topic, notification id) of every event in the outbox."""
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT topic, value FROM outbox")
    return Counter((r["topic"], json.loads(r["value"])["data"]["notification_id"]) for r in rows)


class SlowMailbox(Mailbox):
    """Takes a few milliseconds per message, as a real mail server does."""

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        await asyncio.sleep(0.004)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_mail() -> Iterator[tuple[int, SlowMailbox]]:
    box = SlowMailbox()
    with serving_mail(box) as controller:
        yield controller.port, box


def duplicates(mailbox: Mailbox) -> int:
    return sum(n - 1 for n in Counter(m["Message-ID"] for m in mailbox.snapshot()).values())


async def all_sent(pool: asyncpg.Pool, n: int) -> bool:
    return (await statuses(pool))["sent"] == n


async def test_a_crash_in_the_middle_of_a_batch_resends_at_most_one_message_per_connection(
    notifier_pool, slow_mail
):
    port, mailbox = slow_mail
    n = 200
    await queue(notifier_pool, [email_to(f"p{i}@example.org") for i in range(n)])
    settings = mail_settings(port, smtp_connections=CONNECTIONS)
    first = Dispatcher(DispatcherRuntime(settings, notifier_pool), lease_s=1.0)
    await first.start()
    assert await eventually(lambda: _received(mailbox, 40), timeout=30, interval=0.005)
    assert first._task is not None
    first._task.cancel()  # killed in the middle of its batch
    with contextlib.suppress(asyncio.CancelledError):
        await first._task
    received_before = len(mailbox.snapshot())
    assert received_before < n

    second = Dispatcher(DispatcherRuntime(settings, notifier_pool), lease_s=1.0)
    await second.start()
    try:
        assert await eventually(lambda: all_sent(notifier_pool, n), timeout=60)
    finally:
        await second.stop()

    assert duplicates(mailbox) <= CONNECTIONS
    assert len({m["Message-ID"] for m in mailbox.snapshot()}) == n
    sent = await events(notifier_pool)
    assert len(sent) == n and set(sent.values()) == {1}  # one notification.sent each


async def test_a_database_outage_in_the_middle_of_a_batch_resends_at_most_one_per_connection(
    notifier_pool, slow_mail, database_url
):
    port, mailbox = slow_mail
    n = 200
    await queue(notifier_pool, [email_to(f"p{i}@example.org") for i in range(n)])
    settings = mail_settings(port, smtp_connections=CONNECTIONS)
    dispatcher = Dispatcher(DispatcherRuntime(settings, notifier_pool), lease_s=5.0)
    await dispatcher.start()
    try:
        assert await eventually(lambda: _received(mailbox, 40), timeout=30, interval=0.005)
        admin = await asyncpg.connect(database_url)
        try:  # every connection of the pool dropped, as a database restart does
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        finally:
            await admin.close()
        # the test reads through connections of its own, opened after the outage
        reader = await create_pool(database_url, "notifier", max_size=2)
        assert await eventually(lambda: all_sent(reader, n), timeout=60)
        sent = await events(reader)
        await reader.close()
    finally:
        await dispatcher.stop()

    assert duplicates(mailbox) <= CONNECTIONS
    assert len({m["Message-ID"] for m in mailbox.snapshot()}) == n
    assert len(sent) == n and set(sent.values()) == {1}


async def _received(mailbox: Mailbox, at_least: int) -> bool:
    return len(mailbox.snapshot()) >= at_least


class AnswersOnce(Mailbox):
    """Answers `reply` to the first message for `address`; accepts everything else."""

    def __init__(self, address: str, reply: str) -> None:
        super().__init__()
        self.address, self.reply, self.answered = address, reply, 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        if self.address in envelope.rcpt_tos and (self.reply[0] == "5" or not self.answered):
            self.answered += 1
            return self.reply
        return await super().handle_DATA(server, session, envelope)


async def run_until_settled(pool: asyncpg.Pool, port: int, n: int) -> None:
    async def settled() -> bool:
        return (await statuses(pool))["pending"] == 0

    dispatcher = Dispatcher(
        DispatcherRuntime(mail_settings(port, smtp_connections=2), pool), lease_s=5.0
    )
    await dispatcher.start()
    try:
        assert await eventually(settled, timeout=60)
    finally:
        await dispatcher.stop()


async def failures_of(pool: asyncpg.Pool) -> dict[str, list[dict]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT value FROM outbox WHERE topic = 'notification.failed'")
    found: dict[str, list[dict]] = {}
    for r in rows:
        data = json.loads(r["value"])["data"]
        found.setdefault(data["notification_id"], []).append(data)
    return found


async def test_a_421_for_one_message_retries_it_and_its_neighbours_go_out_on_a_fresh_connection(
    notifier_pool,
):
    box = AnswersOnce("p3@example.org", "421 4.3.2 service shutting down, closing channel")
    emails = [email_to(f"p{i}@example.org") for i in range(12)]
    await queue(notifier_pool, emails)
    with serving_mail(box) as controller:
        await run_until_settled(notifier_pool, controller.port, len(emails))
        async with notifier_pool.acquire() as conn:
            rows = {
                r["recipient"]: r
                for r in await conn.fetch("SELECT recipient, status, attempts FROM notifications")
            }

    assert {r["status"] for r in rows.values()} == {"sent"}
    assert rows["p3@example.org"]["attempts"] == 2  # the 421 one: tried again later
    assert all(r["attempts"] == 1 for a, r in rows.items() if a != "p3@example.org")
    failures = await failures_of(notifier_pool)
    [[failure]] = failures.values()  # only the 421 one ever failed, and not for good
    assert failure["notification_id"] == str(emails[3].notification_id)
    assert (failure["permanent"], failure["error"]) == (False, "SMTP 421")
    assert sorted(m["To"] for m in box.snapshot()) == sorted(e.to for e in emails)


async def test_a_5xx_for_one_message_fails_it_for_good_and_its_neighbours_are_sent(
    notifier_pool, caplog: pytest.LogCaptureFixture
):
    box = AnswersOnce("p3@example.org", "554 5.6.0 message refused")
    emails = [email_to(f"p{i}@example.org") for i in range(12)]
    await queue(notifier_pool, emails)
    with serving_mail(box) as controller:
        await run_until_settled(notifier_pool, controller.port, len(emails))

    assert await statuses(notifier_pool) == Counter({"sent": 11, "failed": 1})
    [[failure]] = (await failures_of(notifier_pool)).values()
    assert failure["notification_id"] == str(emails[3].notification_id)
    assert (failure["permanent"], failure["attempts"], failure["error"]) == (True, 1, "SMTP 554")
    assert box.answered == 1
    assert len(box.snapshot()) == 11
    assert "notification failed" in caplog.text
    assert "@example.org" not in caplog.text  # no address in the logs

"""Real servers for the tests: a Tansu broker per session, a fresh PostgreSQL database per
test that needs one, and an aiosmtpd server that records what it receives."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord
from aiosmtpd.controller import Controller

from medbill import stack
from services.common.kafka import create_topics

ADMIN_URL = os.environ.get("TEST_ADMIN_DATABASE_URL", stack.LOCAL_POSTGRES)


@pytest.fixture(scope="session")
def kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    broker = stack.LocalBroker.start(log_path=tmp_path_factory.mktemp("broker") / "tansu.log")
    yield broker.bootstrap
    broker.stop()


@pytest.fixture
async def fresh_kafka(tmp_path: Path) -> AsyncIterator[str]:
    """A broker of the test's own, with every topic created: flow tests consume from the
    earliest offset, so they must not see what an earlier test published."""
    broker = stack.LocalBroker.start(log_path=tmp_path / "tansu.log")
    await create_topics(broker.bootstrap)
    yield broker.bootstrap
    broker.stop()


@pytest.fixture(scope="session")
def pg_admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An admin URL of a server we may create databases on: 127.0.0.1:5432 where it
    answers (every machine here), else an embedded server."""
    if stack.port_open("127.0.0.1", 5432):
        yield ADMIN_URL
        return
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pg") / "pgdata", cleanup_mode="stop")
    yield server.get_uri()
    server.cleanup()


def _with_database(admin_url: str, name: str) -> str:
    head, _, tail = admin_url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{tail}" if tail else "")


@pytest.fixture
async def database_url(pg_admin: str) -> AsyncIterator[str]:
    name = f"medbill_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(pg_admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    yield _with_database(pg_admin, name)
    conn = await asyncpg.connect(pg_admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


class Mailbox:
    """Collects every message the SMTP server (aiosmtpd) accepts. A subclass may answer
    differently (a refusal, a 421) by overriding a handle_* hook."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802, ANN201
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def snapshot(self) -> list[Message]:
        with self._lock:
            return list(self.messages)


@contextmanager
def serving_mail(handler: object) -> Iterator[Controller]:
    """A real SMTP server (aiosmtpd) on a free local port, whose `handler` gets each message;
    stopped on leaving."""
    controller = Controller(handler, hostname="127.0.0.1", port=stack.free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, int, Mailbox]]:
    box = Mailbox()
    with serving_mail(box) as controller:
        yield "127.0.0.1", controller.port, box


async def eventually(check, timeout: float = 60.0, interval: float = 0.25):  # noqa: ANN001, ANN201
    """Poll an async check until it returns a truthy value or time runs out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await check()
        if value:
            return value
        if loop.time() > deadline:
            return value
        await asyncio.sleep(interval)


async def read_topics(
    bootstrap: str, topics: list[str], at_least: int, timeout: float = 30.0
) -> list[ConsumerRecord]:
    """Every record on the topics from the start, in a brand-new group: waits for
    `at_least`, then a little longer so that a duplicate would show."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=f"check-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=2000,
        heartbeat_interval_ms=300,
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(records) < at_least and asyncio.get_running_loop().time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records += batch
        for batch in (await consumer.getmany(timeout_ms=1500)).values():
            records += batch
    finally:
        await consumer.stop()
    return records


ROOT = Path(__file__).resolve().parent.parent

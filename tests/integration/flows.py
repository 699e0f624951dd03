"""Shared steps of the flow tests: publish samples, compute what must come out, wait."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import asyncpg

from medbill.publishing import send_all
from medbill.status import counts
from schemas.encounter import EncounterClosed
from services.coder import reference_data, wire
from services.coder.domain import Coded, code_encounter
from services.common.outbox import OutboxMessage
from tests.conftest import Mailbox, eventually, read_topics

CODER_DATA = reference_data.load()  # what the coder loads at start-up


@dataclass(frozen=True)
class Expected:
    coded: set[str]
    review: set[str]
    claims: set[str]
    statements: set[str]
    patient_emails: int
    review_emails: int

    @classmethod
    def of(cls, events: list[EncounterClosed]) -> Expected:
        coded, review, claims, statements, patient_emails = set(), set(), set(), set(), 0
        for e in events:
            d = e.data
            if isinstance(code_encounter(wire.encounter(d), CODER_DATA), Coded):
                coded.add(d.encounter_id)
                if d.self_pay:
                    statements.add(d.encounter_id)
                    if d.patient.email and d.patient.contact_preference == "email":
                        patient_emails += 1
                else:
                    claims.add(d.encounter_id)
            else:
                review.add(d.encounter_id)
        return cls(coded, review, claims, statements, patient_emails, len(review))


async def publish(kafka: str, events: list[EncounterClosed]) -> None:
    await send_all(kafka, [OutboxMessage.of(e) for e in events])


async def settled(
    database_url: str,
    expected: Expected,
    mailbox: Mailbox | None,
    timeout: float = 120.0,
    *,
    notifications: bool = True,
) -> dict[str, int]:
    conn = await asyncpg.connect(database_url)
    try:

        async def done() -> dict[str, int] | None:
            try:
                c = await counts(conn)
            except asyncpg.UndefinedTableError:
                return None
            emails_ok = mailbox is None or len(mailbox.snapshot()) >= (
                expected.patient_emails + expected.review_emails
            )
            ok = (
                c["encounters_coded"] >= len(expected.coded)
                and c["review_requested"] >= len(expected.review)
                and c["claims"] >= len(expected.claims)
                and c["statements"] >= len(expected.statements)
                and (
                    not notifications
                    or c["notifications_sent"] >= expected.patient_emails + expected.review_emails
                )
                and emails_ok
            )
            return c if ok else None

        result = await eventually(done, timeout=timeout)
        return result or await counts(conn)
    finally:
        await conn.close()


async def read_events(
    bootstrap: str, topics: list[str], at_least: int, timeout: float = 60
) -> list[dict]:
    """Every event on the topics from the start, decoded."""
    return [json.loads(r.value) for r in await read_topics(bootstrap, topics, at_least, timeout)]


def one_document_each(events: list[dict], id_field: str) -> tuple[set[str], list[str]]:
    """(the documents announced, the documents announced under two different event ids).
    The same event twice is at-least-once delivery and harmless; a second event for the
    same claim or statement would be a duplicate."""
    by_document: dict[str, set[str]] = {}
    for e in events:
        by_document.setdefault(e["data"][id_field], set()).add(e["event_id"])
    return set(by_document), [d for d, ids in by_document.items() if len(ids) > 1]


def message_ids(mailbox: Mailbox) -> Counter[str]:
    return Counter(m["Message-ID"] for m in mailbox.snapshot())

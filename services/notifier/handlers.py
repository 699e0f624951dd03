"""Notifier use cases: turn events into queued, rendered notifications (sent by the
dispatcher)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import asyncpg

from schemas.billing import StatementIssued
from schemas.coding import CodingReviewRequested
from schemas.envelope import Envelope
from services.common.consuming import Batch
from services.common.settings import Settings

from . import repository
from .domain import OutgoingEmail, review_request_email, statement_email


class NotifierHandlers:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _queued(
        self, pairs: Iterable[tuple[Envelope, OutgoingEmail | None]]
    ) -> list[repository.QueuedEmail]:
        now = datetime.now(UTC)
        sender = self.settings.smtp_from
        return [
            repository.QueuedEmail(mail, mail.render(sender, sent_at=now), event.correlation_id)
            for event, mail in pairs
            if mail is not None
        ]

    async def on_statements_issued(
        self, conn: asyncpg.Connection, batch: Batch[StatementIssued]
    ) -> None:
        emails = batch.map(lambda e: statement_email(e.event_id, e.data))
        await repository.add_emails(conn, self._queued(emails))

    async def on_reviews_requested(
        self, conn: asyncpg.Connection, batch: Batch[CodingReviewRequested]
    ) -> None:
        team = self.settings.coding_team_email
        emails = batch.map(lambda e: review_request_email(e.event_id, e.data, coding_team=team))
        await repository.add_emails(conn, self._queued(emails))

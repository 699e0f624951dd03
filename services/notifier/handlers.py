"""Notifier use cases: turn events into queued notifications (sent by the dispatcher)."""

from __future__ import annotations

import asyncpg

from schemas.billing import StatementIssued
from schemas.coding import CodingReviewRequested
from services.common.consuming import Batch
from services.common.settings import Settings

from . import repository
from .domain import review_request_email, statement_email


class NotifierHandlers:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def on_statements_issued(
        self, conn: asyncpg.Connection, batch: Batch[StatementIssued]
    ) -> None:
        emails = [
            (mail, event.correlation_id)
            for event, mail in batch.map(lambda e: statement_email(e.event_id, e.data))
            if mail is not None
        ]
        await repository.add_emails(conn, emails)

    async def on_reviews_requested(
        self, conn: asyncpg.Connection, batch: Batch[CodingReviewRequested]
    ) -> None:
        team = self.settings.coding_team_email
        emails = [
            (mail, event.correlation_id)
            for event, mail in batch.map(
                lambda e: review_request_email(e.event_id, e.data, coding_team=team)
            )
        ]
        await repository.add_emails(conn, emails)

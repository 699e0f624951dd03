"""Notifier use cases: turn events into queued, rendered notifications (sent later by the
dispatcher), or into notification.failed where the domain refuses to send."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from schemas.billing import StatementIssued
from schemas.coding import CodingReviewRequested
from services.common.consuming import Batch
from services.common.settings import Settings

from . import repository, wire
from .domain import (
    OutgoingEmail,
    Undeliverable,
    check_address,
    check_sender,
    review_request_email,
    statement_email,
)


class NotifierHandlers:
    """Both handlers run inside the batch's transaction (with its inbox and outbox)."""

    def __init__(self, settings: Settings) -> None:
        # configuration, checked once at start-up rather than refused message by message
        self.sender = check_sender(settings.smtp_from)
        self.coding_team = check_address(settings.coding_team_email)

    async def on_statements_issued(
        self, conn: asyncpg.Connection, batch: Batch[StatementIssued]
    ) -> None:
        now = datetime.now(UTC)
        queued: list[repository.QueuedEmail] = []
        refused: list[repository.Refused] = []
        for event in batch.events:
            decision = statement_email(wire.statement(event))
            if isinstance(decision, OutgoingEmail):
                queued.append(self._queued(decision, event, now))
            elif isinstance(decision, Undeliverable):
                refused.append(repository.Refused(decision, event.TYPE, event.correlation_id))
        await repository.add_emails(conn, queued)
        recorded = await repository.add_refused(conn, refused)
        for r in refused:
            if r.refusal.notification_id in recorded:
                batch.emit(
                    wire.refused_event(
                        r.refusal,
                        subject_event_type=r.subject_event_type,
                        correlation_id=r.correlation_id,
                        failed_at=now,
                    )
                )

    async def on_reviews_requested(
        self, conn: asyncpg.Connection, batch: Batch[CodingReviewRequested]
    ) -> None:
        now = datetime.now(UTC)
        emails = [
            self._queued(
                review_request_email(wire.review_request(event), coding_team=self.coding_team),
                event,
                now,
            )
            for event in batch.events
        ]
        await repository.add_emails(conn, emails)

    def _queued(
        self,
        email: OutgoingEmail,
        event: StatementIssued | CodingReviewRequested,
        now: datetime,
    ) -> repository.QueuedEmail:
        """Rendered once, now (its Date is when it was queued): every attempt sends the same
        bytes."""
        message = email.render(self.sender, sent_at=now)
        return repository.QueuedEmail(email, message, event.TYPE, event.correlation_id)

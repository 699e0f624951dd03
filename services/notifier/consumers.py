"""What the notifier consumes, and which handler applies it."""

from __future__ import annotations

from schemas.billing import StatementIssued
from schemas.coding import CodingReviewRequested
from schemas.topics import (
    NOTIFICATION_FAILED,
    NOTIFICATION_SENT,
    REVIEW_REQUESTED,
    STATEMENT_ISSUED,
)
from services.common.runtime import ServiceRuntime

from .handlers import NotifierHandlers


def include(runtime: ServiceRuntime) -> None:
    handlers = NotifierHandlers(runtime.settings)
    runtime.subscribe(
        STATEMENT_ISSUED, StatementIssued, handlers.on_statements_issued, "statement-issued"
    )
    runtime.subscribe(
        REVIEW_REQUESTED, CodingReviewRequested, handlers.on_reviews_requested, "review-requested"
    )
    runtime.declare_output(NOTIFICATION_SENT, NOTIFICATION_FAILED)

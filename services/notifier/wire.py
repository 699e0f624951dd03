"""The one place where the notifier's wire contract (schemas/) meets its domain types: the
events it consumes become domain notices, and what became of a notification becomes
notification.sent / notification.failed."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from schemas.billing import StatementIssued
from schemas.coding import CodingReviewRequested
from schemas.notifications import (
    NotificationFailed,
    NotificationFailedData,
    NotificationSent,
    NotificationSentData,
)

from .domain import (
    Failure,
    ProposedDiagnosis,
    ProposedServiceLine,
    ReviewReason,
    ReviewRequest,
    Statement,
    Undeliverable,
    mask_address,
)
from .repository import Pending

SOURCE = "medbill/notifier"


def statement(event: StatementIssued) -> Statement:
    data = event.data
    return Statement(
        event_id=event.event_id,
        patient_account=data.patient_account,
        email=data.recipient.email,
        contact_preference=data.recipient.contact_preference,
        statement_date=data.statement_date,
        due_date=data.due_date,
        service_count=len(data.lines),
        amount_due=data.amount_due,
        billing_office_phone=data.billing_office_phone,
    )


def review_request(event: CodingReviewRequested) -> ReviewRequest:
    data = event.data
    return ReviewRequest(
        event_id=event.event_id,
        encounter_id=data.encounter_id,
        patient_id=data.patient_id,
        date_of_service=data.date_of_service,
        queue=data.queue,
        reasons=tuple(ReviewReason(r.rule, r.message, r.subject) for r in data.reasons),
        proposed_diagnoses=tuple(
            ProposedDiagnosis(d.sequence, d.code, d.description, d.method, d.confidence)
            for d in data.proposed_diagnoses
        ),
        proposed_service_lines=tuple(
            ProposedServiceLine(
                line_number=s.line_number,
                code_system=s.code_system,
                code=s.code,
                description=s.description,
                modifiers=tuple(s.modifiers),
                units=s.units,
                diagnosis_pointers=tuple(s.diagnosis_pointers),
            )
            for s in data.proposed_service_lines
        ),
    )


def sent_event(p: Pending, *, sent_at: datetime) -> NotificationSent:
    data = NotificationSentData(
        notification_id=p.notification_id,
        channel="email",
        audience=p.audience,  # type: ignore[arg-type]  # checked by the table's rows
        template=p.template,
        recipient=mask_address(p.recipient),
        subject_event_id=p.subject_event_id,
        subject_event_type=p.subject_event_type,
        attempts=p.attempts + 1,
        sent_at=sent_at,
    )
    return NotificationSent.create(
        data, source=SOURCE, correlation_id=p.correlation_id, causation_id=p.subject_event_id
    )


def failed_event(p: Pending, failure: Failure, *, failed_at: datetime) -> NotificationFailed:
    return _failed(
        notification_id=p.notification_id,
        audience=p.audience,
        template=p.template,
        masked_recipient=mask_address(p.recipient),
        subject_event_id=p.subject_event_id,
        subject_event_type=p.subject_event_type,
        correlation_id=p.correlation_id,
        attempts=failure.attempts,
        error=failure.error,
        permanent=failure.permanent,
        failed_at=failed_at,
    )


def refused_event(
    refusal: Undeliverable, *, subject_event_type: str, correlation_id: str, failed_at: datetime
) -> NotificationFailed:
    """A notification the domain refused to send (attempts counts that one refusal)."""
    return _failed(
        notification_id=refusal.notification_id,
        audience=refusal.audience,
        template=refusal.template,
        masked_recipient=refusal.recipient,
        subject_event_id=refusal.subject_event_id,
        subject_event_type=subject_event_type,
        correlation_id=correlation_id,
        attempts=1,
        error=refusal.reason,
        permanent=True,
        failed_at=failed_at,
    )


def _failed(
    *,
    notification_id: UUID,
    audience: str,
    template: str,
    masked_recipient: str,
    subject_event_id: UUID,
    subject_event_type: str,
    correlation_id: str,
    attempts: int,
    error: str,
    permanent: bool,
    failed_at: datetime,
) -> NotificationFailed:
    data = NotificationFailedData(
        notification_id=notification_id,
        channel="email",
        audience=audience,  # type: ignore[arg-type]
        template=template,
        recipient=masked_recipient,
        subject_event_id=subject_event_id,
        subject_event_type=subject_event_type,
        attempts=attempts,
        error=error,
        permanent=permanent,
        failed_at=failed_at,
    )
    return NotificationFailed.create(
        data, source=SOURCE, correlation_id=correlation_id, causation_id=subject_event_id
    )

"""Topic names, partition counts and message keys: the one place that names them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .billing import (
    ClaimDenied,
    ClaimRejected,
    ClaimSubmitted,
    PaymentPosted,
    RemittanceReceived,
    StatementIssued,
    StatementVoided,
)
from .coding import CodingReviewCompleted, CodingReviewRequested, EncounterCoded
from .encounter import EncounterClosed
from .envelope import Envelope
from .notifications import NotificationFailed, NotificationSent

DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True)
class Topic:
    name: str
    event: type[Envelope]
    partitions: int
    key_field: str
    """Path in the event whose value is the message key."""

    @property
    def dlq(self) -> str:
        return self.name + DLQ_SUFFIX

    def key_of(self, event: Envelope) -> bytes:
        value: Any = event
        for part in self.key_field.split("."):
            value = getattr(value, part)
        return str(value).encode()


ENCOUNTER_CLOSED = Topic("encounter.closed", EncounterClosed, 6, "data.encounter_id")
ENCOUNTER_CODED = Topic("encounter.coded", EncounterCoded, 6, "data.encounter_id")
REVIEW_REQUESTED = Topic("coding.review-requested", CodingReviewRequested, 3, "data.encounter_id")
REVIEW_COMPLETED = Topic("coding.review-completed", CodingReviewCompleted, 3, "data.encounter_id")
CLAIM_SUBMITTED = Topic("claim.submitted", ClaimSubmitted, 6, "data.encounter_id")
CLAIM_REJECTED = Topic("claim.rejected", ClaimRejected, 3, "data.encounter_id")
REMITTANCE_RECEIVED = Topic("remittance.received", RemittanceReceived, 3, "data.remittance_id")
PAYMENT_POSTED = Topic("payment.posted", PaymentPosted, 3, "data.encounter_id")
CLAIM_DENIED = Topic("claim.denied", ClaimDenied, 3, "data.encounter_id")
STATEMENT_ISSUED = Topic("statement.issued", StatementIssued, 3, "data.patient_account")
STATEMENT_VOIDED = Topic("statement.voided", StatementVoided, 3, "data.patient_account")
NOTIFICATION_SENT = Topic("notification.sent", NotificationSent, 3, "correlation_id")
NOTIFICATION_FAILED = Topic("notification.failed", NotificationFailed, 3, "correlation_id")

ALL_TOPICS: tuple[Topic, ...] = (
    ENCOUNTER_CLOSED,
    ENCOUNTER_CODED,
    REVIEW_REQUESTED,
    REVIEW_COMPLETED,
    CLAIM_SUBMITTED,
    CLAIM_REJECTED,
    REMITTANCE_RECEIVED,
    PAYMENT_POSTED,
    CLAIM_DENIED,
    STATEMENT_ISSUED,
    STATEMENT_VOIDED,
    NOTIFICATION_SENT,
    NOTIFICATION_FAILED,
)
BY_EVENT_TYPE: dict[str, Topic] = {t.event.TYPE: t for t in ALL_TOPICS}
BY_NAME: dict[str, Topic] = {t.name: t for t in ALL_TOPICS}


def topic_for(event: Envelope) -> Topic:
    return BY_EVENT_TYPE[event.event_type]


def all_topic_names(with_dlq: bool = True) -> dict[str, int]:
    """Every topic with its partition count; dead-letter topics mirror their source."""
    names = {t.name: t.partitions for t in ALL_TOPICS}
    if with_dlq:
        names.update({t.dlq: t.partitions for t in ALL_TOPICS})
    return names

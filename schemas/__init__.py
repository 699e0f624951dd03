"""The wire contract: one pydantic model per event type, all sharing one envelope."""

from .base import Model
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

EVENT_MODELS: tuple[type[Envelope], ...] = (
    EncounterClosed,
    EncounterCoded,
    CodingReviewRequested,
    CodingReviewCompleted,
    ClaimSubmitted,
    ClaimRejected,
    RemittanceReceived,
    PaymentPosted,
    ClaimDenied,
    StatementIssued,
    StatementVoided,
    NotificationSent,
    NotificationFailed,
)

__all__ = [m.__name__ for m in EVENT_MODELS] + [
    "EVENT_MODELS",
    "Envelope",
    "Model",
]

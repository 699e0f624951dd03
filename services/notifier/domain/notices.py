"""What the notifier is told about: the events it emails people for, in its own terms.

Each type holds only what an email about it may say (45 CFR 164.502(b), minimum necessary):
a statement notice knows how many services a statement covers, never what they were; a
review request knows the proposed codes, never the evidence text quoted from the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

Audience = Literal["patient", "coding_team", "billing_office", "subscriber"]
AUDIENCES: frozenset[str] = frozenset({"patient", "coding_team", "billing_office", "subscriber"})
ContactPreference = Literal["email", "mail", "sms", "none"]


@dataclass(frozen=True)
class Statement:
    """A patient statement the biller issued, as far as the "statement ready" email needs it."""

    event_id: UUID
    patient_account: str
    email: str | None
    contact_preference: ContactPreference
    statement_date: date
    due_date: date
    service_count: int
    amount_due: Decimal
    billing_office_phone: str | None = None


@dataclass(frozen=True)
class ReviewReason:
    rule: str
    message: str
    subject: str | None = None


@dataclass(frozen=True)
class ProposedDiagnosis:
    sequence: int
    code: str
    description: str
    method: str
    confidence: float


@dataclass(frozen=True)
class ProposedServiceLine:
    line_number: int
    code_system: str
    code: str
    description: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    diagnosis_pointers: tuple[int, ...] = ()


@dataclass(frozen=True)
class ReviewRequest:
    """A chart the coder could not code with confidence, waiting for a human coder."""

    event_id: UUID
    encounter_id: str
    patient_id: str
    date_of_service: date
    queue: str
    reasons: tuple[ReviewReason, ...]
    proposed_diagnoses: tuple[ProposedDiagnosis, ...] = ()
    proposed_service_lines: tuple[ProposedServiceLine, ...] = ()

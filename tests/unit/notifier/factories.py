"""Events, and the domain notices translated from them, for the notifier's tests: with
clinical detail on purpose, so the tests can show what the emails leave out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from schemas.billing import (
    StatementIssued,
    StatementIssuedData,
    StatementLine,
    StatementRecipient,
)
from schemas.coding import (
    CodedDiagnosis,
    CodingReviewRequested,
    CodingReviewRequestedData,
    Evidence,
    ReviewReason,
    ServiceLine,
)
from schemas.parties import Address
from services.notifier import wire
from services.notifier.domain import ReviewRequest, Statement

EVENT_ID = UUID("8a6e0804-2bd0-4672-b79d-d97027f9071a")
SENT_AT = datetime(2026, 11, 2, 15, 4, 5, tzinfo=UTC)
PATIENT_FIRST_NAME = "Ana"
PATIENT_LAST_NAME = "Lopez"
PATIENT_EMAIL = "ana.lopez@example.org"
PATIENT_BIRTH_DATE = date(1961, 4, 9)
CLINICAL_DESCRIPTIONS = (
    "Knee injection for osteoarthritis",
    "Office visit for diabetes mellitus follow-up",
)
CLINICAL_WORDS = ("knee", "injection", "osteoarthritis", "visit", "diabetes", "mellitus", "follow")


def recipient(**overrides: Any) -> StatementRecipient:
    fields: dict[str, Any] = {
        "name": f"{PATIENT_FIRST_NAME} {PATIENT_LAST_NAME}",
        "email": PATIENT_EMAIL,
        "address": Address(
            line1="12 Elm Street", city="Springfield", state="IL", postal_code="62704"
        ),
        "contact_preference": "email",
    }
    return StatementRecipient(**(fields | overrides))


def statement_line(**overrides: Any) -> StatementLine:
    fields: dict[str, Any] = {
        "date_of_service": date(2026, 10, 14),
        "description": CLINICAL_DESCRIPTIONS[0],
        "charges": Decimal("1500.00"),
        "insurance_paid": Decimal("200.00"),
        "adjustments": Decimal("65.50"),
        "patient_owes": Decimal("1234.50"),
    }
    return StatementLine(**(fields | overrides))


def statement_issued_data(**overrides: Any) -> StatementIssuedData:
    fields: dict[str, Any] = {
        "statement_id": UUID("0b7e6a64-3c52-4f0b-9a43-7f6f3d0c9a11"),
        "patient_account": "ACCT-0042",
        "patient_id": "MRN-0042",
        "encounter_ids": ["ENC-100234"],
        "recipient": recipient(),
        "statement_date": date(2026, 11, 2),
        "due_date": date(2026, 12, 2),
        "lines": [
            statement_line(),
            statement_line(
                description=CLINICAL_DESCRIPTIONS[1],
                charges=Decimal("0.00"),
                insurance_paid=Decimal("0.00"),
                adjustments=Decimal("0.00"),
                patient_owes=Decimal("0.00"),
            ),
        ],
        "amount_due": Decimal("1234.50"),
        "billing_office_phone": "+1-217-555-0100",
    }
    return StatementIssuedData(**(fields | overrides))


def evidence(text: str = "Ana Lopez reports knee pain; diabetes mellitus type 2") -> Evidence:
    return Evidence(source="assessment_plan", text=text, start=0, end=len(text))


def coded_diagnosis(**overrides: Any) -> CodedDiagnosis:
    fields: dict[str, Any] = {
        "sequence": 1,
        "code": "E11.9",
        "description": "Type 2 diabetes mellitus without complications",
        "evidence": evidence(),
        "confidence": 0.62,
        "method": "inferred",
    }
    return CodedDiagnosis(**(fields | overrides))


def service_line(**overrides: Any) -> ServiceLine:
    fields: dict[str, Any] = {
        "line_number": 1,
        "code": "20610",
        "code_system": "CPT",
        "description": "Large joint injection",
        "modifiers": ["RT"],
        "units": 1,
        "diagnosis_pointers": [1],
        "evidence": evidence("injected right knee"),
        "method": "matched",
    }
    return ServiceLine(**(fields | overrides))


def review_requested_data(**overrides: Any) -> CodingReviewRequestedData:
    fields: dict[str, Any] = {
        "encounter_id": "ENC-100234",
        "patient_id": "MRN-0042",
        "date_of_service": date(2026, 10, 14),
        "reasons": [
            ReviewReason(
                rule="ICD10CM-NOT-BILLABLE",
                message="E11 is a category, not a billable code",
                subject="E11",
            ),
            ReviewReason(rule="LOW-CONFIDENCE", message="inferred diagnosis below 0.80"),
        ],
        "proposed_diagnoses": [coded_diagnosis()],
        "proposed_service_lines": [service_line()],
    }
    return CodingReviewRequestedData(**(fields | overrides))


def statement_issued(event_id: UUID = EVENT_ID, **overrides: Any) -> StatementIssued:
    return StatementIssued.create(
        statement_issued_data(**overrides),
        source="tests/biller",
        correlation_id="ENC-100234",
        event_id=event_id,
    )


def review_requested(event_id: UUID = EVENT_ID, **overrides: Any) -> CodingReviewRequested:
    return CodingReviewRequested.create(
        review_requested_data(**overrides),
        source="tests/coder",
        correlation_id="ENC-100234",
        event_id=event_id,
    )


def statement_notice(event_id: UUID = EVENT_ID, **overrides: Any) -> Statement:
    """The domain's notice of a statement, translated from the wire as the handler does."""
    return wire.statement(statement_issued(event_id, **overrides))


def review_request(event_id: UUID = EVENT_ID, **overrides: Any) -> ReviewRequest:
    return wire.review_request(review_requested(event_id, **overrides))

"""Small builders of the events the coder consumes; override only what a test is about."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from schemas.coding import CodingReviewCompletedData, ReviewedProcedure
from schemas.encounter import (
    Documentation,
    DocumentedDiagnosis,
    DocumentedProcedure,
    EncounterClosedData,
)
from schemas.parties import Address, Coverage, Facility, Patient, Provider

# In FY2026, the year of the loaded code set, so no version note unless a test asks.
DATE_OF_SERVICE = date(2026, 3, 10)
BIRTH_DATE = date(1961, 4, 9)
ENCOUNTER_ID = "ENC-100234"

_ADDRESS = Address(line1="12 Elm Street", city="Springfield", state="IL", postal_code="62704")


def diagnosis(
    code: str | None = "I10",
    text: str = "Essential hypertension",
    *,
    system: str | None = "ICD-10-CM",
    rank: int = 1,
) -> DocumentedDiagnosis:
    return DocumentedDiagnosis(
        text=text, code=code, code_system=system if code is not None else None, rank=rank
    )


def procedure(
    code: str | None = None,
    text: str = "Procedure as documented",
    *,
    quantity: int = 1,
    laterality: str | None = None,
) -> DocumentedProcedure:
    system = None if code is None else ("CPT" if code[0].isdigit() else "HCPCS")
    return DocumentedProcedure(
        text=text, code=code, code_system=system, quantity=quantity, laterality=laterality
    )


def patient(**overrides: Any) -> Patient:
    fields: dict[str, Any] = {
        "patient_id": "MRN-0042",
        "account_number": "ACCT-0042",
        "first_name": "Ana",
        "last_name": "Lopez",
        "birth_date": BIRTH_DATE,
        "sex": "F",
        "address": _ADDRESS,
    }
    return Patient(**(fields | overrides))


def encounter(
    *,
    diagnoses: list[DocumentedDiagnosis] | None = None,
    procedures: list[DocumentedProcedure] | None = None,
    **overrides: Any,
) -> EncounterClosedData:
    """A valid established-patient office visit with low MDM and one diagnosis (I10)."""
    day = overrides.get("date_of_service", DATE_OF_SERVICE)
    start = datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)
    provider = Provider(npi="1234567893", name="Jordan Reyes MD", taxonomy="207Q00000X")
    fields: dict[str, Any] = {
        "encounter_id": ENCOUNTER_ID,
        "encounter_type": "office",
        "patient_status": "established",
        "place_of_service": "11",
        "date_of_service": day,
        "start": start,
        "end": start + timedelta(minutes=25),
        "total_time_minutes": None,
        "mdm_level": "low",
        "patient": patient(),
        "rendering_provider": provider,
        "billing_provider": provider.model_copy(update={"tin": "123456789"}),
        "facility": Facility(facility_id="FAC-MAIN", name="Springfield Clinic", address=_ADDRESS),
        "coverages": [Coverage(payer_id="60054", payer_name="Aetna", member_id="W123456789")],
        "documentation": Documentation(
            diagnoses=[diagnosis()] if diagnoses is None else diagnoses,
            procedures=procedures or [],
        ),
    }
    return EncounterClosedData(**(fields | overrides))


def review(
    diagnoses: list[str] | None = None,
    procedures: list[ReviewedProcedure] | None = None,
    **overrides: Any,
) -> CodingReviewCompletedData:
    fields: dict[str, Any] = {
        "encounter_id": ENCOUNTER_ID,
        "reviewer_id": "coder-17",
        "diagnoses": ["I10"] if diagnoses is None else diagnoses,
        "procedures": procedures or [],
        "evaluation_and_management": "99213",
    }
    return CodingReviewCompletedData(**(fields | overrides))

"""Small builders of what the coder's domain reads; override only what a test is about.

`encounter()` builds a domain `Encounter` directly; `closed()` builds the wire
encounter.closed payload, for the tests of services/coder/wire.py and the handlers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from schemas.encounter import Documentation, EncounterClosedData
from schemas.encounter import DocumentedDiagnosis as WireDiagnosis
from schemas.encounter import DocumentedProcedure as WireProcedure
from schemas.parties import Address, Coverage, Facility, Provider
from schemas.parties import Patient as WirePatient
from services.coder import reference_data
from services.coder.domain import (
    CodingOutcome,
    DocumentedDiagnosis,
    DocumentedProcedure,
    Encounter,
    Patient,
    PrintedField,
    ReferenceData,
    ReviewDecision,
    ReviewedProcedure,
    code_encounter,
)

# In FY2026, the year of the loaded code set, so no version note unless a test asks.
DATE_OF_SERVICE = date(2026, 3, 10)
BIRTH_DATE = date(1961, 4, 9)
ENCOUNTER_ID = "ENC-100234"
# loaded once for every coder test, as the service loads it once at start-up
REFERENCE: ReferenceData = reference_data.load()


def outcome_of(encounter: Encounter, reference: ReferenceData = REFERENCE) -> CodingOutcome:
    return code_encounter(encounter, reference)


def diagnosis(
    code: str | None = "I10",
    text: str = "Essential hypertension",
    *,
    system: str | None = "ICD-10-CM",
    rank: int = 1,
) -> DocumentedDiagnosis:
    return DocumentedDiagnosis(
        text=text,
        code=code,
        code_system=system if code is not None else None,  # type: ignore[arg-type]
        rank=rank,
    )


def procedure(
    code: str | None = None,
    text: str = "Procedure as documented",
    *,
    quantity: int = 1,
    laterality: str | None = None,
) -> DocumentedProcedure:
    return DocumentedProcedure(
        text=text,
        code=code,
        quantity=quantity,
        laterality=laterality,  # type: ignore[arg-type]
    )


def patient(**overrides: Any) -> Patient:
    fields: dict[str, Any] = {"patient_id": "MRN-0042", "birth_date": BIRTH_DATE, "sex": "F"}
    return Patient(**(fields | overrides))


def printed(**values: str) -> tuple[PrintedField, ...]:
    """Printed demographics, e.g. printed(last_name="Lopez") for patient.last_name."""
    return tuple(
        PrintedField(f"patient.{name}", f"the patient's {name.replace('_', ' ')}", value)
        for name, value in values.items()
    )


def encounter(
    *,
    diagnoses: list[DocumentedDiagnosis] | None = None,
    procedures: list[DocumentedProcedure] | None = None,
    **overrides: Any,
) -> Encounter:
    """A valid established-patient office visit with low MDM and one diagnosis (I10)."""
    fields: dict[str, Any] = {
        "encounter_id": ENCOUNTER_ID,
        "encounter_type": "office",
        "patient_status": "established",
        "place_of_service": "11",
        "date_of_service": DATE_OF_SERVICE,
        "total_time_minutes": None,
        "mdm_level": "low",
        "patient": patient(),
        "diagnoses": tuple([diagnosis()] if diagnoses is None else diagnoses),
        "procedures": tuple(procedures or ()),
        "printed_demographics": printed(first_name="Ana", last_name="Lopez"),
    }
    return Encounter(**(fields | overrides))


def review(
    diagnoses: list[str] | None = None,
    procedures: list[ReviewedProcedure] | None = None,
    **overrides: Any,
) -> ReviewDecision:
    fields: dict[str, Any] = {
        "encounter_id": ENCOUNTER_ID,
        "reviewer_id": "coder-17",
        "diagnoses": tuple(["I10"] if diagnoses is None else diagnoses),
        "procedures": tuple(procedures or ()),
        "em_code": "99213",
    }
    return ReviewDecision(**(fields | overrides))


# --- the wire payload (schemas/) ----------------------------------------------------------------

_ADDRESS = Address(line1="12 Elm Street", city="Springfield", state="IL", postal_code="62704")


def wire_patient(**overrides: Any) -> WirePatient:
    fields: dict[str, Any] = {
        "patient_id": "MRN-0042",
        "account_number": "ACCT-0042",
        "first_name": "Ana",
        "last_name": "Lopez",
        "birth_date": BIRTH_DATE,
        "sex": "F",
        "address": _ADDRESS,
    }
    return WirePatient(**(fields | overrides))


def closed(
    *,
    diagnoses: list[WireDiagnosis] | None = None,
    procedures: list[WireProcedure] | None = None,
    **overrides: Any,
) -> EncounterClosedData:
    """The wire twin of encounter(): the same visit as an encounter.closed payload."""
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
        "patient": wire_patient(),
        "rendering_provider": provider,
        "billing_provider": provider.model_copy(update={"tin": "123456789"}),
        "facility": Facility(facility_id="FAC-MAIN", name="Springfield Clinic", address=_ADDRESS),
        "coverages": [Coverage(payer_id="60054", payer_name="Aetna", member_id="W123456789")],
        "documentation": Documentation(
            diagnoses=(
                [WireDiagnosis(text="Essential hypertension", code="I10", code_system="ICD-10-CM")]
                if diagnoses is None
                else diagnoses
            ),
            procedures=procedures or [],
        ),
    }
    return EncounterClosedData(**(fields | overrides))

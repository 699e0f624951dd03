"""Small builders of the encounter.coded events the biller consumes, and of the consumed
records that carry them; override only what a test is about."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from schemas.coding import (
    BillingContext,
    CodedDiagnosis,
    EncounterCoded,
    EncounterCodedData,
    Evidence,
    ServiceLine,
)
from schemas.parties import Address, Coverage, Facility, Patient, Provider
from services.common.deadletter import RawRecord

DATE_OF_SERVICE = date(2026, 11, 2)
CODED_AT = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)

# Clinical wording a statement must never show.
CLINICAL_DIAGNOSES = (
    ("J02.0", "Streptococcal pharyngitis"),
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("F17.210", "Nicotine dependence, cigarettes, uncomplicated"),
)


def address(**overrides: Any) -> Address:
    fields: dict[str, Any] = {
        "line1": "12 Elm Street",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62704",
    }
    return Address(**(fields | overrides))


def patient(**overrides: Any) -> Patient:
    fields: dict[str, Any] = {
        "patient_id": "MRN-0042",
        "account_number": "ACCT-0042",
        "first_name": "Ana",
        "last_name": "Lopez",
        "birth_date": date(1961, 4, 9),
        "sex": "F",
        "address": address(),
        "email": "ana@example.org",
        "contact_preference": "email",
    }
    return Patient(**(fields | overrides))


def provider(npi: str = "1234567893", name: str = "Jordan Reyes MD") -> Provider:
    return Provider(npi=npi, name=name, taxonomy="207Q00000X", tin="123456789")


def coverage(**overrides: Any) -> Coverage:
    fields: dict[str, Any] = {
        "payer_id": "60054",
        "payer_name": "Aetna",
        "member_id": "W123456789",
        "priority": "primary",
    }
    return Coverage(**(fields | overrides))


def diagnosis(sequence: int, code: str = "J02.0", description: str = "") -> CodedDiagnosis:
    return CodedDiagnosis(
        sequence=sequence,
        code=code,
        description=description or dict(CLINICAL_DIAGNOSES).get(code, "Some condition"),
        evidence=Evidence(source=f"diagnoses[{sequence - 1}]", text=description or code),
        confidence=0.98,
        method="provided",
    )


def service_line(
    line_number: int,
    code: str,
    *,
    units: int = 1,
    modifiers: Sequence[str] = (),
    pointers: Sequence[int] = (1,),
    description: str = "",
) -> ServiceLine:
    return ServiceLine(
        line_number=line_number,
        code=code,
        code_system="HCPCS" if code[0].isalpha() else "CPT",
        description=description or f"Documented service {code}",
        modifiers=list(modifiers),
        units=units,
        diagnosis_pointers=list(pointers),
        evidence=Evidence(source=f"procedures[{line_number - 1}]", text=description or code),
        method="matched",
    )


def lines_for(*codes: str) -> list[ServiceLine]:
    return [service_line(number, code) for number, code in enumerate(codes, start=1)]


def coded_encounter(
    *,
    service_lines: Sequence[ServiceLine] | None = None,
    diagnoses: Sequence[CodedDiagnosis] | None = None,
    coverages: Sequence[Coverage] | None = None,
    encounter_id: str = "ENC-100234",
    **billing_overrides: Any,
) -> EncounterCodedData:
    """An insured office visit (99213 + rapid strep) unless told otherwise.

    `coverages=[]` makes it self-pay; other keywords override the billing context.
    """
    billing: dict[str, Any] = {
        "encounter_type": "office",
        "place_of_service": "11",
        "date_of_service": DATE_OF_SERVICE,
        "patient": patient(),
        "rendering_provider": provider(),
        "billing_provider": provider("1245319599", "Springfield Clinic"),
        "facility": Facility(
            facility_id="FAC-MAIN", name="Springfield General Clinic", address=address()
        ),
        "coverages": list(coverages) if coverages is not None else [coverage()],
    }
    return EncounterCodedData(
        encounter_id=encounter_id,
        icd10cm_version="FY2027",
        diagnoses=list(diagnoses) if diagnoses is not None else [diagnosis(1)],
        service_lines=(
            list(service_lines) if service_lines is not None else lines_for("99213", "87880")
        ),
        billing=BillingContext(**(billing | billing_overrides)),
    )


def self_pay_encounter(**overrides: Any) -> EncounterCodedData:
    return coded_encounter(coverages=[], **overrides)


def coded_event(
    data: EncounterCodedData | None = None,
    *,
    minutes: int = 0,
    event_id: UUID | None = None,
) -> EncounterCoded:
    """encounter.coded as the coder sends it, coded `minutes` after CODED_AT."""
    data = data or coded_encounter()
    return EncounterCoded.create(
        data,
        source="medbill/coder",
        correlation_id=data.encounter_id,
        occurred_at=CODED_AT + timedelta(minutes=minutes),
        event_id=event_id or uuid4(),
    )


def record_of(event: EncounterCoded, offset: int = 0) -> RawRecord:
    return RawRecord(
        "encounter.coded",
        0,
        offset,
        event.data.encounter_id.encode(),
        event.model_dump_json().encode(),
        (("content-type", b"application/json"),),
    )

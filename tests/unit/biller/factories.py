"""Small builders of the biller's domain types; override only what a test is about."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from services.biller.domain import (
    Address,
    CodedEncounter,
    Coverage,
    Diagnosis,
    Patient,
    Service,
    Version,
)

DATE_OF_SERVICE = date(2026, 11, 2)
CODED_AT = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
FIRST_EVENT = UUID("00000000-0000-4000-8000-00000000c0de")

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
        "account": "ACCT-0042",
        "first_name": "Ana",
        "last_name": "Lopez",
        "address": address(),
        "email": "ana@example.org",
        "contact_preference": "email",
    }
    return Patient(**(fields | overrides))


def coverage(**overrides: Any) -> Coverage:
    fields: dict[str, Any] = {
        "payer_id": "60054",
        "payer_name": "Aetna",
        "member_id": "W123456789",
        "priority": "primary",
    }
    return Coverage(**(fields | overrides))


def diagnosis(sequence: int, code: str = "J02.0") -> Diagnosis:
    return Diagnosis(sequence=sequence, code=code)


def service_line(
    line_number: int,
    code: str,
    *,
    units: int = 1,
    modifiers: Sequence[str] = (),
    pointers: Sequence[int] = (1,),
) -> Service:
    return Service(
        line_number=line_number,
        code=code,
        modifiers=tuple(modifiers),
        units=units,
        diagnosis_pointers=tuple(pointers),
    )


def lines_for(*codes: str) -> list[Service]:
    return [service_line(number, code) for number, code in enumerate(codes, start=1)]


def coded_encounter(
    *,
    service_lines: Sequence[Service] | None = None,
    diagnoses: Sequence[Diagnosis] | None = None,
    coverages: Sequence[Coverage] | None = None,
    encounter_id: str = "ENC-100234",
    version: Version | None = None,
    **overrides: Any,
) -> CodedEncounter:
    """An insured office visit (99213 + rapid strep) unless told otherwise.

    `coverages=[]` makes it self-pay; other keywords override the encounter's fields.
    """
    fields: dict[str, Any] = {
        "date_of_service": DATE_OF_SERVICE,
        "place_of_service": "11",
        "patient": patient(),
        "rendering_provider_npi": "1234567893",
        "billing_provider_npi": "1245319599",
    }
    return CodedEncounter(
        encounter_id=encounter_id,
        version=version or Version(CODED_AT, FIRST_EVENT),
        diagnoses=tuple(diagnoses) if diagnoses is not None else (diagnosis(1),),
        services=tuple(service_lines)
        if service_lines is not None
        else tuple(lines_for("99213", "87880")),
        coverages=tuple(coverages) if coverages is not None else (coverage(),),
        **(fields | overrides),
    )


def self_pay_encounter(**overrides: Any) -> CodedEncounter:
    return coded_encounter(coverages=[], **overrides)

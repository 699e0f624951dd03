"""A coded encounter as the biller needs it: who to bill, for what, and which version it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from uuid import UUID

ContactPreference = Literal["email", "mail", "sms", "none"]
CoveragePriority = Literal["primary", "secondary", "tertiary"]


@dataclass(frozen=True, slots=True, order=True)
class Version:
    """Which coding of an encounter is the newer: the later `coded_at` (when the coder coded
    it, the encounter.coded `occurred_at`), then the larger event id, so that any two
    versions are ordered the same way wherever and whenever they are compared."""

    coded_at: datetime
    event_id: UUID


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str
    postal_code: str
    line2: str | None = None


@dataclass(frozen=True, slots=True)
class Patient:
    """The patient, who is also the guarantor of `account` (the event names no other)."""

    patient_id: str
    account: str
    first_name: str
    last_name: str
    address: Address
    email: str | None = None
    contact_preference: ContactPreference = "email"


@dataclass(frozen=True, slots=True)
class Coverage:
    payer_id: str
    payer_name: str
    member_id: str
    priority: CoveragePriority = "primary"


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """A coded ICD-10-CM diagnosis; `sequence` 1 is the first-listed."""

    sequence: int
    code: str


@dataclass(frozen=True, slots=True)
class Service:
    """A coded service line: CPT/HCPCS code, modifiers, units and 1-based diagnosis pointers
    into the encounter's diagnoses as listed."""

    line_number: int
    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    diagnosis_pointers: tuple[int, ...] = (1,)


@dataclass(frozen=True, slots=True)
class CodedEncounter:
    """One coding of an encounter. A later version of the same encounter corrects it."""

    encounter_id: str
    version: Version
    date_of_service: date
    place_of_service: str
    patient: Patient
    rendering_provider_npi: str
    billing_provider_npi: str
    diagnoses: tuple[Diagnosis, ...]
    services: tuple[Service, ...]
    coverages: tuple[Coverage, ...] = ()

    @property
    def event_id(self) -> UUID:
        """The id of the encounter.coded event this coding came in."""
        return self.version.event_id

    @property
    def self_pay(self) -> bool:
        """No coverage: the patient is billed by statement."""
        return not self.coverages

"""What the coder reads: an encounter as documented, and a human coder's decision on it.

The coder's own types, not the wire contract's: services/coder/wire.py translates an
encounter.closed payload into an `Encounter` and a coding.review-completed payload into a
`ReviewDecision`. Only what coding needs is here; the biller's pass-through state
(providers, coverage, addresses) stays on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from .text.analysis import Analysis

EncounterType = Literal[
    "office", "telehealth", "emergency", "observation", "inpatient", "preventive"
]
PatientStatus = Literal["new", "established"]
MdmLevel = Literal["straightforward", "low", "moderate", "high"]
Laterality = Literal["left", "right", "bilateral"]
Sex = Literal["M", "F", "U"]
DiagnosisSystem = Literal["ICD-10-CM", "SNOMED-CT"]


@dataclass(frozen=True, slots=True)
class DocumentedDiagnosis:
    """A diagnosis as the provider wrote it, with the EHR's code when it supplied one."""

    text: str
    code: str | None = None
    code_system: DiagnosisSystem | None = None
    rank: int = 1


@dataclass(frozen=True, slots=True)
class DocumentedProcedure:
    """A procedure, test or treatment as documented, with the EHR's CPT/HCPCS code if any."""

    text: str
    code: str | None = None
    quantity: int = 1
    laterality: Laterality | None = None
    minutes: int | None = None


@dataclass(frozen=True, slots=True)
class ClinicalNote:
    """A signed note (progress, emergency, operative, discharge summary...). Evidence found in
    it names it as its source, with character offsets into `text`. `analysis` is its one
    reading (tokens, sections, context: text/analysis.py), made once and shared by the
    diagnosis, status, procedure and E/M readers."""

    note_id: str
    kind: str
    text: str
    title: str | None = None
    author: str | None = None
    analysis: Analysis = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.analysis is None:
            # here, not at the top: the text package's types name this module's
            from .text.analysis import Analysis

            object.__setattr__(self, "analysis", Analysis(self.text))


@dataclass(frozen=True, slots=True)
class Patient:
    patient_id: str
    birth_date: date
    sex: Sex


class PrintedField(NamedTuple):
    """A piece of demographics that ends up printed on a claim, a statement or an email.

    `path` locates it in the encounter ("patient.last_name"); `label` says in plain words
    what it is ("the patient's last name"), so that a review reason can name the field
    without quoting its value (which is patient data). A plain tuple: an encounter carries
    twenty of them, made for every encounter and read only when one is not printable."""

    path: str
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Encounter:
    """A closed (signed) encounter: what the coder codes."""

    encounter_id: str
    encounter_type: EncounterType
    patient_status: PatientStatus
    place_of_service: str
    date_of_service: date
    patient: Patient
    total_time_minutes: int | None = None
    mdm_level: MdmLevel | None = None
    diagnoses: tuple[DocumentedDiagnosis, ...] = ()
    procedures: tuple[DocumentedProcedure, ...] = ()
    assessment_plan: str | None = None
    notes: tuple[ClinicalNote, ...] = ()
    printed_demographics: tuple[PrintedField, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewedProcedure:
    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """A human coder's coding of an encounter that was sent to review: diagnoses in
    sequence, procedures with the coder's units and modifiers, and the E/M code."""

    encounter_id: str
    reviewer_id: str
    diagnoses: tuple[str, ...]
    procedures: tuple[ReviewedProcedure, ...] = ()
    em_code: str | None = None
    note: str | None = None

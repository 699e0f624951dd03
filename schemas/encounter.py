"""encounter.closed: what a hospital sends when a provider signs a visit."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from .envelope import Envelope
from .parties import Coverage, Facility, Model, Patient, Provider
from .values import EncounterType, NonEmptyStr, PlaceOfService, UtcDatetime

MdmLevel = Literal["straightforward", "low", "moderate", "high"]


class DocumentedDiagnosis(Model):
    text: NonEmptyStr = Field(description="The diagnosis as the provider wrote it.")
    code: str | None = Field(default=None, description="Code supplied by the EHR, if any.")
    code_system: Literal["ICD-10-CM", "SNOMED-CT"] | None = Field(default=None)
    rank: int = Field(default=1, ge=1, description="1 = principal / first-listed.")
    present_on_admission: Literal["Y", "N", "U", "W"] | None = None

    @model_validator(mode="after")
    def _code_needs_system(self) -> DocumentedDiagnosis:
        if self.code is not None and self.code_system is None:
            raise ValueError("a diagnosis code needs its code_system")
        return self


class DocumentedProcedure(Model):
    text: NonEmptyStr = Field(description="The procedure as documented.")
    code: str | None = Field(default=None, description="CPT or HCPCS code supplied by the EHR.")
    code_system: Literal["CPT", "HCPCS"] | None = None
    quantity: int = Field(default=1, ge=1, le=999)
    laterality: Literal["left", "right", "bilateral"] | None = None
    minutes: int | None = Field(default=None, ge=0)


NoteKind = Literal[
    "progress",
    "history_and_physical",
    "consult",
    "emergency",
    "operative",
    "procedure",
    "discharge_summary",
    "other",
]


class ClinicalNote(Model):
    """A signed clinical note. Evidence found in it names it `notes[i]` (its position in
    `documentation.notes`), with character offsets into `text`."""

    note_id: NonEmptyStr = Field(
        description="The EHR's id of the note.",
        examples=["NOTE-88231"],
    )
    kind: NoteKind = Field(description="What kind of note it is.", examples=["progress"])
    title: str | None = Field(
        default=None, description="The note's title as the EHR shows it.", examples=["Office visit"]
    )
    author: str | None = Field(
        default=None,
        description="Who signed the note (a name or the EHR's user id).",
        examples=["Dr. R. Okafor, MD"],
    )
    text: NonEmptyStr = Field(
        description="The note's full text as signed. Offsets in evidence count Python str"
        " characters (Unicode code points) from 0.",
        examples=[
            "Assessment: essential hypertension, well controlled. Plan: continue lisinopril."
        ],
    )


class Documentation(Model):
    diagnoses: list[DocumentedDiagnosis] = Field(
        default_factory=list, description="Problem list: diagnoses as documented, rank 1 first."
    )
    procedures: list[DocumentedProcedure] = Field(
        default_factory=list, description="Orders: procedures, tests and treatments documented."
    )
    assessment_plan: str | None = Field(default=None, description="Free-text assessment and plan.")
    notes: list[ClinicalNote] = Field(
        default_factory=list,
        # an encounter without notes is written as before (no empty list on the wire)
        exclude_if=lambda notes: not notes,
        description="The clinical notes of the encounter. An encounter may carry only notes:"
        " the coder reads the diagnoses, procedures and visit level from them.",
    )


class EncounterClosedData(Model):
    encounter_id: NonEmptyStr = Field(
        description="The hospital's encounter id.", examples=["ENC-100234"]
    )
    encounter_type: EncounterType
    patient_status: Literal["new", "established"] = Field(
        description="New or established patient (CPT: seen by this specialty group in 3 years)."
    )
    place_of_service: PlaceOfService
    date_of_service: date = Field(examples=["2026-11-02"])
    start: UtcDatetime
    end: UtcDatetime
    total_time_minutes: int | None = Field(
        default=None,
        ge=0,
        le=1440,
        description="Total practitioner time on the date, if documented.",
    )
    mdm_level: MdmLevel | None = Field(default=None, description="Documented MDM level, if any.")
    patient: Patient
    rendering_provider: Provider
    billing_provider: Provider
    facility: Facility
    coverages: list[Coverage] = Field(
        default_factory=list, description="Insurance in priority order; empty means self-pay."
    )
    documentation: Documentation

    @property
    def self_pay(self) -> bool:
        return not self.coverages

    @model_validator(mode="after")
    def _ends_after_start(self) -> EncounterClosedData:
        if self.end < self.start:
            raise ValueError("encounter end is before its start")
        return self


class EncounterClosed(Envelope):
    TYPE: ClassVar[str] = "encounter.closed"
    event_type: Literal["encounter.closed"] = "encounter.closed"
    schema_version: Literal[1] = 1
    data: EncounterClosedData

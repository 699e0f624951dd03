"""encounter.coded, coding.review-requested and coding.review-completed."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from .encounter import MdmLevel
from .envelope import Envelope
from .parties import Coverage, Facility, Model, Patient, Provider
from .values import CptHcpcsCode, EncounterType, Icd10CmCode, Modifier, NonEmptyStr, PlaceOfService

CodingMethod = Literal["provided", "matched", "inferred", "reviewed"]


class Evidence(Model):
    """The words behind a code. When `start` and `end` are given, `text` is exactly the
    source's characters `start:end` (Unicode code points, end exclusive): a reader can find
    and highlight them in the record."""

    source: str = Field(
        description="Where in encounter.closed's documentation: notes[i], diagnoses[i],"
        " procedures[i], assessment_plan; or what else decided: total_time_minutes,"
        " mdm_level, review.",
        examples=["notes[0]", "diagnoses[0]"],
    )
    text: str = Field(
        description="The words in the record that support the code: the span start:end of the"
        " source's text when offsets are given.",
        examples=["type 2 diabetes with diabetic chronic kidney disease"],
    )
    start: int | None = Field(
        default=None, ge=0, description="Offset of the span's first character in the source."
    )
    end: int | None = Field(
        default=None, ge=0, description="Offset just past the span's last character."
    )


class CodedDiagnosis(Model):
    sequence: int = Field(ge=1, description="1 = first-listed diagnosis.")
    code: Icd10CmCode
    description: str = Field(description="Official ICD-10-CM description.")
    evidence: Evidence
    confidence: float = Field(ge=0, le=1)
    method: CodingMethod
    rule: str | None = Field(
        default=None,
        description="The rule or match that produced the code.",
        examples=["DX-PROVIDED"],
    )


class ServiceLine(Model):
    line_number: int = Field(ge=1)
    code: CptHcpcsCode
    code_system: Literal["CPT", "HCPCS"]
    description: str = Field(description="Short descriptor written by this project (not AMA text).")
    modifiers: list[Modifier] = Field(default_factory=list, max_length=4)
    units: int = Field(default=1, ge=1, le=999)
    diagnosis_pointers: list[int] = Field(
        min_length=1, max_length=4, description="1-based indexes into diagnoses."
    )
    evidence: Evidence
    method: CodingMethod
    confidence: float | None = Field(
        default=None, ge=0, le=1, description="How sure the coder is of the code, 0..1."
    )
    rule: str | None = Field(
        default=None,
        description="The rule or match that produced the line.",
        examples=["PROC-MATCHED", "EM-TIME"],
    )


class EvaluationAndManagement(Model):
    code: CptHcpcsCode = Field(examples=["99214"])
    basis: Literal["time", "mdm"] = Field(description="What set the level (AMA 2021).")
    total_time_minutes: int | None = None
    mdm_level: MdmLevel | None = None


class EditApplied(Model):
    edit: str = Field(description="Rule id, e.g. ICD10CM-BILLABLE, EM-TIME, NCCI-PTP.")
    detail: str


class BillingContext(Model):
    """Pass-through state the biller needs, so it never queries the coder."""

    encounter_type: EncounterType
    place_of_service: PlaceOfService
    date_of_service: date
    patient: Patient
    rendering_provider: Provider
    billing_provider: Provider
    facility: Facility
    coverages: list[Coverage] = Field(default_factory=list)

    @property
    def self_pay(self) -> bool:
        return not self.coverages


class CodingVersions(Model):
    """What coded the encounter: the reference data files and the engine, each by the label
    its publisher (CMS, the site) gives it, so a coding can be reproduced and audited."""

    icd10cm: str = Field(
        description="ICD-10-CM release used, chosen by date of service: its fiscal year (as"
        " icd10cm_version) and edition. When it is not the year in force on the date of"
        " service, an ICD10CM-VERSION edit says so.",
        examples=["FY2026 (April 2026)"],
    )
    procedure_lexicon: str | None = Field(
        default=None,
        description="The site's CPT/HCPCS procedure lexicon file.",
        examples=["medbill procedures 2026-12"],
    )
    ncci_ptp: str | None = Field(
        default=None,
        description="CMS NCCI procedure-to-procedure edits file (practitioner) applied, by the"
        " version its title names; absent when none was loaded.",
        examples=["2026Q4 v264"],
    )
    mue: str | None = Field(
        default=None,
        description="CMS medically unlikely edits file (practitioner) applied; absent when none"
        " was loaded.",
        examples=["2026Q4"],
    )
    engine: str = Field(description="The coder engine's version.", examples=["medbill-coder 2.0"])


class EncounterCodedData(Model):
    encounter_id: NonEmptyStr
    icd10cm_version: str = Field(
        description="ICD-10-CM code set used (fiscal year by date of service).",
        examples=["FY2026"],
    )
    versions: CodingVersions | None = Field(
        default=None,
        description="The versions used: ICD-10-CM code set, procedure lexicon, NCCI and MUE"
        " files, engine (absent from codings made before it was added).",
    )
    diagnoses: list[CodedDiagnosis] = Field(min_length=1, max_length=12)
    service_lines: list[ServiceLine] = Field(min_length=1)
    evaluation_and_management: EvaluationAndManagement | None = None
    edits: list[EditApplied] = Field(default_factory=list)
    billing: BillingContext


class EncounterCoded(Envelope):
    TYPE: ClassVar[str] = "encounter.coded"
    event_type: Literal["encounter.coded"] = "encounter.coded"
    schema_version: Literal[1] = 1
    data: EncounterCodedData


class ReviewReason(Model):
    rule: str = Field(examples=["ICD10CM-NOT-BILLABLE"])
    message: str = Field(examples=["E11 is a category, not a billable code"])
    subject: str | None = Field(default=None, description="The code or field concerned.")
    candidates: list[str] = Field(
        default_factory=list,
        description="Codes the coder found but could not choose between, for the reviewer.",
        examples=[["12001", "12002"]],
    )


class CodingReviewRequestedData(Model):
    encounter_id: NonEmptyStr
    patient_id: NonEmptyStr
    date_of_service: date
    reasons: list[ReviewReason] = Field(min_length=1)
    proposed_diagnoses: list[CodedDiagnosis] = Field(default_factory=list)
    proposed_service_lines: list[ServiceLine] = Field(default_factory=list)
    queue: str = Field(default="coding", examples=["coding"])


class CodingReviewRequested(Envelope):
    TYPE: ClassVar[str] = "coding.review-requested"
    event_type: Literal["coding.review-requested"] = "coding.review-requested"
    schema_version: Literal[1] = 1
    data: CodingReviewRequestedData


class ReviewedProcedure(Model):
    code: CptHcpcsCode
    modifiers: list[Modifier] = Field(default_factory=list, max_length=4)
    units: int = Field(default=1, ge=1, le=999)


class CodingReviewCompletedData(Model):
    encounter_id: NonEmptyStr
    reviewer_id: NonEmptyStr = Field(examples=["coder-17"])
    diagnoses: list[Icd10CmCode] = Field(min_length=1, max_length=12, description="In sequence.")
    procedures: list[ReviewedProcedure] = Field(default_factory=list)
    evaluation_and_management: CptHcpcsCode | None = None
    note: str | None = None


class CodingReviewCompleted(Envelope):
    TYPE: ClassVar[str] = "coding.review-completed"
    event_type: Literal["coding.review-completed"] = "coding.review-completed"
    schema_version: Literal[1] = 1
    data: CodingReviewCompletedData

"""What the coder produces: codes with their evidence, edits, and the two outcomes.

`Coded` is a finished coding (services/coder/wire.py makes it an encounter.coded event,
adding the biller's pass-through state); `NeedsReview` is what a human coder must look at
(a coding.review-requested event), with what could be coded so far as proposals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .encounter import MdmLevel
from .icd10cm import CodeSetChoice

CodingMethod = Literal["provided", "matched", "inferred", "reviewed"]
CodeSystem = Literal["CPT", "HCPCS"]
EmBasis = Literal["time", "mdm", "age"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """The words that support a code: where they are (`diagnoses[0]`, `procedures[1]`,
    `notes[2]`, `mdm_level`, `review`...) and, when they are a span of that source's text,
    its offsets, so that `text == source_text[start:end]`."""

    source: str
    text: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class CodedDiagnosis:
    """An ICD-10-CM code, in sequence order within its outcome (first-listed first)."""

    code: str
    description: str
    evidence: Evidence
    method: CodingMethod
    rule: str
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """A CPT/HCPCS line. `diagnosis_pointers` are 1-based positions in the diagnoses;
    `global_period` marks a procedure with a global surgical period (modifier 25 rule)."""

    code: str
    code_system: CodeSystem
    description: str
    evidence: Evidence
    method: CodingMethod
    rule: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    confidence: float = 1.0
    diagnosis_pointers: tuple[int, ...] = ()
    global_period: bool = False

    def pointing_to(self, pointers: tuple[int, ...]) -> ServiceLine:
        """This line with its diagnosis pointers (dataclasses.replace, without its cost)."""
        return ServiceLine(
            self.code,
            self.code_system,
            self.description,
            self.evidence,
            self.method,
            self.rule,
            self.modifiers,
            self.units,
            self.confidence,
            pointers,
            self.global_period,
        )


@dataclass(frozen=True, slots=True)
class EmChoice:
    """The E/M level chosen and what chose it: total time, MDM, or (preventive) age."""

    code: str
    description: str
    basis: EmBasis
    total_time_minutes: int | None
    mdm_level: MdmLevel | None
    evidence: Evidence
    detail: str


@dataclass(frozen=True, slots=True)
class Edit:
    """A rule that was applied and what it decided (ICD10CM-BILLABLE, EM-TIME, MOD-25...)."""

    rule: str
    detail: str


@dataclass(frozen=True, slots=True)
class ReviewReason:
    """Why a person must look, in plain words that never quote patient data; `candidates`
    are the codes found that the reviewer may choose from."""

    rule: str
    message: str
    subject: str | None = None
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Coded:
    encounter_id: str
    code_set: str
    diagnoses: tuple[CodedDiagnosis, ...]
    service_lines: tuple[ServiceLine, ...]
    em: EmChoice | None
    edits: tuple[Edit, ...]
    # `code_set` is the label of the ICD-10-CM release actually used; this says which
    # edition it is (its `version`, e.g. "FY2026 (April 2026)") and whether it covers the
    # date of service (the year in force)
    code_set_choice: CodeSetChoice | None = None


@dataclass(frozen=True, slots=True)
class NeedsReview:
    encounter_id: str
    reasons: tuple[ReviewReason, ...]
    proposed_diagnoses: tuple[CodedDiagnosis, ...] = ()
    proposed_service_lines: tuple[ServiceLine, ...] = ()
    code_set_choice: CodeSetChoice | None = None


CodingOutcome = Coded | NeedsReview

"""Assembling the coder's result: a finished coding, or a request for human review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from schemas.coding import (
    BillingContext,
    CodedDiagnosis,
    CodingMethod,
    CodingReviewRequestedData,
    EditApplied,
    EncounterCodedData,
    EvaluationAndManagement,
    ReviewReason,
    ServiceLine,
)
from schemas.encounter import EncounterClosedData

from .evaluation import EmChoice
from .icd10cm import LOADED_CODE_SET, LOADED_RELEASE, fiscal_year
from .modifiers import em_modifiers
from .procedures import LineDraft

MAX_POINTERS = 4


@dataclass(frozen=True)
class Coded:
    data: EncounterCodedData


@dataclass(frozen=True)
class NeedsReview:
    data: CodingReviewRequestedData


CodingOutcome = Coded | NeedsReview


def code_set_edits(encounter: EncounterClosedData) -> tuple[str, list[EditApplied]]:
    """The code-set label for the date of service, and a note when another year's set
    (the loaded April 2026 FY2026 release) stood in for it (45 CFR 162.1002)."""
    label = fiscal_year(encounter.date_of_service)
    if label == LOADED_CODE_SET:
        return label, []
    return label, [_stand_in_note(label)]


@lru_cache(maxsize=64)
def _stand_in_note(label: str) -> EditApplied:
    return EditApplied(
        edit="ICD10CM-VERSION",
        detail=f"the date of service falls in {label}; codes were checked against the "
        f"{LOADED_CODE_SET} ({LOADED_RELEASE}) code set",
    )


def em_line(
    encounter: EncounterClosedData,
    em: EmChoice,
    procedures: Sequence[LineDraft],
    method: CodingMethod,
) -> tuple[LineDraft, list[EditApplied]]:
    """The E/M service line with its rule-driven modifiers (25, 95) and the basis edit."""
    global_codes = (line.code for line in procedures if line.global_period)
    modifiers, edits = em_modifiers(encounter, em.code, global_codes)
    edits.insert(0, EditApplied(edit=f"EM-{em.basis.upper()}", detail=em.detail))
    draft = LineDraft(
        code=em.code,
        code_system="CPT",
        description=em.description,
        modifiers=tuple(modifiers),
        units=1,
        evidence=em.evidence,
        method=method,
    )
    return draft, edits


def finish(
    encounter: EncounterClosedData,
    *,
    version: str,
    diagnoses: list[CodedDiagnosis],
    em: EmChoice | None,
    lines: list[LineDraft],
    reasons: list[ReviewReason],
    edits: list[EditApplied],
) -> CodingOutcome:
    """Coded when nothing needs a person, else NeedsReview with what was built so far.

    Diagnosis pointers default to the first four diagnoses (X12 837P SV107 carries at
    most four); a claim needs a billable service and a diagnosis (CMS-1500 items 21, 24).
    """
    if not lines:
        reasons = [
            *reasons,
            ReviewReason(rule="NO-SERVICE", message="nothing billable was coded", subject=None),
        ]
    service_lines = _service_lines(lines, len(diagnoses)) if diagnoses else []
    if reasons:
        return NeedsReview(
            CodingReviewRequestedData(
                encounter_id=encounter.encounter_id,
                patient_id=encounter.patient.patient_id,
                date_of_service=encounter.date_of_service,
                reasons=reasons,
                proposed_diagnoses=diagnoses,
                proposed_service_lines=service_lines,
            )
        )
    return Coded(
        EncounterCodedData(
            encounter_id=encounter.encounter_id,
            icd10cm_version=version,
            diagnoses=diagnoses,
            service_lines=service_lines,
            evaluation_and_management=_evaluation_and_management(em),
            edits=edits,
            billing=billing_context(encounter),
        )
    )


def billing_context(encounter: EncounterClosedData) -> BillingContext:
    """The pass-through state the biller needs (event-carried state transfer)."""
    return BillingContext(
        encounter_type=encounter.encounter_type,
        place_of_service=encounter.place_of_service,
        date_of_service=encounter.date_of_service,
        patient=encounter.patient,
        rendering_provider=encounter.rendering_provider,
        billing_provider=encounter.billing_provider,
        facility=encounter.facility,
        coverages=encounter.coverages,
    )


def _evaluation_and_management(em: EmChoice | None) -> EvaluationAndManagement | None:
    # Preventive codes are set by age, a basis the v1 contract cannot express; their
    # service line and the EM-AGE edit carry them instead.
    if em is None or em.basis == "age":
        return None
    return EvaluationAndManagement(
        code=em.code,
        basis=em.basis,
        total_time_minutes=em.total_time_minutes,
        mdm_level=em.mdm_level,
    )


def _service_lines(lines: list[LineDraft], diagnosis_count: int) -> list[ServiceLine]:
    pointers = list(range(1, min(MAX_POINTERS, diagnosis_count) + 1))
    return [
        ServiceLine(
            line_number=number,
            code=line.code,
            code_system=line.code_system,
            description=line.description,
            modifiers=list(line.modifiers),
            units=line.units,
            diagnosis_pointers=pointers,
            evidence=line.evidence,
            method=line.method,
        )
        for number, line in enumerate(lines, start=1)
    ]

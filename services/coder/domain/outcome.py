"""Assembling the coder's result: a finished coding, or a request for human review."""

from __future__ import annotations

from collections.abc import Sequence

from .encounter import Encounter
from .icd10cm import CodeSet, fiscal_year
from .modifiers import em_modifiers
from .results import (
    Coded,
    CodedDiagnosis,
    CodingMethod,
    CodingOutcome,
    Edit,
    EmChoice,
    NeedsReview,
    ReviewReason,
    ServiceLine,
)

MAX_POINTERS = 4


def code_set_edits(encounter: Encounter, code_set: CodeSet) -> tuple[str, list[Edit]]:
    """The code-set label for the date of service, and a note when another year's set
    (the loaded release) stood in for it (45 CFR 162.1002)."""
    label = fiscal_year(encounter.date_of_service)
    if label == code_set.label:
        return label, []
    note = Edit(
        rule="ICD10CM-VERSION",
        detail=f"the date of service falls in {label}; codes were checked against the "
        f"{code_set.label} ({code_set.release}) code set",
    )
    return label, [note]


def em_line(
    encounter: Encounter,
    em: EmChoice,
    procedures: Sequence[ServiceLine],
    method: CodingMethod,
) -> tuple[ServiceLine, list[Edit]]:
    """The E/M service line with its rule-driven modifiers (25, 95) and the basis edit."""
    global_codes = (line.code for line in procedures if line.global_period)
    modifiers, edits = em_modifiers(encounter, em.code, global_codes)
    rule = f"EM-{em.basis.upper()}"
    edits.insert(0, Edit(rule=rule, detail=em.detail))
    line = ServiceLine(
        code=em.code,
        code_system="CPT",
        description=em.description,
        modifiers=tuple(modifiers),
        units=1,
        evidence=em.evidence,
        method=method,
        rule=rule,
    )
    return line, edits


def finish(
    encounter: Encounter,
    *,
    version: str,
    diagnoses: Sequence[CodedDiagnosis],
    em: EmChoice | None,
    lines: Sequence[ServiceLine],
    reasons: Sequence[ReviewReason],
    edits: Sequence[Edit],
) -> CodingOutcome:
    """Coded when nothing needs a person, else NeedsReview with what was built so far.

    Diagnosis pointers default to the first four diagnoses (X12 837P SV107 carries at
    most four); a claim needs a billable service and a diagnosis (CMS-1500 items 21, 24),
    so without a diagnosis no line can be proposed.
    """
    if not lines:
        reasons = [
            *reasons,
            ReviewReason(rule="NO-SERVICE", message="nothing billable was coded", subject=None),
        ]
    pointers = tuple(range(1, min(MAX_POINTERS, len(diagnoses)) + 1))
    pointed = tuple(line.pointing_to(pointers) for line in lines) if pointers else ()
    if reasons:
        return NeedsReview(
            encounter_id=encounter.encounter_id,
            reasons=tuple(reasons),
            proposed_diagnoses=tuple(diagnoses),
            proposed_service_lines=pointed,
        )
    return Coded(
        encounter_id=encounter.encounter_id,
        code_set=version,
        diagnoses=tuple(diagnoses),
        service_lines=pointed,
        em=em,
        edits=tuple(edits),
    )

"""Assembling the coder's result: a finished coding, or a request for human review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .encounter import Encounter
from .icd10cm import CodeSetChoice, fiscal_year
from .modifiers import em_modifiers
from .reference import ReferenceData
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


def code_set_edits(
    encounter: Encounter, data: ReferenceData
) -> tuple[ReferenceData, CodeSetChoice, list[Edit]]:
    """The reference data with the ICD-10-CM release for the date of service, which release
    that is, and a note when it is not the year in force (45 CFR 162.1002: the code set in
    force on the date of service; a new fiscal year from 1 October). A date no loaded set
    covers is coded against the nearest year and flagged, never passed off as that year;
    under the `review` policy edits.py also sends it to a coder."""
    if data.code_sets is None:
        code_set = data.code_set
        in_force = fiscal_year(encounter.date_of_service)
        choice = CodeSetChoice(
            code_set.label, code_set.release, in_force, in_force == code_set.label
        )
    else:
        code_set, choice = data.code_sets.for_date(encounter.date_of_service)
        if code_set is not data.code_set:
            data = replace(data, code_set=code_set)
    if choice.covers:
        return data, choice, []
    note = Edit(
        rule="ICD10CM-VERSION",
        detail=f"the date of service falls in {choice.in_force}, which no loaded ICD-10-CM set "
        f"covers; codes were checked against the {choice.version} code set",
    )
    return data, choice, [note]


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
    version: str | CodeSetChoice,
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
    choice = version if isinstance(version, CodeSetChoice) else None
    if reasons:
        return NeedsReview(
            encounter_id=encounter.encounter_id,
            reasons=tuple(reasons),
            proposed_diagnoses=tuple(diagnoses),
            proposed_service_lines=pointed,
            code_set_choice=choice,
        )
    return Coded(
        encounter_id=encounter.encounter_id,
        code_set=choice.label if choice is not None else str(version),
        diagnoses=tuple(diagnoses),
        service_lines=pointed,
        em=em,
        edits=tuple(edits),
        code_set_choice=choice,
    )

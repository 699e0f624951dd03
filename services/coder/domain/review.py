"""Applying a human coder's decision: the final coding of a reviewed encounter."""

from __future__ import annotations

from dataclasses import replace

from .demographics import implausible_demographics
from .diagnoses import review_diagnoses
from .edits import with_reviewed_code_edits
from .em_tables import EM_DESCRIPTIONS, PREVENTIVE_CODES
from .encounter import Encounter, ReviewDecision
from .evaluation import select_em
from .outcome import code_set_edits, em_line, finish
from .procedures import review_procedures
from .reference import ReferenceData
from .results import (
    CodingOutcome,
    Edit,
    EmBasis,
    EmChoice,
    Evidence,
    NeedsReview,
    ReviewReason,
    ServiceLine,
)


def apply_review(
    encounter: Encounter, decision: ReviewDecision, data: ReferenceData
) -> CodingOutcome:
    """Build the final coding from a human coder's decision (method "reviewed").

    The reviewer's codes are checked again: ICD-10-CM codes must exist and be billable
    (ICD-10-CM Official Guidelines I.A.3, I.B.2), procedures must be in the site's
    lexicon, the E/M code must be a known E/M code, and the demographics must still be
    billable (a coding decision cannot correct them: the hospital re-sends the encounter).
    What still fails goes back to review with its reasons. Modifiers 25 and 95 on the E/M
    line follow the same rules as the automatic path (CPT Appendix A and P); procedure
    modifiers are the reviewer's. A decision made for another encounter is not applied:
    it goes back to review as well.
    """
    if decision.encounter_id != encounter.encounter_id:
        return NeedsReview(
            encounter_id=encounter.encounter_id,
            reasons=(
                ReviewReason(
                    rule="REVIEW-MISMATCH",
                    message=f"the decision of {decision.reviewer_id} was made for another "
                    "encounter; it was not applied",
                    subject="encounter_id",
                ),
            ),
        )
    data, version, edits = code_set_edits(encounter, data)
    edits.append(Edit(rule="REVIEWED", detail=f"coding decided by {decision.reviewer_id}"))
    dx = review_diagnoses(
        decision.diagnoses,
        encounter.diagnoses,
        decision.reviewer_id,
        decision.note,
        data.code_set,
    )
    procedures = review_procedures(
        decision.procedures,
        encounter.procedures,
        data.lexicon,
        decision.reviewer_id,
        data.ncci,
        encounter.date_of_service,
    )
    reasons = [*implausible_demographics(encounter), *dx.reasons, *procedures.reasons]
    edits.extend(dx.edits)
    reasons, kept = with_reviewed_code_edits(
        reasons, encounter, decision.diagnoses, dx.diagnoses, data.code_set, decision.reviewer_id
    )
    edits.extend(kept)
    edits.extend(procedures.edits)

    em: EmChoice | None = None
    lines: list[ServiceLine] = []
    if decision.em_code is not None:
        chosen = reviewed_em(encounter, decision.em_code, decision.reviewer_id)
        if isinstance(chosen, ReviewReason):
            reasons.append(chosen)
        else:
            em = chosen
            line, em_edits = em_line(encounter, em, procedures.lines, method="reviewed")
            lines.append(line)
            edits.extend(em_edits)
    lines.extend(procedures.lines)
    return finish(
        encounter,
        version=version,
        diagnoses=dx.diagnoses,
        em=em,
        lines=lines,
        reasons=reasons,
        edits=edits,
    )


def reviewed_em(encounter: Encounter, code: str, reviewer: str) -> EmChoice | ReviewReason:
    """The reviewer's E/M code with the basis the documentation gives for it.

    When the documentation supports the same code, its evidence is kept; otherwise the
    reviewer's word is the evidence and the basis is what was documented (MDM first,
    then time), or age for a preventive code (AMA CPT preventive medicine services).
    """
    description = EM_DESCRIPTIONS.get(code)
    if description is None:
        return ReviewReason(
            rule="EM-UNKNOWN", message=f"{code} is not a known E/M code", subject=code
        )
    documented = select_em(encounter)
    if isinstance(documented, EmChoice) and documented.code == code:
        return replace(documented, detail=f"{documented.detail}; confirmed by {reviewer}")
    basis: EmBasis
    if code in PREVENTIVE_CODES:
        basis = "age"
    elif encounter.mdm_level is None and encounter.total_time_minutes is not None:
        basis = "time"
    else:
        basis = "mdm"
    detail = f"{code} set by {reviewer}"
    if isinstance(documented, EmChoice):
        detail += f"; the documentation alone gives {documented.code}"
    return EmChoice(
        code=code,
        description=description,
        basis=basis,
        total_time_minutes=encounter.total_time_minutes,
        mdm_level=encounter.mdm_level,
        evidence=Evidence(source="review", text=f"E/M level set by reviewer {reviewer}"),
        detail=detail,
    )

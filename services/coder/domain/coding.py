"""Coding an encounter from its documentation: the coder's automatic path."""

from __future__ import annotations

from .demographics import implausible_demographics
from .diagnoses import code_diagnoses
from .edits import with_code_edits
from .em_coding import code_em
from .encounter import Encounter
from .ncci import check_em_pairs
from .outcome import code_set_edits, finish
from .procedures import code_procedures
from .reference import ReferenceData
from .results import CodingOutcome, ReviewReason, ServiceLine


def code_encounter(encounter: Encounter, data: ReferenceData) -> CodingOutcome:
    """Code a closed encounter, or send it to a human coder with the reasons why.

    Demographics first: an impossible birth date or an unprintable name, address or member
    id is never billed (see demographics.py). Diagnoses: the hospital's ICD-10-CM codes,
    checked against the code set (ICD-10-CM Official Guidelines I.A.3, I.A.12.a, I.B.2,
    IV.G). E/M: by time or MDM (AMA CPT 2021 E/M guidelines) or age for preventive visits,
    as service line 1. Procedures: the site's lexicon, with LT/RT/50, 25 and 95 modifiers
    by rule. Nothing is guessed: anything unsupported is a review reason, and the result is
    NeedsReview.
    """
    data, version, edits = code_set_edits(encounter, data)
    dx = code_diagnoses(encounter.diagnoses, data.code_set, encounter=encounter, data=data)
    procedures = code_procedures(encounter, data)
    reasons: list[ReviewReason] = [*implausible_demographics(encounter), *dx.reasons]
    reasons = with_code_edits(reasons, encounter, version, dx.diagnoses, data)
    edits.extend(dx.edits)

    em_coding = code_em(encounter, procedures.lines)
    em = em_coding.em
    lines: list[ServiceLine] = [*em_coding.lines]
    reasons.extend(em_coding.reasons)
    edits.extend(em_coding.edits)
    lines.extend(procedures.lines)
    reasons.extend(procedures.reasons)
    edits.extend(procedures.edits)
    # NCCI pairs of the E/M with the day's procedures (the E/M line is made after them)
    reasons.extend(check_em_pairs(lines, data.ncci, encounter.date_of_service))
    return finish(
        encounter,
        version=version,
        diagnoses=dx.diagnoses,
        em=em,
        lines=lines,
        reasons=reasons,
        edits=edits,
    )

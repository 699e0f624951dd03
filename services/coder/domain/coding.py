"""Coding an encounter from its documentation: the coder's automatic path."""

from __future__ import annotations

from schemas.coding import ReviewReason
from schemas.encounter import EncounterClosedData

from .diagnoses import code_diagnoses
from .evaluation import EmChoice, select_em
from .lexicon import Lexicon, default_lexicon
from .outcome import CodingOutcome, code_set_edits, em_line, finish
from .procedures import LineDraft, code_procedures


def code_encounter(encounter: EncounterClosedData, lexicon: Lexicon | None = None) -> CodingOutcome:
    """Code a closed encounter, or send it to a human coder with the reasons why.

    Diagnoses: the hospital's ICD-10-CM codes, checked against the code set (ICD-10-CM
    Official Guidelines I.A.3, I.A.12.a, I.B.2, IV.G). E/M: by time or MDM (AMA CPT 2021
    E/M guidelines) or age for preventive visits, as service line 1. Procedures: the
    site's lexicon (`lexicon`, default services/coder/data/procedures.csv), with LT/RT/50,
    25 and 95 modifiers by rule. Nothing is guessed: anything unsupported is a review
    reason, and the result is NeedsReview.
    """
    version, edits = code_set_edits(encounter)
    dx = code_diagnoses(encounter.documentation.diagnoses)
    procedures = code_procedures(encounter.documentation.procedures, lexicon or default_lexicon())
    reasons: list[ReviewReason] = [*dx.reasons]
    edits.extend(dx.edits)

    em: EmChoice | None = None
    lines: list[LineDraft] = []
    selected = select_em(encounter)
    if isinstance(selected, ReviewReason):
        reasons.append(selected)
    else:
        em = selected
        line, em_edits = em_line(encounter, em, procedures.lines, method="inferred")
        lines.append(line)
        edits.extend(em_edits)
    lines.extend(procedures.lines)
    reasons.extend(procedures.reasons)
    edits.extend(procedures.edits)
    return finish(
        encounter,
        version=version,
        diagnoses=dx.diagnoses,
        em=em,
        lines=lines,
        reasons=reasons,
        edits=edits,
    )

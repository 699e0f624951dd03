"""Codes that say what the encounter itself was: the routine examination.

ICD-10-CM Official Guidelines I.C.21.c.13 (routine and administrative examinations): a
preventive visit is first-listed with its Z00 code by age, newborn (under 8 days, 8 to 28
days, Z00.110/Z00.111), child (Z00.12-) or adult (Z00.0-); "with abnormal findings" when
the examination found a condition that is coded beside it (the abnormal finding is coded
as an additional code), "without" otherwise. A condition already known is no finding of
the examination, but the guideline does not tell them apart: any condition of the
diagnostic statement counts, as coders read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from .encounter import Encounter
from .guidelines_findings import Finding
from .results import Evidence

ROUTINE_EXAM_CONFIDENCE = 0.9
_EXAM_PREFIXES = ("Z00.0", "Z00.1")


def routine_exam(encounter: Encounter, findings: Sequence[Finding]) -> list[Finding]:
    """The findings with the routine-examination code first (module docstring); other
    encounters are returned as they are."""
    if encounter.encounter_type != "preventive":
        return list(findings)
    days = (encounter.date_of_service - encounter.patient.birth_date).days
    others = [f for f in findings if not f.code.startswith(_EXAM_PREFIXES)]
    abnormal = any(f.rank == 0 and f.code[:1] not in {"Z"} for f in others)
    years = _years(encounter.patient.birth_date, encounter.date_of_service)
    code = _exam_code(days, years, abnormal)
    found = next((f for f in findings if f.code.startswith(_EXAM_PREFIXES)), None)
    if found is not None:
        exam = found if found.code == code else found.becoming(code, "GL-ROUTINE-EXAM")
    else:
        exam = Finding(
            code=code,
            evidence=Evidence(source="encounter_type", text="preventive"),
            confidence=ROUTINE_EXAM_CONFIDENCE,
            rule="GL-ROUTINE-EXAM",
            method="inferred",
        )
    return [replace(exam, rank=-1, position=(-1, 0)), *others]


def _exam_code(days: int, years: int, abnormal: bool) -> str:
    if days < 8:
        return "Z00.110"
    if days <= 28:
        return "Z00.111"
    if years < 18:
        return "Z00.121" if abnormal else "Z00.129"
    return "Z00.01" if abnormal else "Z00.00"


def _years(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))

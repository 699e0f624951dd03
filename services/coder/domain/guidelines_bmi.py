"""The body mass index beside the weight diagnosis it qualifies.

ICD-10-CM Official Guidelines FY2026 I.B.14 and the Z68 notes: a BMI code is reported
only with an associated reportable diagnosis (obesity, overweight, underweight,
malnutrition, cachexia), the value may come from any clinician's documentation, and it is
not reported in pregnancy. Adults (20 and over) by the value (Z68.1 to Z68.45); children
and adolescents (2 to 19) by the percentile for age (Z68.51 to Z68.54).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from .encounter import Encounter
from .guidelines_findings import Finding
from .icd10cm import CodeSet
from .results import Evidence

BMI_CONFIDENCE = 0.8
# the diagnoses a BMI qualifies: obesity and overweight (E66), malnutrition (E40-E46),
# underweight (R63.6), cachexia (R64)
_WEIGHT_DIAGNOSES = ("E66", "E40", "E41", "E42", "E43", "E44", "E45", "E46", "R63.6", "R64")
_VALUE = re.compile(
    r"\bBMI\b(?:\s*(?:of|is|was|=|:))?\s*(\d{2}(?:\.\d+)?)\b(?!\s*(?:st|nd|rd|th|%))"
)
_PERCENTILE = re.compile(
    r"\bBMI\b(?:[^\n.;]|\.\d){0,40}?\b(\d{1,2})(?:st|nd|rd|th)?\s*(?:percentile|%ile)",
    re.IGNORECASE,
)


def bmi_code(encounter: Encounter, findings: Sequence[Finding], code_set: CodeSet) -> list[Finding]:
    """The findings with the Z68 code the notes' BMI gives, when a weight diagnosis is
    coded and none is there yet (module docstring)."""
    codes = [f.code for f in findings]
    if not any(c.startswith(_WEIGHT_DIAGNOSES) for c in codes):
        return list(findings)
    if any(c.startswith("Z68") or c[:1] == "O" for c in codes):
        return list(findings)
    years = _years(encounter.patient.birth_date, encounter.date_of_service)
    if years < 2:
        return list(findings)
    found = _read(encounter, pediatric=years < 20)
    if found is None:
        return list(findings)
    code, evidence = found
    if not code_set.lookup(code).billable:
        return list(findings)
    return [
        *findings,
        Finding.added(code, evidence, BMI_CONFIDENCE, "GL-BMI", 2),
    ]


def adult_code(bmi: float) -> str:
    """Z68 for an adult's BMI value."""
    if bmi < 20:
        return "Z68.1"
    if bmi < 40:
        return f"Z68.{int(bmi)}"
    for limit, code in ((45, "Z68.41"), (50, "Z68.42"), (60, "Z68.43"), (70, "Z68.44")):
        if bmi < limit:
            return code
    return "Z68.45"


def pediatric_code(percentile: int) -> str:
    """Z68.5- for a child's BMI percentile for age."""
    if percentile < 5:
        return "Z68.51"
    if percentile < 85:
        return "Z68.52"
    if percentile < 95:
        return "Z68.53"
    return "Z68.54"


def _read(encounter: Encounter, *, pediatric: bool) -> tuple[str, Evidence] | None:
    pattern = _PERCENTILE if pediatric else _VALUE
    for i, note in enumerate(encounter.notes):
        match = pattern.search(note.text)
        if match is None:
            continue
        value = match.group(1)
        code = pediatric_code(int(value)) if pediatric else adult_code(float(value))
        start, end = match.span()
        return code, Evidence(f"notes[{i}]", note.text[start:end], start, end)
    return None


def _years(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))

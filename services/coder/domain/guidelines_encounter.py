"""Codes that say what the encounter itself was: the routine examination, the weeks of
gestation.

ICD-10-CM Official Guidelines I.C.21.c.13 (routine and administrative examinations): a
preventive visit is first-listed with its Z00 code by age, newborn (under 8 days, 8 to 28
days, Z00.110/Z00.111), child (Z00.12-) or adult (Z00.0-), or Z01.41- when it is the
annual gynecological (well-woman) examination; "with abnormal findings" when
the examination found a condition that is coded beside it (the abnormal finding is coded
as an additional code), "without" otherwise. A condition already known is no finding of
the examination, but the guideline does not tell them apart: any condition of the
diagnostic statement counts, as coders read it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from .encounter import Encounter
from .guidelines_findings import Finding
from .guidelines_specificity import Refined
from .icd10cm import CodeSet
from .results import Evidence

ROUTINE_EXAM_CONFIDENCE = 0.9
_EXAM_PREFIXES = ("Z00.0", "Z00.1", "Z01.41")
# a preventive visit that is the annual gynecological examination (Z01.41-, I.C.21.c.13)
_GYNECOLOGICAL = re.compile(
    r"\bwell[- ]woman\b|\bgyn(?:a?ecolog(?:ic|ical))? (?:exam|examination)\b", re.IGNORECASE
)


def routine_exam(encounter: Encounter, findings: Sequence[Finding]) -> list[Finding]:
    """The findings with the routine-examination code first (module docstring); other
    encounters are returned as they are."""
    if encounter.encounter_type != "preventive":
        return list(findings)
    days = (encounter.date_of_service - encounter.patient.birth_date).days
    # the counseling and guidance of a preventive visit are part of it (no Z71 beside it)
    others = [f for f in findings if not f.code.startswith((*_EXAM_PREFIXES, "Z71"))]
    abnormal = any(f.rank == 0 and f.code[:1] not in {"Z"} for f in others)
    years = _years(encounter.patient.birth_date, encounter.date_of_service)
    code = _exam_code(days, years, abnormal)
    if years >= 12 and any(_GYNECOLOGICAL.search(note.text) for note in encounter.notes):
        code = "Z01.411" if abnormal else "Z01.419"
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


# "G2P1 at 28 weeks 3 days", "she is 28 weeks", "39 weeks gestation": the current age
_WEEKS = re.compile(
    r"\b(?:at|is)\s+(\d{1,2})\s*(?:weeks?|wks?)\b"
    r"|\b(\d{1,2})\s*(?:weeks?|wks?)(?:\s+\d\s+days?)?\s+(?:gestation|pregnant|of gestation)\b",
    re.IGNORECASE,
)
WEEKS_CONFIDENCE = 0.85


def pregnancy_weeks(
    encounter: Encounter,
    findings: Sequence[Finding],
    code_set: CodeSet,
    refine: Callable[[str, frozenset[str], CodeSet], Refined],
) -> list[Finding]:
    """Weeks of gestation on the maternal record (Z3A: the chapter 15 note "use additional
    code from category Z3A to identify the weeks of gestation"), and the trimester they
    give a pregnancy code that has one (I.C.15.a.3). Read only when a chapter 15 code or
    the supervision of a normal pregnancy (Z34) is coded: the first "at N weeks" / "N weeks
    gestation" of the notes is the current age."""
    if not any(_of_pregnancy(f.code) for f in findings) or any(
        f.code.startswith("Z3A") for f in findings
    ):
        return list(findings)
    found = _first_weeks(encounter)
    if found is None:
        return list(findings)
    weeks, evidence = found
    asked = frozenset({f"weeks:{weeks}"})
    result = []
    for finding in findings:
        if _of_pregnancy(finding.code):
            refined = refine(finding.code, asked, code_set)
            if refined.code != finding.code:
                finding = finding.becoming(refined.code, "GL-TRIMESTER-FROM-WEEKS")
        result.append(finding)
    code = "Z3A.01" if weeks < 8 else "Z3A.49" if weeks > 42 else f"Z3A.{weeks:02d}"
    if code_set.lookup(code).billable:
        result.append(Finding.added(code, evidence, WEEKS_CONFIDENCE, "GL-WEEKS-OF-GESTATION", 0))
    return result


def _of_pregnancy(code: str) -> bool:
    # a chapter 15 code, or the supervision of a normal pregnancy (Z34), which has its
    # trimester too and is the maternal record the weeks belong on
    return code[:1] == "O" or code.startswith("Z34")


def _first_weeks(encounter: Encounter) -> tuple[int, Evidence] | None:
    for i, note in enumerate(encounter.notes):
        match = _WEEKS.search(note.text)
        if match is not None:
            weeks = int(match.group(1) or match.group(2))
            start, end = match.span()
            return weeks, Evidence(f"notes[{i}]", note.text[start:end], start, end)
    return None


# a delivery with a live infant: "viable female infant ... delivered", "delivery of a live
# male infant", "single liveborn infant"
_LIVE_BIRTH = re.compile(
    r"\b(?:live ?born|live birth|(?:viable|live|healthy) (?:male |female )?(?:infant|baby|neonate)"
    r"(?:s)?)\b",
    re.IGNORECASE,
)
_TWINS = re.compile(r"\btwins?\b|\btwin gestation\b", re.IGNORECASE)
_DELIVERY_PROCEDURE_KINDS = frozenset({"operative", "procedure", "discharge_summary"})


def delivery_outcome(encounter: Encounter, findings: Sequence[Finding]) -> list[Finding]:
    """The outcome of delivery on the maternal record (Z37: "use additional code to
    indicate the outcome of delivery", I.C.15.b.5), from a note that documents a live
    birth; a newborn's own code (Z38, I.C.16.a.5: for the infant's record only) never
    stands on the mother's."""
    maternal = any(f.code[:1] == "O" for f in findings)
    if not maternal:
        return list(findings)
    result = [f for f in findings if not f.code.startswith("Z38")]
    if any(f.code.startswith("Z37") for f in result):
        return result
    for i, note in enumerate(encounter.notes):
        if note.kind not in _DELIVERY_PROCEDURE_KINDS:
            continue
        match = _LIVE_BIRTH.search(note.text)
        if match is None:
            continue
        start, end = match.span()
        code = "Z37.2" if _TWINS.search(note.text) else "Z37.0"
        evidence = Evidence(f"notes[{i}]", note.text[start:end], start, end)
        result.append(Finding.added(code, evidence, WEEKS_CONFIDENCE, "GL-DELIVERY-OUTCOME", 1))
        break
    return result


_CESAREAN = re.compile(r"\bcesarean\b|\bc-section\b|\bc/s\b|\bcaesarean\b", re.IGNORECASE)
_MATERNAL = ("O", "Z3A", "Z37")
BIRTH_EPISODE_DAYS = 7


def newborn_record(encounter: Encounter, findings: Sequence[Finding]) -> list[Finding]:
    """A newborn's record: chapter 15 codes (and Z3A, Z37) are the mother's, never the
    infant's (I.C.15.a.1); the birth episode is first-listed with its Z38 code, single or
    twin, delivered vaginally or by cesarean (I.C.16.a.5, I.C.16.c.1)."""
    days = (encounter.date_of_service - encounter.patient.birth_date).days
    if days >= 365:
        return list(findings)
    result = [f for f in findings if not f.code.startswith(_MATERNAL)]
    if encounter.encounter_type != "inpatient" or days > BIRTH_EPISODE_DAYS:
        return result
    cesarean = None
    twin = False
    for i, note in enumerate(encounter.notes):
        match = _CESAREAN.search(note.text)
        if match is not None and cesarean is None:
            start, end = match.span()
            cesarean = Evidence(f"notes[{i}]", note.text[start:end], start, end)
        twin = twin or _TWINS.search(note.text) is not None
    code = ("Z38.31" if cesarean else "Z38.30") if twin else ("Z38.01" if cesarean else "Z38.00")
    others = [f for f in result if not f.code.startswith("Z38")]
    birth = Finding(
        code=code,
        evidence=cesarean or Evidence(source="encounter_type", text="inpatient birth episode"),
        confidence=WEEKS_CONFIDENCE,
        rule="GL-BIRTH-EPISODE",
        method="inferred",
        rank=-1,
        position=(-1, 0),
    )
    return [birth, *others]

"""E/M code families: which code each time threshold or MDM level reaches.

Codes and thresholds follow AMA CPT 2024 (office/outpatient E/M guidelines of 2021,
hospital and emergency guidelines of 2023, preventive medicine services). The
descriptions are this project's own words, not AMA descriptors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .encounter import MdmLevel

FOUR_MDM_LEVELS: Mapping[MdmLevel, int] = {
    "straightforward": 0,
    "low": 1,
    "moderate": 2,
    "high": 3,
}
# Hospital families have three levels; CPT puts straightforward and low on the first.
THREE_MDM_LEVELS: Mapping[MdmLevel, int] = {
    "straightforward": 0,
    "low": 0,
    "moderate": 1,
    "high": 2,
}


@dataclass(frozen=True, slots=True)
class EmFamily:
    """One E/M family: codes from lowest to highest level, with what reaches each."""

    name: str
    codes: tuple[str, ...]
    minutes: tuple[int, ...] | None
    mdm_levels: Mapping[MdmLevel, int]

    def describe(self, level: int) -> str:
        decision = " or ".join(m for m, lvl in self.mdm_levels.items() if lvl == level)
        if self.minutes is None:
            return f"{self.name}: {decision} decision making"
        return f"{self.name}: {decision} decision making or {self.minutes[level]}+ minutes"


OFFICE_NEW = EmFamily(
    "Office or outpatient visit, new patient",
    ("99202", "99203", "99204", "99205"),
    (15, 30, 45, 60),
    FOUR_MDM_LEVELS,
)
OFFICE_ESTABLISHED = EmFamily(
    "Office or outpatient visit, established patient",
    ("99212", "99213", "99214", "99215"),
    (10, 20, 30, 40),
    FOUR_MDM_LEVELS,
)
# AMA CPT 2023: emergency department levels are chosen by MDM only, never by time.
EMERGENCY = EmFamily(
    "Emergency department visit",
    ("99282", "99283", "99284", "99285"),
    None,
    FOUR_MDM_LEVELS,
)
HOSPITAL_INITIAL = EmFamily(
    "Initial hospital inpatient or observation care",
    ("99221", "99222", "99223"),
    (40, 55, 75),
    THREE_MDM_LEVELS,
)
HOSPITAL_SUBSEQUENT = EmFamily(
    "Subsequent hospital inpatient or observation care",
    ("99231", "99232", "99233"),
    (25, 35, 50),
    THREE_MDM_LEVELS,
)

HOSPITAL_SAME_DAY = EmFamily(
    "Hospital inpatient or observation care, admitted and discharged the same day",
    ("99234", "99235", "99236"),
    (45, 70, 85),
    THREE_MDM_LEVELS,
)

FAMILIES = (
    OFFICE_NEW,
    OFFICE_ESTABLISHED,
    EMERGENCY,
    HOSPITAL_INITIAL,
    HOSPITAL_SUBSEQUENT,
    HOSPITAL_SAME_DAY,
)

# AMA CPT 2023: discharge day management by total time on the date, 30 minutes or less
# (99238; also when no time is documented) or more than 30 minutes (99239).
DISCHARGE_CODES = ("99238", "99239")
DISCHARGE_MINUTES = 30
# AMA CPT: critical care by time, 99291 for the first 30-74 minutes, 99292 for each
# further 30 minutes (75-104 minutes one unit, 105-134 two...).
CRITICAL_CARE = "99291"
CRITICAL_CARE_ADD_ON = "99292"
CRITICAL_CARE_MINUTES = 30
CRITICAL_CARE_FIRST = 74
CRITICAL_CARE_STEP = 30
# AMA CPT: normal newborn care in the birth hospital, per day: the first day, later days,
# and a newborn admitted and discharged the same day.
NEWBORN_INITIAL = "99460"
NEWBORN_SUBSEQUENT = "99462"
NEWBORN_SAME_DAY = "99463"
NEWBORN_DAYS = 28
# CMS: the Medicare annual wellness visit, initial and subsequent (HCPCS Level II).
WELLNESS_INITIAL = "G0438"
WELLNESS_SUBSEQUENT = "G0439"
# HCPCS codes, which the procedure lexicon may also carry: kept apart from EM_DESCRIPTIONS
WELLNESS_DESCRIPTIONS: Mapping[str, str] = {
    WELLNESS_INITIAL: "Medicare annual wellness visit, initial",
    WELLNESS_SUBSEQUENT: "Medicare annual wellness visit, subsequent",
}
# Notes in which a provider documents an E/M service (a procedure or operative note, or a
# nurse's "other" note, documents the procedure: the decision for it is part of it).
EM_NOTE_KINDS = frozenset(
    {"progress", "history_and_physical", "consult", "emergency", "discharge_summary"}
)
# Codes that need no physician's MDM (CPT: may not require the presence of a physician).
NURSE_VISIT = "99211"
EMERGENCY_MINIMAL = "99281"


@dataclass(frozen=True, slots=True)
class Prolonged:
    """A prolonged-service add-on for an office level chosen by time: the AMA code, one unit per
    full 15 minutes beyond `threshold`; CMS's code for Medicare and the time its first
    unit needs (CMS counts from the end of the primary code's time range)."""

    code: str
    threshold: int
    medicare_code: str
    medicare_first_unit: int | None


PROLONGED_STEP = 15
PROLONGED: Mapping[str, Prolonged] = {
    "99205": Prolonged("99417", 60, "G2212", 89),
    "99215": Prolonged("99417", 40, "G2212", 69),
}
PROLONGED_DESCRIPTIONS: Mapping[str, str] = {
    "99292": "Critical care, each further 30 minutes",
    "99417": "Prolonged office or outpatient E/M time, each further 15 minutes",
    "G2212": "Prolonged office or outpatient E/M time for Medicare, each further 15 minutes",
}

# Upper age bound (exclusive) of each preventive band; the last band is open-ended.
PREVENTIVE_BANDS: tuple[tuple[int | None, str], ...] = (
    (1, "under 1 year"),
    (5, "age 1 to 4"),
    (12, "age 5 to 11"),
    (18, "age 12 to 17"),
    (40, "age 18 to 39"),
    (65, "age 40 to 64"),
    (None, "age 65 and over"),
)
PREVENTIVE_NEW = ("99381", "99382", "99383", "99384", "99385", "99386", "99387")
PREVENTIVE_ESTABLISHED = ("99391", "99392", "99393", "99394", "99395", "99396", "99397")


def _descriptions() -> dict[str, str]:
    described = {
        code: family.describe(level)
        for family in FAMILIES
        for level, code in enumerate(family.codes)
    }
    described["99211"] = "Office or outpatient visit, established patient: minimal, nurse visit"
    described["99281"] = "Emergency department visit: minimal, may not need a physician"
    described["99460"] = "Normal newborn care in the hospital, first day"
    described["99462"] = "Normal newborn care in the hospital, later day"
    described["99463"] = "Normal newborn care, admitted and discharged the same day"
    described["99291"] = "Critical care, first 30 to 74 minutes"
    described["99238"] = "Hospital discharge day management, 30 minutes or less"
    described["99239"] = "Hospital discharge day management, more than 30 minutes"
    for status, codes in (("new", PREVENTIVE_NEW), ("established", PREVENTIVE_ESTABLISHED)):
        for code, (_, band) in zip(codes, PREVENTIVE_BANDS, strict=True):
            described[code] = f"Preventive medicine visit, {status} patient, {band}"
    return described


EM_DESCRIPTIONS: Mapping[str, str] = _descriptions()
PREVENTIVE_CODES = frozenset(PREVENTIVE_NEW + PREVENTIVE_ESTABLISHED)

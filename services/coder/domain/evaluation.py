"""Choosing the E/M level from the documented time, MDM, or (preventive) the patient's age."""

from __future__ import annotations

from .demographics import age_on
from .em_tables import (
    EM_DESCRIPTIONS,
    EMERGENCY,
    HOSPITAL_INITIAL,
    HOSPITAL_SUBSEQUENT,
    OFFICE_ESTABLISHED,
    OFFICE_NEW,
    PREVENTIVE_BANDS,
    PREVENTIVE_ESTABLISHED,
    PREVENTIVE_NEW,
    EmFamily,
)
from .encounter import Encounter, EncounterType, MdmLevel, PatientStatus
from .results import EmChoice, Evidence, ReviewReason

__all__ = ["EmChoice", "age_on", "em_family", "level_by_mdm", "level_by_time", "select_em"]


def em_family(encounter_type: EncounterType, patient_status: PatientStatus) -> EmFamily | None:
    """The E/M family for a visit; None for preventive visits, which are chosen by age.

    AMA CPT: office and telehealth visits use the office/outpatient codes (2021
    guidelines); initial versus subsequent hospital/observation care is read here from
    new versus established, a first-cut simplification.
    """
    if encounter_type in ("office", "telehealth"):
        return OFFICE_NEW if patient_status == "new" else OFFICE_ESTABLISHED
    if encounter_type == "emergency":
        return EMERGENCY
    if encounter_type in ("observation", "inpatient"):
        return HOSPITAL_INITIAL if patient_status == "new" else HOSPITAL_SUBSEQUENT
    return None


def level_by_time(family: EmFamily, minutes: int) -> int | None:
    """Highest level whose total-time threshold the minutes meet (AMA CPT 2024 times)."""
    if family.minutes is None:
        return None
    reached = None
    for level, threshold in enumerate(family.minutes):
        if minutes >= threshold:
            reached = level
    return reached


def level_by_mdm(family: EmFamily, mdm: MdmLevel) -> int:
    """The level a documented MDM level supports (AMA CPT 2021 MDM table)."""
    return family.mdm_levels[mdm]


def preventive_code(patient_status: PatientStatus, age: int) -> str:
    """Preventive medicine code by age band (AMA CPT 99381-99387 new, 99391-99397 est.)."""
    codes = PREVENTIVE_NEW if patient_status == "new" else PREVENTIVE_ESTABLISHED
    for code, (upper, _) in zip(codes, PREVENTIVE_BANDS, strict=True):
        if upper is None or age < upper:
            return code
    raise AssertionError("the last preventive band is open-ended")


def select_em(encounter: Encounter) -> EmChoice | ReviewReason:
    """Choose the E/M code, or say why the documentation does not support one (with
    notes: `assess_em`, whose review reason wins over a candidate it proposes).
    """
    if encounter.notes:
        from .em_assess import assess_em  # it builds on this module's rules

        assessed = assess_em(encounter)
        if assessed.reason is not None or assessed.choice is None:
            return assessed.reason  # type: ignore[return-value]
        return assessed.choice
    return documented_em(encounter)


def documented_em(encounter: Encounter) -> EmChoice | ReviewReason:
    """Choose the E/M code from the structured fields, or say why they do not support one.

    AMA CPT 2021 E/M guidelines: an office visit is levelled by total time on the date or
    by MDM, whichever the provider's documentation supports better; AMA CPT 2023: the same
    for hospital care, MDM only for the emergency department. Preventive visits are
    chosen by age at the date of service and new/established status.
    """
    family = em_family(encounter.encounter_type, encounter.patient_status)
    if family is None:
        return preventive(encounter)
    minutes, mdm = encounter.total_time_minutes, encounter.mdm_level
    by_time = level_by_time(family, minutes) if minutes is not None else None
    by_mdm = level_by_mdm(family, mdm) if mdm is not None else None
    # On a tie MDM is reported: it stands on the record without a time attestation.
    if by_time is not None and (by_mdm is None or by_time > by_mdm):
        code = family.codes[by_time]
        evidence = Evidence(source="total_time_minutes", text=f"total time {minutes} minutes")
        detail = f"{code} by total time {minutes} min"
        if by_mdm is not None:
            detail += f"; MDM {mdm} would give {family.codes[by_mdm]}"
        return EmChoice(code, EM_DESCRIPTIONS[code], "time", minutes, mdm, evidence, detail)
    if by_mdm is not None:
        code = family.codes[by_mdm]
        evidence = Evidence(source="mdm_level", text=f"medical decision making: {mdm}")
        detail = f"{code} by MDM {mdm}"
        if by_time is not None:
            detail += f"; total time {minutes} min would give {family.codes[by_time]}"
        return EmChoice(code, EM_DESCRIPTIONS[code], "mdm", minutes, mdm, evidence, detail)
    return ReviewReason(
        rule="EM-UNSUPPORTED",
        message=unsupported_message(family, minutes),
        subject="mdm_level" if family.minutes is None else "total_time_minutes",
    )


def preventive(encounter: Encounter) -> EmChoice:
    age = age_on(encounter.patient.birth_date, encounter.date_of_service)
    code = preventive_code(encounter.patient_status, age)
    evidence = Evidence(
        source="encounter_type",
        text=f"preventive visit, {encounter.patient_status} patient, age {age}",
    )
    detail = f"{code} for a {encounter.patient_status} patient aged {age} on the date of service"
    return EmChoice(
        code,
        EM_DESCRIPTIONS[code],
        "age",
        encounter.total_time_minutes,
        encounter.mdm_level,
        evidence,
        detail,
    )


def unsupported_message(family: EmFamily, minutes: int | None) -> str:
    name = family.name.lower()
    if family.minutes is None:
        return f"no MDM level documented; {name} levels are chosen by MDM only, not time"
    if minutes is None:
        return f"neither total time nor an MDM level is documented for the {name}"
    return (
        f"total time {minutes} min is under the {family.minutes[0]} min minimum for the "
        f"{name}, and no MDM level is documented"
    )

"""The E/M level of an encounter with notes: time and MDM as documented or derived.

AMA CPT 2021/2023 E/M guidelines: a visit is levelled by total time on the date or by
MDM, whichever the documentation supports better (emergency visits by MDM only). The
structured fields come first; where a field is missing, what a note states outright
(em_notes.py) stands in for it; where no MDM level is stated, it is derived from the
words (mdm.py) and used only when two documented elements support it. Otherwise the
encounter goes to review with the candidate level and its evidence proposed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .em_notes import (
    Stated,
    annual_wellness_visit,
    critical_care_minutes,
    discharge_evidence,
    discharge_note,
    documented_mdm,
    documented_minutes,
    newborn_care,
    nurse_visit,
    same_day_stay,
)
from .em_tables import (
    CRITICAL_CARE,
    CRITICAL_CARE_MINUTES,
    DISCHARGE_CODES,
    DISCHARGE_MINUTES,
    EM_DESCRIPTIONS,
    EM_NOTE_KINDS,
    HOSPITAL_SAME_DAY,
    NEWBORN_DAYS,
    NEWBORN_INITIAL,
    NEWBORN_SAME_DAY,
    NEWBORN_SUBSEQUENT,
    NURSE_VISIT,
    OFFICE_ESTABLISHED,
    PROLONGED,
    PROLONGED_STEP,
    WELLNESS_DESCRIPTIONS,
    WELLNESS_INITIAL,
    WELLNESS_SUBSEQUENT,
    EmFamily,
)
from .encounter import Encounter, MdmLevel
from .evaluation import em_family, level_by_mdm, level_by_time, preventive, unsupported_message
from .mdm import MdmFinding, score_mdm
from .results import EmChoice, Evidence, ReviewReason

HOSPITAL_TYPES = frozenset({"inpatient", "observation"})


@dataclass(frozen=True, slots=True)
class EmAssessment:
    """The E/M outcome: a choice, a review reason, or both (a candidate for review).

    `rule` names what decided a level derived from the notes (the service line's rule);
    `mdm` is the derived MDM with every element's evidence."""

    choice: EmChoice | None
    reason: ReviewReason | None = None
    rule: str | None = None
    mdm: MdmFinding | None = None


def assess_em(encounter: Encounter, reported: frozenset[str] = frozenset()) -> EmAssessment:
    """Choose the E/M level from the structured fields and the notes (see module doc);
    `reported`: the tests billed on their own lines, not counted in a derived MDM.

    Only notes in which a provider documents an E/M service count (EM_NOTE_KINDS): the
    decision to perform a procedure is part of the procedure (CMS NCCI Policy Manual
    ch. 1 §D, global surgery), so a procedure or operative note alone levels nothing.
    """
    status = "new" if _initial_stay_note(encounter) else encounter.patient_status
    family = em_family(encounter.encounter_type, status)
    notes = encounter.notes
    if family is None:
        wellness = annual_wellness_visit(notes)
        if wellness is None:
            return EmAssessment(preventive(encounter))
        return EmAssessment(_wellness(encounter, *wellness))
    critical = critical_care_minutes(notes)
    if critical is not None and critical.value >= CRITICAL_CARE_MINUTES:  # type: ignore[operator]
        return EmAssessment(_critical_care(encounter, critical))
    if encounter.encounter_type in HOSPITAL_TYPES:
        same_day = same_day_stay(notes) is not None
        index = None if same_day else discharge_note(notes)
        newborn = _newborn(encounter, same_day) if index is None else None
        if newborn is not None:
            return EmAssessment(newborn)
        if same_day:
            family = HOSPITAL_SAME_DAY
        elif index is not None:
            return EmAssessment(_discharge(encounter, index))

    minutes: Stated | None = None
    if family.minutes is not None:
        if encounter.total_time_minutes is not None:
            minutes = Stated(
                encounter.total_time_minutes,
                Evidence(
                    source="total_time_minutes",
                    text=f"total time {encounter.total_time_minutes} minutes",
                ),
            )
        else:
            minutes = documented_minutes(notes, EM_NOTE_KINDS)
    mdm: Stated | None = None
    if encounter.mdm_level is not None:
        mdm = Stated(
            encounter.mdm_level,
            Evidence(source="mdm_level", text=f"medical decision making: {encounter.mdm_level}"),
        )
    else:
        mdm = documented_mdm(notes, EM_NOTE_KINDS)
    finding = None
    if mdm is None:
        sources = _sources(encounter)
        finding = score_mdm(sources, reported) if sources else None
    return _choose(encounter, family, minutes, mdm, finding)


def _sources(encounter: Encounter) -> list[tuple[str, str, bool]]:
    sources = [
        (f"notes[{i}]", note.text, False)
        for i, note in enumerate(encounter.notes)
        if note.kind in EM_NOTE_KINDS
    ]
    if not sources:
        return sources
    if encounter.assessment_plan:
        sources.append(("assessment_plan", encounter.assessment_plan, True))
    sources.extend(
        (f"diagnoses[{i}]", d.text, True) for i, d in enumerate(encounter.diagnoses) if d.text
    )
    return sources


INITIAL_NOTE_KINDS = frozenset({"history_and_physical", "consult"})
_INITIAL_TITLE = re.compile(
    r"\badmi(?:ssion|t|tting)\b|\bh\s*&\s*p\b|history\s+and\s+physical|\bconsult(?:ation)?\b|"
    r"\binitial\s+(?:hospital|observation|inpatient)",
    re.I,
)


_FOLLOW_UP_TITLE = re.compile(r"\bfollow[- ]?up\b|\bday\s+\d|\bsubsequent\b|\bprogress\b", re.I)


def _initial_stay_note(encounter: Encounter) -> bool:
    """A hospital or observation stay's first encounter with this practitioner: an
    admission history and physical or a consultation (AMA CPT 2023: initial hospital
    inpatient or observation care, 99221-99223, is the first visit of the stay, whether
    or not the patient is new to the practitioner; an inpatient consultation is initial
    care where consultation codes are not paid)."""
    if encounter.encounter_type not in HOSPITAL_TYPES or encounter.patient_status == "new":
        return False
    return any(
        (note.kind in INITIAL_NOTE_KINDS or _INITIAL_TITLE.search(note.title or ""))
        and not _FOLLOW_UP_TITLE.search(note.title or "")
        for note in encounter.notes
        if note.kind in EM_NOTE_KINDS and note.kind != "discharge_summary"
    )


def _newborn(encounter: Encounter, same_day: bool) -> EmChoice | None:
    """AMA CPT normal newborn care (99460 first day, 99462 later days, 99463 admitted and
    discharged the same day): a hospital stay of a baby under 28 days whose notes say so;
    a newborn's discharge day is discharge day management (99238/99239)."""
    days = (encounter.date_of_service - encounter.patient.birth_date).days
    if not 0 <= days < NEWBORN_DAYS:
        return None
    evidence = newborn_care(encounter.notes)
    if evidence is None:
        return None
    if same_day:
        code = NEWBORN_SAME_DAY
    else:
        initial = encounter.patient_status == "new" or _initial_stay_note(encounter)
        code = NEWBORN_INITIAL if initial else NEWBORN_SUBSEQUENT
    detail = f"{code}: normal newborn care, day {days} of life"
    return EmChoice(code, EM_DESCRIPTIONS[code], "age", encounter.total_time_minutes,
                    encounter.mdm_level, evidence, detail)  # fmt: skip


def _critical_care(encounter: Encounter, critical: Stated) -> EmChoice:
    """AMA CPT: critical care is reported by its time, 99291 for the first 30-74 minutes
    (the 99292 add-on follows in em_coding.py); it stands for the day's E/M service."""
    minutes = critical.value
    detail = f"{CRITICAL_CARE}: critical care, {minutes} min documented"
    return EmChoice(CRITICAL_CARE, EM_DESCRIPTIONS[CRITICAL_CARE], "time", minutes,  # type: ignore[arg-type]
                    encounter.mdm_level, critical.evidence, detail)  # fmt: skip


def _wellness(encounter: Encounter, initial: bool, evidence: Evidence) -> EmChoice:
    """CMS: the Medicare annual wellness visit is G0438 (first) or G0439 (subsequent), not
    a preventive medicine code (Medicare Claims Processing Manual ch. 18 §140)."""
    code = WELLNESS_INITIAL if initial else WELLNESS_SUBSEQUENT
    detail = f"{code}: annual wellness visit named in {evidence.source}"
    return EmChoice(code, WELLNESS_DESCRIPTIONS[code], "age", encounter.total_time_minutes,
                    encounter.mdm_level, evidence, detail)  # fmt: skip


def _choose(
    encounter: Encounter,
    family: EmFamily,
    minutes: Stated | None,
    mdm: Stated | None,
    finding: MdmFinding | None,
) -> EmAssessment:
    total = minutes.value if minutes is not None else None
    by_time = level_by_time(family, total) if isinstance(total, int) else None
    level: MdmLevel | None = mdm.value if mdm is not None else None  # type: ignore[assignment]
    # AMA CPT 2021: the level is the one time or MDM supports, whichever is higher; a
    # derived MDM counts only when two documented elements support it (finding.confident)
    derived = level is None and finding is not None and finding.confident
    if derived:
        level = finding.level  # type: ignore[union-attr]
    by_mdm = level_by_mdm(family, level) if level is not None else None
    shown_minutes = total if isinstance(total, int) else None
    # On a tie MDM is reported: it stands on the record without a time attestation;
    # unless the time earns prolonged service, which only a level chosen by time reports.
    prolonged = by_time == by_mdm and _earns_prolonged(family.codes[by_time or 0], total)
    if (
        by_time is not None
        and minutes is not None
        and (by_mdm is None or by_time > by_mdm or prolonged)
    ):
        code = family.codes[by_time]
        detail = f"{code} by total time {total} min"
        if minutes.evidence.source != "total_time_minutes":
            detail += f" documented in {minutes.evidence.source}"
        if by_mdm is not None:
            detail += f"; MDM {level} would give {family.codes[by_mdm]}"
        return EmAssessment(
            EmChoice(
                code, EM_DESCRIPTIONS[code], "time", shown_minutes, level, minutes.evidence, detail
            )  # fmt: skip
        )
    if by_mdm is not None and level is not None:
        code = family.codes[by_mdm]
        if mdm is not None:
            evidence, rule = mdm.evidence, None
            detail = f"{code} by MDM {level}"
            if evidence.source != "mdm_level":
                detail += f" documented in {evidence.source}"
        else:
            assert finding is not None
            evidence, rule = finding.evidence, finding.summary()
            detail = f"{code} by MDM {level} derived from the notes: {finding.elements_detail()}"
        if by_time is not None:
            detail += f"; total time {total} min would give {family.codes[by_time]}"
        choice = EmChoice(code, EM_DESCRIPTIONS[code], "mdm", shown_minutes, level, evidence,
                          detail)  # fmt: skip
        return EmAssessment(choice, rule=rule, mdm=finding)
    if family is OFFICE_ESTABLISHED:
        nursing = nurse_visit(encounter.notes)
        if nursing is not None:
            detail = f"{NURSE_VISIT}: a nurse visit with no time or MDM level documented"
            return EmAssessment(
                EmChoice(
                    NURSE_VISIT,
                    EM_DESCRIPTIONS[NURSE_VISIT],
                    "mdm",
                    shown_minutes,
                    None,
                    nursing,
                    detail,
                )  # fmt: skip
            )
    return _review(family, shown_minutes, finding)


def _earns_prolonged(code: str, minutes: object) -> bool:
    add_on = PROLONGED.get(code)
    return (
        add_on is not None
        and isinstance(minutes, int)
        and minutes - add_on.threshold >= PROLONGED_STEP
    )


def _review(family: EmFamily, minutes: int | None, finding: MdmFinding | None) -> EmAssessment:
    """No level stands on the record: review, with the derived level as the candidate."""
    subject = "mdm_level" if family.minutes is None else "total_time_minutes"
    message = unsupported_message(family, minutes)
    if finding is None:
        return EmAssessment(None, ReviewReason("EM-UNSUPPORTED", message, subject))
    code = family.codes[level_by_mdm(family, finding.level)]
    documented = sum(1 for element in finding.elements if element.evidence)
    message += (
        f"; the notes suggest MDM {finding.level} ({code}) but only {documented} of the "
        f"three elements is documented: {finding.elements_detail()}"
    )
    detail = f"{code} proposed: MDM {finding.level} derived from the notes, not confirmed"
    choice = EmChoice(code, EM_DESCRIPTIONS[code], "mdm", minutes, finding.level,
                      finding.evidence, detail)  # fmt: skip
    reason = ReviewReason("EM-UNSUPPORTED", message, subject, candidates=(code,))
    return EmAssessment(choice, reason, rule=finding.summary(), mdm=finding)


def _discharge(encounter: Encounter, index: int) -> EmChoice:
    """AMA CPT 2023 hospital discharge day management: more than 30 minutes on the date
    is 99239; 30 minutes or less, or no time documented, is 99238."""
    total = encounter.total_time_minutes
    evidence: Evidence
    if total is not None:
        evidence = Evidence(source="total_time_minutes", text=f"total time {total} minutes")
    else:
        stated = documented_minutes(encounter.notes)
        if stated is not None:
            total, evidence = stated.value, stated.evidence  # type: ignore[assignment]
        else:
            evidence = discharge_evidence(encounter.notes[index], index)
    longer = total is not None and total > DISCHARGE_MINUTES
    code = DISCHARGE_CODES[1 if longer else 0]
    if total is None:
        detail = f"{code}: discharge day management, no time documented (30 minutes or less)"
    else:
        detail = f"{code}: discharge day management, {total} min on the date"
    return EmChoice(code, EM_DESCRIPTIONS[code], "time", total, encounter.mdm_level, evidence,
                    detail)  # fmt: skip


# the words that open a problem-oriented part of a preventive visit's note
_SEPARATE_PROBLEM = re.compile(
    r"\b(?:separate(?:ly)?\s+(?:identifiable\s+)?(?:problem|issue|complaint|concern|evaluation)s?|"
    r"separately\s*[:\-]|"
    r"problem[- ]oriented|(?:problem|issue|complaint)s?\s+addressed\s+(?:today|separately)|"
    r"in\s+addition\s+to\s+the\s+(?:preventive|well|wellness|annual|physical)\b|"
    r"also\s+(?:evaluated|addressed|seen|treated)\s+(?:for|today)|"
    r"acute\s+(?:problem|complaint|concern|visit|issue)s?\s*:|"
    r"(?:additional|other)\s+(?:problem|issue|complaint|concern)s?\s+(?:today|addressed|"
    r"discussed|evaluated)|(?:also|additionally)\s+(?:brought\s+up|c/o|complains\s+of|"
    r"reports)|in\s+addition,?\s+(?:she|he|the\s+patient|patient)\s+(?:reports|complains))",
    re.IGNORECASE,
)


def problem_visit(encounter: Encounter, reported: frozenset[str] = frozenset()) -> EmChoice | None:
    """A problem-oriented office E/M beside a preventive visit (AMA CPT Preventive
    Medicine Services: a significant problem that needs the key components of a
    problem-oriented E/M is reported with its office code and modifier 25). The note has
    to set the problem apart in words ("separate problem", "also addressed today"), and
    the level is the MDM of that part alone, on two documented elements; an insignificant
    problem (no MDM it reaches) is part of the preventive service."""
    if encounter.encounter_type != "preventive":
        return None
    sources: list[tuple[str, str, bool]] = []
    opened: Evidence | None = None
    for i, note in enumerate(encounter.notes):
        if note.kind not in EM_NOTE_KINDS:
            continue
        found = _SEPARATE_PROBLEM.search(note.text)
        if found is None:
            continue
        # the preventive part is blanked, so evidence offsets stay the note's own
        sources.append((f"notes[{i}]", " " * found.start() + note.text[found.start() :], False))
        if opened is None:
            opened = Evidence(f"notes[{i}]", found.group(), found.start(), found.end())
    if not sources or opened is None:
        return None
    finding = score_mdm(sources, reported)
    if finding is None or not finding.confident or finding.level == "straightforward":
        return None
    family = em_family("office", encounter.patient_status)
    assert family is not None
    code = family.codes[level_by_mdm(family, finding.level)]
    detail = (
        f"{code} by MDM {finding.level} of the problem set apart in the preventive visit's "
        f"note ({opened.text!r}): {finding.elements_detail()}"
    )
    return EmChoice(code, EM_DESCRIPTIONS[code], "mdm", None, finding.level, finding.evidence,
                    detail)  # fmt: skip

"""The E/M part of the automatic path: the level, its service lines, edits and reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from .em_assess import assess_em, problem_visit
from .em_tables import (
    CRITICAL_CARE,
    CRITICAL_CARE_ADD_ON,
    CRITICAL_CARE_FIRST,
    CRITICAL_CARE_STEP,
    EM_NOTE_KINDS,
    NURSE_VISIT,
    PREVENTIVE_CODES,
    PROLONGED,
    PROLONGED_DESCRIPTIONS,
    PROLONGED_STEP,
)
from .encounter import Encounter
from .evaluation import documented_em
from .mdm import (
    EMERGENCY_PROCEDURE,
    MAJOR_GLOBAL,
    MAJOR_PROCEDURE,
    MINOR_PROCEDURE,
    reported_tests,
)
from .outcome import em_line
from .procedures import medicare_primary
from .results import Edit, EmChoice, Evidence, ReviewReason, ServiceLine


class EmCoding(NamedTuple):
    """The E/M choice (None when there is none to bill), its lines (the E/M line, then a
    prolonged-service add-on), and the reasons and edits it adds."""

    em: EmChoice | None
    lines: tuple[ServiceLine, ...]
    reasons: tuple[ReviewReason, ...]
    edits: tuple[Edit, ...]


def code_em(encounter: Encounter, procedures: Sequence[ServiceLine]) -> EmCoding:
    """E/M by time, MDM or age (evaluation.py; with notes, em_assess.py), as service
    line 1 with its modifiers; a level the notes only suggest is proposed for review."""
    if not encounter.notes:  # as before notes: the structured fields only
        selected = documented_em(encounter)
        if isinstance(selected, ReviewReason):
            return EmCoding(None, (), (selected,), ())
        em = _by_time_when_prolonged(selected)
        line, edits = em_line(encounter, em, procedures, method="inferred")
        return _with_prolonged(em, line, edits, (), medicare_primary(encounter))
    reported = _reported(procedures)
    if encounter.encounter_type == "emergency" and MINOR_PROCEDURE in reported:
        reported |= {EMERGENCY_PROCEDURE}
    assessed = assess_em(encounter, reported)
    if _only_the_procedure(encounter, assessed.choice, procedures) or _procedure_visit(
        encounter, assessed.reason, procedures
    ):
        return EmCoding(None, (), (), (_included(procedures),))
    if assessed.choice is not None and any(p.code == assessed.choice.code for p in procedures):
        return EmCoding(None, (), (), ())  # the procedures found the same service already
    reasons = (assessed.reason,) if assessed.reason is not None else ()
    if assessed.choice is None:
        return EmCoding(None, (), reasons, ())
    choice = assessed.choice
    if choice.code in PREVENTIVE_CODES and any(p.code == IPPE for p in procedures):
        # the initial preventive physical examination is Medicare's preventive visit
        problem = _problem_line(encounter, procedures)
        lines = (problem[0],) if problem is not None else ()
        return EmCoding(None, lines, reasons, tuple(problem[1]) if problem else ())
    line, edits = em_line(encounter, choice, procedures, method="inferred")
    if assessed.rule is not None and choice.basis == "mdm":
        # a level derived from the notes names the elements that decided it
        line = replace(line, rule=assessed.rule)
    if choice.code.startswith("G"):
        line = replace(line, code_system="HCPCS")
    coding = _with_prolonged(choice, line, edits, reasons, medicare_primary(encounter))
    problem = _problem_line(encounter, procedures)
    if problem is not None:
        coding = coding._replace(
            lines=(*coding.lines, problem[0]), edits=(*coding.edits, *problem[1])
        )
    return EmCoding(choice if not reasons else None, coding.lines, reasons, coding.edits)


IPPE = "G0402"


def _problem_line(
    encounter: Encounter, procedures: Sequence[ServiceLine]
) -> tuple[ServiceLine, list[Edit]] | None:
    """The problem-oriented E/M of a preventive visit, with modifier 25 (em_assess.py)."""
    problem = problem_visit(encounter, _reported(procedures))
    if problem is None:
        return None
    line, edits = em_line(encounter, problem, procedures, method="inferred")
    if "25" not in line.modifiers:
        line = replace(line, modifiers=("25", *line.modifiers))
        edits.append(
            Edit(rule="MOD-25", detail=f"{problem.code}-25: a problem visit beside the preventive")
        )
    return line, edits


def _only_the_procedure(
    encounter: Encounter, choice: EmChoice | None, procedures: Sequence[ServiceLine]
) -> bool:
    """No E/M line: the notes document only procedures (procedure, operative or nursing
    notes; the decision to perform a procedure is part of it, CMS NCCI Policy Manual ch. 1
    §D) and no level is given; or the visit is a nurse's 99211 beside an injection or
    vaccine administration, into which CMS NCCI bundles it."""
    if choice is not None and choice.code == NURSE_VISIT:
        # NCCI pairs 99211 with the injections and procedures, not with laboratory tests
        return any(not _laboratory(p.code) for p in procedures)
    if encounter.encounter_type == "preventive":
        return False
    if encounter.total_time_minutes is not None or encounter.mdm_level is not None:
        return False
    return not any(note.kind in EM_NOTE_KINDS for note in encounter.notes)


def _reported(procedures: Sequence[ServiceLine]) -> frozenset[str]:
    """What the procedure lines already bill that the derived MDM must not count again."""
    reported = reported_tests(p.code for p in procedures)
    if any(p.global_period and p.code not in MAJOR_GLOBAL for p in procedures):
        reported |= {MINOR_PROCEDURE}
    if any(p.code in MAJOR_GLOBAL for p in procedures):
        reported |= {MAJOR_PROCEDURE}
    return reported


def _procedure_visit(
    encounter: Encounter, reason: ReviewReason | None, procedures: Sequence[ServiceLine]
) -> bool:
    """A visit for a minor procedure whose notes support no E/M level of their own (no
    time or MDM documented, the derived MDM short of two elements once the decision to
    do the procedure is left out): the visit is the procedure's (CMS NCCI Policy Manual
    ch. I §D; an E/M beside it needs a significant, separately identifiable service)."""
    if reason is None or reason.rule != "EM-UNSUPPORTED":
        return False
    if encounter.encounter_type not in ("office", "telehealth"):
        return False  # an emergency visit is an evaluation first: its level goes to review
    if encounter.total_time_minutes is not None or encounter.mdm_level is not None:
        return False
    return any(p.global_period for p in procedures)


def _laboratory(code: str) -> bool:
    """A clinical laboratory test (CPT 80047-89398) or the specimen's collection."""
    return (code.isdigit() and code[0] == "8") or code in ("36415", "36416")


def _included(procedures: Sequence[ServiceLine]) -> Edit:
    codes = ", ".join(sorted({line.code for line in procedures})) or "none coded"
    return Edit(
        rule="EM-INCLUDED",
        detail=f"no E/M service line: the notes document procedures ({codes}) and no "
        "separately identifiable E/M service",
    )


def _by_time_when_prolonged(em: EmChoice) -> EmChoice:
    """99205/99215 supported by a documented MDM level and by a total time that earns
    prolonged service (structured fields; em_assess.py does the same for notes): report it
    by time (AMA CPT 2021: 99417 only with a level chosen by time; either basis may be
    chosen when both support the level)."""
    minutes, add_on = em.total_time_minutes, PROLONGED.get(em.code)
    if em.basis != "mdm" or add_on is None or minutes is None:
        return em
    if minutes - add_on.threshold < PROLONGED_STEP:
        return em
    evidence = Evidence(source="total_time_minutes", text=f"total time {minutes} minutes")
    detail = f"{em.code} by total time {minutes} min (MDM {em.mdm_level} gives it too)"
    return replace(em, basis="time", detail=detail, evidence=evidence)


def _with_prolonged(
    em: EmChoice,
    line: ServiceLine,
    edits: list[Edit],
    reasons: tuple[ReviewReason, ...],
    medicare: bool = False,
) -> EmCoding:
    if em.code == CRITICAL_CARE:
        add_on = critical_care_line(em, medicare)
    else:
        add_on = prolonged_line(em, medicare)
    if add_on is None:
        return EmCoding(em, (line,), reasons, tuple(edits))
    extra, edit = add_on
    return EmCoding(em, (line, extra), reasons, (*edits, edit))


def prolonged_line(em: EmChoice, medicare: bool = False) -> tuple[ServiceLine, Edit] | None:
    """The prolonged-service add-on for 99205/99215 chosen by total time.

    AMA CPT 2021: 99417 for each full 15 minutes beyond the 99205/99215 time (60/40
    minutes). CMS asks Medicare claims (the first coverage a Medicare plan) for G2212
    instead, from 15 minutes beyond the end of the range (89/69 minutes).
    """
    add_on = PROLONGED.get(em.code)
    if add_on is None or em.basis != "time" or em.total_time_minutes is None:
        return None
    minutes = em.total_time_minutes
    if medicare and add_on.medicare_first_unit is not None:
        units = (minutes - add_on.medicare_first_unit) // PROLONGED_STEP + 1
        if units < 1:
            return None
        code = add_on.medicare_code
        detail = (
            f"{code} x{units}: Medicare, total time {minutes} min, the first unit from "
            f"{add_on.medicare_first_unit} min (CMS), one more per full {PROLONGED_STEP} minutes"
        )
    else:
        units = (minutes - add_on.threshold) // PROLONGED_STEP
        if units < 1:
            return None
        code = add_on.code
        detail = (
            f"{code} x{units}: total time {minutes} min is {minutes - add_on.threshold} min "
            f"beyond the {add_on.threshold} min of {em.code} (AMA: one unit per full "
            f"{PROLONGED_STEP} minutes)"
        )
    line = ServiceLine(
        code=code,
        code_system="HCPCS" if code.startswith("G") else "CPT",
        description=PROLONGED_DESCRIPTIONS[code],
        evidence=em.evidence,
        method="inferred",
        rule="EM-PROLONGED",
        units=units,
    )
    return line, Edit(rule="EM-PROLONGED", detail=detail)


def critical_care_line(em: EmChoice, medicare: bool = False) -> tuple[ServiceLine, Edit] | None:
    """99292 for each further 30 minutes of critical care beyond the first 74 (AMA CPT:
    75-104 minutes one unit, 105-134 two); Medicare counts its first unit from 104
    minutes (CMS: 30 minutes beyond the 74 of 99291)."""
    minutes = em.total_time_minutes
    if minutes is None or minutes <= CRITICAL_CARE_FIRST:
        return None
    if medicare:
        first = CRITICAL_CARE_FIRST + CRITICAL_CARE_STEP
        if minutes < first:
            return None
        units = (minutes - first) // CRITICAL_CARE_STEP + 1
        count = f"Medicare count: the first unit from {first} min"
    else:
        units = (minutes - CRITICAL_CARE_FIRST - 1) // CRITICAL_CARE_STEP + 1
        count = "AMA count"
    detail = (
        f"{CRITICAL_CARE_ADD_ON} x{units}: {minutes} min of critical care, "
        f"{minutes - CRITICAL_CARE_FIRST} min beyond the {CRITICAL_CARE_FIRST} min of "
        f"{CRITICAL_CARE} ({count})"
    )
    line = ServiceLine(
        code=CRITICAL_CARE_ADD_ON,
        code_system="CPT",
        description=PROLONGED_DESCRIPTIONS[CRITICAL_CARE_ADD_ON],
        evidence=em.evidence,
        method="inferred",
        rule="EM-CRITICAL-CARE",
        units=units,
    )
    return line, Edit(rule="EM-CRITICAL-CARE", detail=detail)

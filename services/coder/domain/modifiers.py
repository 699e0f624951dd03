"""CPT/HCPCS modifiers the coder adds by rule: laterality, repeats, telehealth and modifier 25.

The distinct-service modifiers (59, XE, XS, XP, XU) are added where an NCCI edit needs
them and the documentation supports them: services/coder/domain/ncci.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from .encounter import Encounter, Laterality
from .lexicon import LexiconEntry
from .mdm import MAJOR_GLOBAL
from .results import Edit

LATERALITY_MODIFIERS: dict[Laterality, str] = {"left": "LT", "right": "RT", "bilateral": "50"}
# CMS place of service 02 (telehealth outside the home) and 10 (in the patient's home).
TELEHEALTH_PLACES = frozenset({"02", "10"})


def laterality_modifier(entry: LexiconEntry, laterality: Laterality | None) -> str | None:
    """LT, RT or 50 for a documented side, on codes where the side matters.

    HCPCS Level II modifiers LT/RT; modifier 50 for a bilateral procedure (Medicare
    Claims Processing Manual ch. 12 §40.7). Codes not flagged `laterality` in the lexicon
    take none, because a side on them is informational and payers reject it.
    """
    if laterality is None or not entry.laterality:
        return None
    return LATERALITY_MODIFIERS[laterality]


def repeat_modifier(code: str, first_author: str | None, author: str | None) -> str:
    """The modifier of a service repeated on the same day.

    91 for a repeated clinical laboratory test (CPT 80047-89398: a new result is needed);
    77 when another physician repeats it (the two are documented by different authors);
    76 when the same physician does (CPT Appendix A).
    """
    if code[:1] == "8" and code.isdigit():
        return "91"
    if first_author and author and first_author != author:
        return "77"
    return "76"


def is_telehealth(encounter: Encounter) -> bool:
    """A telehealth visit by type or by place of service 02/10 (CMS PFS 2024 final rule)."""
    return (
        encounter.encounter_type == "telehealth" or encounter.place_of_service in TELEHEALTH_PLACES
    )


def em_modifiers(
    encounter: Encounter, em_code: str, global_procedures: Iterable[str]
) -> tuple[list[str], list[Edit]]:
    """Modifiers for the E/M line, with an edit note for each.

    25: a significant, separately identifiable E/M on the day of a procedure with a
    global period (CPT Appendix A; Medicare Claims Processing Manual ch. 12 §30.6.6).
    95: a synchronous telehealth service (CPT Appendix P; CMS asks for it with POS 02/10).
    """
    modifiers: list[str] = []
    edits: list[Edit] = []
    procedures = sorted(set(global_procedures))
    major = [code for code in procedures if code in MAJOR_GLOBAL]
    if major:
        # 57: the E/M at which the decision for a 90-day-global procedure was made
        # (Medicare Claims Processing Manual ch. 12 §40.2.A.4): a minor procedure beside
        # it does not make the visit part of the major one's global package
        modifiers.append("57")
        edits.append(
            Edit(
                rule="MOD-57",
                detail=f"{em_code}-57: decision for {', '.join(major)}, which carry "
                "a 90-day global period",
            )
        )
    elif procedures:
        modifiers.append("25")
        edits.append(
            Edit(
                rule="MOD-25",
                detail=f"{em_code}-25: E/M on the same day as {', '.join(procedures)}, "
                "which carry a global period",
            )
        )
    if is_telehealth(encounter):
        modifiers.append("95")
        edits.append(
            Edit(
                rule="MOD-95",
                detail=f"{em_code}-95: telehealth visit "
                f"(type {encounter.encounter_type}, POS {encounter.place_of_service})",
            )
        )
    return modifiers, edits

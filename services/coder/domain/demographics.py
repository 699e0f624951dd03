"""Plausible demographics: what must hold before an encounter's patient is billed.

A claim (X12 837P loops 2010BA/2010CA) and a patient statement print the patient's name,
address and member id, and they are dated by the date of service. Demographics that cannot
be true, or that no claim or email can carry, are sent to a person instead of being
billed. The reasons name the field in plain words and never quote its value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from operator import attrgetter

from .encounter import Encounter, PrintedField
from .results import ReviewReason

# The oldest verified human lived to 122 (Jeanne Calment, 1875-1997): past 125 the birth
# date is a typing error, not a patient.
MAX_AGE_YEARS = 125
# C0/C1 controls and DEL (Cc), lone surrogates (Cs), line and paragraph separators (Zl, Zp):
# none is text a printer, an X12 element or an email header can carry.
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
# Bidirectional embeddings, overrides and isolates reorder what a reader sees (CVE-2021-42574).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on a day (the day before a birthday still counts the old age)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def has_control_character(text: str) -> bool:
    """Whether the text holds a character that is not printable text (see above)."""
    if text.isprintable():  # the common case, in C
        return False
    return any(
        unicodedata.category(ch) in _UNPRINTABLE_CATEGORIES or ch in _BIDI_CONTROLS
        for ch in text
        if not ch.isprintable()
    )


def implausible_demographics(encounter: Encounter) -> list[ReviewReason]:
    """Review reasons for demographics that cannot be billed as they are.

    A birth date after the date of service, or an age over MAX_AGE_YEARS on it; a name,
    address line, contact or member id holding a control character (NUL included).
    """
    reasons: list[ReviewReason] = []
    born, day = encounter.patient.birth_date, encounter.date_of_service
    if born > day:
        reasons.append(
            ReviewReason(
                rule="DEMOGRAPHICS-BIRTH-DATE",
                message="the patient's birth date is after the date of service",
                subject="patient.birth_date",
            )
        )
    elif age_on(born, day) > MAX_AGE_YEARS:
        reasons.append(
            ReviewReason(
                rule="DEMOGRAPHICS-BIRTH-DATE",
                message=f"the patient's birth date makes them older than {MAX_AGE_YEARS} "
                "years on the date of service",
                subject="patient.birth_date",
            )
        )
    reasons.extend(_unprintable(encounter.printed_demographics))
    return reasons


_VALUE = attrgetter("value")


def _unprintable(fields: Sequence[PrintedField]) -> list[ReviewReason]:
    if "".join(map(_VALUE, fields)).isprintable():  # the common case, at once
        return []
    return [
        ReviewReason(
            rule="DEMOGRAPHICS-CONTROL-CHARACTER",
            message=f"{field.label} contains a control character, which cannot be printed "
            "on a claim or an email",
            subject=field.path,
        )
        for field in fields
        if has_control_character(field.value)
    ]

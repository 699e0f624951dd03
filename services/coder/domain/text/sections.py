"""The sectionizer: where each titled section of a note starts and ends.

A section starts at a title a clinician writes at the start of a line, alone or followed
by a colon ("Past Medical History:", "PMH: HTN, DM2", "ASSESSMENT AND PLAN"), and runs to
the next title. The titles and their canonical names follow medspaCy's sectionizer
defaults (past_medical_history, family_history, allergies, assessment_and_plan,
discharge_diagnoses...), with the abbreviations hospitals use. Text before the first
title is section None.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# canonical name -> the titles that open it (lower case, single spaces)
SECTION_TITLES: dict[str, tuple[str, ...]] = {
    "chief_complaint": ("chief complaint", "cc", "reason for visit", "reason for admission"),
    "history_of_present_illness": (
        "history of present illness",
        "hpi",
        "present illness",
        "history of the present illness",
        "interval history",
        "interval hx",
        "subjective",
        "s",
    ),
    "past_medical_history": (
        "past medical history",
        "pmh",
        "pmhx",
        "medical history",
        "past history",
        "past medical and surgical history",
        "history",
        "problem list",
        "active problems",
        "chronic problems",
    ),
    "past_surgical_history": ("past surgical history", "psh", "surgical history"),
    "family_history": ("family history", "fh", "fhx", "family medical history"),
    "social_history": ("social history", "sh", "shx"),
    "allergies": (
        "allergies",
        "allergy",
        "drug allergies",
        "allergies and adverse reactions",
        "adverse reactions",
    ),
    "medications": (
        "medications",
        "current medications",
        "home medications",
        "meds",
        "medications on admission",
        "outpatient medications",
    ),
    "discharge_medications": ("discharge medications", "medications on discharge"),
    "review_of_systems": ("review of systems", "ros"),
    "physical_exam": (
        *("physical exam", "physical examination", "exam", "examination", "pe"),
        *("objective", "o"),
    ),
    "labs_and_studies": (
        "labs",
        "laboratory",
        "laboratory data",
        "results",
        "studies",
        "imaging",
        "diagnostic studies",
        "pertinent results",
    ),
    "hospital_course": ("hospital course", "brief hospital course", "course", "clinical course"),
    "procedures": ("procedures", "procedure", "operations", "procedures performed"),
    "assessment": ("assessment", "impression", "a", "clinical impression", "diagnostic impression"),
    "assessment_and_plan": ("assessment and plan", "a/p", "a&p", "assessment/plan", "ap"),
    "plan": ("plan", "recommendations", "disposition", "follow up", "follow-up"),
    "diagnoses": ("diagnoses", "diagnosis", "final diagnosis", "final diagnoses"),
    "admission_diagnoses": ("admission diagnosis", "admission diagnoses", "admitting diagnosis"),
    "discharge_diagnoses": (
        "discharge diagnosis",
        "discharge diagnoses",
        "principal diagnosis",
        "secondary diagnoses",
        "primary diagnosis",
    ),
    "discharge_instructions": ("discharge instructions", "instructions", "patient instructions"),
}

_NAME_OF = {title: name for name, titles in SECTION_TITLES.items() for title in titles}
# titles that are ordinary words too ("history", "a", "course") count only with a colon
_NEEDS_COLON = frozenset({"a", "ap", "pe", "sh", "cc", "history", "course", "results", "plan"})
_TITLE = re.compile(
    r"^[ \t]*(?P<title>[A-Za-z][A-Za-z/&\- ]{0,48}?)[ \t]*(?P<colon>:|$)", re.MULTILINE
)


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of a text: `name` canonical (see SECTION_TITLES), `start`/`end` its
    characters (the title included), `title` the title as written."""

    name: str
    start: int
    end: int
    title: str


def sections(text: str) -> list[Section]:
    """The titled sections of `text`, in order, non-overlapping; text before the first title
    belongs to none."""
    found: list[tuple[int, str, str]] = []
    for m in _TITLE.finditer(text):
        title = m.group("title")
        key = " ".join(title.lower().replace("-", " ").split())
        name = _NAME_OF.get(key) or _NAME_OF.get(title.lower().strip())
        if name is None:
            continue
        if not m.group("colon") and (key in _NEEDS_COLON or not _looks_like_title(title)):
            continue
        found.append((m.start("title"), name, title))
    out = []
    for i, (start, name, title) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        out.append(Section(name, start, end, title))
    return out


def _looks_like_title(title: str) -> bool:
    # a title alone on its line, written as a title (capitals or title case), not a
    # sentence that happens to be one word
    return title.isupper() or title.istitle() or title[0].isupper()


class SectionMap:
    """Which section a character offset is in, by binary search (built once per text)."""

    __slots__ = ("_starts", "_sections")

    def __init__(self, found: list[Section]) -> None:
        self._sections = found
        self._starts = [s.start for s in found]

    def at(self, offset: int) -> str | None:
        i = bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        s = self._sections[i]
        return s.name if offset < s.end else None

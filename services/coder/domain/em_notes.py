"""What a note says outright about its E/M level: total time, the MDM level, the stay.

AMA CPT 2021: total time on the date of the encounter counts when the provider documents
it ("I spent 45 minutes...", "Total time: 32 min"); the time of separately reported
services (critical care, procedures) does not. A documented MDM level ("Medical decision
making: moderate complexity") stands as the provider's own. A discharge summary whose
admission and discharge dates are the same day is same-day admission and discharge.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .encounter import ClinicalNote, MdmLevel
from .results import Evidence

_MIN = r"(?:minutes|minute|mins|min)\b"
_MORE = r"(?P<more>over|more\s+than|greater\s+than|in\s+excess\s+of|>)?\s*"
_TIME = re.compile(
    r"(?:\btotal\s+(?:time|visit\s+time|encounter\s+time|face\s*-?\s*to\s*-?\s*face\s+time)"
    r"(?:\s+(?:spent|of|on|for|today|personally|was|is|in))*[^.\n\d]{0,60}?"
    r"|\bi\s+(?:have\s+)?(?:personally\s+)?spent\s+(?:a\s+total\s+of\s+|approximately\s+|"
    r"about\s+|at\s+least\s+)?"
    r"|\bspent\s+a\s+total\s+of\s+"
    r"|\btime\s+spent(?:\s+(?:on|in|with|for|today|the|this|of|encounter|visit|date|"
    r"patient|care|day))*\s*[:=\-]?\s*)" + _MORE + r"(?P<minutes>\d{1,3})\s*" + _MIN,
    re.IGNORECASE,
)
_SPENT_AFTER = re.compile(
    r"\b"
    + _MORE
    + r"(?P<minutes>\d{1,3})\s*"
    + _MIN
    + r"\s+(?:of\s+(?:total\s+)?time\s+)?(?:was|were)\s+spent\b",
    re.IGNORECASE,
)
_NOT_EM_TIME = re.compile(r"critical\s+care|procedure|prolonged|counseling\s+only|therapy",
                          re.IGNORECASE)  # fmt: skip
_MDM = re.compile(
    r"\b(?:medical\s+decision[\s-]+making|mdm)(?:\s+(?:is|was|of|level|complexity))*"
    r"\s*[:\-]?\s*(?:of\s+)?(?P<a>straightforward|low|moderate|high)\b"
    r"(?=\s*(?:complexity|level|[.;,(\n]|$))"
    r"|\b(?P<b>straightforward|low|moderate|high)(?:\s+complexity|\s+level)?\s+"
    r"(?:medical\s+decision[\s-]+making|mdm)\b",
    re.IGNORECASE,
)
_ADMITTED = re.compile(r"\b(?:admission|admit|admitted)\s+date\s*:?\s*(?P<date>[\d/.\-]{6,10})",
                       re.IGNORECASE)  # fmt: skip
_DISCHARGED = re.compile(r"\bdischarge\s+date\s*:?\s*(?P<date>[\d/.\-]{6,10})", re.IGNORECASE)
_SAME_DAY = re.compile(
    r"\b(?:admitted\s+and\s+discharged\s+(?:on\s+)?the\s+same\s+(?:day|date)|"
    r"same[\s-]+day\s+(?:admission\s+and\s+)?discharge)\b",
    re.IGNORECASE,
)
_DISCHARGE_WORDS = re.compile(r"\bdischarge(?:d|\s+summary|\s+date)?\b", re.IGNORECASE)
_FIRST_LINE = re.compile(r"\S[^\n]*\S|\S")
_NURSE_VISIT = re.compile(r"\b(?:nurse|nursing|rn)(?:[\s-]+only)?\s+visit\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Stated:
    """A value a note states, with the words that state it."""

    value: int | MdmLevel
    evidence: Evidence


def _span(source: str, text: str, match: re.Match[str]) -> Evidence:
    return Evidence(source=source, text=match.group(), start=match.start(), end=match.end())


def documented_minutes(notes: Sequence[ClinicalNote]) -> Stated | None:
    """The longest total time a note documents for the date ("more than 30" is 31)."""
    best: Stated | None = None
    for index, note in enumerate(notes):
        text = note.text
        if "min" not in text and "MIN" not in text and "Min" not in text:
            continue
        for pattern in (_TIME, _SPENT_AFTER):
            for match in pattern.finditer(text):
                lead = text[max(0, match.start() - 40) : match.end()]
                if _NOT_EM_TIME.search(lead):
                    continue
                minutes = int(match.group("minutes")) + (1 if match.group("more") else 0)
                if best is None or minutes > best.value:  # type: ignore[operator]
                    best = Stated(minutes, _span(f"notes[{index}]", text, match))
    return best


def documented_mdm(notes: Sequence[ClinicalNote]) -> Stated | None:
    """The highest MDM level a note states in words."""
    best: Stated | None = None
    order = ("straightforward", "low", "moderate", "high")
    for index, note in enumerate(notes):
        for match in _MDM.finditer(note.text):
            level = (match.group("a") or match.group("b")).lower()
            if best is None or order.index(level) > order.index(best.value):  # type: ignore[arg-type]
                best = Stated(level, _span(f"notes[{index}]", note.text, match))  # type: ignore[arg-type]
    return best


def discharge_note(notes: Sequence[ClinicalNote]) -> int | None:
    """The index of the first discharge summary, if any."""
    for index, note in enumerate(notes):
        if note.kind == "discharge_summary":
            return index
    return None


def same_day_stay(note: ClinicalNote, index: int) -> Evidence | None:
    """Evidence that admission and discharge fell on the same date, from the summary's
    admission and discharge dates or its words."""
    said = _SAME_DAY.search(note.text)
    if said:
        return _span(f"notes[{index}]", note.text, said)
    admitted, discharged = _ADMITTED.search(note.text), _DISCHARGED.search(note.text)
    if admitted and discharged and admitted.group("date") == discharged.group("date"):
        return _span(f"notes[{index}]", note.text, discharged)
    return None


def discharge_evidence(note: ClinicalNote, index: int) -> Evidence:
    """Where the summary says it is a discharge (else its first line), as a span."""
    match = _DISCHARGE_WORDS.search(note.text) or _FIRST_LINE.search(note.text)
    if match is None:
        return Evidence(source="encounter_type", text=f"{note.kind} of an inpatient stay")
    return _span(f"notes[{index}]", note.text, match)


def nurse_visit(notes: Sequence[ClinicalNote]) -> Evidence | None:
    """A visit documented as nursing staff's own (CPT 99211 may not need the physician)."""
    for index, note in enumerate(notes):
        match = _NURSE_VISIT.search(note.text)
        if match:
            return _span(f"notes[{index}]", note.text, match)
    return None

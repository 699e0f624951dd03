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
    # "Total time spent on the date of the visit, including record review, examination,
    # counseling and documentation: 80 minutes": what the total holds may come between
    r"(?:\btotal\s+time\b(?:\s+spent)?[^.\n\d]{61,120}?"
    r"|\b(?:total\s+)?(?:visit\s+|encounter\s+|(?P<em>e/?m)\s+|face[\s-]*to[\s-]*face\s+)?"
    r"time\b(?:\s+spent)?[^.\n\d]{0,60}?"
    r"|\bi\s+(?:have\s+)?(?:personally\s+)?spent\s+(?:a\s+total\s+of\s+|approximately\s+|"
    r"about\s+|at\s+least\s+)?"
    r"|\bspent\s+a\s+total\s+of\s+|\bspent\s+(?:approximately\s+|about\s+|at\s+least\s+)?"
    r"|\bdischarge\s+(?:day\s+)?management(?:\s+time)?\s*[:=\-]?\s*)"
    + _MORE
    + r"(?P<minutes>\d{1,3})\s*"
    + _MIN,
    re.IGNORECASE,
)
# "Total time: 1 hour", "total time spent 1.5 hours"
_TOTAL_HOURS = re.compile(
    r"\btotal\s+(?:visit\s+|encounter\s+)?time\b(?:\s+spent)?[^.\n\d]{0,60}?"
    r"(?P<h>\d+(?:\.\d+)?)\s*(?:hours?|hrs?)\b",
    re.IGNORECASE,
)
_SPENT_AFTER = re.compile(
    r"\b"
    + _MORE
    + r"(?P<minutes>\d{1,3})\s*"
    + _MIN
    + r"\s+(?:of\s+(?:total\s+)?time\s+)?(?:(?:was|were)\s+)?spent\b"
    # "45 min total time today", "60 minutes total"
    + r"|\b"
    + _MORE.replace("(?P<more>", "(?P<more2>")
    + r"(?P<total>\d{1,3})\s*"
    + _MIN
    + r"\s+(?:of\s+)?total\s+(?:time\b|today\b|on\s+(?:this|the|today)\b|"
    r"for\s+(?:this|the|today)\b)",
    re.IGNORECASE,
)
# Minutes that are not the visit's total time: separately reported services, durations.
_NOT_EM_TIME = re.compile(
    r"critical\s+care|procedure|prolonged|therapy|infusion|sedation|anesthesia|tourniquet|"
    r"onset|\bago\b|prior\s+to|lasting|every|duration|arrival|within|after|observed|before",
    re.IGNORECASE,
)
_EXCLUDING = re.compile(r"excluding|not\s+counting|exclusive\s+of|apart\s+from|separate\s+from",
                        re.IGNORECASE)  # fmt: skip
_CRITICAL = re.compile(
    r"\bcritical\s+care\s+time\b[^.\n\d]{0,40}?(?P<minutes>\d{1,3})\s*" + _MIN
    + r"|\bcritical\s+care\s*[:=\-]\s*(?:of\s+)?(?P<titled>\d{1,3})\s*" + _MIN
    + r"|\b(?P<after>\d{1,3})\s*" + _MIN + r"\s+of\s+critical\s+care\b",
    re.IGNORECASE,
)  # fmt: skip
_SOME_MINUTES = re.compile(r"\d\s*(?:min|MIN|Min)")
_AWV = re.compile(r"\b(?:(?P<initial>initial|first)\s+)?annual\s+wellness\s+visit\b|\bAWV\b",
                  re.IGNORECASE)  # fmt: skip
_MDM = re.compile(
    r"\b(?:medical\s+decision[\s-]+making|mdm)(?:\s+(?:is|was|of|level|complexity))*"
    r"\s*[:\-]?\s*(?:of\s+)?(?P<a>straightforward|low|moderate|high)\b"
    r"(?=\s*(?:complexity|level|[.;,:(\n\-]|$))"
    r"|\b(?P<b>straightforward|low|moderate|high)(?:\s+complexity|\s+level)?\s+"
    r"(?:medical\s+decision[\s-]+making|mdm)\b",
    re.IGNORECASE,
)
_ADMITTED = re.compile(r"\b(?:admission|admit|admitted)\s+date\s*:?\s*(?P<date>[\d/.\-]{6,10})",
                       re.IGNORECASE)  # fmt: skip
_DISCHARGED = re.compile(r"\bdischarge\s+date\s*:?\s*(?P<date>[\d/.\-]{6,10})", re.IGNORECASE)
_SAME_DAY = re.compile(
    r"\b(?:(?:admitted|admission)\b[^.\n]{0,40}?\band\s+discharged?\b[^.\n]{0,40}?"
    r"\b(?:the\s+)?same\s+(?:day|date)|"
    r"same[\s-]+(?:day|date)\s+(?:admission\s+and\s+)?discharge|"
    # "Discharged home this evening, same day"; "placed in observation this morning ...
    # discharged home this evening"
    r"discharged\b[^.\n]{0,40}?\b(?:the\s+)?same\s+(?:day|date)|"
    r"(?:admitted|placed\s+in\s+observation|observation)\b[^.\n]{0,40}?\bthis\s+morning\b"
    r"[\s\S]{0,600}?\bdischarged\b[^.\n]{0,30}?\bthis\s+(?:evening|afternoon)|"
    r"discharged\b[^.\n]{0,30}?\bthis\s+evening\b[^.\n]{0,40}?\badmitted\s+this\s+morning)\b",
    re.IGNORECASE,
)
_DISCHARGE_WORDS = re.compile(r"\bdischarge(?:d|\s+summary|\s+date)?\b", re.IGNORECASE)
_FIRST_LINE = re.compile(r"\S[^\n]*\S|\S")
_NEWBORN = re.compile(r"\b(?:newborn|nursery|neonate)\b", re.IGNORECASE)
_ADMINISTERED = re.compile(
    r"\b(?:vaccines?|vaccinations?|vaccinated|immunizations?|injections?|injected|"
    r"administered|infusion|given\s+(?:im|iv|sc|subq|intramuscularly|subcutaneously))\b",
    re.IGNORECASE,
)
_NURSE_VISIT = re.compile(
    r"\b(?:nurse|nursing|rn|lpn)(?:[\s-]+only)?\s+visit\b|\bvisit\s+with\s+the\s+nurse\b|"
    r"\b(?:blood\s+pressure|bp)\s+(?:check|recheck)\s+(?:visit|with\s+(?:the\s+)?(?:nurse|rn|lpn|ma))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Stated:
    """A value a note states, with the words that state it."""

    value: int | MdmLevel
    evidence: Evidence


def _span(source: str, text: str, match: re.Match[str]) -> Evidence:
    return Evidence(source=source, text=match.group(), start=match.start(), end=match.end())


def documented_minutes(
    notes: Sequence[ClinicalNote], kinds: frozenset[str] | None = None
) -> Stated | None:
    """The total time a note documents for the date ("more than 30" is 31): an explicit
    E/M time wins ("total 28 minutes ... E/M time 21 minutes"), else the longest; minutes
    of separately reported services or of a symptom's duration do not count."""
    best: Stated | None = None
    best_em = False
    for index, note in enumerate(notes):
        text = note.text
        if kinds is not None and note.kind not in kinds:
            continue
        hours = _TOTAL_HOURS.search(text) if "hour" in text or "hr" in text else None
        if hours is not None and (best is None or best.value < 60 * float(hours.group("h"))):  # type: ignore[operator]
            best = Stated(
                round(60 * float(hours.group("h"))), _span(f"notes[{index}]", text, hours)
            )
        if not _mentions_minutes(text):
            continue
        for pattern, match in _time_statements(text):
            if not _visit_time(text, match):
                continue
            value = match.group("minutes") or match.group("total")
            more = match.group("more") or (pattern is _SPENT_AFTER and match.group("more2"))
            minutes = int(value) + (1 if more else 0)
            em = pattern is _TIME and match.group("em") is not None
            if best is None or (em, minutes) > (best_em, best.value):  # type: ignore[operator]
                best, best_em = Stated(minutes, _span(f"notes[{index}]", text, match)), em
    return best


def _time_statements(text: str) -> list[tuple[re.Pattern[str], re.Match[str]]]:
    """The time statements around each "N min" of the text: the patterns run over a short
    window before and after the number, not over the whole note."""
    found: dict[tuple[int, int], tuple[re.Pattern[str], re.Match[str]]] = {}
    for number in _SOME_MINUTES.finditer(text):
        start, end = max(0, number.start() - 150), min(len(text), number.end() + 40)
        for pattern in (_TIME, _SPENT_AFTER):
            for match in pattern.finditer(text, start, end):
                found.setdefault(match.span(), (pattern, match))
    return list(found.values())


def _mentions_minutes(text: str) -> bool:
    """A number of minutes somewhere in the text: the cheap test before the patterns."""
    return _SOME_MINUTES.search(text) is not None


def _visit_time(text: str, match: re.Match[str]) -> bool:
    start = match.start()
    sentence = max(text.rfind(".", 0, start), text.rfind("\n", 0, start), start - 40) + 1
    around = text[sentence : match.end() + 12]
    return _EXCLUDING.search(around) is not None or _NOT_EM_TIME.search(around) is None


def _mdm_statements(text: str) -> list[re.Match[str]]:
    """The MDM statements around each "MDM" or "decision making" of the text (the pattern
    runs over a short window, not the whole note)."""
    lowered = text.lower()
    found: dict[tuple[int, int], re.Match[str]] = {}
    for word in ("mdm", "decision"):
        at = lowered.find(word)
        while at >= 0:
            for match in _MDM.finditer(text, max(0, at - 40), min(len(text), at + 60)):
                found.setdefault(match.span(), match)
            at = lowered.find(word, at + 1)
    return list(found.values())


def critical_care_minutes(notes: Sequence[ClinicalNote]) -> Stated | None:
    """Critical care time a note documents (CPT 99291/99292 are reported by it)."""
    best: Stated | None = None
    for index, note in enumerate(notes):
        if not _mentions_minutes(note.text):
            continue
        if "critical" not in note.text.lower():
            continue
        for match in _CRITICAL.finditer(note.text):
            minutes = int(match.group("minutes") or match.group("after") or match.group("titled"))
            if best is None or minutes > best.value:  # type: ignore[operator]
                best = Stated(minutes, _span(f"notes[{index}]", note.text, match))
    return best


def annual_wellness_visit(notes: Sequence[ClinicalNote]) -> tuple[bool, Evidence] | None:
    """A Medicare annual wellness visit the notes name: (initial?, evidence)."""
    for index, note in enumerate(notes):
        lowered = note.text.lower()
        if "wellness" not in lowered and "awv" not in lowered:
            continue
        match = _AWV.search(note.text)
        if match:
            return match.group("initial") is not None, _span(f"notes[{index}]", note.text, match)
    return None


def documented_mdm(
    notes: Sequence[ClinicalNote], kinds: frozenset[str] | None = None
) -> Stated | None:
    """The highest MDM level a note states in words."""
    best: Stated | None = None
    order = ("straightforward", "low", "moderate", "high")
    for index, note in enumerate(notes):
        if kinds is not None and note.kind not in kinds:
            continue
        for match in _mdm_statements(note.text):
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


def same_day_stay(notes: Sequence[ClinicalNote]) -> Evidence | None:
    """Evidence that admission and discharge fell on the same date: a note's admission
    and discharge dates or its words; else, with no dates that differ, an admission note
    (history and physical) and a discharge summary in the one encounter, which has one
    date of service."""
    differ = False
    for index, note in enumerate(notes):
        lowered = note.text.lower()
        if "same" not in lowered and "date" not in lowered and "this evening" not in lowered:
            continue
        said = _SAME_DAY.search(note.text)
        if said:
            return _span(f"notes[{index}]", note.text, said)
        admitted, discharged = _ADMITTED.search(note.text), _DISCHARGED.search(note.text)
        if admitted and discharged:
            if admitted.group("date") == discharged.group("date"):
                return _span(f"notes[{index}]", note.text, discharged)
            differ = True
    kinds = [note.kind for note in notes]
    if not differ and "history_and_physical" in kinds and "discharge_summary" in kinds:
        index = kinds.index("discharge_summary")
        return discharge_evidence(notes[index], index)
    return None


def discharge_evidence(note: ClinicalNote, index: int) -> Evidence:
    """Where the summary says it is a discharge (else its first line), as a span."""
    match = _DISCHARGE_WORDS.search(note.text) or _FIRST_LINE.search(note.text)
    if match is None:
        return Evidence(source="encounter_type", text=f"{note.kind} of an inpatient stay")
    return _span(f"notes[{index}]", note.text, match)


def newborn_care(notes: Sequence[ClinicalNote]) -> Evidence | None:
    """A note that documents a newborn's care in the birth hospital."""
    for index, note in enumerate(notes):
        match = _NEWBORN.search(note.text)
        if match:
            return _span(f"notes[{index}]", note.text, match)
    return None


def nurse_visit(notes: Sequence[ClinicalNote]) -> Evidence | None:
    """A visit documented as nursing staff's own (CPT 99211 may not need the physician);
    not one that gives an injection or a vaccine, whose administration code is the
    service (CMS NCCI bundles 99211 into 96372 and the immunization administrations)."""
    for index, note in enumerate(notes):
        match = _NURSE_VISIT.search(note.text)
        if match and not _ADMINISTERED.search(note.text):
            return _span(f"notes[{index}]", note.text, match)
    return None

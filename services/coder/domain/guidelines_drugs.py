"""Status codes from medication and allergy lists: Z79, Z88, Z91.0-.

ICD-10-CM Official Guidelines I.C.21.c.3: Z79 is for a patient's continuous, long-term
(current) use of a drug (a drug given for a brief period is not, and neither is one that
was stopped); Z88 and Z91.0- are allergy status. I.C.4.a.3: a type 2 diabetic on insulin
gets Z79.4, on oral hypoglycemics Z79.84, on an injectable non-insulin drug Z79.85 (both
when both), and a type 1 diabetic never Z79.4 (insulin is inherent in type 1).

The terms are data (services/coder/data/status_terms.tsv). A medication counts where it
sits in a medication list or follows a word of taking ("on", "takes", "continue"); an
allergy in the allergies section or after "allergic to" / "allergies". The text engine's
context (services/coder/domain/text/context.py) drops a negated or hypothetical one ("not
on insulin", "if needed start insulin"); a stopped one ("stopped warfarin") is not coded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .results import Evidence
from .text.context import Context
from .text.mentions import Mention, TextSource
from .text.tokens import spans

STATUS_TERM_CONFIDENCE = 0.85
_TAKING = frozenset(
    [
        "on",
        "takes",
        "taking",
        "take",
        "continue",
        "continues",
        "continued",
        "uses",
        "using",
        "use",
        "started",
        "restarted",
        "resume",
        "resumed",
        "receives",
        "receiving",
        "maintained",
        "meds",
        "medications",
        "medication",
        "regimen",
        "includes",
    ]
)
_ALLERGIC = frozenset(["allergic", "allergy", "allergies", "allergen", "allergens", "intolerant"])
_STOPPED = frozenset(
    ["stopped", "discontinued", "discontinue", "stop", "held", "hold", "off", "quit"]
)
_MEDICATION_SECTIONS = frozenset({"medications", "discharge_medications"})
_ALLERGY_SECTIONS = frozenset({"allergies"})
_LOOK_BACK = 6


@dataclass(frozen=True, slots=True)
class StatusTerms:
    """Lower-case word tuples to their status code, by scope."""

    medication: Mapping[tuple[str, ...], str]
    allergy: Mapping[tuple[str, ...], str]

    @property
    def longest(self) -> int:
        return max((len(k) for k in (*self.medication, *self.allergy)), default=0)


def build_status_terms(rows: list[tuple[str, str, str]]) -> StatusTerms:
    """(scope, term, code) rows as the scanner's tables."""
    medication: dict[tuple[str, ...], str] = {}
    allergy: dict[tuple[str, ...], str] = {}
    for scope, term, code in rows:
        key = tuple(term.lower().split())
        (medication if scope == "medication" else allergy)[key] = code
    return StatusTerms(medication, allergy)


def status_mentions(source: TextSource, terms: StatusTerms) -> list[Mention]:
    """The status codes one source documents (module docstring), as mentions with their
    exact words. Linear in the text: one tokenisation, a dict probe per word and length;
    the context is read only when a term was found."""
    text = source.text
    toks = spans(text)
    words = [None if t[3] and t[0] == "\n" else t[0].lower() for t in toks]
    longest = terms.longest
    hits: list[tuple[int, int, str | None, str | None]] = []
    i = 0
    while i < len(words):
        found = None
        for n in range(min(longest, len(words) - i), 0, -1):
            key = tuple(words[i : i + n])
            if None in key:
                continue
            medication = terms.medication.get(key)  # type: ignore[arg-type]
            allergy = terms.allergy.get(key)  # type: ignore[arg-type]
            if medication is not None or allergy is not None:
                found = (i, i + n - 1, medication, allergy)
                break
        if found is None:
            i += 1
            continue
        hits.append(found)
        i = found[1] + 1
    if not hits:
        return []
    context = Context(text, toks)
    out: list[Mention] = []
    for first, last, medication, allergy in hits:
        start, end = toks[first][1], toks[last][2]
        section = context.section_at(start)
        if allergy is not None and (section in _ALLERGY_SECTIONS or _near(words, first, _ALLERGIC)):
            scope, code = "allergy", allergy
        elif medication is not None and (
            section in _MEDICATION_SECTIONS or _near(words, first, _TAKING)
        ):
            scope, code = "medication", medication
        else:
            continue
        if _near(words, first, _STOPPED, 3):
            continue
        assertion = context.assertion(start, end)
        if assertion in ("negated", "hypothetical", "family", "possible"):
            continue
        if scope == "medication" and assertion == "history":
            continue  # a past drug is no current therapy
        out.append(
            Mention(
                code=code,
                evidence=Evidence(source.source, text[start:end], start, end),
                rule=f"status-term:{scope}",
                confidence=STATUS_TERM_CONFIDENCE,
                assertion="present",
                section=section,
            )
        )
    return out


def _near(words: list[str | None], i: int, cue: frozenset[str], reach: int = _LOOK_BACK) -> bool:
    # back along the same line only: a cue on another line belongs to another list
    for k in range(i - 1, max(-1, i - 1 - reach), -1):
        word = words[k]
        if word is None:
            return False
        if word in cue:
            return True
    return False

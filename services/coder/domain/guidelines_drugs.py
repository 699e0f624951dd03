"""Status codes from medication and allergy lists: Z79, Z88, Z91.0-; Z23 for a vaccine given.

ICD-10-CM Official Guidelines I.C.21.c.3: Z79 is for a patient's continuous, long-term
(current) use of a drug (a drug given for a brief period is not, and neither is one that
was stopped); Z88 and Z91.0- are allergy status. I.C.4.a.3: a type 2 diabetic on insulin
gets Z79.4, on oral hypoglycemics Z79.84, on an injectable non-insulin drug Z79.85 (both
when both), and a type 1 diabetic never Z79.4 (insulin is inherent in type 1).

The terms are data (services/coder/data/status_terms.tsv). A medication counts where it
sits in a medication list or follows a word of taking ("on", "takes", "continue"); an
allergy in the allergies section or after "allergic to" / "allergies". A negated,
planned, past or relative's one ("not on insulin", "if needed start insulin", "mother on
insulin") is not coded, nor is a stopped one ("stopped warfarin"): the cue words of the
text engine's ConText rules, read a few words back within the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import accumulate

from .results import Evidence
from .text.mentions import Mention, TextSource

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
# negation, hypothetical or planned use, and a relative's: the ConText cue words
# (services/coder/domain/text/context.py) that can stand before a drug or an allergen
_NOT_CURRENT = frozenset(
    [
        *("no", "not", "denies", "denied", "never", "without", "declined", "declines"),
        *("refused", "refuses", "none", "if", "consider", "considering", "may", "might"),
        *("should", "would", "could", "recommend", "recommended", "discussed", "discuss"),
        *("start", "starting", "begin", "offered", "trial", "mother"),
        *("father", "sister", "brother", "mom", "dad", "aunt", "uncle", "grandmother"),
        *("grandfather", "son", "daughter", "family", "sibling", "parents", "previously"),
        *("formerly", "prior", "past", "history"),
    ]
)
_FAMILY_SECTIONS = frozenset({"family_history"})
# an allergy the list itself doubts or refutes is no allergy status (I.C.21.c.3)
_DOUBTED = frozenset(
    [
        *("unsure", "unconfirmed", "questionable", "maybe", "possible", "possibly"),
        *("error", "removed", "tolerated", "tolerates", "tolerating"),
        *("doubtful", "unclear", "unknown", "confirmed", "sure"),
    ]
)
_LINE_REACH = 15
# what ends an allergy list on its line: "NKDA." / "no known drug allergies." or the next
# label ("Meds:"); a list of one entry a line reaches this many lines under its label
_ALLERGY_LIST_ENDS = re.compile(
    r"(?:\bnkda\b|\bnka\b|no known [a-z ]*allergies)\s*[.;]|[.;]\s*[a-z][a-z /]{1,24}:"
)
_LIST_LINES = 12
# a vaccine given at this encounter (I.C.21.c.2: Z23 encounter for immunization)
_GIVEN = frozenset(
    ["given", "administered", "received", "vaccinated", "injected", "today", "immunized"]
)
# a decimal number is one word ("Tdap 0.5 mL IM given"), its point no sentence's end
_TOKEN = re.compile(r"\d+[.,]\d+|[^\W_]+|[\n.;!?]")
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")
_BREAKS = frozenset({"\n", ".", ";", "!", "?"})


@dataclass(frozen=True, slots=True)
class StatusTerms:
    """Lower-case word tuples to their status code, by scope; `first_words` and `longest`
    let the scanner skip every word no term starts with."""

    medication: Mapping[tuple[str, ...], str]
    allergy: Mapping[tuple[str, ...], str]
    first_words: frozenset[str]
    longest: int
    immunization: Mapping[tuple[str, ...], str] = field(default_factory=dict)


def build_status_terms(rows: list[tuple[str, str, str]]) -> StatusTerms:
    """(scope, term, code) rows as the scanner's tables."""
    tables: dict[str, dict[tuple[str, ...], str]] = {
        "medication": {},
        "allergy": {},
        "immunization": {},
    }
    for scope, term, code in rows:
        tables[scope][tuple(_TOKEN.findall(term.lower()))] = code
    keys = [k for table in tables.values() for k in table]
    return StatusTerms(
        tables["medication"],
        tables["allergy"],
        frozenset(k[0] for k in keys),
        max((len(k) for k in keys), default=0),
        tables["immunization"],
    )


def status_mentions(source: TextSource, terms: StatusTerms) -> list[Mention]:
    """The status codes one source documents (module docstring), as mentions with their
    exact words. Linear in the text: one compiled word scan (most texts name no term), a
    dict probe per term-starting word and length, cue words looked up a few words back in
    the same sentence, and the sections only when a term was found."""
    text = source.text
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: keep offsets
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    parts = _TOKEN_SPLIT.split(lowered)  # separator, token, separator, ..., separator
    found_words = parts[1::2]
    first_words = terms.first_words
    if first_words.isdisjoint(found_words):
        return []
    words: list[str | None] = [None if w in _BREAKS else w for w in found_words]
    starts = list(accumulate(map(len, parts)))[0:-1:2]  # a token starts where its separator ends
    longest = terms.longest
    hits: list[tuple[int, int, str | None, str | None, str | None]] = []
    count = len(words)
    after = 0  # a term's words are not the start of another term
    for i in [k for k, w in enumerate(words) if w in first_words]:
        if i < after:
            continue
        for n in range(min(longest, count - i), 0, -1):
            key = tuple(words[i : i + n])
            medication = terms.medication.get(key)  # type: ignore[arg-type]
            allergy = terms.allergy.get(key)  # type: ignore[arg-type]
            vaccine = terms.immunization.get(key)  # type: ignore[arg-type]
            if vaccine is not None:
                hits.append((i, i + n - 1, None, None, vaccine))
                after = i + n
                break
            if medication is not None or allergy is not None:
                hits.append((i, i + n - 1, medication, allergy, None))
                after = i + n
                break
    if not hits:
        return []
    section_map = source.analysis.section_map
    out: list[Mention] = []
    for first, last, medication, allergy, vaccine in hits:
        start = starts[first]
        end = starts[last] + len(found_words[last])
        section = section_map.at(start)
        if section in _FAMILY_SECTIONS or _near(words, first, _NOT_CURRENT):
            continue
        said_allergic = _near(words, first, _ALLERGIC) or _ahead(words, last, _ALLERGIC)
        if vaccine is not None:
            if not (_near(words, first, _GIVEN) or _ahead(words, last, _GIVEN, _LOOK_BACK)):
                continue
            scope, code = "immunization", vaccine
        elif allergy is not None and (
            said_allergic or (section in _ALLERGY_SECTIONS and _on_allergy_list(lowered, start))
        ):
            if text[end : end + 1] == "?" or _on_the_line(
                found_words, words, first, last, _DOUBTED
            ):
                continue  # "sulfa? - not sure", "listed in error", "since tolerated"
            scope, code = "allergy", allergy
        elif medication is not None and (
            section in _MEDICATION_SECTIONS or _near(words, first, _TAKING)
        ):
            scope, code = "medication", medication
        else:
            continue
        if scope == "medication" and _near(words, first, _STOPPED, 3):
            continue
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


def _on_allergy_list(lowered: str, start: int) -> bool:
    """Whether the words at `start` are an entry of the allergy list: after its label on
    the same line, and not after a "NKDA." or another label that ends it ("Allergies: NKDA.
    Meds: atorvastatin", "NKDA. ASA class II"), or on a line of their own under it. A
    section read as the allergies' beyond its list (a procedure's "lidocaine jelly") is
    not."""
    line = lowered.rfind("\n", 0, start) + 1
    before = lowered[line:start]
    label = max(before.rfind("allerg"), before.rfind("intoleran"))
    if label >= 0:
        return _ALLERGY_LIST_ENDS.search(before, label) is None
    if ":" in before:
        return False
    for _ in range(_LIST_LINES):
        if line == 0:
            return False
        above = lowered.rfind("\n", 0, line - 1) + 1
        text = lowered[above : line - 1]
        if "allerg" in text or "intoleran" in text:
            return _ALLERGY_LIST_ENDS.search(text) is None
        if ":" in text or not text.strip():
            return False
        line = above
    return False


def _near(words: list[str | None], i: int, cue: frozenset[str], reach: int = _LOOK_BACK) -> bool:
    # back along the same line only: a cue on another line belongs to another list
    for k in range(i - 1, max(-1, i - 1 - reach), -1):
        word = words[k]
        if word is None:
            return False
        if word in cue:
            return True
    return False


def _ahead(words: list[str | None], i: int, cue: frozenset[str], reach: int = 1) -> bool:
    # "sulfa allergy", "penicillin allergic reaction": the cue right after the term
    for k in range(i + 1, min(len(words), i + 1 + reach)):
        word = words[k]
        if word is None:
            return False
        if word in cue:
            return True
    return False


def _on_the_line(
    tokens: list[str], words: list[str | None], first: int, last: int, cue: frozenset[str]
) -> bool:
    # "not sure", "not confirmed", "in error": the words around the term on its own line
    # ("confirmed" and "sure" count only after "not" / "never")
    around = [
        *range(first - 1, max(-1, first - 1 - _LINE_REACH), -1),
        *range(last + 1, min(len(words), last + 1 + _LINE_REACH)),
    ]
    for k in around:
        if tokens[k] == "\n":
            if k < first:
                continue  # the words before the line break belong to another line
            break
        if words[k] in cue and _doubting(words, k):
            return True
    return False


def _doubting(words: list[str | None], k: int) -> bool:
    if words[k] in {"confirmed", "sure"}:
        return k > 0 and words[k - 1] in {"not", "never"}
    return True

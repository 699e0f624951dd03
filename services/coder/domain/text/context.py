"""Context: how the words around a condition assert it (ConText, Harkema et al. 2009).

A trigger phrase opens a scope: forward ("no", "history of": the words after it), backward
("ruled out", "cannot be excluded": the words before it) or both ("mother", "vs"). The
scope ends at a sentence break, at a terminator ("but", "however", "although"...), or after
a few words. A mention inside a scope takes the trigger's category: negated (never coded,
ICD-10-CM Official Guidelines III, IV.C... an absent finding is no diagnosis), possible
(II.H, IV.H: coded as established for an inpatient, as its signs for an outpatient),
history (Z86, Z87), family (Z80-Z84) or hypothetical ("if", "return if", "to rule out":
not a condition of this encounter). Pseudo-triggers ("no change", "gram negative",
"not ruled out") are read as what they are and open no negation scope. Where several
apply, negated wins, then family, hypothetical, possible, history. A mention in the
Family History section is family.

`Context(text)` is built once per text (one tokenisation, shared with the matcher);
`assertion(start, end)` reads one span.
"""

from __future__ import annotations

from bisect import bisect_right

from .mentions import Assertion
from .sections import SectionMap, sections
from .tokens import spans

FORWARD, BACKWARD, BOTH = "f", "b", "fb"
_FORWARD_WORDS = 10
_BACKWARD_WORDS = 6
_FAMILY_WORDS = 6

# phrase -> (category, direction); category "pseudo" opens no scope, "terminate" ends one
TRIGGERS: dict[str, tuple[str, str]] = {}


def _add(category: str, direction: str, phrases: str) -> None:
    for phrase in phrases.split("|"):
        TRIGGERS[phrase.strip()] = (category, direction)


_add(
    "negated",
    FORWARD,
    "no|not|denies|denied|deny|denying|negative for|without|free of|absence of|"
    "no evidence of|no signs of|no sign of|no symptoms of|no history of|never|never had|"
    "did not have|does not have|did not show|did not reveal|no findings of|rules out|"
    "ruled out for|neither|nor|non-contributory for|resolution of|excluding|"
    "with no|absent|lack of|no known|nkda|w/o|negative|unremarkable for",
)
_add(
    "negated",
    BACKWARD,
    "ruled out|was ruled out|were ruled out|is ruled out|been ruled out|was excluded|"
    "were excluded|excluded|is negative|was negative|were negative|negative|absent|"
    "not seen|not found|not observed|not detected|not present|not identified|"
    "was not present|were absent|free",
)
_add(
    "possible",
    FORWARD,
    "possible|possibly|probable|probably|suspected|suspicion of|suspicious for|suspect|"
    "likely|rule out|r/o|question of|questionable|presumed|presumptive|may be|might be|"
    "could be|concern for|concerning for|worrisome for|suggestive of|suggesting|"
    "compatible with|consistent with|differential diagnosis|differential|ddx|"
    "cannot exclude|can not exclude|cannot rule out|not ruled out|unlikely|"
    "impression of|doubtful|equivocal for|borderline",
)
_add(
    "possible",
    BACKWARD,
    "cannot be excluded|can not be excluded|could not be excluded|cannot be ruled out|"
    "could not be ruled out|not excluded|not ruled out|is suspected|was suspected|"
    "is likely|is possible|is probable|unlikely|less likely|more likely|was considered|"
    "is considered|to be ruled out",
)
_add("possible", BOTH, "vs|versus")
_add(
    "history",
    FORWARD,
    "history of|h/o|hx of|hx|s/p|status post|previous|previously|prior|past history of|"
    "personal history of|past medical history of|pmh of|pmh|former|remote|in remission",
)
_add(
    "history",
    BACKWARD,
    "in the past|years ago|in childhood|as a child|previously|resolved|has resolved|in remission",
)
_add(
    "family",
    BOTH,
    "mother|father|family history of|family history|fh of|fhx|brother|sister|sibling|"
    "siblings|aunt|uncle|grandmother|grandfather|grandparent|cousin|maternal|paternal|"
    "parents|parent|son|daughter|mom|dad|niece|nephew",
)
_add(
    "hypothetical",
    FORWARD,
    "if|return if|come back if|call if|should|to rule out|in case of|in the event of|"
    "watch for|monitor for|monitoring for|seek care if|risk of|at risk for|at risk of|"
    "screening for|prevention of|prophylaxis of|prophylaxis for|to prevent|to avoid|"
    "in order to rule out|to exclude|to evaluate for|evaluation for|unless",
)
_add(
    "pseudo",
    FORWARD,
    "no change|no changes|no increase|no further|not only|no longer|without difficulty|"
    "not necessarily|not certain if|gram negative|gram-negative|no significant change|"
    "history of present illness|not cause|not due to|negative pressure|non-small|"
    "no improvement|did not improve|not improve|not respond|did not respond|"
    "without improvement|without response|without success",
)
_add(
    "terminate",
    BOTH,
    "but|however|although|though|yet|except|apart from|aside from|nevertheless|whereas|"
    "while|which|who|presented|presents|presenting|developed|diagnosed with|diagnosis of|"
    "complains|complained|showed|shows|revealed|reveals|secondary to|due to|"
    "cause of|source of|etiology of|reason for|then|after|since|and later|subsequently",
)

_LONGEST = max(len(p.split()) for p in TRIGGERS)
_FIRST_WORDS = frozenset(p.split()[0] for p in TRIGGERS)
_PHRASES = {tuple(p.split()): v for p, v in TRIGGERS.items()}
_DURATION_WORDS = (
    "hour hours day days week weeks month months year years decade decades long standing"
)
_DURATION = frozenset(_DURATION_WORDS.split())
_PRIORITY: tuple[Assertion, ...] = ("negated", "family", "hypothetical", "possible", "history")


class Context:
    """The assertion scopes and sections of one text, found once."""

    __slots__ = ("_scopes", "_sections")

    def __init__(self, text: str, tokens: list[tuple[str, int, int, bool]] | None = None) -> None:
        toks = spans(text) if tokens is None else tokens
        self._sections = SectionMap(sections(text))
        self._scopes: list[tuple[int, int, str]] = _scopes(toks)

    def section_at(self, offset: int) -> str | None:
        """The canonical name of the section `offset` is in (None before any title)."""
        return self._sections.at(offset)

    def assertion(self, start: int, end: int) -> Assertion:
        """How the words text[start:end] are asserted by their context and section."""
        found = {cat for s, e, cat in self._scopes if s < end and start < e}
        if "negated" not in found and self._sections.at(start) == "family_history":
            found.add("family")
        for category in _PRIORITY:
            if category in found:
                return category
        return "present"


def assertion_at(text: str, start: int, end: int) -> Assertion:
    """The assertion of text[start:end] (builds a Context: for one span only)."""
    return Context(text).assertion(start, end)


def _scopes(toks: list[tuple[str, int, int, bool]]) -> list[tuple[int, int, str]]:
    """(start, end, category) character ranges each trigger covers."""
    lower = [t[0].lower() if not t[3] else "" for t in toks]
    n = len(toks)
    found: list[tuple[int, int, str, str]] = []  # token i, token j, category, direction
    i = 0
    while i < n:
        if lower[i] not in _FIRST_WORDS:
            i += 1
            continue
        for length in range(min(_LONGEST, n - i), 0, -1):
            hit = _PHRASES.get(tuple(lower[i : i + length]))
            if hit is not None:
                found.append((i, i + length, hit[0], hit[1]))
                i += length
                break
        else:
            i += 1
    if not found:
        return []
    stops = [i for i, j, cat, _ in found if cat == "terminate"]
    stops += [i for i in range(n) if toks[i][3]]
    stops.sort()
    scopes: list[tuple[int, int, str]] = []
    for i, j, cat, direction in found:
        if cat in ("pseudo", "terminate"):
            continue
        if cat == "history" and i > 0 and lower[i - 1] in _DURATION:
            continue  # "a two-week history of fever": how long it has lasted, not the past
        near = _FAMILY_WORDS if cat == "family" else None
        if "f" in direction:
            k = bisect_right(stops, j - 1)
            limit = stops[k] if k < len(stops) else n
            last = min(limit, j + (near or _FORWARD_WORDS))
            if last > j:
                scopes.append((toks[j][1], toks[last - 1][2], cat))
        if "b" in direction:
            k = bisect_right(stops, i - 1) - 1
            first = stops[k] + 1 if k >= 0 else 0
            first = max(first, i - (near or _BACKWARD_WORDS))
            if first < i:
                scopes.append((toks[first][1], toks[i - 1][2], cat))
    return scopes

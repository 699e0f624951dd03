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

`Context(text)` is built once per text (`analysis.context` shares the matcher's reading);
`assertion(start, end)` reads one span.
"""

from __future__ import annotations

from bisect import bisect_right

from .analysis import Analysis
from .mentions import Assertion

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
    "with no|absent|lack of|no known|nkda|w/o|negative|unremarkable for|"
    # "diagnosis of" ends a scope ("diagnosed with"): these say no diagnosis was made
    "no diagnosis of|without diagnosis of|without a diagnosis of|no prior diagnosis of|"
    "no previous diagnosis of|never diagnosed with|not diagnosed with|no known diagnosis of",
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
    "personal history of|past medical history of|pmh of|pmh|former|remote|in remission|"
    # a treatment finished: the condition it treated is past (I.C.2.d, I.C.21.c.8)
    "completed treatment for|after completed treatment for|after treatment for|"
    "completed therapy for|after completed therapy for|survivor of",
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
    "probability of|likelihood of|chance of|"
    "screening for|prevention of|prophylaxis of|prophylaxis for|to prevent|to avoid|"
    "in order to rule out|to exclude|to evaluate for|evaluation for|unless|"
    # return precautions: what would bring the patient back, not what they have (the
    # imperative: "returns with" tells a visit; a follow-up visit is a pseudo-trigger
    # below; "contact precautions for" is an isolation order, no trigger)
    "return for|come back for|return with|return precautions for|warning signs of|"
    "watch for signs of",
)
# a condition named as what a test looks for ("HIV, HBV serologies drawn", "Lyme titers
# sent", "Pap/HPV cotest collected") is the test's name, not the patient's condition; a
# result that confirms it ("hepatitis B serologies positive", "HPV positive on cotest") is
# read as it stands (_CONFIRMED)
_TEST_NAME_PHRASES: tuple[str, ...] = (
    *("serology", "serologies", "titer", "titers", "cotest", "cotesting", "co testing"),
    "co test",
)
_add("hypothetical", BACKWARD, "|".join(_TEST_NAME_PHRASES))
_add(
    "pseudo",
    FORWARD,
    "no change|no changes|no increase|no further|not only|no longer|without difficulty|"
    "not necessarily|not certain if|gram negative|gram-negative|no significant change|"
    "history of present illness|not cause|not due to|negative pressure|non-small|"
    "no improvement|did not improve|not improve|not respond|did not respond|"
    "without improvement|without response|without success|"
    # a marker's status is a result that names the marker, not the condition it is read in
    "her2 negative|her2 neg|er negative|pr negative|triple negative|receptor negative|"
    "rh negative|gbs negative|hla b27 negative|ana negative|rf negative|"
    # a visit planned for a condition there is: "to return for follow-up of cellulitis"
    "return for follow up|return for followup|return for recheck|return for a recheck|"
    "return for reevaluation|return for re evaluation|return for wound check|"
    "return for suture removal|return for treatment of|return for management of|"
    # a diet or product free of something ("lactose-free dairy") negates nothing
    "lactose free|gluten free|sugar free|fat free|dairy free|caffeine free|latex free",
)
_add(
    "terminate",
    BOTH,
    "but|however|although|though|yet|except|apart from|aside from|nevertheless|whereas|"
    "while|which|who|presented|presents|presenting|developed|diagnosed with|diagnosis of|"
    "complains|complained|showed|shows|revealed|reveals|secondary to|due to|"
    "cause of|source of|etiology of|reason for|then|after|since|and later|subsequently|"
    "accompanied by|accompanied with",
)

_PHRASES = {tuple(p.split()): v for p, v in TRIGGERS.items()}
# a trigger's first word -> the lengths of the triggers it starts, longest first
_LENGTHS: dict[str, tuple[int, ...]] = {}
for _words in _PHRASES:
    _LENGTHS[_words[0]] = tuple(sorted({*_LENGTHS.get(_words[0], ()), len(_words)}, reverse=True))
_DURATION_WORDS = (
    "hour hours day days week weeks month months year years decade decades long standing"
)
_DURATION = frozenset(_DURATION_WORDS.split())
_PRIORITY: tuple[Assertion, ...] = ("negated", "family", "hypothetical", "possible", "history")
# alternatives ("migraine vs tension-type") are the words beside the trigger, up to a comma
# ("headache and dizziness, likely migraine vs tension-type": the dizziness is certain)
_WITHIN_COMMAS = frozenset({("vs",), ("versus",)})
# a test said negative is the test's result: its scope is the test's own words, back to a
# comma ("exposure to COVID-19, asymptomatic, antigen negative": the exposure stands)
_TEST_WORDS = frozenset(
    [
        *("test", "tests", "testing", "antigen", "pcr", "naat", "culture", "cultures", "swab"),
        *("swabs", "screen", "panel", "assay", "titer", "titers", "serology", "result", "results"),
        *("level", "levels", "smear", "stain", "ua", "urinalysis", "ray", "xray", "ct"),
        *("mri", "scan", "imaging", "ultrasound", "biopsy", "ecg", "ekg"),
    ]
)
_TEST_NAMES = frozenset(tuple(phrase.split()) for phrase in _TEST_NAME_PHRASES)
_CONFIRMED = frozenset(
    {"positive", "reactive", "detected", "confirmed", "confirms", "showed", "shows", "show"}
    | {"elevated", "consistent", "high", "raised"}
)
_TEST_RESULTS = frozenset(
    {("negative",), ("is", "negative"), ("was", "negative"), ("were", "negative")}
)


_BIT: dict[str, int] = {category: 1 << k for k, category in enumerate(_PRIORITY)}
_NEGATED, _FAMILY = _BIT["negated"], _BIT["family"]
# the assertion of a set of category bits: the first by priority
_BY_MASK: tuple[Assertion, ...] = tuple(
    next((c for c in _PRIORITY if m & _BIT[c]), "present") for m in range(1 << len(_PRIORITY))
)


class Context:
    """The assertion scopes and sections of one text, found once (`Context(text)`, or
    `analysis.context` to share the text's one tokenisation with the other readers)."""

    __slots__ = ("_analysis", "_scopes", "_masks", "_section_at")

    def __init__(self, text: str) -> None:
        self._setup(Analysis(text))

    @classmethod
    def of(cls, analysis: Analysis) -> Context:
        ctx = cls.__new__(cls)
        ctx._setup(analysis)
        return ctx

    def _setup(self, analysis: Analysis) -> None:
        self._analysis = analysis
        scopes = _scopes(analysis)
        self._scopes = scopes
        # each token's categories as bits: a span's assertion is the OR over its tokens
        masks: list[int] | None = None
        if scopes:
            masks = [0] * len(analysis.words)
            for first, last, category in scopes:
                bit = _BIT[category]
                for k in range(first, last + 1):
                    masks[k] |= bit
        self._masks = masks
        self._section_at = analysis.section_map.at

    def section_at(self, offset: int) -> str | None:
        """The canonical name of the section `offset` is in (None before any title)."""
        return self._section_at(offset)

    def assertion(self, start: int, end: int) -> Assertion:
        """How the words text[start:end] are asserted by their context and section."""
        a = self._analysis
        mask = 0
        for first, last, category in self._scopes:
            if a.starts[first] < end and start < a.ends[last]:
                mask |= _BIT[category]
        return self._settle(mask, start)

    def assertion_of(self, i: int, j: int) -> Assertion:
        """The assertion of tokens i to j (inclusive): `assertion` for a span of whole
        tokens, read from each token's categories."""
        mask = 0
        masks = self._masks
        if masks is not None:
            for k in range(i, j + 1):
                mask |= masks[k]
        return self._settle(mask, self._analysis.starts[i])

    def _settle(self, mask: int, start: int) -> Assertion:
        if not mask & _NEGATED and self._section_at(start) == "family_history":
            mask |= _FAMILY
        return _BY_MASK[mask]


def assertion_at(text: str, start: int, end: int) -> Assertion:
    """The assertion of text[start:end] (builds a Context: for one span only)."""
    return Context(text).assertion(start, end)


def _scopes(analysis: Analysis) -> list[tuple[int, int, str]]:
    """(first token, last token, category) of the words each trigger covers."""
    lower = analysis.lower
    n = len(lower)
    found: list[tuple[int, int, str, str]] = []  # token i, token j, category, direction
    candidates = [i for i, w in enumerate(lower) if w in _LENGTHS]
    after = 0
    for i in candidates:
        if i < after:
            continue  # inside the trigger found before
        for length in _LENGTHS[lower[i]]:
            if i + length > n:
                continue
            hit = _PHRASES.get(tuple(lower[i : i + length]))
            if hit is not None:
                found.append((i, i + length, hit[0], hit[1]))
                after = i + length
                break
    if not found:
        return []
    stops = [i for i, j, cat, _ in found if cat == "terminate"]
    stops += analysis.breaks
    stops.sort()
    scopes: list[tuple[int, int, str]] = []
    for i, j, cat, direction in found:
        if cat in ("pseudo", "terminate"):
            continue
        if cat == "history" and i > 0 and lower[i - 1] in _DURATION:
            continue  # "a two-week history of fever": how long it has lasted, not the past
        near = _FAMILY_WORDS if cat == "family" else None
        phrase = tuple(lower[i:j])
        commas = phrase in _WITHIN_COMMAS
        if "f" in direction:
            k = bisect_right(stops, j - 1)
            limit = stops[k] if k < len(stops) else n
            last = min(limit, j + (near or _FORWARD_WORDS))
            if commas:
                last = _comma_after(analysis, j, last)
            if last > j:
                scopes.append((j, last - 1, cat))
        if "b" in direction:
            k = bisect_right(stops, i - 1) - 1
            first = stops[k] + 1 if k >= 0 else 0
            first = max(first, i - (near or _BACKWARD_WORDS))
            if commas or (phrase in _TEST_RESULTS and i > 0 and lower[i - 1] in _TEST_WORDS):
                first = _comma_before(analysis, first, i)
            elif phrase in _TEST_NAMES:
                first = _test_list_before(analysis, first, i)
                if _CONFIRMED.intersection(lower[first:i]) or _CONFIRMED.intersection(
                    lower[j : _comma_after(analysis, j, n)]
                ):
                    continue  # "HPV positive on cotest", "serologies were positive"
            if first < i:
                scopes.append((first, i - 1, cat))
    return scopes


def _comma_before(analysis: Analysis, first: int, i: int) -> int:
    """The first token of first..i-1 after the last comma before token i."""
    text, starts, ends = analysis.text, analysis.starts, analysis.ends
    for k in range(i - 1, first, -1):
        if "," in text[ends[k - 1] : starts[k]]:
            return k
    return first


def _test_list_before(analysis: Analysis, first: int, i: int) -> int:
    """The first token of first..i-1 that a test name reaches back to: the item right
    before it, and the one-word items of its comma list before that ("INR, HIV, HBV
    serologies": HIV and HBV are tests; "HIV disease, hepatitis serologies" and
    "hidradenitis - hepatitis serologies" test the hepatitis only). A spaced dash, colon,
    semicolon or line break ends the list."""
    text, starts, ends = analysis.text, analysis.starts, analysis.ends
    items: list[tuple[int, int]] = []  # (first token, last token), nearest first
    last = i - 1
    for k in range(i - 1, first, -1):
        gap = text[ends[k - 1] : starts[k]]
        if ":" in gap or ";" in gap or " - " in gap or "\n" in gap:
            items.append((k, last))
            break
        if "," in gap:
            items.append((k, last))
            last = k - 1
    else:
        items.append((first, last))
    reach = items[0][0]
    for start, end in items[1:]:
        if end != start:
            break
        reach = start
    return reach


def _comma_after(analysis: Analysis, j: int, last: int) -> int:
    """The end (exclusive) of tokens j..last-1 before the first comma after token j-1."""
    text, starts, ends = analysis.text, analysis.starts, analysis.ends
    for k in range(j, last):
        if "," in text[ends[k - 1] : starts[k]]:
            return k
    return last

"""Procedures, tests and treatments found in the words of the notes.

A lexicon keyword in a note is a service performed at this encounter only when its words
say so: the text engine's context (services/coder/domain/text/context.py) drops a negated,
hypothetical, historical or family mention ("no ECG", "if worse, X-ray", "s/p
colonoscopy"); the procedure rules here drop what is planned, declined or deferred
("will schedule MRI", "declined flu vaccine", "tetanus deferred") and what sits in the
sections that tell the past (history, medications, allergies, review of systems) or, in
a plan, what is not said to be done today. A drug counts as given only with its route
(an oral or topical drug has no J-code) and is billed by the documented dose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from .administration import INFUSION, INHALED, INJECTION, PUSH
from .encounter import ClinicalNote, Laterality
from .lexicon import KeywordHit, Lexicon, words_of
from .procedure_units import documented_dose, lengths_cm, measures
from .results import Evidence
from .text.context import TRIGGERS, Context
from .wound_repair import repair_class, site_in

NOTE_CONFIDENCE = 0.75
PAST_SECTIONS = frozenset(
    {
        "past_medical_history",
        "past_surgical_history",
        "family_history",
        "social_history",
        "medications",
        "discharge_medications",
        "allergies",
        "review_of_systems",
        "history_of_present_illness",
        "discharge_instructions",
    }
)
PLAN_SECTIONS = frozenset({"plan", "assessment_and_plan"})
# where a test's name is part of a diagnosis ("rheumatoid arthritis with rheumatoid factor")
# unless the words say it was done
DIAGNOSIS_SECTIONS = frozenset(
    {"assessment", "diagnoses", "discharge_diagnoses", "admission_diagnoses"}
)
_PARENTHESES = re.compile(r"\([^()]*\)")
_ORDER_TITLE = re.compile(r"\b(?:orders?|ordered)\b", re.I)
_CITED_VALUE = re.compile(r"^\s*[:=]?\s*[<>]?\d")
# an earlier value in parentheses after today's: "A1c today 9.4% (6 months ago 7.8%)"
_EARLIER_VALUE = re.compile(r"(\d[\d.,]*\s*(?:%|[A-Za-z/]+)?\s*)(\([^()]*\))")
_WORDS = r"(?:[\w'-]+\W+){0,6}?"
_NOT_DONE_BEFORE = re.compile(
    r"\b(?:will|would|plan(?:s|ned|ning)?(?:\s+to|\s+for)?|schedul(?:e|ed|ing)|to\s+be|"
    r"recommend(?:s|ed)?|consider(?:ing)?|refer(?:red|ral)?\s+(?:to|for)|order(?:ed)?\s+as\s+outpatient|"
    r"next\s+visit|return\s+for|needs?|due\s+for|declin(?:ed|es|ing)|refus(?:ed|es|ing)|"
    r"defer(?:red|ring)?|offered|discussed|counsel(?:l)?ed\s+(?:on|about|regarding)|"
    r"request(?:s|ed|ing)?|asking\s+(?:for|about)|"
    r"asks\s+(?:for|about)|wants|would\s+like|interested\s+in|unable\s+to|could\s+not|did\s+not|not|no\s+need\s+for|"
    r"follow(?:\s+|-)?up|recheck|get|obtain|check|f/u|had|has\s+had|last|prior|previous|recent|"
    r"outside|since|referral\s+(?:placed|sent|made|given|written)\s+(?:to|for)|brought|brings|"
    r"(?:partner|husband|wife|spouse)(?:'s)?|(?:mother|father|sister|brother)'s|"
    r"(?:diagnosed|confirmed|dated|documented|shown|measured|seen|found)\s+(?:on|by|at)|"
    r"weeks?(?:\s+\d+\s+days?)?\s+by)\W+" + _WORDS + r"$",
    re.I,
)
# a service named right after words that put the visit after it
_AFTER_OPERATION = re.compile(
    r"\b(?:(?:days?|weeks?|wks?|months?|years?)\s+(?:after|following|post|since)|s/p|"
    r"status\s+post|post[- ]?op(?:erative)?\s+(?:visit|check|day\s*\d*|follow[- ]?up)"
    r"(?:\s+(?:after|following|from|for))?)(?:\s+(?:a|an|the|his|her|left|right|bilateral))*\s*$",
    re.I,
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_NOT_DONE_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:was|were|is|to\s+be|will\s+be)?\s*(?:declined|refused|deferred|"
    r"declines|refuses|defers|declining|refusing|at\s+home\b|"
    r"offered(?!\s+and\s+(?:given|administered|accepted|received))\b|"
    r"attempted\b[^.;]{0,30}?\b(?:but|unable|unsuccessful|could\s+not|failed)\b|"
    r"opted\s+(?:for\s+no|against|not)\b|chose\s+not\b|"
    r"will\s+(?:obtain|order|get|do|check|schedule|consider|arrange|send|refer)\b|"
    r"if\s+(?:not\s+improv\w*|no\s+improvement|worse|worsening|persists?|persistent)\b|"
    r"(?:logs?|readings|diary|download)\s+(?:reviewed|brought)|"
    r"postponed|cancel(?:l)?ed|not\s+(?:done|performed|given|obtained)|held|scheduled|"
    r"planned|recommended|ordered\s+as\s+(?:an\s+)?outpatient|next\s+(?:week|visit|month)|"
    r"tomorrow|as\s+(?:an\s+)?outpatient|not\s+(?:needed|indicated|required|necessary)|"
    r"(?:in|within)\s+\d+\s+(?:days?|weeks?|months?|years?)|at\s+(?:the\s+)?next|"
    r"(?:done\s+|performed\s+|was\s+)?(?:in|on|from|since)\s+(?:"
    + _MONTHS
    + r"|\d{4}|\d{1,2}/\d{1,2})|"
    r"(?:\d+|an?|one)\s+(?:days?|weeks?|wks?|months?|mos?|years?|yrs?)\s+ago|"
    r"last\s+(?:treated|done|given|performed|injected|seen)\b|"
    r"last\s+(?:week|month|year|visit|fall|spring|"
    r"summer|winter)|(?:is|was)\s+complete|up\s+to\s+date|up-to-date|utd|at\s+the\s+hospital|"
    r"by\s+(?:the\s+)?(?:gi|cardiology|radiology|dermatology|orthopedics|ent|urology|"
    r"anesthesia|anesthesiology|anesthesiologist|crna|pulmonology|ems|paramedics|"
    r"(?:icu|surgical|anesthesia)\s+team)\b|report|results?\s+"
    r"(?:reviewed|from)|due\b|ordered|sent\s+(?:to|out)|to\s+be\s+(?:drawn|done|obtained)|"
    r"\(?(?:19|20)\d{2}\b|complete\b|normal\s+\(next|"
    # a result brought to the visit: "RUQ ultrasound 6/30: fatty liver", "(labs reviewed)",
    # "ECG from PCP office reviewed", "ABI today by the vascular lab"
    r"\(?\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|(?:labs?|reports?|results?|images?|films?)\s+reviewed|"
    r"(?:from|by)\s+(?:the\s+|her\s+|his\s+)?(?:pcp|outside|referring|another|other|prior|"
    r"\w+\s+lab\b|\w+\s+laboratory)|\d+\s+(?:days?|weeks?|months?)\s+(?:after|from|post)\b|"
    r"review\b|"
    r"(?:is\s+|was\s+|has\s+been\s+)?(?:rising|trending|climbing|doubling)\b|"
    # a result awaited, a service had elsewhere: "urine culture pending", "(done at urgent
    # care yesterday)", "given this season at the pharmacy"
    r"(?:is\s+|are\s+|still\s+)?pending\b|yesterday\b|last\s+night\b|"
    r"(?:placed|applied|done|performed|given|obtained)\s+(?:there|elsewhere)\b|"
    r"at\s+(?:the\s+|an?\s+|her\s+|his\s+)?(?:urgent\s+care|pharmacy|outside|other|another|er\b|"
    r"ed\b|emergency\s+(?:room|department)|hospital|work\b|school\b|health\s+department|cvs|"
    r"walgreens))",
    re.I,
)
_RESULTS_ASIDE = re.compile(r"\([^()]*\b(?:reviewed|outside|from)\b[^()]*\)", re.I)
_IN_PLACE = re.compile(
    r"^\W{0,3}(?:is\s+|was\s+|remains\s+|still\s+)?(?:intact|in\s+good\s+position)\b", re.I
)
# an earlier study's finding: "pelvic ultrasound showed no fibroids" (unless done here)
_SHOWED = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:showed|revealed|demonstrated)\b|"
    r"^-?\s*(?:confirmed|proven|documented)\b",  # "carpal tunnel (EMG-confirmed)": a past test
    re.I,
)
_HERE = re.compile(
    r"\b(?:today|in[- ](?:the\s+)?(?:office|clinic|house)|point[- ]of[- ]care|poc|here|by\s+me|"
    r"performed|done|obtained)\b",
    re.I,
)
# a list of results brought to the visit: "Outside labs from 4/28 reviewed: creatinine ..."
_RESULTS_TITLE = re.compile(
    r"\b(?:outside|reviewed|review\s+of|records|prior|previous|recent|from\s+\d{1,2}/\d{1,2}|"
    r"last\s+\w+|results?|history|workup|work-up|screening\s+schedule|pending|"
    r"referrals?|to\s+(?:check|do|obtain|draw|order|schedule)|outstanding)\b",
    re.I,
)
_DONE = re.compile(
    r"\b(?:given|administered|performed|done|obtained|drawn|placed|completed|repaired|"
    r"applied|removed|injected|infused|collected|run|read|spent|provided|counsel(?:l)?ed|today)\b",
    re.I,
)
# a dose charted with its route and the site it went into ("0.5 mL IM right thigh"): an
# administration record, which no plan or order writes
_GIVEN_AT_SITE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:ml|mg|mcg)\s+(?:im|sc|subq|subcut|intramuscular(?:ly)?|"
    r"subcutaneous(?:ly)?)\b[^.;\n]{0,20}?\b(?:deltoid|thigh|vastus\s+lateralis|gluteal|"
    r"gluteus|buttock|upper\s+arm)\b",
    re.I,
)
_THEN = re.compile(r"[,;]?\s*\b(?:then|followed\s+by|thereafter)\b", re.I)
_SCHEDULED = re.compile(
    r"\b(?:every|next|monthly|weekly|will|later|at\s+(?:the\s+)?"
    r"(?:\d+[- ](?:month|year|week)|next|follow[- ]?up)|in\s+(?:\d+\s+)?(?:days?|weeks?|months?|"
    + "|".join(_MONTHS.split("|")[:12])
    + r"))\b",
    re.I,
)
# medication use at home, not a dose given here
_HOME_USE = re.compile(
    r"\b(?:prn|daily|bid|tid|qid|qhs|q\d+(?:-\d+)?h|at\s+home|inhaler|uses|takes|taking|"
    r"using(?!\s+(?:an?|the|sterile|aseptic|ultrasound|fluoroscop\w*|\d)\b)|"
    r"continue[sd]?|prescri(?:be|bed|ption)|refill|sent\s+to\s+pharmacy|per\s+week|weekly)\b",
    re.I,
)
_ROUTE_WORDS: tuple[tuple[str, str | None], ...] = (
    (r"po|oral(?:ly)?|by\s+mouth|topical(?:ly)?|sublingual|odt|tablets?|pills?|capsules?", None),
    (r"nebuli[sz]ed|nebuli[sz]er|neb|inhaled|inhalation|via\s+neb", INHALED),
    (r"infusion|infused|drip|over\s+\d+\s*(?:min|minutes|hours?)", INFUSION),
    (r"iv\s*push|ivp|slow\s+push|push|iv|intravenous(?:ly)?", PUSH),
    (
        r"im|intramuscular(?:ly)?|sc|subq|sq|subcut(?:aneous(?:ly)?)?|injections?|injected|shots?",
        INJECTION,
    ),
)
_ROUTES = tuple((re.compile(rf"\b(?:{words})\b", re.I), route) for words, route in _ROUTE_WORDS)
_PUSH_WORDS = re.compile(r"\b(?:iv\s*push|ivp|slow\s+push|push)\b", re.I)
_INFUSION_WORDS = re.compile(rf"\b(?:{_ROUTE_WORDS[2][0]})\b", re.I)
# a dose right before a drug's name; not the volume of a carrier ("200 mg in 100 mL normal
# saline": the saline dilutes the drug, CMS bills no fluid for it)
_DOSE_BEFORE = re.compile(
    r"(?<![\d.,])(?<!\bin )(?<!\binto )(?<!\bdiluted )"
    r"(\d+(?:[.,]\d+)?\s*(?:mg|mcg|g|gm|grams?|units?|iu|ml|cc)\b)\s*(?:of\s+)?$",
    re.I,
)
_LIST_ITEM = re.compile(r",(?!\d{3}\b)|;|\+|\band\b|\bthen\b|\bplus\b", re.I)
# "from 10:10 to 11:25", "10:10-11:25", "started 14:05, stopped 15:10"
_CLOCK_RANGE = re.compile(
    r"\b([01]?\d|2[0-3]):([0-5]\d)\s*(?:to|until|through|-|–|,?\s*(?:stopped|ended|"
    r"completed|finished)(?:\s+at)?)\s*([01]?\d|2[0-3]):([0-5]\d)\b",
    re.I,
)
_SIDE = re.compile(r"\b(left|right|bilateral|both)\b", re.I)
_SENTENCE = re.compile(r"\.(?!\d)|[;!?\n]")
_LAST_BREAK = re.compile(r"(?s:.*)(?:\.(?!\d)|[;!?\n])")
_REACH = 400
_TRIGGER_WORDS = frozenset(
    word for phrase in TRIGGERS for word in phrase.split()[:1] if TRIGGERS[phrase][0] != "terminate"
)
# "preservative-free", "latex-free": a product's property, not an absence (same length)
_COMPOUND_FREE = re.compile(r"(?<=[A-Za-z])-free\b", re.I)
# a test's result is no negation of the test: "rapid strep negative", "UA: negative"
# ("negative for X" still negates X); masked with the same length, as "-free" is
_RESULT_WORD = re.compile(r"\bnegative\b(?!\s+for\b)", re.I)


def _for_context(sentence: str) -> str:
    """The sentence as the context rules read it for a service: a product's "-free" and a
    result's "negative" are no negation of the service."""
    return _RESULT_WORD.sub("negativ_", _COMPOUND_FREE.sub("-fre_", sentence))


_LOWER_WORDS = re.compile(r"[a-z0-9]+(?:/[a-z])?")
# a wound described with its length: "3.5 cm linear laceration of the central forehead"
_WOUND = re.compile(
    r"[^.\n]*\d+(?:\.\d+)?\s*(?:cm|mm)\b[^.\n]*(?:lacerat|wound|cut\b|gash)[^.\n]*"
    r"|[^.\n]*(?:lacerat|wound|cut\b|gash)[^.\n]*\d+(?:\.\d+)?\s*(?:cm|mm)\b[^.\n]*",
    re.I,
)
# a length written as the repair's: "length 2.4 cm", "repair length: 3 cm", "2.4 cm in length"
_LABELLED_LENGTH = re.compile(
    r"\b(?:length|long)\s*(?:of|:|was|is|=)?\s*\d+(?:\.\d+)?\s*(?:cm|mm)\b|"
    r"\d+(?:\.\d+)?\s*(?:cm|mm)\s+(?:in\s+length|long)\b|"
    # the repair's own length beside an excised diameter ("intermediate repair 2.0 cm",
    # "2.0 cm layered closure")
    r"\b(?:repair|closure)\s*(?:length\s*)?(?:of\s+|:\s*)?\d+(?:\.\d+)?\s*(?:cm|mm)\b|"
    r"\d+(?:\.\d+)?\s*(?:cm|mm)\s+(?:(?:simple|intermediate|layered|complex|primary|linear)"
    r"\s+){1,2}(?:repair|closure)\b",
    re.I,
)
# CPT 90460: the physician or other qualified professional counsels face to face (a VIS
# handed over by staff is not counselling)
_COUNSEL = re.compile(
    r"\b(?:counsel(?:l?ed|l?ing)?|discussed\s+(?:the\s+)?(?:risks|benefits)|"
    r"(?:i|provider|physician)\s+discussed\s+(?:each|the|all|every)\s+vaccines?|"
    r"(?:risks|benefits)\s+and\s+(?:risks|benefits)\s+of\s+(?:each|the|all|every|both|these)?"
    r"\s*(?:vaccines?|immunizations?)\s+(?:were\s+|was\s+)?discussed|"
    r"(?:reviewed|explained|discussed|went\s+over)\s+(?:the\s+)?(?:risks\s+and\s+benefits|"
    r"benefits\s+and\s+risks)\s+of\s+(?:each|the|all|every|both|these)?\s*"
    r"(?:vaccines?|immunizations?|vaccine\s+components?))\b",
    re.I,
)
# counselling at another visit ("counseling done then", "at her well visit last month")
_COUNSEL_ELSEWHERE = re.compile(
    r"\b(?:last|previous|prior)\s+(?:visit|month|week|year)|\bat\s+(?:the|her|his|their)\s+"
    r"(?:last|previous|prior|well)\s+(?:\w+\s+)?visit\b|\bdone\s+then\b|\bthen\s+by\b",
    re.I,
)

_NO_COUNSEL = re.compile(r"\b(?:no|not|without|nor|declined)\b", re.I)


@dataclass(frozen=True)
class NoteHit:
    """A keyword hit in a note that the words say was done: its evidence, the sentence
    around it (with the one before, where a wound's size is often written), and what the
    sentence documents (side, site, route...), read only when a rule asks."""

    hit: KeywordHit
    evidence: Evidence
    sentence: str
    before: str
    after: str
    author: str | None
    text: str
    start: int

    @cached_property
    def laterality(self) -> Laterality | None:
        return laterality_in(self.sentence)

    @cached_property
    def line(self) -> str:
        return _line(self.text, self.hit.start)

    @cached_property
    def site(self) -> str | None:
        return site_in(self.text[self.hit.start : self.start + len(self.sentence)]) or (
            site_in(self.sentence) or site_in(self.line)
        )

    @cached_property
    def route(self) -> str | None:
        # the route written after the drug is its own ("ondansetron 4 mg ODT"), even an
        # oral one; the sentence's is read only when none is
        if any(pattern.search(self.after) for pattern, _ in _ROUTES):
            return route_in(self.after)
        return route_in(self.sentence)

    @cached_property
    def parenthetical(self) -> bool:
        head = self.sentence[: self.hit.start - self.start]
        return head.count("(") > head.count(")")

    @cached_property
    def home_use(self) -> bool:
        # "1,000 mcg IM given in the office today, then weekly x 4": the schedule after
        # today's dose is not today's dose taken at home
        return _HOME_USE.search(_THEN.split(self.sentence, maxsplit=1)[0]) is not None

    @cached_property
    def paragraph(self) -> str:
        return _paragraph(self.text, self.hit.end)

    @cached_property
    def preceding(self) -> str:
        return self.text[max(0, self.start - _REACH * 4) : self.start]


def performed_in_notes(notes: tuple[ClinicalNote, ...], lexicon: Lexicon) -> Iterator[NoteHit]:
    """Every keyword hit in the notes whose context says it was performed here."""
    for i, note in enumerate(notes):
        text = note.text
        hits = lexicon.find(text)
        if not hits:
            continue
        found = note.analysis.sections  # the note's one reading, shared with the other readers
        where = note.analysis.section_map
        starts = {section.name: section.start for section in found}
        for hit in hits:
            section = where.at(hit.start)
            if section in PAST_SECTIONS and _same_paragraph(text, starts.get(section), hit.start):
                continue
            start, end, previous = _sentence(text, hit.start)
            sentence = text[start:end]
            after = text[hit.end : end]
            if _A_DRAW.search(text, hit.start, hit.end):
                after = _SENT_ON.sub(" ", after)  # a draw here, its tube sent to a laboratory
            product = any(entry.family in _PRODUCT_FAMILIES for entry in hit.entries)
            if not performed(text[start : hit.start], after, section, sentence, product):
                continue
            # the context rules' scopes end at a sentence break: read the sentence alone,
            # and only when it has a word a context rule starts with
            if _TRIGGER_WORDS.intersection(_LOWER_WORDS.findall(sentence.lower())) and (
                Context(_for_context(sentence)).assertion(hit.start - start, hit.end - start)
                != "present"
            ):
                continue
            yield NoteHit(
                hit=hit,
                evidence=Evidence(f"notes[{i}]", text[hit.start : hit.end], hit.start, hit.end),
                sentence=sentence,
                before=text[previous:start],
                after=text[hit.end : end],
                author=note.author,
                text=text,
                start=start,
            )


_PRODUCT_FAMILIES = frozenset({"vaccine", "drug"})
_LATER_TODAY = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:in\s+the\s+(?:morning|am)\b|later\s+today|this\s+afternoon)", re.I
)
_A_DRAW = re.compile(r"\bdrawn\b|\bdraw\b|\bdrew\b|venipuncture|phlebotomy", re.I)
_SENT_ON = re.compile(r"\bsent\s+(?:to|out)\b", re.I)


def _same_paragraph(text: str, start: int | None, at: int) -> bool:
    """A titled section's hit in what the title opens: its own line when the title has
    text after it ("Meds: ..." does not make the exam below a medication list), else the
    paragraph under it."""
    if start is None:
        return True
    title_end = text.find("\n", start)
    title_end = len(text) if title_end < 0 else title_end
    colon = text.find(":", start, title_end)
    if colon >= 0 and text[colon + 1 : title_end].strip():
        return at < title_end  # "Social history: never smoked." is that line only
    between = text[start:at]
    return "\n\n" not in between and "\n \n" not in between


def performed(
    before: str, after: str, section: str | None, sentence: str, product: bool = False
) -> bool:
    """Done at this encounter: nothing planned, declined or deferred about it in its
    sentence, and, in a plan, words that say it was done. For a `product` (a vaccine or
    drug) a number after its name is its strength ("(Havrix 1440)"), no value cited."""
    title, _, before = before.rpartition(":")  # a title ("Plan:") is not a plan to do it
    if title and (
        _RESULTS_TITLE.search(_PARENTHESES.sub(" ", title)) or _RESULTS_ASIDE.search(title)
    ):
        # "Outside labs:", "Labs (dialysis unit, reviewed):"; an aside that only dates a
        # due service ("due (last at age 12):") is no list of results
        return False
    if title and _ORDER_TITLE.search(title) and not _DONE.search(sentence):
        return False  # "Orders: CBC, CMP" (a standing order's "Tdap given" is done)
    after = _EARLIER_VALUE.sub(lambda m: m.group(1) + " " * len(m.group(2)), after)
    if _NOT_DONE_BEFORE.search(before[-80:]) or _NOT_DONE_AFTER.search(after[:60]):
        return False
    if _LATER_TODAY.search(after[:60]) and not _DONE.search(sentence):
        return False  # "EGD in the morning" (but "EGD performed in the morning" was done)
    if _AFTER_OPERATION.search(before[-60:]):
        return False  # "2 weeks after laparoscopic cholecystectomy": the operation is past
    if _IN_PLACE.match(after):
        return False  # "short arm cast intact": a device already on, checked at the visit
    if _SHOWED.search(after[:40]) and not _HERE.search(sentence):
        return False
    if not product and before.count("(") > before.count(")") and _CITED_VALUE.match(after):
        return False  # a value cited in passing: "(ABI 0.7 right, vascular following)"
    done = _DONE.search(sentence) is not None
    if section in DIAGNOSIS_SECTIONS:
        # a dose charted with its site under an assessment ("- DTaP #4, 0.5 mL IM right
        # thigh"), unless its sentence schedules it
        return done or (
            _GIVEN_AT_SITE.search(sentence) is not None and not _SCHEDULED.search(sentence)
        )
    return section not in PLAN_SECTIONS or done


def done_here(sentence: str) -> bool:
    """The sentence says its service was done at the visit (today, in the office, point of
    care, performed, done, obtained)."""
    return _HERE.search(sentence) is not None


def laterality_in(text: str) -> Laterality | None:
    sides = {m.group(1).lower() for m in _SIDE.finditer(text)}
    if "bilateral" in sides or "both" in sides or {"left", "right"} <= sides:
        return "bilateral"
    if sides == {"left"}:
        return "left"
    if sides == {"right"}:
        return "right"
    return None


def route_in(text: str) -> str | None:
    """The route written nearest after a drug (None for oral, topical or none written);
    a bare "IV" before the words of an infusion ("IV over 30 minutes", "IV infusion") is
    that infusion, not a push."""
    best: tuple[int, str | None] | None = None
    for pattern, route in _ROUTES:
        hit = pattern.search(text)
        if hit is not None and (best is None or hit.start() < best[0]):
            best = (hit.start(), route)
    if best is not None and best[1] == PUSH and not _PUSH_WORDS.search(text):
        clause = _LIST_ITEM.split(text, maxsplit=1)[0]
        if _INFUSION_WORDS.search(clause):
            return INFUSION
    return best[1] if best else None


def counselled(notes: tuple[ClinicalNote, ...]) -> bool:
    """The provider counselled on the vaccines (the 90460 rule for patients under 19): a
    title ("Counseling:") is no counselling, nor one the sentence says was not given."""
    for note in notes:
        for hit in _COUNSEL.finditer(note.text):
            if note.text.startswith(":", hit.end()):
                continue
            start, end, _ = _sentence(note.text, hit.start())
            if _NO_COUNSEL.search(note.text[start : hit.start()]):
                continue
            if not _COUNSEL_ELSEWHERE.search(note.text[start:end]):
                return True
    return False


def dose_text(hit: NoteHit, unit: str | None = None) -> str:
    """The words right after a drug, up to the next list separator: where its dose is;
    when they hold no dose (in the base `unit` the drug is billed by, when given), a dose
    written right before the drug ("injected 40 mg triamcinolone", "80 mg of
    methylprednisolone")."""
    after = _LIST_ITEM.split(hit.after, maxsplit=1)[0][:40]
    dose = documented_dose(after)
    if dose is not None and (unit is None or dose.unit == unit):
        return after
    before = _DOSE_BEFORE.search(hit.sentence, 0, hit.hit.start - hit.start)
    return before.group(1) if before is not None else after


def wound_length(hit: NoteHit) -> float | None:
    """The wound's length in cm: the one labelled as its length on its line, else those
    written on its line added up, else the sentence before, else the last wound described
    earlier in the note ("3.5 cm laceration of the
    forehead" in the exam, "laceration repair, simple" in the procedure)."""
    end = hit.text.find("\n", hit.hit.end)
    line = hit.line + hit.text[hit.hit.start : end if end >= 0 else len(hit.text)]
    labelled = _LABELLED_LENGTH.findall(line)
    found = lengths_cm(" ".join(labelled)) or lengths_cm(line) or lengths_cm(hit.before)
    if not found:
        described = [m for m in _WOUND.finditer(hit.preceding)]
        if described:
            found = lengths_cm(described[-1].group())
    return sum(found) if found else None


_WOUND_ITEM = re.compile(r"\b(?:lacerat\w*|wound|cut|gash)\b", re.I)


def enumerated_wounds(text: str) -> list[tuple[str, float]]:
    """The wounds a note lists one by one, each with its site and length ("(1) left hand,
    2.0 cm laceration; (2) chin, 1.0 cm laceration"): (site, cm) for each list item or
    sentence naming one wound with one site and one length, each wound once."""
    found: list[tuple[str, float]] = []
    for part in _SENTENCE.split(text):
        if not _WOUND_ITEM.search(part):
            continue
        lengths = lengths_cm(part)
        site = site_in(part)
        if len(lengths) != 1 or site is None or (site, lengths[0]) in found:
            continue
        found.append((site, lengths[0]))
    return found


def wound_site(hit: NoteHit) -> str | None:
    """The wound's site: the hit's own words, its line, else the last wound described,
    else the last body site named before it (the lesion an excision's closure repairs)."""
    if hit.site is not None:
        return hit.site
    described = [m for m in _WOUND.finditer(hit.preceding)]
    found = site_in(described[-1].group()) if described else None
    return found or site_before(hit)


def site_before(hit: NoteHit) -> str | None:
    """The last body site the note names before the hit (within its paragraph's reach)."""
    last = None
    for key, _, _ in words_of(hit.preceding):
        site = site_in(key)
        if site is not None:
            last = site
    return last


def is_repair(hit: NoteHit) -> str | None:
    return repair_class(hit.hit.entries)


def infusion_minutes(hit: NoteHit) -> int | None:
    """An infusion's minutes: written as minutes or hours, else from its start and stop
    times ("infused from 10:10 to 11:25": CPT counts an infusion by its start and stop)."""
    value = measures(hit.sentence).get("min")
    hours = re.search(r"over\s+(\d+(?:\.\d+)?)\s*hours?", hit.sentence, re.I)
    if hours:
        return int(float(hours.group(1)) * 60)
    if value is not None:
        return int(value)
    clock = _CLOCK_RANGE.search(hit.sentence)
    if clock is None:
        return None
    start_h, start_m, stop_h, stop_m = (int(g) for g in clock.groups())
    minutes = (stop_h * 60 + stop_m) - (start_h * 60 + start_m)
    return minutes if 0 < minutes <= 24 * 60 else None


def _line(text: str, at: int) -> str:
    """The line up to `at` (a list item "2. Chin: ... simple repair")."""
    return text[text.rfind("\n", max(0, at - _REACH), at) + 1 : at]


def _paragraph(text: str, at: int) -> str:
    """The rest of the paragraph after `at` (where a procedure's details go on)."""
    stop = text.find("\n\n", at, at + _REACH * 3)
    return text[at : stop if stop >= 0 else at + _REACH * 3]


def _sentence(text: str, at: int) -> tuple[int, int, int]:
    """(start, end) of the sentence holding offset `at`, and the previous one's start,
    looking no further than a few hundred characters either way."""
    window = max(0, at - _REACH)
    last = _LAST_BREAK.match(text, window, at)
    start = last.end() if last else window if window else 0
    ahead = _SENTENCE.search(text, at)
    end = ahead.start() if ahead else len(text)
    previous = 0
    if start > 0:
        earlier = _LAST_BREAK.match(text, max(0, start - 1 - _REACH), start - 1)
        previous = earlier.end() if earlier else max(0, start - 1 - _REACH)
    return start, end, previous

"""Medical decision making derived from the notes: a transparent scorer.

AMA CPT 2021 (office) and 2023 (hospital, emergency) E/M guidelines: the MDM level is
the level that two of its three elements meet or exceed — the number and complexity of
problems addressed, the amount and complexity of data reviewed and analysed, and the risk
of complications, morbidity or mortality of patient management. Each element's level is
set here from the words found (em_lexicon.py), and carries the spans that set it, so a
reviewer sees exactly why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .em_mdm_reading import Found, read
from .encounter import MdmLevel
from .results import Evidence

MDM_LEVELS: tuple[MdmLevel, ...] = ("straightforward", "low", "moderate", "high")
ELEMENT_LEVELS = {
    "problems": ("minimal", "low", "moderate", "high"),
    "data": ("minimal", "limited", "moderate", "extensive"),
    "risk": ("minimal", "low", "moderate", "high"),
}
MAX_SPANS = 6
# the tests whose professional interpretation a code of the practitioner's includes, by
# the data key (em_lexicon.py) that names them
REPORTED_TESTS = {
    "ecg": ("93000", "93010", "93040"),
    "chest x ray": ("71045", "71046", "71047"),
    "ct head": ("70450",),
    "ct chest": ("71250", "71260", "71275"),
    "ct abdomen": ("74176", "74177", "74178"),
    "ct": ("70486", "72125", "72131"),
    "mri": ("70551", "70553", "72141", "72148"),
    "echo": ("93306",),
    "monitoring": ("93224",),
    "stress test": ("93015",),
    "pulmonary function": ("94010", "94060"),
    "eeg": ("95816",),
    "mammogram": ("77065", "77066", "77067"),
    "bone density": ("77080",),
}
_REPORTED_BY_CODE = {code: key for key, codes in REPORTED_TESTS.items() for code in codes}
# a reading told within this many characters of a separately reported test is that test's
_READING_REACH = 80


def reported_tests(codes: Iterable[str]) -> frozenset[str]:
    """The data keys of the tests the practitioner reports on their own service lines
    (an ECG with its interpretation, an X-ray read, spirometry): AMA CPT 2021 E/M
    guidelines, the ordering and the performance or interpretation of a test are not
    counted in the MDM when its professional interpretation is reported separately.
    Radiographs, ultrasound and other imaging are matched by their code range."""
    keys = set()
    for code in codes:
        key = _REPORTED_BY_CODE.get(code)
        if key is None and code.isdigit() and "72020" <= code <= "74022":
            key = "x ray"
        if key is None and code.isdigit() and ("76000" <= code <= "76999" or code[:3] == "939"):
            key = "ultrasound"
        if key is not None:
            keys.add(key)
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class ElementLevel:
    """One MDM element: its level (0-3 in the AMA's column order), the AMA's words for
    why, and the spans that set it."""

    element: str
    level: int
    reason: str
    evidence: tuple[Evidence, ...] = ()

    @property
    def label(self) -> str:
        return ELEMENT_LEVELS[self.element][self.level]


@dataclass(frozen=True, slots=True)
class MdmFinding:
    """The MDM level two of the three elements reach, and the elements themselves."""

    level: MdmLevel
    problems: ElementLevel
    data: ElementLevel
    risk: ElementLevel

    @property
    def elements(self) -> tuple[ElementLevel, ElementLevel, ElementLevel]:
        return (self.problems, self.data, self.risk)

    @property
    def deciding(self) -> tuple[ElementLevel, ...]:
        """The (at most two) documented elements that meet the level, highest first."""
        floor = MDM_LEVELS.index(self.level)
        met = [e for e in self.elements if e.evidence and e.level >= floor]
        return tuple(sorted(met, key=lambda e: -e.level)[:2])

    @property
    def confident(self) -> bool:
        """Two documented elements meet the level: the AMA's two-of-three, on evidence."""
        return len(self.deciding) >= 2

    @property
    def evidence(self) -> Evidence:
        for element in (*self.deciding, *self.elements):
            if element.evidence:
                return element.evidence[0]
        raise ValueError("an MDM finding without evidence")

    def summary(self) -> str:
        """E.g. 'MDM 2/3: problems moderate (chronic illness with exacerbation), risk
        moderate (prescription drug management)'."""
        deciding = self.deciding
        named = ", ".join(f"{e.element} {e.label} ({e.reason})" for e in deciding)
        return f"MDM {len(deciding)}/3: {named}" if named else "MDM: nothing documented"

    def elements_detail(self) -> str:
        """Every element with its level and the offsets of its spans (no note text)."""
        return "; ".join(
            f"{e.element} {e.label} ({e.reason}"
            + "".join(f", {x.source}@{x.start}-{x.end}" for x in e.evidence)
            + ")"
            for e in self.elements
        )


def score_mdm(
    sources: Sequence[tuple[str, str, bool]], reported: frozenset[str] = frozenset()
) -> MdmFinding | None:
    """Score the MDM elements over (source, text, whole_text_is_assessment) sources.

    None when no element has any evidence (nothing to propose). Problems count only where
    they are addressed (the assessment and plan, when the note has one), never in history
    sections, and not when negated, historical, in the family or hypothetical; a test
    counts when ordered or reviewed (not when negated or only considered); a management
    decision counts even when the option is declined or only considered (AMA: "options
    considered but not selected"), but not as history or a conditional instruction.
    The tests in `reported` (reported_tests) and their readings are not counted.
    """
    found = Found({}, {}, {}, [], [], [], {})
    for source, text, whole in sources:
        read(source, text, whole, found)
    texts = {source: text for source, text, _ in sources}
    emergency = EMERGENCY_PROCEDURE in reported
    if reported:
        _without_reported(found, reported - {MINOR_PROCEDURE} if emergency else reported)
    if MINOR_PROCEDURE in reported and not emergency:
        _without_treated(found, texts)
    if emergency:
        _emergency_decision(found, texts)
    if MAJOR_PROCEDURE in reported:
        _major_decision(found, texts)
    problems, data, risk = _problems(found), _data(found), _risk(found)
    if not (problems.evidence or data.evidence or risk.evidence):
        return None
    level = sorted((problems.level, data.level, risk.level))[1]
    return MdmFinding(MDM_LEVELS[level], problems, data, risk)


_PROBLEM_REASONS = {
    "threat": "acute or chronic illness or injury posing a threat to life or bodily function",
    "chronic_severe": "chronic illness with severe exacerbation or progression",
    "chronic_exacerbation": "chronic illness with exacerbation, progression or side effects",
    "undiagnosed": "undiagnosed new problem with uncertain prognosis",
    "acute_systemic": "acute illness with systemic symptoms",
    "complicated_injury": "acute complicated injury",
    "acute_uncomplicated": "acute uncomplicated illness or injury",
}
_PROBLEM_LEVELS = {
    "threat": 3,
    "chronic_severe": 3,
    "chronic_exacerbation": 2,
    "undiagnosed": 2,
    "acute_systemic": 2,
    "complicated_injury": 2,
    "acute_uncomplicated": 1,
}


def _problems(found: Found) -> ElementLevel:
    """AMA table, problems column: one high-acuity problem sets the level; two stable
    chronic illnesses are moderate, one is low; two self-limited problems are low."""
    by_kind = found.problems
    worse = {key for kind in ("chronic_exacerbation", "chronic_severe")
             for key, _ in by_kind.get(kind, [])}  # fmt: skip
    stable = _unique([(k, e) for k, e in by_kind.get("chronic_stable", []) if k not in worse])
    # an injury its own problem line calls healing is not complicated where it is named again
    healing = {k for k, _ in by_kind.get("acute_uncomplicated", []) if k.startswith("injury:")}
    if healing and "complicated_injury" in by_kind:
        by_kind = {**by_kind, "complicated_injury": [
            (k, e) for k, e in by_kind["complicated_injury"] if k not in healing
        ]}  # fmt: skip
    minor = _unique(by_kind.get("minor", []))
    best: ElementLevel | None = None
    for kind, level in _PROBLEM_LEVELS.items():
        hits = _unique(by_kind.get(kind, []))
        if hits and (best is None or level > best.level):
            best = ElementLevel("problems", level, _PROBLEM_REASONS[kind], hits[:MAX_SPANS])
    if len(stable) >= 2 and (best is None or best.level < 2):
        best = ElementLevel("problems", 2, f"{len(stable)} stable chronic illnesses",
                            stable[:MAX_SPANS])  # fmt: skip
    if best is not None:
        return best
    if stable:
        return ElementLevel("problems", 1, "1 stable chronic illness", stable[:1])
    if len(minor) >= 2:
        return ElementLevel("problems", 1, f"{len(minor)} self-limited or minor problems",
                            minor[:MAX_SPANS])  # fmt: skip
    if minor:
        return ElementLevel("problems", 0, "1 self-limited or minor problem", minor)
    return ElementLevel("problems", 0, "no problem found addressed")


MINOR_PROCEDURE = "minor procedure"  # a `reported` key: a minor procedure is billed
MAJOR_PROCEDURE = "major procedure"  # a `reported` key: a 90-day-global procedure is billed
# a `reported` key: the minor procedure is the emergency physician's, beside the ED visit
EMERGENCY_PROCEDURE = "emergency procedure"
_MINOR_TOLD = re.compile(
    r"\b(?:repair(?:ed)?|sutur(?:ed|es?)|stapl(?:ed|es)|incision\s+and\s+drainage|i\s*&\s*d|"
    r"drained|removed|splint(?:ed)?\s+applied|applied\s+a\s+\w*\s*splint|reduced|"
    r"cauteriz(?:ed|ation)|packing)\b",
    re.I,
)


def _emergency_decision(found: Found, texts: dict[str, str]) -> None:
    """The emergency physician's decision to do the minor procedure of the visit (repair a
    laceration, drain an abscess): a decision regarding minor surgery (AMA risk, low). The
    ED visit is an evaluation first, its level read on all of it."""
    if any(r == "decision regarding minor surgery" for v in found.risk.values() for r, _ in v):
        return
    _decision_told(found, texts, _MINOR_TOLD, 1, "decision regarding minor surgery")


def _decision_told(
    found: Found, texts: dict[str, str], told_by: re.Pattern[str], level: int, label: str
) -> None:
    """The first words of the notes that tell the decision, as its risk element."""
    for source, text in texts.items():
        told = told_by.search(text)
        if told is not None:
            evidence = Evidence(source=source, text=told.group(), start=told.start(),
                                end=told.end())  # fmt: skip
            found.risk.setdefault(level, []).append((label, evidence))
            return


# closed treatment of a fracture or dislocation with a 90-day global period (CMS PFS): the
# decision to do it is an E/M of its own (modifier 57), not part of the procedure
MAJOR_GLOBAL = frozenset(
    {"23500", "23650", "25600", "25605", "26600", "26605", "26641", "26720", "27786"}
    | {"28470", "28490", "27236", "27245", "27792", "27814", "25607"}
)
_REDUCTION_TOLD = re.compile(
    r"(?<!\bno\s)(?<!\bnot\s)\b(?:closed\s+)?reduc(?:ed|tion)\b|\brelocat(?:ed|ion)\b|"
    r"\bclosed\s+treatment\b",
    re.I,
)


def _major_decision(found: Found, texts: dict[str, str]) -> None:
    """The decision to do the 90-day procedure billed beside the visit: a decision regarding
    major surgery (AMA risk, moderate), evidenced by the words that tell it."""
    _decision_told(found, texts, _REDUCTION_TOLD, 2, "decision regarding major surgery")


# an assessment item the minor procedure of the visit treats ("osteoarthritis, right knee,
# with effusion - aspirated and injected as above")
# "injected" is an exam's word too ("conjunctivae injected"), "reduced" and "removed" a
# prescription's ("amlodipine reduced to 5 mg", "insulin removed from the regimen"), "frozen"
# a shoulder's: those count only as what was done to the problem
_TREATED_HERE = re.compile(
    r"\b(?:aspirated|drained|incised|repaired|sutured|excised|destroyed|biopsied|"
    r"cauterized|debrided|pared|i&d\s+(?:done|performed)|"
    r"(?:aspirated\s+and|was|were)\s+injected|injected\s+(?:as\s+above|today|with)|"
    r"(?:was|were)\s+(?:reduced|removed)(?!\s+(?:to|from|by)\b)|"
    r"(?:lesions?|warts?|foreign\s+bod(?:y|ies)|sutures?|staples?|cerumen|nails?)\s+(?:\w+\s+)?removed|"
    r"(?:closed|manual)\s+reduction|reduced\s+and\s+splinted|cryotherapy|"
    r"injection\s+(?:done|given|performed)|procedure\s+(?:as\s+above|done|performed))\b",
    re.I,
)


def _without_treated(found: Found, texts: dict[str, str]) -> None:
    """The problems whose clause says the visit's minor procedure treated them:
    the procedure's evaluation is part of the procedure (CMS NCCI Policy Manual ch. I §D),
    and the E/M billed beside it with modifier 25 is levelled on the other problems."""
    for kind in list(found.problems):
        kept = []
        for key, evidence in found.problems[kind]:
            text = texts.get(evidence.source, "")
            at = evidence.start
            if at is None or not text:
                kept.append((key, evidence))
                continue
            start = 1 + max(text.rfind(c, 0, at) for c in ".;\n")
            ends = [i for i in (text.find(c, at) for c in ".;\n") if i >= 0]
            clause = text[start : min(ends) if ends else len(text)]
            if not _TREATED_HERE.search(clause):
                kept.append((key, evidence))
        if kept:
            found.problems[kind] = kept
        else:
            del found.problems[kind]


def _without_reported(found: Found, reported: frozenset[str]) -> None:
    """Drop the separately reported tests and the readings told next to them ("ECG, my
    interpretation: sinus rhythm"): the reading is the test's own service line; and, when
    a minor procedure is billed, the decision to perform it (CMS NCCI Policy Manual ch. I
    §D: it is included in the minor procedure)."""
    if MINOR_PROCEDURE in reported:
        for level in list(found.risk):
            found.risk[level] = [
                (reason, e) for reason, e in found.risk[level]
                if reason != "decision regarding minor surgery"
            ]  # fmt: skip
            if not found.risk[level]:
                del found.risk[level]
    for key in reported:
        found.tests.pop(key, None)
    named = [e for key, e in found.mentions if key in reported]
    found.interpretation[:] = [
        reading
        for reading in found.interpretation
        if not any(
            e.source == reading.source
            and e.start is not None
            and reading.start is not None
            and abs(e.start - reading.start) <= _READING_REACH
            for e in named
        )
    ]


def _unique(hits: list[tuple[str, Evidence]]) -> tuple[Evidence, ...]:
    seen: dict[str, Evidence] = {}
    for key, evidence in hits:
        seen.setdefault(key, evidence)
    return tuple(seen.values())


def _data(found: Found) -> ElementLevel:
    """AMA table, data column. Category 1: each unique test ordered or reviewed, each
    unique source of external notes (and, from moderate up, the independent historian);
    category 2: independent interpretation of a test; category 3: discussion of
    management with an external physician or appropriate source."""
    items = [*found.tests.values(), *found.external.values()]
    counted = len(items) + (1 if found.historian else 0)
    categories = [counted >= 3, bool(found.interpretation), bool(found.discussion)]
    parts = []
    if items:
        names = ", ".join([*found.tests, *found.external])
        parts.append(f"{len(items)} unique tests or documents ({names})")
    if found.historian:
        parts.append("independent historian")
    if found.interpretation:
        parts.append("independent interpretation of a test")
    if found.discussion:
        parts.append("discussion with an external physician or source")
    evidence = (*items, *found.historian[:1], *found.interpretation[:1], *found.discussion[:1])
    reason = ", ".join(parts) or "no data found reviewed or ordered"
    met = sum(categories)
    if met >= 2:
        level = 3
    elif met == 1:
        level = 2
    elif len(items) >= 2 or found.historian:
        level = 1
    else:
        level = 0
    return ElementLevel("data", level, reason, tuple(evidence[:MAX_SPANS]))


def _risk(found: Found) -> ElementLevel:
    """AMA table, risk column: the highest-risk management option found sets the level."""
    if not found.risk:
        return ElementLevel("risk", 0, "no management option found")
    level = max(found.risk)
    hits = found.risk[level]
    reasons = list(dict.fromkeys(reason for reason, _ in hits))
    evidence = tuple(evidence for _, evidence in hits)[:MAX_SPANS]
    return ElementLevel("risk", level, "; ".join(reasons), evidence)

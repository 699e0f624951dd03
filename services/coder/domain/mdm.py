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
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from .em_lexicon import CUES, OTC_DRUGS, PRESCRIPTION_DRUGS, PRESCRIPTION_SUFFIXES, Cue
from .em_text import Section, has_assessment, sections, trie_pattern
from .encounter import MdmLevel
from .results import Evidence

MDM_LEVELS: tuple[MdmLevel, ...] = ("straightforward", "low", "moderate", "high")
ELEMENT_LEVELS = {
    "problems": ("minimal", "low", "moderate", "high"),
    "data": ("minimal", "limited", "moderate", "extensive"),
    "risk": ("minimal", "low", "moderate", "high"),
}
MAX_SPANS = 6

_PATTERN = trie_pattern(CUES)
_PATTERN_ANY_CASE = trie_pattern(CUES, ignore_case=True)
_PARENTERAL = re.compile(r"\b(?:iv|im|ivp|intravenous|intravenously|intramuscular|iv push)\b")
_ROUTE_WINDOW = 30
_CLAUSE_WINDOW = 100
_DRUG_WINDOW = 40
# up to three words after a management verb, within its clause
_DRUG_TAIL = re.compile(
    r"[ \t:]*([a-z][a-z0-9\-]*)(?:[ \t]+([a-z][a-z0-9\-]*))?(?:[ \t]+([a-z][a-z0-9\-]*))?"
)


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


@dataclass(slots=True)
class _Found:
    problems: dict[str, list[tuple[str, Evidence]]]  # kind -> [(key, evidence)]
    tests: dict[str, Evidence]
    external: dict[str, Evidence]
    historian: list[Evidence]
    interpretation: list[Evidence]
    discussion: list[Evidence]
    risk: dict[int, list[tuple[str, Evidence]]]  # level -> [(reason, evidence)]


def score_mdm(sources: Sequence[tuple[str, str, bool]]) -> MdmFinding | None:
    """Score the MDM elements over (source, text, whole_text_is_assessment) sources.

    None when no element has any evidence (nothing to propose). Problems count only where
    they are addressed (the assessment and plan, when the note has one), never in history
    sections, and not when negated, historical, in the family or hypothetical; a test
    counts when ordered or reviewed (not when negated or only considered); a management
    decision counts even when the option is declined or only considered (AMA: "options
    considered but not selected"), but not as history or a conditional instruction.
    """
    found = _Found({}, {}, {}, [], [], [], {})
    for source, text, whole in sources:
        _read(source, text, whole, found)
    problems, data, risk = _problems(found), _data(found), _risk(found)
    if not (problems.evidence or data.evidence or risk.evidence):
        return None
    level = sorted((problems.level, data.level, risk.level))[1]
    return MdmFinding(MDM_LEVELS[level], problems, data, risk)


def _read(source: str, text: str, whole: bool, found: _Found) -> None:
    parts = [Section("assessment", 0, len(text))] if whole else sections(text)
    starts = [part.start for part in parts]
    assessed_only = has_assessment(parts)
    lowered = text.lower()
    same = len(lowered) == len(text)
    hits: list[tuple[int, int, str]] = []
    for part in parts:
        if part.group == "history":  # what was, not what was done: nothing counts there
            continue
        if same:
            hits.extend(
                (m.start(), m.end(), m.group())
                for m in _PATTERN.finditer(lowered, part.start, part.end)
            )
        else:  # a character whose lower case is longer: match the text itself
            hits.extend(
                (m.start(), m.end(), m.group().lower())
                for m in _PATTERN_ANY_CASE.finditer(text, part.start, part.end)
            )
    if not same:  # offsets must stay the text's: drugs are then matched as written
        lowered = text
    triggers: list[tuple[int, str]] = []
    cues: list[tuple[int, int, Cue]] = []
    for start, end, phrase in hits:
        cue = CUES.get(phrase) or CUES.get(_key(phrase))
        if cue is None or cue.element == "ignore":
            continue
        if cue.element == "trigger":
            triggers.append((start, cue.key))
        else:
            cues.append((start, end, cue))
    trigger_at = [position for position, _ in triggers]
    chronic: list[tuple[int, int, str]] = []
    modifiers: list[tuple[int, int, str]] = []
    drugs: list[tuple[int, int]] = []
    sigs: list[tuple[int, int]] = []
    surgeries: list[tuple[int, int, str]] = []
    verbs = [start for start, _, cue in cues if cue.kind == "verb"]
    for start, end, cue in cues:
        group = parts[bisect_right(starts, start) - 1].group if len(parts) > 1 else parts[0].group
        before = _before(text, start, triggers, trigger_at) if triggers else "present"
        element = cue.element
        if element == "modifier":
            if before != "negated":
                modifiers.append((start, end, cue.kind))
        elif element == "problems":
            if (assessed_only and group != "assessment") or before in _NOT_A_PROBLEM:
                continue
            if triggers and _negated_after(text, end, triggers, trigger_at):
                continue
            if cue.kind in ("chronic", "complicated_injury"):
                chronic.append(
                    (start, end, cue.key if cue.kind == "chronic" else "injury:" + cue.key)
                )
            else:
                found.problems.setdefault(cue.kind, []).append(
                    (cue.key, _span(source, text, start, end))
                )
        elif element == "data":
            if before == "present":
                _data_cue(cue, _span(source, text, start, end), found)
        elif element == "risk":
            if (assessed_only and group != "assessment") or before in _NOT_A_DECISION:
                continue
            if cue.kind == "drug":
                drugs.append((start, end))
            elif cue.kind == "sig":
                sigs.append((start, end))
            elif cue.kind == "major_surgery":
                surgeries.append((start, end, cue.key))
            elif cue.kind == "decision_word":
                pass
            else:
                _risk_cue(cue, source, text, lowered, start, end, found)
    for start, end in drugs:
        span_end = _prescription_at(lowered, start, end, verbs)
        if span_end is not None:
            found.risk.setdefault(2, []).append(
                ("prescription drug management", _span(source, text, start, span_end))
            )
    decisions = sorted(
        [start for start, _, cue in cues if cue.kind == "decision_word"]
        + [start for start, kind in triggers if kind in ("considered", "negated")]
    )
    for start, end, key in surgeries:
        if _decided(lowered, start, end, decisions):
            found.risk.setdefault(2, []).append((key, _span(source, text, start, end)))
    otc = [start for start, _, cue in cues if cue.kind == "otc"]
    named = [start for start, _ in drugs] + otc
    for start, end in sigs:
        span_start = _instruction_start(lowered, start, named)
        if span_start is not None:
            found.risk.setdefault(2, []).append(
                ("prescription drug management", _span(source, text, span_start, end))
            )
    for start, end, key in chronic:
        kind, span_start, span_end = _chronic_state(text, start, end, modifiers, key)
        found.problems.setdefault(kind, []).append((key, _span(source, text, span_start, span_end)))


_NOT_A_PROBLEM = frozenset({"negated", "both_negated", "history", "family", "hypothetical"})
_NOT_A_DECISION = frozenset({"history", "family", "hypothetical"})


def _key(matched: str) -> str:
    return " ".join(matched.lower().replace("-", " ").split())


def _span(source: str, text: str, start: int, end: int) -> Evidence:
    return Evidence(source=source, text=text[start:end], start=start, end=end)


def _clause_start(text: str, position: int, triggers: list[tuple[int, str]],
                  trigger_at: list[int]) -> int:  # fmt: skip
    lower = max(0, position - _CLAUSE_WINDOW)
    start = 1 + max(
        text.rfind(".", lower, position),
        text.rfind(";", lower, position),
        text.rfind("\n", lower, position),
        text.rfind("!", lower, position),
        text.rfind("?", lower, position),
    )
    start = max(start, lower)
    index = bisect_left(trigger_at, position) - 1
    while index >= 0 and trigger_at[index] >= start:
        if triggers[index][1] == "break":
            return trigger_at[index]
        index -= 1
    return start


def _before(text: str, start: int, triggers: list[tuple[int, str]], trigger_at: list[int]) -> str:
    """How the triggers in the clause before `start` assert it (ConText's forward scope):
    a conditional, the family or the past outweigh a negation ("if no improvement, admit"
    is conditional; "no history of stroke" is history)."""
    index = bisect_left(trigger_at, start) - 1
    if index < 0 or trigger_at[index] < start - _CLAUSE_WINDOW:
        return "present"
    clause = _clause_start(text, start, triggers, trigger_at)
    found = "present"
    while index >= 0 and trigger_at[index] >= clause:
        kind = triggers[index][1]
        if kind == "both_negated":
            kind = "negated"
        if _PRECEDENCE.get(kind, 0) > _PRECEDENCE.get(found, 0):
            found = kind
        index -= 1
    return found


_PRECEDENCE = {"considered": 1, "negated": 2, "history": 3, "family": 4, "hypothetical": 5}


def _negated_after(text: str, end: int, triggers: list[tuple[int, str]],
                   trigger_at: list[int]) -> bool:  # fmt: skip
    """Backward triggers ("pneumonia was ruled out") within 30 characters after the
    words, before the clause ends."""
    index = bisect_left(trigger_at, end)
    limit = end + 30
    while index < len(trigger_at) and trigger_at[index] <= limit:
        kind = triggers[index][1]
        if kind in ("post_negated", "both_negated"):
            gap = text[end : trigger_at[index]]
            return not any(c in gap for c in ".;\n")
        if kind == "break":
            return False
        index += 1
    return False


def _chronic_state(
    text: str, start: int, end: int, modifiers: list[tuple[int, int, str]], key: str
) -> tuple[str, int, int]:
    """A chronic illness is stable unless its clause says exacerbated or severe; an
    injury is complicated unless its clause says it is healing (a follow-up visit)."""
    lower = max(max(text.rfind(c, 0, start) for c in ".;\n") + 1, start - 60)
    upper_candidates = [i for i in (text.find(c, end) for c in ".;\n") if i >= 0]
    upper = min([end + 60, *upper_candidates])
    if key.startswith("injury:"):
        healing = any(
            kind == "healing" and lower <= m_start and m_end <= upper
            for m_start, m_end, kind in modifiers
        )
        return ("acute_uncomplicated" if healing else "complicated_injury"), start, end
    state, span = "chronic_stable", (start, end)
    for m_start, m_end, kind in modifiers:
        if kind == "healing":
            continue
        if lower <= m_start and m_end <= upper and (kind == "severe" or state == "chronic_stable"):
            state = "chronic_severe" if kind == "severe" else "chronic_exacerbation"
            span = (min(start, m_start), max(end, m_end))
    return state, span[0], span[1]


def _data_cue(cue: Cue, span: Evidence, found: _Found) -> None:
    if cue.kind == "test":
        found.tests.setdefault(cue.key, span)
    elif cue.kind == "external_notes":
        found.external.setdefault(cue.key, span)
    elif cue.kind == "historian":
        found.historian.append(span)
    elif cue.kind == "interpretation":
        found.interpretation.append(span)
    elif cue.kind == "discussion":
        found.discussion.append(span)


_RISK_LEVELS = {
    "hospitalization": 3,
    "dnr": 3,
    "intensive_monitoring": 3,
    "emergency_surgery": 3,
    "major_surgery": 2,
    "major_surgery_decided": 2,
    "sdoh": 2,
    "prescription": 2,
    "minor_surgery": 1,
    "low": 1,
    "otc": 1,
    "drug": 2,
}


def _risk_cue(
    cue: Cue, source: str, text: str, lowered: str, start: int, end: int, found: _Found
) -> None:
    if cue.kind == "verb":
        drug = _drug_after(lowered, end)
        if drug is None:
            return
        prescription, drug_end = drug
        reason = "prescription drug management" if prescription else "over-the-counter drugs"
        found.risk.setdefault(2 if prescription else 1, []).append(
            (reason, _span(source, text, start, drug_end))
        )
    elif cue.kind == "controlled":
        window = lowered[max(0, start - _ROUTE_WINDOW) : end + _ROUTE_WINDOW]
        if _PARENTERAL.search(window):
            found.risk.setdefault(3, []).append((cue.key, _span(source, text, start, end)))
    else:
        found.risk.setdefault(_RISK_LEVELS[cue.kind], []).append(
            (cue.key, _span(source, text, start, end))
        )


_DOSE = re.compile(
    r"(?:[ \t/\-]+[a-z]+)?[ \t]*,?[ \t]*(?:\d+(?:\.\d+)?[ \t]*(?:mg|mcg|g|units?|ml|meq|%)\b|"
    r"(?:for|x)[ \t]*\d+[ \t]*(?:days?|weeks?|months?)\b)"
)


def _prescription_at(lowered: str, start: int, end: int, verbs: list[int]) -> int | None:
    """A prescription drug named in the plan is managed when a dose or a course follows it
    ("omeprazole 40 mg daily", "amoxicillin for 7 days") or a management verb stands in
    its clause ("losartan, continue"); the span's end, else None."""
    dose = _DOSE.match(lowered, end)
    if dose is not None:
        return dose.end()
    lower = max(0, start - _DRUG_WINDOW)
    upper = end + _DRUG_WINDOW
    for verb in verbs[bisect_left(verbs, lower) :]:
        if verb > upper:
            break
        between = lowered[min(verb, start) : max(verb, end)]
        if not any(c in between for c in ".;\n"):
            clause_end = min(
                [upper, *(i for i in map(lambda c: lowered.find(c, end), ".;\n") if i >= 0)]
            )
            if _PAST.search(lowered, min(verb, start), clause_end):
                return None  # what was done before ("stopped by cardiology last year")
            return end
    return None


def _decided(lowered: str, start: int, end: int, decisions: list[int]) -> bool:
    """A surgery named in the plan is a decision about surgery when a decision word
    ("recommend", "scheduled", "considered", "declined"...) stands in its sentence: a
    referral or a follow-up with the surgeon alone is not one."""
    for position in decisions[bisect_left(decisions, start - _DRUG_WINDOW) :]:
        if position > end + _DRUG_WINDOW:
            return False
        between = lowered[min(position, start) : max(position, end)]
        if not any(c in between for c in ".;\n"):
            return True
    return False


_FORM_OR_DOSE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:mg|mcg|g|units?|ml|meq|%)\b|\b(?:drops?|tablets?|tabs?|capsules?|"
    r"caps?|puffs?|sprays?|patch|cream|ointment|gel|lotion|solution|suspension|inhaler)\b"
)


def _instruction_start(lowered: str, start: int, named: list[int]) -> int | None:
    """Where a medication instruction ending in a schedule begins: a dose or dosage form
    before the schedule in its clause, for a drug not named (a named drug is judged by its
    own name: prescription or over the counter); None when it is not an instruction."""
    lower = max(0, start - _DRUG_WINDOW)
    lower = max(lower, *(lowered.rfind(c, lower, start) + 1 for c in ".;\n"))
    if any(lower <= position < start for position in named):
        return None
    form = _FORM_OR_DOSE.search(lowered, lower, start)
    if form is None:
        return None
    word = lowered.rfind(" ", lower, form.start())
    return word + 1 if word >= lower else lower


_PAST = re.compile(
    r"\b(?:last\s+(?:year|month|week|visit)|\w+\s+ago|previously|in\s+(?:19|20)\d\d)\b"
)


def _drug_after(lowered: str, end: int) -> tuple[bool, int] | None:
    """(prescription?, where its name ends) for a drug named in the three words after a
    management verb: True for a prescription drug, False for an over-the-counter one."""
    words = _DRUG_TAIL.match(lowered, end)
    if words is None:
        return None
    found = [(words.group(i), words.end(i)) for i in (1, 2, 3) if words.group(i)]
    pairs = [(f"{a} {b}", b_end) for (a, _), (b, b_end) in zip(found, found[1:], strict=False)]
    for word, word_end in (*found, *pairs):
        if word in PRESCRIPTION_DRUGS or (len(word) > 5 and word.endswith(PRESCRIPTION_SUFFIXES)):
            return True, word_end
        if word in OTC_DRUGS:
            return False, word_end
    return None


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


def _problems(found: _Found) -> ElementLevel:
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


def _unique(hits: list[tuple[str, Evidence]]) -> tuple[Evidence, ...]:
    seen: dict[str, Evidence] = {}
    for key, evidence in hits:
        seen.setdefault(key, evidence)
    return tuple(seen.values())


def _data(found: _Found) -> ElementLevel:
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


def _risk(found: _Found) -> ElementLevel:
    """AMA table, risk column: the highest-risk management option found sets the level."""
    if not found.risk:
        return ElementLevel("risk", 0, "no management option found")
    level = max(found.risk)
    hits = found.risk[level]
    reasons = list(dict.fromkeys(reason for reason, _ in hits))
    evidence = tuple(evidence for _, evidence in hits)[:MAX_SPANS]
    return ElementLevel("risk", level, "; ".join(reasons), evidence)

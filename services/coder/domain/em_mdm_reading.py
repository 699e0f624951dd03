"""Reading one text for MDM: the cues found, where they sit and how they are asserted.

The lexicon's phrases (em_lexicon.py) are matched in one pass of a trie regex over the
lower-cased text, outside history sections; ConText-style triggers among them set how
each cue is asserted within its clause (em_text.py finds the sections). What counts is
gathered in a `Found` per encounter, which mdm.py turns into the three elements' levels.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .em_lexicon import CUES, OTC_DRUGS, PRESCRIPTION_DRUGS, PRESCRIPTION_SUFFIXES, Cue
from .em_text import Section, has_assessment, sections, trie_pattern
from .results import Evidence

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


@dataclass(slots=True)
class Found:
    problems: dict[str, list[tuple[str, Evidence]]]  # kind -> [(key, evidence)]
    tests: dict[str, Evidence]
    external: dict[str, Evidence]
    historian: list[Evidence]
    interpretation: list[Evidence]
    discussion: list[Evidence]
    risk: dict[int, list[tuple[str, Evidence]]]  # level -> [(reason, evidence)]
    mentions: list[tuple[str, Evidence]] = field(default_factory=list)  # every test named


def read(source: str, text: str, whole: bool, found: Found) -> None:
    """Add what `text` documents to `found` (`whole`: the text is all assessment)."""
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
    previous_end = -1
    for start, end, key in chronic:
        adjacent = previous_end >= 0 and not text[previous_end:start].strip(" \t")
        previous_end = end
        if adjacent:
            continue  # "vitamin B12 deficiency anemia": the words of one condition
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


def _data_cue(cue: Cue, span: Evidence, found: Found) -> None:
    if cue.kind == "test":
        found.tests.setdefault(cue.key, span)
        found.mentions.append((cue.key, span))
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
    cue: Cue, source: str, text: str, lowered: str, start: int, end: int, found: Found
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
    r"(?:for|x)[ \t]*\d+[ \t]*(?:days?|weeks?|months?)\b)|"
    # given by a parenteral route at the visit ("ondansetron IV")
    r"[ \t]+(?:iv|im|ivp|iv[ \t]+push|intravenous(?:ly)?|intramuscular(?:ly)?)\b|"
    # held at the doses aimed for ("on GDMT at target doses; continue")
    r"[ \t]+at[ \t]+(?:target|goal|maximal|maximum|max|maximally[ \t]+tolerated)[ \t]+doses?\b"
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

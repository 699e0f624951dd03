"""Reading a note for E/M: sections and a phrase matcher.

A small local rule set in the manner of medspaCy's sectionizer, sized to what E/M
levelling needs: which part of the note a phrase sits in (the assessment and plan, a
history section, the rest). Phrases are matched with one regex per lexicon, compiled
from a trie of the phrases so that a position is tried against one branch per
character, never against the whole list (ConText-style triggers are phrases of the same
lexicon: see mdm.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

SectionGroup = Literal["assessment", "history", "other"]

# Section titles a provider writes (medspaCy's section rules are the reference list),
# grouped by what E/M reads in them: problems addressed and management decisions sit in
# the assessment and plan; history sections list what was, not what was done today.
_TITLES: dict[str, SectionGroup] = {}
for _group, _names in (
    (
        "assessment",
        "assessment and plan|assessment & plan|assessment/plan|a/p|a&p|assessment|plan|"
        "impression|impression and plan|impression/plan|clinical impression|"
        "medical decision making|mdm|ed course|emergency department course|"
        "course in the ed|disposition|diagnoses|diagnosis|final diagnosis|"
        "final diagnoses|discharge diagnoses|discharge diagnosis|discharge plan|"
        "plan of care|recommendations|orders|treatment plan|problem list addressed",
    ),
    (
        "history",
        "past medical history|pmh|pmhx|past history|past surgical history|psh|pshx|"
        "surgical history|family history|fh|fhx|social history|sh|shx|medications|"
        "current medications|home medications|outpatient medications|meds|"
        "medications prior to admission|allergies|allergy|immunizations|"
        "prior to admission medications",
    ),
    (
        "other",
        "history of present illness|hpi|chief complaint|cc|reason for visit|"
        "review of systems|ros|physical exam|physical examination|exam|examination|"
        "vital signs|vitals|subjective|objective|labs|laboratory|results|"
        "laboratory data|data|data reviewed|imaging|radiology|studies|"
        "hospital course|brief hospital course|interval history|procedures|"
        "procedure|consults|condition at discharge|discharge condition|"
        "discharge medications|discharge instructions|follow up|follow-up",
    ),
):
    for _name in _names.split("|"):
        _TITLES[_name] = _group  # type: ignore[assignment]


class Section(NamedTuple):
    group: SectionGroup
    start: int
    end: int


def sections(text: str) -> list[Section]:
    """The note's sections in order; text before the first title is `other`."""
    found: list[Section] = []
    group: SectionGroup = "other"
    start = 0
    padded = "\n" + text
    for match in _HEADING.finditer(padded):
        title = match.group(1).lower()
        named = _TITLES.get(title) or _TITLES.get(canonical(title))
        if named is None:
            continue
        line = match.start()  # the newline before the title is text[line - 1]
        if line > start or found:
            found.append(Section(group, start, line))
        body = match.end() - 1
        group, start = named, body + 1 if text.startswith(":", body) else body
    found.append(Section(group, start, len(text)))
    return found


def has_assessment(parts: list[Section]) -> bool:
    return any(part.group == "assessment" for part in parts)


def trie_pattern(phrases: Iterable[str], *, ignore_case: bool = False) -> re.Pattern[str]:
    """A regex matching any phrase (in `canonical` form) as whole words, longest first;
    without `ignore_case` it expects lower-case text, which is faster.

    The alternation is a trie, so matching costs one branch per character at a position;
    a space in a phrase matches any run of spaces or hyphens.
    """
    trie = _trie(phrases)
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(r"(?<!\w)(?:" + _trie_regex(trie) + r")(?!\w)", flags)


def _trie(phrases: Iterable[str]) -> dict[str, dict]:
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for char in canonical(phrase):
            node = node.setdefault(char, {})
        node[""] = {}
    return trie


def _trie_regex(node: dict[str, dict]) -> str:
    branches = []
    ends = "" in node
    for char in sorted(char for char in node if char):
        step = r"[\s\-]+" if char == " " else re.escape(char)
        branches.append(step + _trie_regex(node[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body


def canonical(phrase: str) -> str:
    """A lexicon phrase in the form `matches` yields."""
    return " ".join(phrase.lower().replace("-", " ").split())


# run over "\n" + text, so that a title is a line's start after a newline (a literal
# prefix the regex engine finds fast) and ends at a colon or the end of its line
_HEADING = re.compile(
    r"\n[ \t>*#-]*(" + _trie_regex(_trie(_TITLES)) + r")[ \t]*(?=:|\n|$)", re.IGNORECASE
)

"""Specificity from the words around a condition: the site, type or stage its sentence
states.

ICD-10-CM Official Guidelines FY2026 I.B.2-3: a code to the highest specificity the record
supports, an unspecified code only when nothing more is documented. The matched words
often name the condition alone ("cellulitis", "migraine") while their sentence says more
("of the left lower leg", "without aura, intractable"). For an unspecified code, every
billable code of its category is read against the sentence: a code stands when each word
its title adds is in the sentence (a site by its part: "great toe" is the foot, "cheek" the
face), with the same polarity ("without aura" is not "with aura"; "no acute chest syndrome"
is no chest syndrome); of those, the one whose title the sentence states the most of.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .icd10cm import CodeSet

_TOKEN = re.compile(r"[a-z0-9]+|[,;:()]")
_BOUNDARY = re.compile(r"(?<!\d)\.(?!\d)|[;\n]")
_NEGATORS = frozenset({"no", "not", "without", "negative", "denies", "absent"})
_NON = re.compile(r"\bnon[- ]")  # "non-pressure" is one word, no negation
_SCOPE_END = frozenset({",", ";", ":", "(", ")", "but", "with", "and"})
# words a title may add without the sentence saying them
_SOFT = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "to",
        "for",
        "by",
        "at",
        "as",
        "or",
        "and",
        "with",
        "other",
        "unspecified",
        "site",
        "sites",
        "part",
        "parts",
        "region",
        "encounter",
        "initial",
        "subsequent",
        "sequela",
        "current",
        "injury",
        "due",
        "type",
        "gestational",
        "age",
        "weeks",
        "elsewhere",
        "classified",
        "specified",
        "than",
        "more",
    }
)
_NEG = "-"
# a site word stands for the larger parts it belongs to
_PARTS: Mapping[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("toe", "hallux", "mtp", "metatarsophalangeal", "heel", "sole", "midfoot", "forefoot"),
        ("foot", "lower", "limb", "extremity"),
    ),
    **dict.fromkeys(("foot", "ankle"), ("lower", "limb", "extremity")),
    **dict.fromkeys(("calf", "shin"), ("leg", "lower", "limb", "extremity")),
    **dict.fromkeys(("leg", "thigh", "knee"), ("lower", "limb", "extremity")),
    **dict.fromkeys(("finger", "thumb", "palm"), ("hand", "upper", "limb", "extremity")),
    **dict.fromkeys(("hand", "wrist", "forearm", "elbow", "arm"), ("upper", "limb", "extremity")),
    **dict.fromkeys(
        ("cheek", "forehead", "nose", "nasal", "chin", "jaw", "temple", "eyebrow"), ("face",)
    ),
    **dict.fromkeys(("back", "chest", "abdomen", "flank", "buttock"), ("trunk",)),
    "lle": ("left", "lower", "extremity", "limb", "leg"),
    "rle": ("right", "lower", "extremity", "limb", "leg"),
    "lue": ("left", "upper", "extremity", "limb", "arm"),
    "rue": ("right", "upper", "extremity", "limb", "arm"),
    "rlq": ("right", "lower", "quadrant"),
    "llq": ("left", "lower", "quadrant"),
    "ruq": ("right", "upper", "quadrant"),
    "luq": ("left", "upper", "quadrant"),
    "mca": ("middle", "cerebral", "artery"),
    "aca": ("anterior", "cerebral", "artery"),
    "pca": ("posterior", "cerebral", "artery"),
}
_MAX_LEAVES = 400
Children = Callable[[str], tuple[str, ...]]  # the tabular's direct children of an item


@dataclass(frozen=True, slots=True)
class Title:
    """A title as units: each unit one word, or words joined by "and"/"or" of which one
    is enough ("ankle and foot"), a word after a negator marked negative."""

    units: tuple[frozenset[str], ...]
    unspecified: bool

    @property
    def words(self) -> frozenset[str]:
        return frozenset(w for unit in self.units for w in unit)


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence of `text` holding start:end (a decimal point is no boundary)."""
    # the last boundary before `start`, looked for backwards a window at a time (a
    # boundary is one character: none straddles two windows), not from the text's start
    # for every mention
    begin, low = 0, start
    while low > 0:
        low = max(0, low - _LOOK_BACK)
        before = [m.end() for m in _BOUNDARY.finditer(text, low, start)]
        if before:
            begin = before[-1]
            break
    after = _BOUNDARY.search(text, end)
    return text[begin : after.start() if after else len(text)]


_LOOK_BACK = 200


def title(description: str) -> Title:
    """A tabular title read as units (see Title)."""
    units: list[frozenset[str]] = []
    join = False
    for word, negative in _polar(description):
        if word in ("and", "or") and units:
            join = True
            continue
        if word in _SOFT or word in _NEGATORS:
            continue
        token = _NEG + word if negative else word
        if join and units:
            units[-1] = units[-1] | {token}
        else:
            units.append(frozenset({token}))
        join = False
    return Title(tuple(units), "unspecified" in description.lower())


def sentence_words(sentence: str) -> frozenset[str]:
    """The sentence's words with their polarity, each site with its larger parts."""
    words: set[str] = set()
    for word, negative in _polar(sentence):
        for token in (word, *_PARTS.get(word, ())):
            words.add(_NEG + token if negative else token)
    return frozenset(words)


def _polar(text: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    negative = False
    for token in _TOKEN.findall(_NON.sub("non", text.lower())):
        if token in _SCOPE_END or not token[0].isalnum():
            negative = False
            if token.isalnum():
                out.append((token, False))
            continue
        if token in _NEGATORS:
            negative = True
            out.append((token, False))
            continue
        out.append((_stem(token), negative))
    return out


def _letter(unit: frozenset[str]) -> bool:
    # a lone letter ("hepatitis B", "type C") is read in a sentence too loosely to decide
    return any(len(w.lstrip(_NEG)) == 1 and w.lstrip(_NEG).isalpha() for w in unit)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Leaves:
    """The billable codes of a category with their titles, read once per category and code
    set year (the cache the guideline tables hold)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[tuple[str, Title], ...]] = {}

    def of(
        self, category: str, code_set: CodeSet, children: Children
    ) -> tuple[tuple[str, Title], ...]:
        key = (code_set.label, category)
        found = self._seen.get(key)
        if found is None:
            found = tuple(
                (leaf, title(code_set.lookup(leaf).description))
                for leaf in _billable_below(category, code_set, children)
            )
            self._seen[key] = found
        return found


def _billable_below(category: str, code_set: CodeSet, children: Children) -> list[str]:
    found: list[str] = []
    stack = list(reversed(children(category)))
    while stack and len(found) < _MAX_LEAVES:
        item = stack.pop()
        if code_set.lookup(item).billable:
            found.append(item)
        else:
            stack.extend(reversed(children(item)))
    return found


def specific_from_sentence(
    code: str, sentence: str, code_set: CodeSet, leaves: Leaves, children: Children
) -> str:
    """The code the sentence supports best for an unspecified `code` (module docstring);
    `code` itself when no code of its category says more that the sentence states."""
    entry = code_set.lookup(code)
    if not entry.known or "unspecified" not in entry.description.lower() or code[:1] == "Z":
        return code
    said = sentence_words(sentence)
    own = title(entry.description).words
    seventh = code[-1] if len(code) == 8 else None
    best: tuple[tuple[int, int, int], str] | None = None  # the first of equals wins
    for leaf, leaf_title in leaves.of(code[:3], code_set, children):
        if leaf == code or (seventh is not None and (len(leaf) != 8 or leaf[-1] != seventh)):
            continue
        # the same condition said more precisely keeps at least half the words of its
        # unspecified title ("vomiting" is not "nausea"; "depressive disorder, single
        # episode" is not "depression")
        if 2 * len(leaf_title.words & own) < len(own):
            continue
        added = [unit for unit in leaf_title.units if not unit & own]
        if not added or any(not unit & said or _letter(unit) for unit in added):
            continue
        unsaid = len(leaf_title.words - said)
        score = (len(added), -unsaid, -int(leaf_title.unspecified))
        if best is None or score > best[0]:
            best = (score, leaf)
    return best[1] if best is not None else code

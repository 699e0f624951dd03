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
_OF_WHAT_IS_DENIED = frozenset(
    {"sign", "signs", "evidence", "history", "symptoms", "features", "episodes", "complaints"}
)
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
        ("cheek", "forehead", "nose", "nasal", "chin", "jaw", "temple", "eyebrow"),
        ("face", "head"),
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
    # the breast's quadrants (C50.2- to C50.5-, N63.1- to N63.4-)
    "uoq": ("upper", "outer", "quadrant"),
    "uiq": ("upper", "inner", "quadrant"),
    "loq": ("lower", "outer", "quadrant"),
    "liq": ("lower", "inner", "quadrant"),
    "mca": ("middle", "cerebral", "artery"),
    "aca": ("anterior", "cerebral", "artery"),
    "pca": ("posterior", "cerebral", "artery"),
}
_MAX_LEAVES = 2000
_MAX_CANDIDATE_CODES = 50_000
Children = Callable[[str], tuple[str, ...]]  # the tabular's direct children of an item


@dataclass(frozen=True, slots=True)
class Title:
    """A title as units: each unit one word, or words joined by "and"/"or" of which one
    is enough ("ankle and foot"), a word after a negator marked negative."""

    units: tuple[frozenset[str], ...]
    unspecified: bool
    words: frozenset[str] = frozenset()  # every unit's words (title() fills it in)
    lettered: bool = False  # a unit is a lone letter (title() fills it in; see _letter)


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence of `text` holding start:end (a decimal point is no boundary)."""
    after = _BOUNDARY.search(text, end)
    return text[_sentence_start(text, start) : after.start() if after else len(text)]


def _sentence_start(text: str, start: int) -> int:
    """Where the sentence holding `start` begins: after the last boundary before it (a
    ";", a line break, or a "." with no digit on either side: _BOUNDARY), else 0. Looked
    for backwards from `start` in C, not by reading the text from its start."""
    other = max(text.rfind(";", 0, start), text.rfind("\n", 0, start))
    dot = start
    while True:
        dot = text.rfind(".", 0, dot)
        if dot <= other:
            return other + 1  # other is -1 when there is none: the text's start
        if not (dot > 0 and text[dot - 1].isdecimal()) and not (
            dot + 1 < len(text) and text[dot + 1].isdecimal()
        ):
            return dot + 1


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
    words = frozenset(w for unit in units for w in unit)
    lettered = any(_letter(unit) for unit in units)
    return Title(tuple(units), "unspecified" in description.lower(), words, lettered)


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
    previous = ""
    for token in _TOKEN.findall(_NON.sub("non", text.lower())):
        # "without foreign body of the left index finger": the site is not negated, but
        # "no signs of fracture" is
        ends = token == "of" and previous not in _OF_WHAT_IS_DENIED
        previous = token
        if ends or token in _SCOPE_END or not token[0].isalnum():
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
        # (code set, category) -> word -> the places of the leaves whose titles have it
        self._by_word: dict[tuple[str, str], dict[str, tuple[int, ...]]] = {}
        self._titles: dict[str, Title] = {}
        # (code set, code) -> more_specific_candidates(code)
        self._candidates: dict[
            tuple[str, str], tuple[tuple[Candidate, ...], frozenset[str]] | None
        ] = {}

    def more_specific(
        self, code: str, code_set: CodeSet, children: Children
    ) -> tuple[tuple[Candidate, ...], frozenset[str]] | None:
        """more_specific_candidates(code), read once per code and code set year (bounded)."""
        key = (code_set.label, code)
        if key in self._candidates:
            return self._candidates[key]
        found = more_specific_candidates(code, code_set, self, children)
        if len(self._candidates) < _MAX_CANDIDATE_CODES:
            self._candidates[key] = found
        return found

    def title_of(self, description: str) -> Title:
        """title(description), read once."""
        found = self._titles.get(description)
        if found is None:
            found = self._titles[description] = title(description)
        return found

    def sharing(
        self,
        category: str,
        code_set: CodeSet,
        children: Children,
        words: frozenset[str],
        least: int,
    ) -> list[tuple[str, Title]]:
        """The leaves of `of`, in its order, whose titles have at least `least` of `words`
        (looked up by word, not by reading every leaf)."""
        leaves = self.of(category, code_set, children)
        if least <= 0:
            return list(leaves)
        key = (code_set.label, category)
        index = self._by_word.get(key)
        if index is None:
            places: dict[str, list[int]] = {}
            for place, (_, leaf_title) in enumerate(leaves):
                for word in leaf_title.words:
                    places.setdefault(word, []).append(place)
            index = self._by_word[key] = {w: tuple(p) for w, p in places.items()}
        counts: dict[int, int] = {}
        for word in words:
            for place in index.get(word, ()):
                counts[place] = counts.get(place, 0) + 1
        return [leaves[p] for p in sorted(p for p, n in counts.items() if n >= least)]

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
    found = leaves.more_specific(code, code_set, children)
    if found is None:
        return code
    candidates, added_words = found
    said = sentence_words(sentence)
    if said.isdisjoint(added_words):
        return code  # the sentence states none of the words any candidate adds
    best: tuple[tuple[int, int, int], str] | None = None  # the first of equals wins
    for leaf, added, leaf_title in candidates:
        score = _score(added, leaf_title, said)
        if score is not None and (best is None or score > best[0]):
            best = (score, leaf)
    return best[1] if best is not None else code


Candidate = tuple[str, tuple[frozenset[str], ...], Title]  # leaf, the units it adds, title


def more_specific_candidates(
    code: str, code_set: CodeSet, leaves: Leaves, children: Children
) -> tuple[tuple[Candidate, ...], frozenset[str]] | None:
    """What specific_from_sentence reads a sentence against for `code`, which depends on
    the code alone: the billable codes of its category that could replace it, each with
    the title units it adds (none of them a lone letter), and every word those units hold;
    None for a code that is not an unspecified one (or a Z code)."""
    entry = code_set.lookup(code)
    if not entry.known or "unspecified" not in entry.description.lower() or code[:1] == "Z":
        return None
    own = leaves.title_of(entry.description).words
    # the 7th character of an encounter (A, D, S...) is kept; a "0" says the stage or the
    # fetus is not given (H40.1130 "stage unspecified"), which the sentence may give
    seventh = code[-1] if len(code) == 8 and code[-1] != "0" else None
    # the same condition said more precisely keeps at least half the words of its
    # unspecified title ("vomiting" is not "nausea"; "depressive disorder, single
    # episode" is not "depression")
    half = (len(own) + 1) // 2
    candidates: list[Candidate] = []
    for leaf, leaf_title in leaves.sharing(code[:3], code_set, children, own, half):
        if leaf == code or (seventh is not None and (len(leaf) != 8 or leaf[-1] != seventh)):
            continue
        added = tuple(unit for unit in leaf_title.units if not unit & own)
        if not added or any(_letter(unit) for unit in added):
            continue  # nothing a sentence could state, or a letter read too loosely
        candidates.append((leaf, added, leaf_title))
    words = frozenset(w for _, added, _ in candidates for unit in added for w in unit)
    return tuple(candidates), words


def _score(
    added: tuple[frozenset[str], ...], leaf_title: Title, said: frozenset[str]
) -> tuple[int, int, int] | None:
    # every added word said, a "without ..." one unless its opposite is (the tabular's
    # default: "laceration" is without foreign body); ranked by the words said (no added
    # unit is a lone letter: the callers leave out a title with one)
    stated = 0
    for unit in added:
        if unit & said:
            stated += 1
        elif not all(w.startswith(_NEG) and w[1:] not in said for w in unit):
            return None
    if not stated:
        return None
    return (stated, -len(leaf_title.words - said), -int(leaf_title.unspecified))


# an injury of an unspecified body region (T14) is coded by the region its sentence names:
# the region's superficial injury (S_0) and open wound (S_1) categories
_INJURY_REGIONS: Mapping[str, str] = {
    **dict.fromkeys(
        ("head", "scalp", "face", "forehead", "chin", "cheek", "lip", "eyelid", "nose", "ear"),
        "0",
    ),
    "neck": "1",
    **dict.fromkeys(("chest", "thorax", "breast"), "2"),
    **dict.fromkeys(("abdomen", "abdominal", "flank", "buttock", "pelvis"), "3"),
    **dict.fromkeys(("shoulder", "upper arm"), "4"),
    **dict.fromkeys(("elbow", "forearm"), "5"),
    **dict.fromkeys(("wrist", "hand", "finger", "thumb", "palm"), "6"),
    **dict.fromkeys(("hip", "thigh"), "7"),
    **dict.fromkeys(("knee", "leg", "shin", "calf"), "8"),
    **dict.fromkeys(("ankle", "foot", "toe", "heel"), "9"),
}
_UNSPECIFIED_INJURY = frozenset({"T14.8XXA", "T14.8XXD", "T14.8XXS", "T14.90XA", "T14.90XD"})
_INJURY_IMPLIES: Mapping[str, tuple[str, ...]] = {"bite": ("open",), "puncture": ("open",)}


def injury_of_region(
    code: str, sentence: str, code_set: CodeSet, leaves: Leaves, children: Children
) -> str:
    """I.C.19.b: an injury is coded by its site and kind. An injury of unspecified region
    (T14.8-, T14.90-) whose sentence names the region and the kind ("laceration of the
    chin", "dog bite of the right hand") is the region's code (S01.81XA, S61.451A), its
    7th character kept; `code` itself when the sentence names none."""
    if code not in _UNSPECIFIED_INJURY:
        return code
    said = sentence_words(sentence)
    said = said | {w for word in said for w in _INJURY_IMPLIES.get(word, ())}
    regions = sorted({_INJURY_REGIONS[w] for w in said if w in _INJURY_REGIONS})
    best: tuple[tuple[int, int, int], str] | None = None
    for region in regions:
        for kind in ("0", "1"):
            # a leaf none of whose words the sentence says cannot score (_score)
            category = f"S{region}{kind}"
            for leaf, leaf_title in leaves.sharing(category, code_set, children, said, 1):
                if leaf[-1] != code[-1] or len(leaf) != 8:
                    continue
                if leaf_title.lettered:
                    continue  # a lone letter is read in a sentence too loosely (_score)
                score = _score(leaf_title.units, leaf_title, said)
                if score is not None and (best is None or score > best[0]):
                    best = (score, leaf)
    return best[1] if best is not None else code


# G43 (Tabular note): intractable is pharmacoresistant, treatment resistant, refractory or
# poorly controlled; a migraine not said to be one is not intractable, and is with status
# migrainosus only when the sentence says so
_INTRACTABLE = re.compile(
    r"\b(?:intractable|refractory|pharmacoresistant|treatment[- ]resistant|poorly controlled)\b"
    # a modifier of the migraine, not of the next condition ("refractory hypertension")
    r"(?=\s*(?:[,.;)]|$|(?:on|despite|to|with|chronic|episodic|migraines?|headaches?)\b))"
)
_NOT_INTRACTABLE = re.compile(r"\b(?:not|non)[- ]?(?:intractable|refractory)\b")
_STATUS_MIGRAINOSUS = re.compile(r"\bstatus migrainosus\b")
_NO_STATUS_MIGRAINOSUS = re.compile(
    r"\b(?:no|not|without|denies|negative for)\b[^.;,]{0,30}?\bstatus migrainosus\b"
)


def migraine_by_sentence(code: str, sentence: str, code_set: CodeSet) -> str:
    """A migraine's intractability (5th character 0/1) and status migrainosus (6th, 1/9)
    as its sentence states them (G43.701 from "chronic migraine" alone is G43.709;
    "chronic migraine without aura, intractable, no status migrainosus" G43.719); `code`
    itself for another code, or where the code so built is not billable."""
    if not code.startswith("G43."):
        return code
    tail = code[4:]
    said = sentence.lower()
    intractable = bool(_INTRACTABLE.search(said)) and not _NOT_INTRACTABLE.search(said)
    status = bool(_STATUS_MIGRAINOSUS.search(said)) and not _NO_STATUS_MIGRAINOSUS.search(said)
    if len(tail) == 3 and tail[1] in "01" and tail[2] in "19":
        built = f"G43.{tail[0]}{int(intractable)}{1 if status else 9}"
    elif len(tail) == 2 and tail[1] in "01":
        built = f"G43.{tail[0]}{int(intractable)}"
    else:
        return code
    return built if code_set.lookup(built).billable else code


# I.C.10.c: influenza whose virus the provider names ("influenza A", "flu B", "type A
# influenza") is due to an identified influenza virus (J10), not an unidentified one (J11)
_INFLUENZA_TYPED = re.compile(
    r"\b(?:influenza|flu)\s*(?:type\s*)?(?-i:[AB])\b|\btype\s*(?-i:[AB])\s+(?:influenza|flu)\b",
    re.IGNORECASE,
)
_TEST_NEGATIVE = re.compile(r"\b(?:negative|neg|not\s+detected|ruled\s+out)\b|\(-\)", re.I)


def influenza_by_sentence(code: str, sentence: str, code_set: CodeSet) -> str:
    """J11.- (unidentified virus) as J10.- when the sentence names the influenza's type
    and says no test negative; `code` itself otherwise. The caller passes only a present
    influenza: a probable one is coded as unidentified (I.C.10.c)."""
    if not code.startswith("J11.") or _INFLUENZA_TYPED.search(sentence) is None:
        return code
    if _TEST_NEGATIVE.search(sentence):
        return code  # "rapid influenza A PCR negative, treat empirically"
    identified = "J10" + code[3:]
    return identified if code_set.lookup(identified).billable else code


# Index: Fracture, rib S22.3- (one rib), multiple S22.4-: "rib fractures", "fractured ribs"
_RIBS_PLURAL = re.compile(
    r"\b(?:rib\s+fractures|fractured\s+ribs|fractures\s+of\s+(?:the\s+)?ribs)\b", re.I
)


def ribs_by_words(code: str, words: str, code_set: CodeSet) -> str:
    """A fracture of one rib (S22.3-) whose words are plural ("left rib fractures") is the
    multiple fractures of ribs of that side (S22.4-), its 7th character kept; `code` itself
    otherwise."""
    if not code.startswith("S22.3") or _RIBS_PLURAL.search(words) is None:
        return code
    multiple = "S22.4" + code[5:]
    return multiple if code_set.lookup(multiple).billable else code

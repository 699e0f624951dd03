"""The matcher: the conditions a text names, with their words, context and section.

One tokenisation per text (the source's analysis, shared with the other readers:
analysis.py); every window of up to MAX_WORDS words (stopwords may sit between words,
never at the ends) is one dict probe in the term index (index.py), so the work is linear
in the text. Windows stop at a sentence break and at a word no term contains. Of
overlapping matches the one with more words wins (the more specific term: "acute
myocardial infarction" over "infarction"), then the earlier; a sure match (confidence
_INNER_CONFIDENCE or more) inside it that names another category is kept too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..results import Evidence
from .analysis import Analysis
from .context import Context
from .index import _MASK, LEARNED, MAX_WORDS, Entry, TermIndex
from .mentions import Mention, TextSource
from .tokens import BREAK_CHARS, STOPWORDS, normal

_MAX_STOPS = 2  # stopwords in a row inside a term ("fracture of the neck of femur")
_NORM_CACHE_LIMIT = 200_000
_QUALIFIERS = {
    "left": "left",
    "right": "right",
    "bilateral": "bilateral",
    "both": "bilateral",
    "acute": "acute",
    "chronic": "chronic",
    "subacute": "subacute",
    "recurrent": "recurrent",
    "initial": "initial",
    "subsequent": "subsequent",
    "sequela": "sequela",
    "sequelae": "sequela",
    "first": "trimester:1",
    "second": "trimester:2",
    "third": "trimester:3",
}
_INNER_CONFIDENCE = 0.7
_QUALIFIER_REACH = 4  # words either side of a match
_ENCOUNTER = frozenset({"initial", "subsequent", "sequela"})
_ENCOUNTER_REACH = 16  # words after a match where its sentence may say the encounter
_DENIED_BY = frozenset({"no", "not", "without", "non", "nor"})  # a qualifier they deny


def find_mentions(
    sources: Iterable[TextSource],
    index: TermIndex,
    learned_floor: Callable[[str], float] | None = None,
) -> list[Mention]:
    """Every mention in `sources`, in source order, then text order. `learned_floor` gives
    for a source's kind the confidence below which a learned association is no match
    there (see mentions_in)."""
    out: list[Mention] = []
    for source in sources:
        floor = learned_floor(source.kind) if learned_floor is not None else 0.0
        out.extend(mentions_in(source, index, learned_floor=floor))
    return out


def mentions_in(
    source: TextSource,
    index: TermIndex,
    context: Context | None = None,
    *,
    learned_floor: float = 0.0,
) -> list[Mention]:
    """The mentions of one source (read through its shared `analysis`). Pass `context`
    when it is already built for the text. A learned association (rule LEARNED) less sure
    than `learned_floor` is no match: it neither becomes a mention nor, as the longer
    match of its words, hides the names inside it."""
    analysis = source.analysis
    words = analysis.words
    if not words:
        return []
    matches = _matches(words, index, learned_floor)
    if not matches:
        return []
    ctx = context if context is not None else analysis.context
    text, starts, ends = source.text, analysis.starts, analysis.ends
    qualifiers = _qualifier_words(analysis)
    section_at = analysis.section_map.at
    assertion_of = ctx.assertion_of
    name = source.source
    out: list[Mention] = []
    for i, j, entries in matches:
        start, end = starts[i], ends[j]
        assertion = assertion_of(i, j)
        section = section_at(start)
        attributes = _qualifiers(qualifiers, analysis.lower, i, j)
        evidence = Evidence(name, text[start:end], start, end)
        for entry in _chosen(entries):
            out.append(
                Mention(
                    entry.code,
                    evidence,
                    entry.rule,
                    entry.confidence,
                    assertion,
                    section,
                    attributes,
                )
            )
    return out


def _chosen(entries: tuple[Entry, ...]) -> list[Entry]:
    """The best entry, and those nearly as good naming another category (a phrase that
    names two conditions: a combination term and its parts)."""
    best = entries[0]
    chosen = [best]
    seen = {best.code[:3]}
    for e in entries[1:]:
        if e.confidence >= 0.8 * best.confidence and e.code[:3] not in seen:
            chosen.append(e)
            seen.add(e.code[:3])
    return chosen


_BREAK = (None, False)


def _word_info(
    words: list[str], index: TermIndex
) -> list[tuple[tuple[int, int, int] | None, bool]]:
    """Each token's (vocabulary entry or None, is a stopword), a sentence break (None,
    False). Each distinct surface word is normalised once per index (bounded cache): the
    words already seen are looked up in one pass in C."""
    cache = index.norm_cache
    info = list(map(cache.get, words))
    if None not in info:
        return info  # type: ignore[return-value]
    for k in [k for k, v in enumerate(info) if v is None]:
        word = words[k]
        found = cache.get(word)
        if found is None:
            if word[0] in BREAK_CHARS:
                found = _BREAK
            else:
                w = word if word in index.case_words else normal(word)
                found = (index.vocab.get(w), w in STOPWORDS)
            if len(cache) < _NORM_CACHE_LIMIT:
                cache[word] = found
        info[k] = found
    return info  # type: ignore[return-value]


def _matches(
    words: list[str], index: TermIndex, learned_floor: float = 0.0
) -> list[tuple[int, int, tuple[Entry, ...]]]:
    """Non-overlapping (first token, last token, entries) matches, in text order; the
    learned entries below `learned_floor` left out of each hit (a hit of none left is none)."""
    entries = index.entries
    info = _word_info(words, index)
    n = len(info)
    found: list[tuple[int, int, int, tuple[Entry, ...]]] = []
    for i in [k for k, v in enumerate(info) if v[0] is not None]:
        total = 0
        count = 0
        limit = MAX_WORDS
        ids: list[int] = []
        stops = 0
        j = i
        while j < n:
            v, is_stop = info[j]
            if v is None:
                if is_stop and stops < _MAX_STOPS:
                    stops += 1
                    j += 1
                    continue
                break
            stops = 0
            count += 1
            if v[2] < limit:
                limit = v[2]
            if count > limit:
                break
            total += v[0]
            ids.append(v[1])
            hit = entries.get((count, total & _MASK))
            if hit is not None and hit[0] == tuple(sorted(ids)):
                sure = hit[1]
                if learned_floor and any(e.rule == LEARNED for e in sure):
                    sure = tuple(
                        e for e in sure if e.rule != LEARNED or e.confidence >= learned_floor
                    )
                if sure:
                    found.append((count, i, j, sure))
            j += 1
    if not found:
        return []
    found.sort(key=lambda f: (-f[0], f[1]))
    taken = bytearray(n)
    kept: list[tuple[int, int, tuple[Entry, ...]]] = []
    inner: list[tuple[int, int, tuple[Entry, ...]]] = []
    for _, i, j, named_codes in found:
        if any(taken[i : j + 1]):
            if named_codes[0].confidence >= _INNER_CONFIDENCE:
                inner.append((i, j, named_codes))
            continue
        taken[i : j + 1] = b"\x01" * (j + 1 - i)
        kept.append((i, j, named_codes))
    if inner:
        # a sure term inside a longer match that names another category is a condition of
        # its own ("fever" inside a longer phrase learned for the pain beside it)
        outer = list(kept)
        for i, j, named_codes in inner:
            named = {e.code[:3] for a, b, h in outer if a <= j and i <= b for e in h}
            if named_codes[0].code[:3] not in named:
                kept.append((i, j, named_codes))
    kept.sort()
    return kept


_BREAK_MARK = "|"  # a sentence break among the qualifier words


def _qualifier_words(analysis: Analysis) -> list[str | None]:
    """Each token's qualifier (_QUALIFIERS), _BREAK_MARK for a sentence break, else None."""
    qualifiers: list[str | None] = list(map(_QUALIFIERS.get, analysis.lower))
    for k in analysis.breaks:  # no qualifier is a break token
        qualifiers[k] = _BREAK_MARK
    return qualifiers


def _qualifiers(qualifiers: list[str | None], lower: list[str], i: int, j: int) -> frozenset[str]:
    found: set[str] = set()
    lo = max(0, i - _QUALIFIER_REACH)
    hi = min(len(qualifiers), j + 1 + _QUALIFIER_REACH)
    for k in range(lo, hi):
        q = qualifiers[k]
        if q is None:
            continue
        if q == _BREAK_MARK:
            if k < i:
                found.clear()
                continue
            break
        if k > 0 and lower[k - 1] in _DENIED_BY:
            continue  # "(no acute chest syndrome)", "no acute distress": not this one's
        found.add(q)
    if not found & _ENCOUNTER:
        # "initial encounter", "subsequent encounter", "sequela" name the 7th character of
        # the whole diagnostic statement: read them to the end of the sentence
        end = min(len(qualifiers), j + 1 + _ENCOUNTER_REACH)
        for k in range(hi, end):
            q = qualifiers[k]
            if q == _BREAK_MARK:
                break
            if q == "sequela" or (q in _ENCOUNTER and lower[k + 1 : k + 2] == ["encounter"]):
                found.add(q)
                break
    if not found:
        return _NONE
    trimester = "trimester:1" in found or "trimester:2" in found or "trimester:3" in found
    if trimester and "trimester" not in lower[lo:hi]:
        found -= {"trimester:1", "trimester:2", "trimester:3"}
    if "acute" in found and "chronic" in found:
        found.add("acute_on_chronic")
    return frozenset(found)


_NONE: frozenset[str] = frozenset()

"""The matcher: the conditions a text names, with their words, context and section.

One tokenisation per text; every window of up to MAX_WORDS words (stopwords may sit
between words, never at the ends) is one dict probe in the term index (index.py), so the
work is linear in the text. Windows stop at a sentence break and at a word no term
contains. Of overlapping matches the one with more words wins (the more specific term:
"acute myocardial infarction" over "infarction"), then the earlier; a sure match
(confidence _INNER_CONFIDENCE or more) inside it that names another category is kept too.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..results import Evidence
from .context import Context
from .index import _MASK, MAX_WORDS, Entry, TermIndex
from .mentions import Mention, TextSource
from .tokens import STOPWORDS, normal, spans

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


def find_mentions(sources: Iterable[TextSource], index: TermIndex) -> list[Mention]:
    """Every mention in `sources`, in source order, then text order."""
    out: list[Mention] = []
    for source in sources:
        out.extend(mentions_in(source, index))
    return out


def mentions_in(
    source: TextSource, index: TermIndex, context: Context | None = None
) -> list[Mention]:
    """The mentions of one source. Pass `context` when it is already built for the text."""
    text = source.text
    toks = spans(text)
    if not toks:
        return []
    matches = _matches(toks, index)
    if not matches:
        return []
    ctx = context if context is not None else Context(text, toks)
    out: list[Mention] = []
    for i, j, entries in matches:
        start, end = toks[i][1], toks[j][2]
        assertion = ctx.assertion(start, end)
        section = ctx.section_at(start)
        attributes = _qualifiers(toks, i, j)
        evidence = Evidence(source.source, text[start:end], start, end)
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
    toks: list[tuple[str, int, int, bool]], index: TermIndex
) -> list[tuple[tuple[int, int, int] | None, bool]]:
    """Each token's (vocabulary entry or None, is a stopword), a sentence break (None,
    False). Each distinct surface word is normalised once per index (bounded cache)."""
    cache = index.norm_cache
    out: list[tuple[tuple[int, int, int] | None, bool]] = []
    append = out.append
    for word, _, _, is_break in toks:
        if is_break:
            append(_BREAK)
            continue
        info = cache.get(word)
        if info is None:
            w = word if word in index.case_words else normal(word)
            info = (index.vocab.get(w), w in STOPWORDS)
            if len(cache) < _NORM_CACHE_LIMIT:
                cache[word] = info
        append(info)
    return out


def _matches(
    toks: list[tuple[str, int, int, bool]], index: TermIndex
) -> list[tuple[int, int, tuple[Entry, ...]]]:
    """Non-overlapping (first token, last token, entries) matches, in text order."""
    entries = index.entries
    info = _word_info(toks, index)
    n = len(toks)
    found: list[tuple[int, int, int, tuple[Entry, ...]]] = []
    for i in range(n):
        if info[i][0] is None:
            continue
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
                found.append((count, i, j, hit[1]))
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


def _qualifiers(toks: list[tuple[str, int, int, bool]], i: int, j: int) -> frozenset[str]:
    found: set[str] = set()
    lo = max(0, i - _QUALIFIER_REACH)
    hi = min(len(toks), j + 1 + _QUALIFIER_REACH)
    for k in range(lo, hi):
        if toks[k][3]:
            if k < i:
                found.clear()
                continue
            break
        q = _QUALIFIERS.get(toks[k][0].lower())
        if q is not None:
            found.add(q)
    if "trimester:1" in found or "trimester:2" in found or "trimester:3" in found:
        words = {toks[k][0].lower() for k in range(lo, hi)}
        if "trimester" not in words:
            found -= {"trimester:1", "trimester:2", "trimester:3"}
    if "acute" in found and "chronic" in found:
        found.add("acute_on_chronic")
    return frozenset(found)

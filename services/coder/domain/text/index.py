"""The term index: every phrase a code can be named by, keyed for a linear scan.

A phrase's key is the multiset of its words' normal forms (tokens.normal), stopwords
left out, so word order, plurals and "of"/"with" do not matter ("fracture of femur",
"femur fractures"). Each word of the vocabulary gets a fixed 64-bit value; a key is the
number of its words and the sum of their values, which the matcher extends one word at a
time (an addition and a dict probe per window, no sorting, no regex over the term list);
a hit is confirmed against the sorted word ids, so a sum collision cannot match.

An entry is (code, rule, confidence): `rule` "tabular" (a description or inclusion term of
the ICD-10-CM tabular list), "synonym" (the curated clinical synonyms), "learned" (phrase
to code associations mined from annotated notes). One key may name several codes (a
learned association beside the tabular code); the index keeps them best first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .tokens import STOPWORDS, normal, tokenize

MAX_WORDS = 8
LEARNED = "learned"  # the rule of an association mined from annotated notes
_MASK = (1 << 64) - 1
# tokens that end a term: a condition named after them is another condition, negated
BREAK_WORDS = frozenset({"no", "not", "without", "nor", "w/o", "denies", "negative"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One code a phrase names: `confidence` 0 to 1 (how often the phrase means the code)."""

    code: str
    rule: str
    confidence: float
    phrase: str


@dataclass(frozen=True, slots=True)
class Term:
    """A phrase to index (the edge modules read them from the tabular list and data files).
    `case_sensitive` for abbreviations that are words too in lower case ("ALL", "AS")."""

    phrase: str
    code: str
    rule: str
    confidence: float
    case_sensitive: bool = False


def _mix(i: int) -> int:
    # splitmix64: a fixed, well-spread value per word id (the sums must not collide often)
    z = (i * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E5BB) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def phrase_words(phrase: str, case_sensitive: bool = False) -> list[str] | None:
    """The key words of a phrase (None when it has none or too many to index)."""
    out = []
    for t in tokenize(phrase):
        if t.kind != "w":
            continue
        w = t.text if case_sensitive and t.text.isupper() else normal(t.text)
        if w in STOPWORDS:
            continue
        if w in BREAK_WORDS:
            return None
        out.append(w)
    if not out or len(out) > MAX_WORDS:
        return None
    return out


class TermIndex:
    """Phrases keyed by word multisets (see the module docstring). Built once at start-up."""

    __slots__ = ("vocab", "entries", "size", "case_words", "norm_cache")

    def __init__(self) -> None:
        # normal form -> (word value, word id, the longest term the word is part of)
        self.vocab: dict[str, tuple[int, int, int]] = {}
        # (number of words, sum of values) -> (sorted word ids, entries best first)
        self.entries: dict[tuple[int, int], tuple[tuple[int, ...], tuple[Entry, ...]]] = {}
        # surface word -> (its vocabulary entry, is a stopword): the matcher normalises
        # each distinct word once
        self.norm_cache: dict[str, tuple[tuple[int, int, int] | None, bool]] = {}
        self.case_words: frozenset[str] = frozenset()
        self.size = 0

    @classmethod
    def build(cls, terms: Iterable[Term]) -> TermIndex:
        """An index of `terms`. Where one key names the same code twice, the higher
        confidence stays; the entries of a key are sorted by confidence, then rule."""
        grouped: dict[tuple[str, ...], dict[str, Entry]] = {}
        case_words: set[str] = set()
        for term in terms:
            ws = phrase_words(term.phrase, term.case_sensitive)
            if ws is None:
                continue
            if term.case_sensitive:
                case_words.update(w for w in ws if w.isupper())
            key = tuple(sorted(ws))
            codes = grouped.setdefault(key, {})
            old = codes.get(term.code)
            if old is None or term.confidence > old.confidence:
                codes[term.code] = Entry(term.code, term.rule, term.confidence, term.phrase)
        return cls.from_keys(
            {key: tuple(codes.values()) for key, codes in grouped.items()}, case_words
        )

    @classmethod
    def from_keys(
        cls, keys: dict[tuple[str, ...], tuple[Entry, ...]], case_words: Iterable[str] = ()
    ) -> TermIndex:
        """An index of keys already made (sorted key words -> entries): what `build` makes,
        and what a prebuilt index file holds (`rows` writes it)."""
        index = cls()
        vocab: dict[str, tuple[int, int, int]] = {}
        for key in keys:
            for w in key:
                if w not in vocab:
                    vocab[w] = (_mix(len(vocab) + 1), len(vocab) + 1, len(key))
                elif len(key) > vocab[w][2]:
                    value, wid, _ = vocab[w]
                    vocab[w] = (value, wid, len(key))
        for key, codes in keys.items():
            total = sum(vocab[w][0] for w in key) & _MASK
            ids = tuple(sorted(vocab[w][1] for w in key))
            ranked = tuple(sorted(codes, key=lambda e: (-e.confidence, e.rule, e.code)))
            slot = (len(key), total)
            if slot in index.entries:  # a sum collision: keep the first, drop the other
                continue
            index.entries[slot] = (ids, ranked)
        index.vocab = vocab
        index.case_words = frozenset(case_words)
        index.size = len(index.entries)
        return index

    def rows(self) -> Iterable[tuple[tuple[str, ...], tuple[Entry, ...]]]:
        """(sorted key words, entries) for every key: what `from_keys` takes back."""
        words = {wid: w for w, (_, wid, _) in self.vocab.items()}
        for ids, entries in self.entries.values():
            yield tuple(sorted(words[i] for i in ids)), entries

    def lookup(self, phrase: str) -> tuple[Entry, ...]:
        """The entries a whole phrase names (tests and tools; the matcher scans text)."""
        ws = phrase_words(phrase, case_sensitive=True)
        if ws is None:
            return ()
        ws = [normal(w) if w.isupper() and w not in self.case_words else w for w in ws]
        if any(w not in self.vocab for w in ws):
            return ()
        total = sum(self.vocab[w][0] for w in ws) & _MASK
        hit = self.entries.get((len(ws), total))
        if hit is None or hit[0] != tuple(sorted(self.vocab[w][1] for w in ws)):
            return ()
        return hit[1]

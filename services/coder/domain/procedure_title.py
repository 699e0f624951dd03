"""The procedure a procedure or operative note names on its title line, in any word order.

A procedure note says what was done on its "Procedure:" line, and clinicians write the
same operation in many orders ("distal radius fracture, closed reduction", "hernia repair,
umbilical, open"). When no keyword of the lexicon is found in that note as written, the
title line is read as a set of words: a keyword all of whose words (but the small ones) are
on the line names the procedure, the longest such keyword winning, and only when the
winners are one service (one family, sized by the line's measure and site).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .encounter import ClinicalNote
from .lexicon import Lexicon, LexiconEntry, words_of
from .procedure_units import choose_in_family, measures
from .wound_repair import site_in

TITLE_KINDS = frozenset({"procedure", "operative"})
_TITLE = re.compile(
    r"^[ \t]*(?:procedures?|operations?|name\s+of\s+(?:the\s+)?(?:procedure|operation))"
    r"(?:\s+performed)?[ \t]*:[ \t]*(?P<line>\S[^\n]*)$",
    re.IGNORECASE | re.MULTILINE,
)
_SMALL = frozenset(
    {"of", "the", "a", "an", "with", "and", "or", "for", "to", "in", "on", "by", "without"}
    | {"left", "right", "bilateral", "under", "using", "via"}
)
MIN_WORDS = 2


@dataclass(frozen=True)
class TitleHit:
    entry: LexiconEntry
    note: int
    start: int
    end: int
    text: str


def titled_procedures(notes: tuple[ClinicalNote, ...], lexicon: Lexicon) -> Iterator[TitleHit]:
    """Each procedure or operative note's title-line procedure, read in any word order."""
    for i, note in enumerate(notes):
        if note.kind not in TITLE_KINDS:
            continue
        for title in _TITLE.finditer(note.text):
            line = title.group("line")
            words = {key for key, _, _ in words_of(line)}
            best: list[LexiconEntry] = []
            size = 0
            # each keyword's words are read once per lexicon, not per note, and only the
            # keywords filed under a word of the line can be all on it
            filed = lexicon.word_sets(_SMALL)
            candidates = sorted(item for word in words for item in filed.get(word, ()))
            for _, entry, keys in candidates:
                if not entry.global_period:
                    continue  # procedures with a global period, not tests, drugs or supplies
                if len(keys) < MIN_WORDS or not keys <= words:
                    continue
                if len(keys) > size:
                    best, size = [entry], len(keys)
                elif len(keys) == size and entry not in best:
                    best.append(entry)
            if not best:
                continue
            families = {e.family or e.code for e in best}
            if len(families) != 1:
                continue
            pool = lexicon.family(best[0].family) if best[0].family else tuple(best)
            chosen = choose_in_family(pool, measures(line), site_in(line))
            if len(chosen) > 1:
                chosen = [e for e in chosen if e in best] or chosen
            if len(chosen) == 1:
                start = title.start("line")
                yield TitleHit(chosen[0], i, start, title.end("line"), line)

"""One reading of a text, shared by everything that reads it.

A note is read by the diagnosis matcher, the context rules, the sectionizer, the status
terms (medications, allergies, vaccines) and the procedure reader. Each used to tokenise
and sectionise the note again; an `Analysis` does each once per text and hands the same
lists to all of them:

- `words`, `starts`, `ends`: the tokens (tokens.py's rules) and their offsets, found by
  one compiled split of the text, the offsets added up from the pieces' lengths, so no
  Python runs per token to find them;
- `lower`: the tokens in lower case; `breaks`: the indices of the sentence breaks;
- `sections`, `section_at(offset)`: the titled sections (sections.py);
- `context`: the assertion scopes (context.py), found only when someone asks.

Everything but the tokens is computed on first use. An analysis never changes its text:
two readers of the same note get the same answers.
"""

from __future__ import annotations

from itertools import accumulate
from typing import TYPE_CHECKING

from .sections import Section, SectionMap, sections
from .tokens import BREAK_CHARS, TOKEN_SPLIT

if TYPE_CHECKING:
    from .context import Context


class Analysis:
    """The tokens, sections and context of one text (module docstring)."""

    __slots__ = (
        "text",
        "words",
        "starts",
        "ends",
        "_lower",
        "_breaks",
        "_sections",
        "_section_map",
        "_context",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        parts = TOKEN_SPLIT.split(text)  # separator, token, separator, ..., token, separator
        # the end of each piece: a token's start is the end of the separator before it
        ends = list(accumulate(map(len, parts)))
        self.words: list[str] = parts[1::2]
        self.starts: list[int] = ends[0:-1:2]
        self.ends: list[int] = ends[1::2]
        self._lower: list[str] | None = None
        self._breaks: list[int] | None = None
        self._sections: list[Section] | None = None
        self._section_map: SectionMap | None = None
        self._context: Context | None = None

    def __len__(self) -> int:
        return len(self.words)

    @property
    def lower(self) -> list[str]:
        """Each token in lower case."""
        if self._lower is None:
            self._lower = list(map(str.lower, self.words))
        return self._lower

    @property
    def breaks(self) -> list[int]:
        """The indices of the sentence-break tokens (. ; : ! ? and line breaks), in order."""
        if self._breaks is None:
            self._breaks = [k for k, w in enumerate(self.words) if w[0] in BREAK_CHARS]
        return self._breaks

    def is_break(self, k: int) -> bool:
        return self.words[k][0] in BREAK_CHARS

    def tokens(self) -> list[tuple[str, int, int, bool]]:
        """The tokens as (text, start, end, is_break) tuples (tokens.spans)."""
        return [
            (w, s, e, w[0] in BREAK_CHARS)
            for w, s, e in zip(self.words, self.starts, self.ends, strict=True)
        ]

    @property
    def sections(self) -> list[Section]:
        """The titled sections of the text (sections.sections)."""
        if self._sections is None:
            self._sections = sections(self.text)
        return self._sections

    @property
    def section_map(self) -> SectionMap:
        if self._section_map is None:
            self._section_map = SectionMap(self.sections)
        return self._section_map

    def section_at(self, offset: int) -> str | None:
        """The canonical name of the section `offset` is in (None before any title)."""
        return self.section_map.at(offset)

    @property
    def context(self) -> Context:
        """The assertion scopes and sections of the text (context.Context)."""
        if self._context is None:
            from .context import Context

            self._context = Context.of(self)
        return self._context

"""Reading the words: diagnoses found in notes, diagnosis texts and the assessment/plan.

`mentions.py` holds the types the text engine produces and the guideline rules consume.

Usage (the index is built once at start-up by services/coder/term_index.py and reaches the
domain as `ReferenceData.term_index`)::

    from services.coder.domain.text import Context, TextSource, find_mentions, sections

    mentions = find_mentions([TextSource("notes[0]", "discharge_summary", text)], index)
    for m in mentions:  # m.code, m.assertion, m.section, m.evidence (text == text[start:end])
        ...

    ctx = Context(text)            # once per text: sentence scopes and sections
    ctx.assertion(start, end)      # "present", "negated", "possible", "history", ...
    ctx.section_at(start)          # "past_medical_history", "family_history", ... or None
    sections(text)                 # [Section(name, start, end, title), ...]
    tokenize(text)                 # [Token(text, start, end, kind), ...]

    Analysis(text)                 # one reading shared by every reader of the text:
                                   # .words/.starts/.ends, .sections, .context
                                   # (a ClinicalNote and a TextSource carry theirs)

Other readers of notes (procedures, E/M) reuse `Context` for the same negation, history
and hypothetical rules around their own matches, and a note's `analysis` for its tokens
and sections.
"""

from .analysis import Analysis
from .context import Context, assertion_at
from .index import Entry, Term, TermIndex
from .matcher import find_mentions, mentions_in
from .mentions import Assertion, Mention, SourceKind, TextSource
from .sections import Section, SectionMap, sections
from .tokens import Token, normal, tokenize

__all__ = [
    "Analysis",
    "Assertion",
    "Context",
    "Entry",
    "Mention",
    "Section",
    "SectionMap",
    "SourceKind",
    "Term",
    "TermIndex",
    "TextSource",
    "Token",
    "assertion_at",
    "find_mentions",
    "mentions_in",
    "normal",
    "sections",
    "tokenize",
]

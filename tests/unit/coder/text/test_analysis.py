"""One reading per text: the shared analysis gives every reader the same tokens, offsets,
sections and assertions as reading the text on its own would."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.coder.domain.encounter import ClinicalNote
from services.coder.domain.text import Context, TextSource, sections
from services.coder.domain.text.analysis import Analysis
from services.coder.domain.text.tokens import spans

# the tokeniser's rules written out as a scan, as tokens.py documents them
_SCAN = re.compile(r"[hsrcw]/[opxa](?![^\W_])|\d+[.,]\d+|[^\W_]+(?:['\u2019]s)?|[.;:!?]+|\n")

NOTE = (
    "Past medical history: HTN, T2DM, h/o kidney stones.\n"
    "Family history: mother with breast cancer.\n"
    "Assessment and plan:\n"
    "1. No pneumonia. Possible UTI; s/p cholecystectomy 3.5 years ago.\n"
)


def scanned(text: str) -> list[tuple[str, int, int, bool]]:
    return [
        (m.group(), m.start(), m.end(), m.group()[0] in ".;:!?\n") for m in _SCAN.finditer(text)
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["h/o", "s/p", "3.5", "Crohn's", "A-fib", "...", "\n", "é", "ß", ":"]),
            st.text(string.printable + "éßİ’", max_size=8),
        ),
        max_size=40,
    )
)
def test_tokens_and_offsets_are_those_of_a_scan_for_any_text(parts: list[str]) -> None:
    text = "".join(parts)
    analysis = Analysis(text)
    assert analysis.tokens() == scanned(text) == spans(text)
    for word, start, end in zip(analysis.words, analysis.starts, analysis.ends, strict=True):
        assert text[start:end] == word
    assert analysis.breaks == [k for k, t in enumerate(scanned(text)) if t[3]]
    assert analysis.lower == [w.lower() for w in analysis.words]


def test_sections_and_context_are_those_of_the_text_read_alone() -> None:
    analysis = Analysis(NOTE)
    assert analysis.sections == sections(NOTE)
    alone = Context(NOTE)
    for words in ("HTN", "kidney stones", "breast cancer", "pneumonia", "UTI", "cholecystectomy"):
        start = NOTE.index(words)
        end = start + len(words)
        first = analysis.starts.index(start)
        last = analysis.ends.index(end)
        assert analysis.context.assertion_of(first, last) == alone.assertion(start, end)
        assert analysis.context.section_at(start) == alone.section_at(start)
    start = NOTE.index("breast cancer")
    assert alone.assertion(start, start + 13) == "family"
    assert alone.assertion(NOTE.index("pneumonia"), NOTE.index("pneumonia") + 9) == "negated"


def test_sections_and_context_are_found_once_and_shared() -> None:
    analysis = Analysis(NOTE)
    assert analysis.sections is analysis.sections
    assert analysis.context is analysis.context
    note = ClinicalNote("n1", "progress", NOTE)
    source = TextSource("notes[0]", "progress", note.text, note.analysis)
    assert source.analysis is note.analysis  # the note's one reading, not a second one


def test_a_source_refuses_the_analysis_of_another_text() -> None:
    with pytest.raises(ValueError, match="another text"):
        TextSource("notes[0]", "progress", "chest pain", Analysis("no chest pain"))


def test_an_empty_text_has_no_tokens() -> None:
    analysis = Analysis("")
    assert (analysis.words, analysis.starts, analysis.ends, analysis.breaks) == ([], [], [], [])
    assert analysis.sections == []
    assert analysis.context.assertion(0, 0) == "present"

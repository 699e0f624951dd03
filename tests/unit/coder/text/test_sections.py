"""The sectionizer: titles at the start of a line, canonical names, spans."""

from __future__ import annotations

from services.coder.domain.text import SectionMap, sections

NOTE = """CHIEF COMPLAINT: chest pain
History of Present Illness:
55 year old man with chest pain.
PMH: HTN, DM2
Family History
Mother with breast cancer.
Allergies: penicillin
Assessment and Plan:
1. NSTEMI
Discharge Diagnoses:
NSTEMI; hypertension
"""


def test_titles_and_their_canonical_names() -> None:
    names = [s.name for s in sections(NOTE)]
    assert names == [
        "chief_complaint",
        "history_of_present_illness",
        "past_medical_history",
        "family_history",
        "allergies",
        "assessment_and_plan",
        "discharge_diagnoses",
    ]


def test_sections_cover_the_text_in_order_without_overlap() -> None:
    found = sections(NOTE)
    assert found[0].start == 0
    for a, b in zip(found, found[1:], strict=False):
        assert a.end == b.start
    assert found[-1].end == len(NOTE)
    for s in found:
        assert NOTE[s.start : s.start + len(s.title)] == s.title


def test_section_at_an_offset() -> None:
    m = SectionMap(sections(NOTE))
    assert m.at(NOTE.index("HTN")) == "past_medical_history"
    assert m.at(NOTE.index("breast cancer")) == "family_history"
    assert m.at(NOTE.index("penicillin")) == "allergies"
    assert m.at(NOTE.rindex("hypertension")) == "discharge_diagnoses"


def test_ordinary_sentences_are_not_titles() -> None:
    text = "The plan is to discharge.\nhistory was unremarkable\nAbdomen soft, no masses."
    assert sections(text) == []


def test_short_titles_need_a_colon() -> None:
    assert [s.name for s in sections("A:\npneumonia\nPlan\nantibiotics")] == ["assessment"]
    assert sections("a\nplan") == []


def test_text_before_any_title_has_no_section() -> None:
    text = "Seen today.\nAssessment: gout"
    assert SectionMap(sections(text)).at(0) is None

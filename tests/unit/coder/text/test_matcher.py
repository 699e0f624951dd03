"""The term index and matcher: variants, longest match, evidence spans, context, speed shape."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from services.coder.domain.text import Term, TermIndex, TextSource, find_mentions, tokenize

TERMS = [
    Term("Fracture of femur", "S72.90", "tabular", 0.6),
    Term("Essential hypertension", "I10", "tabular", 0.6),
    Term("hypertension", "I10", "tabular", 0.55),
    Term("HTN", "I10", "synonym", 0.8),
    Term("T2DM", "E11.9", "synonym", 0.8),
    Term("A-fib", "I48.91", "synonym", 0.8),
    Term("ALL", "C91.00", "synonym", 0.8, case_sensitive=True),
    Term("Myocardial infarction", "I21.9", "tabular", 0.6),
    Term("Acute myocardial infarction", "I21.9", "tabular", 0.65),
    Term("infarction", "I99.8", "tabular", 0.3),
    Term("Type 2 diabetes mellitus with diabetic chronic kidney disease", "E11.22", "tabular", 0.6),
    Term("Cyst of kidney", "N28.1", "tabular", 0.6),
    Term("Diseases of the biliary tract", "K83.9", "tabular", 0.5),
    Term("Pneumonia", "J18.9", "tabular", 0.55),
    Term("pneumonia", "J18.9", "learned", 0.7),
    Term("pneumonia", "J18", "learned", 0.65),
]
INDEX = TermIndex.build(TERMS)


def codes(text: str) -> list[str]:
    return [m.code for m in find_mentions([TextSource("notes[0]", "progress", text)], INDEX)]


def test_word_order_and_of() -> None:
    assert codes("femur fracture") == ["S72.90"]
    assert codes("fracture of the femur") == ["S72.90"]


def test_plurals() -> None:
    assert codes("bilateral femur fractures") == ["S72.90"]
    assert codes("renal cysts? no: kidney cysts") == ["N28.1", "N28.1"]
    assert codes("disease of biliary tracts") == ["K83.9"]


def test_with_and_long_combination_terms() -> None:
    text = "type 2 diabetes mellitus with diabetic chronic kidney disease"
    assert codes(text) == ["E11.22"]
    assert codes("diabetic chronic kidney disease in type 2 diabetes mellitus") == ["E11.22"]


def test_abbreviations_and_case() -> None:
    assert codes("PMH: HTN, T2DM, a-fib") == ["I10", "E11.9", "I48.91"]
    assert codes("htn") == ["I10"]
    assert codes("ALL in remission") == ["C91.00"]
    assert codes("all of them") == []


def test_longest_match_wins() -> None:
    assert codes("acute myocardial infarction") == ["I21.9"]
    assert codes("splenic infarction") == ["I99.8"]


def test_the_best_entry_and_another_category_only() -> None:
    found = find_mentions([TextSource("notes[0]", "progress", "pneumonia")], INDEX)
    assert [(m.code, m.rule) for m in found] == [("J18.9", "learned")]


def test_negation_word_breaks_a_term() -> None:
    assert codes("fracture without femur") == []


def test_sentence_break_ends_a_term() -> None:
    assert codes("fracture. Femur intact") == []


def test_context_and_section_on_each_mention() -> None:
    text = "Family History:\nmother with hypertension\nAssessment:\nNo pneumonia. Possible T2DM."
    found = find_mentions([TextSource("notes[0]", "discharge_summary", text)], INDEX)
    got = [(m.code, m.assertion, m.section) for m in found]
    assert got == [
        ("I10", "family", "family_history"),
        ("J18.9", "negated", "assessment"),
        ("E11.9", "possible", "assessment"),
    ]


def test_qualifiers() -> None:
    text = "acute on chronic left femur fracture, initial encounter"
    (m,) = find_mentions([TextSource("notes[0]", "progress", text)], INDEX)
    assert {"left", "acute", "chronic", "acute_on_chronic"} <= m.attributes


def test_evidence_is_the_source_span() -> None:
    text = "Dx:  Essential   Hypertension;\nfemur\tfractures and HTN."
    for m in find_mentions([TextSource("notes[3]", "progress", text)], INDEX):
        assert m.evidence.source == "notes[3]"
        assert m.evidence.text == text[m.evidence.start : m.evidence.end]


def test_lookup_of_a_whole_phrase() -> None:
    assert [e.code for e in INDEX.lookup("fractures of the femur")] == ["S72.90"]
    assert INDEX.lookup("femur") == ()


def test_prebuilt_rows_round_trip() -> None:
    again = TermIndex.from_keys(dict(INDEX.rows()), INDEX.case_words)
    for text in ("HTN and femur fracture", "ALL", "acute myocardial infarction"):
        first = find_mentions([TextSource("n", "progress", text)], INDEX)
        second = find_mentions([TextSource("n", "progress", text)], again)
        assert first == second


WORDS = [
    "femur",
    "fracture",
    "of",
    "the",
    "HTN",
    "no",
    "hypertension",
    "essential",
    ".",
    ",",
    "ALL",
    "pneumonia",
    "\n",
    "myocardial",
    "infarction",
    "acute",
    "kidney",
    "cyst",
    "é",
    "  ",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(string.printable, max_size=6)), max_size=60)
)
def test_evidence_matches_the_text_for_any_text(parts: list[str]) -> None:
    text = " ".join(parts)
    for m in find_mentions([TextSource("notes[0]", "progress", text)], INDEX):
        assert m.evidence.text == text[m.evidence.start : m.evidence.end]
        assert m.evidence.text.strip() == m.evidence.text
    for t in tokenize(text):
        assert text[t.start : t.end] == t.text


def test_a_sure_term_inside_a_longer_match_of_another_category_is_kept() -> None:
    index = TermIndex.build(
        [
            Term("fever", "R50.9", "synonym", 0.9),
            Term("pain", "R52", "tabular", 0.4),
            Term("pain and fever", "M79.1", "learned", 0.6),
            Term("chronic fever", "R50.9", "learned", 0.95),
        ]
    )

    def found(text: str) -> list[str]:
        return sorted(m.code for m in find_mentions([TextSource("n", "progress", text)], index))

    assert found("pain and fever") == ["M79.1", "R50.9"]  # "pain" (0.4) is not sure
    assert found("chronic fever") == ["R50.9"]  # the same category once


def test_a_learned_association_below_the_floor_is_no_match_and_hides_nothing() -> None:
    index = TermIndex.build(
        [
            Term("mass", "R22.9", "tabular", 0.55),
            Term("painful mass", "R10.9", "learned", 0.75),
            Term("chest pain", "R07.9", "tabular", 0.6),
            Term("chest pain", "I20.9", "learned", 0.8),
        ]
    )

    def found(text: str, floor: float) -> list[str]:
        source = TextSource("n", "progress", text)
        return sorted(m.code for m in find_mentions([source], index, lambda kind: floor))

    assert found("a painful mass", 0.0) == ["R10.9"]  # the longer match
    assert found("a painful mass", 0.9) == ["R22.9"]  # the name inside it, not hidden
    assert found("chest pain", 0.9) == ["R07.9"]  # the key's other entries stay
    assert found("chest pain", 0.7) == ["I20.9"]  # the best entry, as without a floor


def test_an_organ_adjective_is_the_organ() -> None:
    assert codes("simple renal cysts") == ["N28.1"]
    assert [e.code for e in INDEX.lookup("renal cyst")] == ["N28.1"]


def test_the_encounter_is_read_to_the_end_of_the_statement() -> None:
    """ "initial encounter" names the 7th character of the whole statement, however far
    after the condition it comes in its sentence; not past the sentence, and "initial"
    alone that far is not the encounter."""
    index = TermIndex.build([Term("Nursemaid's elbow", "S53.033", "tabular", 0.55)])

    def attributes(text: str) -> frozenset[str]:
        (found,) = find_mentions([TextSource("notes[0]", "progress", text)], index)
        return found.attributes

    said = "Nursemaid's elbow (subluxation of the right radial head), initial encounter."
    assert {"right", "initial"} <= attributes(said)
    assert "initial" not in attributes("Nursemaid's elbow, right. Initial encounter.")
    far = "Nursemaid's elbow of the right arm after her initial fall at the park."
    assert "initial" not in attributes(far)

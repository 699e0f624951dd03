"""Specificity from the sentence around a condition (ICD-10-CM Official Guidelines FY2026
I.B.2-3), and an Excludes1 pair settled by the combination code (I.B.9)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.coder.domain.guidelines_context import (
    _BOUNDARY,
    Leaves,
    _sentence_start,
    injury_of_region,
    more_specific_candidates,
    sentence_at,
    sentence_words,
    specific_from_sentence,
    title,
)

from .test_guidelines import CODE_SET, TABLES, coded, codes, mention


def specific(code: str, sentence: str) -> str:
    return specific_from_sentence(code, sentence, CODE_SET, Leaves(), TABLES.tabular.children)


@pytest.mark.parametrize(
    ("code", "sentence", "expected"),
    [
        ("L03.90", "Assessment: cellulitis of the left lower leg, nonpurulent", "L03.116"),
        ("M10.00", "Acute gout flare, right great toe (classic podagra)", "M10.071"),
        ("G43.909", "Migraine without aura, not intractable, no status migrainosus", "G43.009"),
        ("G43.909", "intractable migraine without aura, without status migrainosus", "G43.019"),
        ("F32.9", "MDD, single episode, moderate - partial response", "F32.1"),
        ("R10.9", "right lower quadrant abdominal pain with nausea", "R10.31"),
        ("S05.00XA", "corneal abrasion, left eye, without foreign body", "S05.02XA"),
        ("L97.509", "right heel foot ulcer (fat layer exposed)", "L97.412"),
        ("I63.9", "Acute ischemic stroke, occlusion of left MCA branch", "I63.512"),
    ],
)
def test_the_sentence_makes_an_unspecified_code_specific(
    code: str, sentence: str, expected: str
) -> None:
    assert specific(code, sentence) == expected


def test_the_candidates_of_a_code_are_read_once_and_hold_what_a_sentence_could_add() -> None:
    leaves = Leaves()
    found = more_specific_candidates("L03.90", CODE_SET, leaves, TABLES.tabular.children)
    assert found is not None
    candidates, words = found
    assert "L03.116" in {leaf for leaf, _, _ in candidates}
    assert {"left", "lower", "limb"} <= words  # L03.116: of left lower limb
    assert all(
        added and not any(len(w.lstrip("-")) == 1 for u in added for w in u)
        for _, added, _ in candidates
    )
    # a specified code and a Z code have none; the answer is kept per code
    assert more_specific_candidates("L03.116", CODE_SET, leaves, TABLES.tabular.children) is None
    assert more_specific_candidates("Z87.39", CODE_SET, leaves, TABLES.tabular.children) is None
    assert leaves.more_specific(
        "L03.90", CODE_SET, TABLES.tabular.children
    ) is leaves.more_specific("L03.90", CODE_SET, TABLES.tabular.children)


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        # "with aura" is not what "without aura" says
        ("G43.909", "migraine without aura"),
        # a sibling that is another condition is not chosen
        ("K75.9", "inflammatory liver disease; autoimmune hepatitis panel sent"),
        ("F32.9", "major depressive disorder; depression screen positive"),
        # nothing more said
        ("L03.90", "cellulitis, improving on cephalexin"),
        # status and history codes are not refined from a sentence
        ("Z87.39", "history of gout of the right foot"),
    ],
)
def test_the_sentence_says_nothing_more(code: str, sentence: str) -> None:
    expected = {"G43.909": "G43.009"}.get(code, code)
    assert specific(code, sentence) == expected


def test_nausea_and_vomiting_together_are_their_combination() -> None:
    assert specific("R11.10", "vomiting since morning, nausea improved") == "R11.2"


def test_negated_words_keep_their_polarity() -> None:
    said = sentence_words("no acute chest syndrome, with vaso-occlusive pain")
    assert "-chest" in said and "chest" not in said and "pain" in said
    assert title("Migraine with aura").units == (frozenset({"migraine"}), frozenset({"aura"}))
    assert frozenset({"ankle", "foot"}) in title("Idiopathic gout, right ankle and foot").units


def test_a_sentence_ends_at_a_period_not_at_a_decimal_point() -> None:
    text = "BMI 31.4 today. Cellulitis of the left leg; afebrile."
    start = text.index("Cellulitis")
    assert sentence_at(text, start, start + 10).strip() == "Cellulitis of the left leg"
    assert sentence_at(text, 0, 3) == "BMI 31.4 today"


def test_the_words_coded_with_the_sentences_specificity() -> None:
    text = "Assessment: cellulitis of the right lower leg.\n"
    result = coded([mention("cellulitis", "L03.90", text=text, section="assessment")], text=text)
    assert codes(result) == ["L03.115"]
    assert "GL-SPECIFICITY-SENTENCE" in result.diagnoses[0].rule


def test_an_excludes1_pair_is_settled_by_the_combination_code() -> None:
    text = "Assessment: lumbar disc disorder with radiculopathy; lumbar radiculopathy.\n"
    found = [
        mention("lumbar disc disorder with radiculopathy", "M51.16", text=text),
        mention("lumbar radiculopathy", "M54.16", text=text),
    ]
    result = coded(found, text=text)
    assert codes(result) == ["M51.16"]
    assert not result.reasons


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("laceration without foreign body of the left index finger, no nail damage", "S61.211A"),
        ("laceration of forehead without foreign body, initial encounter", "S01.81XA"),
        ("open bite wound (dog bite) of the right hand", "S61.451A"),
        ("laceration of the left forearm without retained foreign body", "S51.812A"),
        ("laceration without foreign body of the scalp", "S01.01XA"),
        # no region said: the code stays
        ("laceration, cleaned and closed", "T14.8XXA"),
    ],
)
def test_an_injury_of_unspecified_region_is_coded_by_the_region_said(
    sentence: str, expected: str
) -> None:
    found = injury_of_region("T14.8XXA", sentence, CODE_SET, Leaves(), TABLES.tabular.children)
    assert found == expected


def test_the_site_after_a_without_is_not_negated_but_a_denied_sign_is() -> None:
    said = sentence_words("laceration without foreign body of the scalp; no signs of fracture")
    assert {"scalp", "-foreign", "-fracture"} <= said
    assert "fracture" not in said


@given(
    st.text(alphabet="ab1 .;\n", max_size=60),
    st.integers(min_value=0, max_value=60),
)
def test_a_sentence_starts_after_the_last_boundary_before_it(text: str, at: int) -> None:
    at = min(at, len(text))
    ends = [m.end() for m in _BOUNDARY.finditer(text) if m.end() <= at]
    assert _sentence_start(text, at) == (ends[-1] if ends else 0)

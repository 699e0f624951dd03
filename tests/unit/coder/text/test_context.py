"""ConText-style assertion: each trigger family, its direction, its scope and pseudo-triggers."""

from __future__ import annotations

import pytest

from services.coder.domain.text import Context, assertion_at


def asserted(text: str, words: str) -> str:
    start = text.index(words)
    return assertion_at(text, start, start + len(words))


@pytest.mark.parametrize(
    "text",
    [
        "No pneumonia on the film.",
        "She denies chest pain.",
        "Blood cultures negative for sepsis.",
        "Extremities without edema.",
        "Pulmonary embolism was ruled out.",
        "Pulmonary embolism ruled out.",
        "He remains free of seizures.",
        "There is no evidence of metastases.",
        "Elevated readings without diagnosis of hypertension.",
        "No prior diagnosis of diabetes.",
        "She was never diagnosed with asthma.",
    ],
)
def test_negation(text: str) -> None:
    words = next(
        w
        for w in (
            "pneumonia",
            "chest pain",
            "sepsis",
            "edema",
            "Pulmonary embolism",
            "seizures",
            "metastases",
            "hypertension",
            "diabetes",
            "asthma",
        )
        if w in text
    )
    assert asserted(text, words) == "negated"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Possible pneumonia in the right base.", "pneumonia"),
        ("Probable appendicitis.", "appendicitis"),
        ("Suspected pulmonary embolism.", "pulmonary embolism"),
        ("Likely viral gastroenteritis.", "gastroenteritis"),
        ("Rule out myocardial infarction.", "myocardial infarction"),
        ("Cellulitis vs abscess of the leg.", "abscess"),
        ("Cellulitis vs abscess of the leg.", "Cellulitis"),
        ("Malignancy cannot be excluded.", "Malignancy"),
    ],
)
def test_uncertainty(text: str, words: str) -> None:
    assert asserted(text, words) == "possible"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("History of breast cancer.", "breast cancer"),
        ("h/o stroke in 2019.", "stroke"),
        ("s/p appendectomy for appendicitis.", "appendicitis"),
        ("Previous myocardial infarction.", "myocardial infarction"),
        ("Prior DVT on warfarin.", "DVT"),
    ],
)
def test_history(text: str, words: str) -> None:
    assert asserted(text, words) == "history"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Mother had breast cancer.", "breast cancer"),
        ("Father with diabetes.", "diabetes"),
        ("Family history of colon cancer.", "colon cancer"),
        ("Colon cancer in his brother.", "Colon cancer"),
    ],
)
def test_family(text: str, words: str) -> None:
    assert asserted(text, words) == "family"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Return if fever or vomiting.", "fever"),
        ("If chest pain recurs, call 911.", "chest pain"),
        ("CT scan to rule out appendicitis.", "appendicitis"),
        ("She should avoid falls.", "falls"),
    ],
)
def test_hypothetical(text: str, words: str) -> None:
    assert asserted(text, words) == "hypothetical"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("No fever but cough persists.", "cough"),
        ("Denies dyspnea, however reports chest pain.", "chest pain"),
        ("No rash. Pneumonia on the film.", "Pneumonia"),
        ("Not only hypertension but diabetes.", "diabetes"),
        ("No change in his heart failure.", "heart failure"),
        ("Gram negative bacteremia.", "bacteremia"),
        ("Without voiding syndrome and accompanied by hematuria.", "hematuria"),
    ],
)
def test_scope_ends_and_pseudo_triggers(text: str, words: str) -> None:
    assert asserted(text, words) == "present"


def test_negation_reaches_through_a_list() -> None:
    text = "No fever, chills, cough or dysuria."
    assert all(asserted(text, w) == "negated" for w in ("fever", "chills", "cough", "dysuria"))


def test_negation_scope_is_bounded() -> None:
    text = "No fever was found on the first day of his long stay, and later he had pneumonia"
    assert asserted(text, "pneumonia") == "present"


def test_negation_wins_over_family() -> None:
    assert asserted("No family history of diabetes.", "diabetes") == "negated"


def test_family_history_section_makes_family() -> None:
    text = "Family History:\nDiabetes and hypertension.\nAssessment:\nHypertension."
    ctx = Context(text)
    first = text.index("Diabetes")
    last = text.rindex("Hypertension")
    assert ctx.assertion(first, first + 8) == "family"
    assert ctx.assertion(last, last + 12) == "present"
    assert ctx.section_at(last) == "assessment"


def test_plain_sentence_is_present() -> None:
    assert asserted("Community acquired pneumonia, treated.", "pneumonia") == "present"


def test_a_duration_before_history_of_is_the_present_illness() -> None:
    text = "She presented with a two-week history of fever and weight loss."
    assert asserted(text, "fever") == "present"
    assert asserted("A 3 month history of cough.", "cough") == "present"
    assert asserted("A history of cough.", "cough") == "history"

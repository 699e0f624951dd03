"""Scopes a comma ends: the alternatives of 'vs' and a test said negative (ConText: the
scope of a trigger is the phrase it modifies, not the sentence's other items)."""

from __future__ import annotations

import pytest

from services.coder.domain.text import assertion_at


def asserted(text: str, words: str) -> str:
    start = text.index(words)
    return assertion_at(text, start, start + len(words))


def test_alternatives_end_at_a_comma() -> None:
    text = "Headache and dizziness, likely migraine without aura versus tension-type."
    assert asserted(text, "dizziness") == "present"
    assert asserted(text, "migraine") == "possible"
    assert asserted("Pneumonia vs bronchitis.", "Pneumonia") == "possible"
    assert asserted("Pneumonia vs bronchitis, asthma.", "asthma") == "present"


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        (
            "Exposure to COVID-19, asymptomatic, antigen negative.",
            "Exposure to COVID-19",
            "present",
        ),
        ("COVID PCR negative.", "COVID", "negated"),
        ("Influenza, COVID and strep negative.", "Influenza", "negated"),  # a list, not a test
    ],
)
def test_a_test_said_negative_covers_its_own_words(text: str, words: str, expected: str) -> None:
    assert asserted(text, words) == expected


def test_a_condition_whose_treatment_was_completed_is_history() -> None:
    text = "Follow-up examination after completed treatment for colon cancer."
    assert asserted(text, "colon cancer") == "history"

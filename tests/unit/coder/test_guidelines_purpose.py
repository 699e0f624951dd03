"""What an encounter is for, read from its sentence: a screening, examination or
aftercare only ordered or to come, and the disease a screening is named after
(ICD-10-CM Official Guidelines FY2026 I.C.21.c.5, c.7, c.13)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from .test_guidelines import coded, codes, mention


@pytest.mark.parametrize(
    ("text", "phrase", "code"),
    [
        ("TB screening annually, due next month.\n", "TB screening", "Z11.1"),
        ("Suture removal in 10 days.\n", "Suture removal", "Z48.02"),
        ("Add hydroxychloroquine; baseline eye exam.\n", "eye exam", "Z01.00"),
        (
            "Eligible for low-dose CT lung cancer screening, ordered.\n",
            "lung cancer screening",
            "Z12.2",
        ),
    ],
)
def test_a_purpose_ordered_or_to_come_is_not_this_encounters(
    text: str, phrase: str, code: str
) -> None:
    assert codes(coded([mention(phrase, code, text=text)], text=text)) == []


@pytest.mark.parametrize(
    ("text", "phrase", "code"),
    [
        ("Here for suture removal; wound healed.\n", "suture removal", "Z48.02"),
        (
            "Reason for visit: lung cancer screening with low-dose CT.\n",
            "lung cancer screening",
            "Z12.2",
        ),
    ],
)
def test_the_encounters_own_purpose_is_coded(text: str, phrase: str, code: str) -> None:
    assert codes(coded([mention(phrase, code, text=text)], text=text)) == [code]


def test_the_disease_a_screening_is_named_after_is_not_coded() -> None:
    text = "Annual lung cancer screening with low-dose CT; HIV screen today.\n"
    found = [
        mention("lung cancer", "C34.90", text=text),
        mention("HIV", "B20", text=text),
        mention("lung cancer screening", "Z12.2", text=text),
    ]
    assert codes(coded(found, text=text)) == ["Z12.2"]


def test_a_learned_association_below_nine_in_ten_is_not_coded() -> None:
    """'calorie' beside protein-calorie malnutrition in annotated case reports (0.75) is a
    diet plan's word in a US note, no name of the condition."""
    text = "Plan: 1800 calorie diet, walking 30 minutes daily.\n"
    found = replace(mention("calorie", "E46", text=text), rule="learned", confidence=0.8)
    assert codes(coded([found], text=text)) == []

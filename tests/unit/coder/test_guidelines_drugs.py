"""Status codes from medication and allergy lists (ICD-10-CM Official Guidelines
I.C.21.c.3, I.C.4.a.3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.coder.domain.guidelines_drugs import status_mentions
from services.coder.domain.text.mentions import TextSource

from .test_guidelines import TABLES, coded, codes, mention

TERMS = TABLES.status_terms
assert TERMS is not None


def found(text: str) -> list[str]:
    return [m.code for m in status_mentions(TextSource("notes[0]", "progress", text), TERMS)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Medications:\nInsulin glargine 20 units nightly\nMetformin 1000 mg BID\n",
         ["Z79.4", "Z79.84"]),
        ("She takes warfarin 5 mg daily and aspirin 81 mg.", ["Z79.01", "Z79.82"]),
        ("Continues prednisone 10 mg daily for RA.", ["Z79.52"]),
        ("Patient is on Ozempic weekly.", ["Z79.85"]),
        ("Allergies:\nPenicillin (hives)\nSulfa - rash\n", ["Z88.0", "Z88.2"]),
        ("He is allergic to peanuts and latex.", ["Z91.010", "Z91.040"]),
        ("Plan: nitrofurantoin (sulfa allergy).", ["Z88.2"]),
        ("Allergies: aspirin (angioedema).", ["Z88.6"]),
        # the list ends at "NKDA." or the next label: these are medications
        ("Allergies: NKDA. Meds: metformin 1000 mg BID, atorvastatin 10 mg.", ["Z79.84"]),
    ],
)  # fmt: skip
def test_documented_current_drugs_and_allergies(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Not on insulin.",
        "Stopped warfarin last month because of a bleed.",
        "If sugars stay high, we will start insulin.",
        "Discussed aspirin for prevention.",  # named, not taken
        "Allergies: no known drug allergies.",
        "Mother is on insulin.",
        'Allergies: sulfa? - patient is not sure, "maybe as a kid"; not confirmed.',
        "Allergies: NKDA. Latex was listed in error on the old chart - removed.",
        "Allergies: penicillin? He has since tolerated amoxicillin without a problem.",
        # the allergy list ends at "NKDA." or at the next label, and its section at its list
        "Allergies: NKDA. ASA class II.",
        "Allergies: NKDA.\nProcedure: cystoscopy.\nAfter 2% lidocaine jelly the scope was passed.",
    ],
)
def test_drugs_not_taken_now_are_not_status_codes(text: str) -> None:
    assert found(text) == []


@given(st.text(alphabet=st.sampled_from(list("abinsulowarfe \n:.")), max_size=200))
def test_evidence_is_the_exact_words(text: str) -> None:
    for m in status_mentions(TextSource("notes[0]", "progress", text), TERMS):
        assert m.evidence.start is not None and m.evidence.end is not None
        assert text[m.evidence.start : m.evidence.end] == m.evidence.text


def test_insulin_is_not_reported_with_type_1_diabetes() -> None:
    text = "Type 1 diabetes on insulin. Type 2 diabetes on insulin."
    type_1 = mention("Type 1 diabetes", "E10.9", text=text)
    type_2 = mention("Type 2 diabetes", "E11.9", text=text)
    insulin = mention("insulin", "Z79.4", text=text)
    assert codes(coded([type_1, insulin], text=text)) == ["E10.9"]
    assert codes(coded([type_2, insulin], text=text)) == ["E11.9", "Z79.4"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Influenza vaccine given in the left deltoid.", ["Z23"]),
        ("Tdap and COVID-19 vaccine administered today.", ["Z23", "Z23"]),
        ("Declined the flu shot today.", []),
        ("Discussed the shingles vaccine; she will think about it.", []),
    ],
)
def test_a_vaccine_given_is_an_encounter_for_immunization(text: str, expected: list[str]) -> None:
    assert found(text) == expected

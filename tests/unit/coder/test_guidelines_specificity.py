"""Specificity from the words: laterality, acuity, the injury's 7th character, trimester
(ICD-10-CM Official Guidelines I.B.2-3, I.B.8, I.B.13, I.C.15.a.3, I.C.19.a)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.coder.domain.guidelines import GUESSED_DEFAULT_FACTOR
from services.coder.domain.guidelines_specificity import (
    refine,
    requested_dimensions,
    trimester_of_weeks,
)

from .factories import DATE_OF_SERVICE, patient
from .test_guidelines import CODE_SET, TABLES, coded, codes, mention


def refined(code: str, *attributes: str) -> str:
    return refine(code, frozenset(attributes), CODE_SET, TABLES.tabular).code


@pytest.mark.parametrize(
    ("code", "attributes", "expected"),
    [
        ("I50.20", ("acute",), "I50.21"),
        ("I50.20", ("chronic",), "I50.22"),
        ("I50.20", ("acute", "chronic"), "I50.23"),
        ("I50.2", (), "I50.20"),  # a subcategory: its unspecified leaf
        ("I50.2", ("acute on chronic",), "I50.23"),
        ("I50.9", ("acute",), "I50.9"),  # no acute heart failure NOS code: as it is
        ("J96.00", ("chronic",), "J96.00"),  # nothing under J96.0 is chronic
    ],
)
def test_acuity(code: str, attributes: tuple[str, ...], expected: str) -> None:
    assert refined(code, *attributes) == expected


@pytest.mark.parametrize(
    ("code", "attributes", "expected"),
    [
        ("H66.90", ("left",), "H66.92"),
        ("H66.90", ("right",), "H66.91"),
        ("H66.90", ("bilateral",), "H66.93"),
        ("H66.9", (), "H66.90"),
        ("H66.92", ("left",), "H66.92"),
    ],
)
def test_laterality(code: str, attributes: tuple[str, ...], expected: str) -> None:
    assert refined(code, *attributes) == expected


@pytest.mark.parametrize(
    ("code", "attributes", "expected"),
    [
        ("S52.501", ("initial",), "S52.501A"),  # closed unless said open (I.C.19.c.1)
        ("S52.501", ("initial", "open"), "S52.501B"),
        ("S52.501", ("subsequent",), "S52.501D"),
        ("S52.501", ("sequela",), "S52.501S"),
        ("S52.501A", ("subsequent",), "S52.501D"),
        ("S00.01", ("initial",), "S00.01XA"),  # placeholder X (I.A.5)
        ("S00.01", ("sequela",), "S00.01XS"),
        ("S52.5", ("left", "initial"), "S52.502A"),
    ],
)
def test_injury_seventh_character(code: str, attributes: tuple[str, ...], expected: str) -> None:
    assert refined(code, *attributes) == expected


def test_an_unstated_episode_defaults_to_initial_at_a_lower_confidence() -> None:
    choice = refine("S00.01", frozenset(), CODE_SET, TABLES.tabular)
    assert (choice.code, choice.guessed) == ("S00.01XA", True)
    text = "Abrasion of scalp after a fall."
    result = coded([mention("Abrasion of scalp", "S00.01", text=text)])
    assert codes(result) == ["S00.01XA"]
    assert result.diagnoses[0].confidence == pytest.approx(0.9 * GUESSED_DEFAULT_FACTOR)
    assert "GL-SPECIFICITY" in result.diagnoses[0].rule


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (("trimester:1",), "O26.891"),
        (("trimester:2",), "O26.892"),
        (("weeks:30",), "O26.893"),
        (("weeks:13",), "O26.891"),
        (("weeks:14",), "O26.892"),
        ((), "O26.899"),
    ],
)
def test_pregnancy_trimester(attributes: tuple[str, ...], expected: str) -> None:
    assert refined("O26.89", *attributes) == expected


@given(st.integers(min_value=0, max_value=45))
def test_trimester_of_weeks_is_monotonic_and_bounded(weeks: int) -> None:
    trimester = trimester_of_weeks(weeks)
    assert trimester in {"1", "2", "3"}
    assert trimester_of_weeks(weeks + 1) >= trimester
    assert requested_dimensions(frozenset({f"weeks:{weeks}"})) == {"trimester": trimester}


def test_a_stated_trimester_wins_over_weeks() -> None:
    asked = requested_dimensions(frozenset({"weeks:30", "trimester:2"}))
    assert asked["trimester"] == "2"


def test_an_unknown_code_is_left_alone() -> None:
    assert refine("Q99.999", frozenset({"left"}), CODE_SET, TABLES.tabular).code == "Q99.999"


def test_an_unspecified_code_never_stands_beside_a_specific_one_of_its_category() -> None:
    text = "Assessment: CKD. Chronic kidney disease stage 3a. Gout."
    found = [
        mention("CKD", "N18.9", text=text, section="assessment"),
        mention("Chronic kidney disease stage 3a", "N18.31", text=text, section="assessment"),
        mention("Gout", "M10.9", text=text, section="assessment"),
    ]
    assert codes(coded(found, text=text)) == ["N18.31", "M10.9"]


def test_weeks_of_gestation_give_z3a_and_the_trimester() -> None:
    """Z3A from the notes' gestational age; the O-code's trimester from it (I.C.15.a.3)."""
    text = "G2P1 at 28 weeks 3 days.\nAssessment: other pregnancy related condition.\n"
    found = mention("other pregnancy related condition", "O26.899", text=text, section="assessment")
    result = coded([found], text=text, patient=patient(sex="F"))
    assert codes(result) == ["O26.893", "Z3A.28"]
    z3a = result.diagnoses[1]
    assert (z3a.evidence.text, z3a.rule) == ("at 28 weeks", "GL-WEEKS-OF-GESTATION")


def test_a_code_without_the_asked_dimension_is_left_as_it_is() -> None:
    assert refined("O24.419", "weeks:28") == "O24.419"


def test_a_live_birth_on_the_maternal_record_is_z37_never_z38() -> None:
    """I.C.15.b.5: the outcome of delivery; I.C.16.a.5: Z38 is the infant's record only."""
    text = "Spontaneous vaginal delivery of a live male infant at 40 weeks.\nDiagnosis: term.\n"
    found = [
        mention("Spontaneous vaginal delivery", "O80", text=text, section="diagnoses"),
        mention("live male infant", "Z38.00", text=text, section="diagnoses"),
    ]
    result = coded(found, text=text, kind="procedure", patient=patient(sex="F"))
    assert codes(result) == ["O80", "Z3A.40", "Z37.0"]
    assert result.diagnoses[2].evidence.text == "live male infant"


@pytest.mark.parametrize(
    ("words", "expected"),
    [("born by repeat cesarean section", "Z38.01"), ("born vaginally at term", "Z38.00")],
)
def test_a_birth_episode_is_first_listed_with_z38_and_no_maternal_codes(
    words: str, expected: str
) -> None:
    """I.C.16.a.5: Z38 first on the newborn's birth record; I.C.15.a.1: no chapter 15."""
    text = f"Newborn, {words}. Mother had preterm labor.\nDiagnoses: neonatal jaundice.\n"
    found = [
        mention("neonatal jaundice", "P59.9", text=text, section="diagnoses"),
        mention("preterm labor", "O60.10X0", text=text, section="diagnoses"),
    ]
    birth = DATE_OF_SERVICE - timedelta(days=2)
    result = coded(
        found,
        text=text,
        kind="discharge_summary",
        encounter_type="inpatient",
        patient=patient(birth_date=birth),
    )
    assert codes(result) == [expected, "P59.9"]


def test_counseling_that_is_part_of_the_treatment_is_not_coded() -> None:
    """I.C.21.c.10: Z71 beside a diagnosis it treats is not reported; alone it is."""
    text = "Assessment: hypertension; diet counseling.\n"
    found = [
        mention("hypertension", "I10", text=text, section="assessment"),
        mention("diet counseling", "Z71.3", text=text, section="assessment"),
    ]
    assert codes(coded(found, text=text)) == ["I10"]
    assert codes(coded(found[1:], text=text)) == ["Z71.3"]

"""Combination codes seen in fresh notes (ICD-10-CM FY2026 I.B.9, I.C.10.a, I.C.15, the
Tabular List's "code also" notes and the combined receptor status Z17.4-)."""

from __future__ import annotations

import pytest

from .test_guidelines import coded, codes, mention


def _coded(text: str, found: list[tuple[str, str]]) -> list[str]:
    return codes(coded([mention(p, c, text=text) for p, c in found], text=text))


def test_an_organism_is_the_agent_of_the_sepsis_and_of_the_pneumonia() -> None:
    text = "Assessment: sepsis and pneumonia due to Streptococcus pneumoniae.\n"
    found = [("sepsis", "A41.9"), ("pneumonia", "J18.9"), ("Streptococcus pneumoniae", "B95.3")]
    assert sorted(_coded(text, found)) == ["A40.3", "J13"]


@pytest.mark.parametrize(
    ("copd", "code", "expected"),
    [
        # the unspecified COPD is the combination; the infection is coded also
        ("COPD", "J44.9", ["J18.9", "J44.0"]),
        # with an exacerbation both J44 codes are reported (J44.0 and J44.1)
        ("COPD exacerbation", "J44.1", ["J18.9", "J44.0", "J44.1"]),
    ],
)
def test_copd_with_a_lower_respiratory_infection_is_j44_0_and_the_infection(
    copd: str, code: str, expected: list[str]
) -> None:
    text = f"Assessment: {copd}. Left lower lobe pneumonia.\n"
    assert sorted(_coded(text, [(copd, code), ("pneumonia", "J18.9")])) == expected
    assert sorted(_coded(text, [(copd, code)])) == [code]


def test_hyperemesis_with_dehydration_or_electrolytes_is_o21_1_alone() -> None:
    text = "Impression: hyperemesis gravidarum with dehydration and hypokalemia.\n"
    found = [("hyperemesis", "O21.0"), ("dehydration", "E86.0"), ("hypokalemia", "E87.6")]
    assert _coded(text, found) == ["O21.1"]
    assert _coded(text, found[:1]) == ["O21.0"]


@pytest.mark.parametrize(
    ("her2", "code", "combined"),
    [("HER2 negative", "Z17.32", "Z17.411"), ("HER2 positive", "Z17.31", "Z17.410")],
)
def test_hormone_receptor_and_her2_status_are_one_combined_receptor_code(
    her2: str, code: str, combined: str
) -> None:
    text = f"Assessment: breast cancer, hormone receptor positive, {her2}.\n"
    found = [("hormone receptor positive", "Z17.410"), (her2, code)]
    assert _coded(text, found) == [combined]


def test_kidney_disease_beside_its_ckd_stage_is_not_coded_again() -> None:
    text = "Assessment: hypertensive heart and kidney disease, CKD stage 4; diabetic nephropathy.\n"
    found = [("kidney disease", "N28.9"), ("CKD stage 4", "N18.4")]
    assert _coded(text, found) == ["N18.4"]
    assert _coded(text, found[:1]) == ["N28.9"]


def test_dementia_with_agitation_is_the_dementia_code_with_agitation() -> None:
    text = "Assessment: Alzheimer's disease, late onset, with dementia with agitation.\n"
    found = [("Alzheimer's disease, late onset", "G30.1"), ("agitation", "R45.1")]
    assert _coded(text, found) == ["G30.1", "F02.811"]
    text = "Assessment: dementia with agitation.\n"
    assert _coded(text, [("dementia", "F03.90"), ("agitation", "R45.1")]) == ["F03.911"]


def test_the_symptoms_of_diabetic_ketoacidosis_are_its_own() -> None:
    text = "Discharge diagnoses: DKA, type 1 diabetes, without coma. Vomiting, abdominal pain.\n"
    found = [("DKA", "E10.10"), ("Vomiting", "R11.10"), ("abdominal pain", "R10.9")]
    assert _coded(text, found) == ["E10.10"]

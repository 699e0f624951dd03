"""Combination codes, "use additional code", integral symptoms and sequencing
(ICD-10-CM Official Guidelines I.A.13, I.A.15, I.B.5, I.C.4.a, I.C.9.a, II, IV.G)."""

from __future__ import annotations

import pytest

from services.coder.domain.guidelines_combination import ADDED_CODE_CONFIDENCE

from .test_guidelines import coded, codes, mention

TEXT = (
    "Problems: type 2 diabetes; CKD stage 3a; ESRD; peripheral neuropathy; "
    "hypertension; chronic diastolic heart failure; heart failure; cough; chest pain; "
    "cardiomegaly; diabetic retinopathy; pneumonia; amyloidosis; polyneuropathy.\n"
    "Assessment: pneumonia.\n"
)


def m(phrase: str, code: str, **kwargs: object) -> object:
    return mention(phrase, code, text=TEXT, **kwargs)  # type: ignore[arg-type]


DM = ("type 2 diabetes", "E11.9")
CKD3A = ("CKD stage 3a", "N18.31")
ESRD = ("ESRD", "N18.6")
HTN = ("hypertension", "I10")
CHF = ("chronic diastolic heart failure", "I50.32")


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        # E11 + CKD: E11.22 and the stage (use additional code)
        ([DM, CKD3A], ["E11.22", "N18.31"]),
        # polyneuropathy: the combination says it all
        ([DM, ("peripheral neuropathy", "G62.9")], ["E11.42"]),
        ([DM, ("diabetic retinopathy", "H35.00")], ["E11.319"]),
        # several complications: one combination each, never E11.9 beside them (I.C.4.a)
        ([DM, CKD3A, ("peripheral neuropathy", "G62.9")], ["E11.22", "N18.31", "E11.42"]),
    ],
)
def test_diabetes_with(found: list[tuple[str, str]], expected: list[str]) -> None:
    result = coded([m(p, c) for p, c in found])
    assert sorted(codes(result)) == sorted(expected)
    combined = next(d for d in result.diagnoses if d.code.startswith("E11"))
    assert combined.method == "inferred" and "GL-DM-WITH" in combined.rule


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ([HTN, CHF], ["I11.0", "I50.32"]),
        ([HTN, ("cardiomegaly", "I51.7")], ["I11.9"]),
        ([HTN, CKD3A], ["I12.9", "N18.31"]),
        ([HTN, ESRD], ["I12.0", "N18.6"]),
        ([HTN, CHF, CKD3A], ["I13.0", "I50.32", "N18.31"]),
        ([HTN, CHF, ESRD], ["I13.2", "I50.32", "N18.6"]),
        ([HTN, ("cardiomegaly", "I51.7"), CKD3A], ["I13.10", "N18.31"]),
        ([HTN, ("chest pain", "R07.9")], ["I10", "R07.9"]),
    ],
)
def test_hypertension_with_heart_and_kidney_disease(
    found: list[tuple[str, str]], expected: list[str]
) -> None:
    """I.C.9.a: presumed causal; I11/I12/I13 first, the HF and the CKD stage after."""
    result = coded([m(p, c) for p, c in found])
    assert codes(result) == expected


def test_use_additional_code_adds_the_unspecified_one_at_a_lower_confidence() -> None:
    result = coded([m("hypertension", "I11.0"), m("CKD stage 3a", "I12.9")])
    # I11.0 + I12.9 is hypertensive heart and kidney disease with heart failure
    assert codes(result)[0] == "I13.0"
    added = {d.code: d for d in result.diagnoses[1:]}
    assert set(added) == {"I50.9", "N18.9"}
    assert all(d.confidence <= ADDED_CODE_CONFIDENCE for d in added.values())
    assert all("GL-USE-ADDITIONAL" in d.rule for d in added.values())


@pytest.mark.parametrize(
    ("cholecystitis", "code", "combined"),
    [
        ("chronic cholecystitis", "K81.1", "K80.10"),
        ("acute cholecystitis", "K81.0", "K80.00"),
        ("cholecystitis", "K81.9", "K80.10"),
    ],
)
def test_gallstones_with_cholecystitis_are_one_combination_code(
    cholecystitis: str, code: str, combined: str
) -> None:
    """I.B.9 and the Alphabetic Index (Calculus, gallbladder, with cholecystitis): the two
    conditions are one code, and neither stays beside it."""
    text = f"Assessment: symptomatic cholelithiasis with {cholecystitis}. Hypertension.\n"
    found = [
        mention("cholelithiasis", "K80.20", text=text),
        mention(cholecystitis, code, text=text),
        mention("Hypertension", "I10", text=text),
    ]
    assert codes(coded(found, text=text)) == [combined, "I10"]
    alone = [
        mention("cholelithiasis", "K80.20", text=text),
        mention("Hypertension", "I10", text=text),
    ]
    assert codes(coded(alone, text=text)) == ["K80.20", "I10"]


def test_alzheimers_disease_adds_its_dementia_code() -> None:
    """The Alphabetic Index: Disease, Alzheimer's G30.9 [F02.80]: the manifestation code
    follows the disease; a dementia the words name is kept instead of the default."""
    text = "Assessment: Alzheimer's disease, late onset. Dementia with agitation.\n"
    alone = coded([mention("Alzheimer's disease, late onset", "G30.1", text=text)], text=text)
    assert codes(alone) == ["G30.1", "F02.80"]
    named = coded(
        [
            mention("Alzheimer's disease, late onset", "G30.1", text=text),
            mention("Dementia with agitation", "F02.811", text=text),
        ],
        text=text,
    )
    assert codes(named) == ["G30.1", "F02.811"]


def test_integral_symptoms_are_not_coded_beside_their_diagnosis() -> None:
    result = coded([m("cough", "R05.9"), m("pneumonia", "J18.9"), m("chest pain", "R07.9")])
    assert codes(result) == ["J18.9", "R07.9"] or codes(result) == ["R07.9", "J18.9"]
    assert "R05.9" not in codes(result)


def test_the_assessment_is_first_listed_then_the_documentation_in_order() -> None:
    result = coded(
        [
            m("hypertension", "I10"),
            m("chest pain", "R07.9"),
            m("pneumonia", "J18.9", occurrence=1),
        ]
    )
    assert codes(result) == ["I10", "R07.9", "J18.9"]
    result = coded(
        [
            m("hypertension", "I10", section="assessment"),
            m("chest pain", "R07.9", section="assessment"),
            m("pneumonia", "J18.9", section="diagnoses", occurrence=1),
        ]
    )
    assert codes(result) == ["I10", "R07.9", "J18.9"]


def test_with_a_diagnostic_statement_the_rest_codes_only_status_and_history() -> None:
    """IV.D, IV.J, III.B: symptoms, findings and plan words outside the assessment are not
    coded; a long-term drug and a personal history still are."""
    text = "HPI: cough, chest pain. PMH: pneumonia. Meds: warfarin.\nAssessment: HTN.\n"
    found = [
        mention("cough", "R05.9", text=text, section="history_of_present_illness"),
        mention("chest pain", "R07.9", text=text, section="history_of_present_illness"),
        mention("pneumonia", "J18.9", "history", text=text, section="past_medical_history"),
        mention("warfarin", "Z79.01", text=text),
        mention("HTN", "I10", text=text, section="assessment"),
    ]
    assert codes(coded(found, text=text)) == ["I10", "Z87.01", "Z79.01"]


def test_each_code_once_at_its_first_place_with_its_best_confidence() -> None:
    result = coded(
        [
            m("pneumonia", "J18.9", section="assessment", occurrence=1, confidence=0.7),
            m("hypertension", "I10", section="assessment"),
            m("pneumonia", "J18.9", section="assessment", confidence=0.95),
        ]
    )
    assert codes(result) == ["J18.9", "I10"]
    assert result.diagnoses[0].confidence == 0.95


def test_code_first_puts_the_etiology_before_the_manifestation() -> None:
    """G63 (polyneuropathy in diseases classified elsewhere) says code first amyloidosis
    (E85.-): never first-listed (I.A.13), after its etiology."""
    result = coded(
        [
            m("polyneuropathy", "G63", section="assessment"),
            m("amyloidosis", "E85.9", section="assessment"),
        ]
    )
    assert codes(result) == ["E85.9", "G63"]


def test_a_manifestation_alone_is_not_first_listed() -> None:
    result = coded([m("polyneuropathy", "G63", section="assessment"), m("cough", "R05.9")])
    assert codes(result) == ["R05.9", "G63"] or codes(result) == ["G63"]
    result = coded(
        [
            m("polyneuropathy", "G63", section="assessment"),
            m("cough", "R05.9", section="assessment"),
        ]
    )
    assert codes(result) == ["R05.9", "G63"]


def test_several_codes_for_the_same_words_are_one_condition() -> None:
    best = m("pneumonia", "J18.9", confidence=0.9)
    alternative = m("pneumonia", "J15.9", confidence=0.6)
    result = coded([best, alternative])
    assert codes(result) == ["J18.9"]
    assert "J15.9: GL-ALTERNATIVE" in [e.detail for e in result.edits]


def test_equally_likely_codes_for_the_same_words_go_to_review() -> None:
    result = coded([m("cough", "R05.9", confidence=0.9), m("cough", "R06.2", confidence=0.9)])
    assert codes(result) == ["R05.9"]
    assert [r.rule for r in result.reasons] == ["DX-LOW-CONFIDENCE"]


def test_a_combination_code_takes_the_place_of_the_first_of_its_parts() -> None:
    """Hypertension in the history, heart failure in the assessment: I11.0 is first-listed
    (I.C.9.a.1), the heart failure follows it (its "code first" note)."""
    result = coded(
        [
            m("hypertension", "I10"),
            m("chronic diastolic heart failure", "I50.32", section="assessment"),
            m("pneumonia", "J18.9", section="assessment", occurrence=1),
        ]
    )
    assert codes(result) == ["I11.0", "I50.32", "J18.9"]


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        # I.C.15.a.1: in pregnancy the chapter 15 code stands
        ([("type 2 diabetes", "E11.9"), ("diabetic retinopathy", "O24.419")], ["O24.419"]),
        # I.B.3: the specific code over the unspecified one its Excludes1 note names
        ([("cough", "K65.9"), ("pneumonia", "K35.30")], ["K35.30"]),
    ],
)
def test_an_excludes1_pair_from_the_words_is_settled_where_a_guideline_says_how(
    found: list[tuple[str, str]], expected: list[str]
) -> None:
    result = coded([m(p, c, section="assessment") for p, c in found])
    assert codes(result) == expected
    assert "ICD10CM-EXCLUDES1" not in [r.rule for r in result.reasons]


def test_an_excludes1_pair_no_rule_settles_goes_to_review() -> None:
    result = coded([m("type 2 diabetes", "E11.9"), m("hypertension", "E10.9")])
    assert "ICD10CM-EXCLUDES1" in [r.rule for r in result.reasons]


def test_codes_of_different_chapters_for_the_same_words_are_facets_not_alternatives() -> None:
    result = coded([m("type 2 diabetes", "E11.22"), m("type 2 diabetes", "N18.9", confidence=0.6)])
    assert codes(result) == ["E11.22", "N18.9"]

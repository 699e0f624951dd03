"""Words of notes the engine had not seen, read end to end from a note's text: curated
synonyms and status terms a coder would state (the ICD-10-CM Alphabetic Index and Tabular
List, FY2026), and a diagnostic statement titled within a line (IV.D)."""

from __future__ import annotations

import pytest

from services.coder.domain import ClinicalNote, Coded, NeedsReview

from .factories import encounter, outcome_of, patient


def dx_codes(text: str, kind: str = "progress", **overrides: object) -> list[str]:
    """The diagnoses coded (or proposed for review) for one note of `kind`."""
    visit = encounter(
        diagnoses=[],
        notes=(ClinicalNote(note_id="n1", kind=kind, text=text),),
        **overrides,
    )
    outcome = outcome_of(visit)
    found = outcome.diagnoses if isinstance(outcome, Coded) else outcome.proposed_diagnoses
    assert isinstance(outcome, Coded | NeedsReview)
    return sorted(d.code for d in found)


@pytest.mark.parametrize(
    ("assessment", "expected"),
    [
        # Index: Pregnancy, supervision of, elderly mother, primigravida O09.51-
        ("Elderly primigravida, third trimester, 30 weeks gestation.", "O09.513"),
        # Index: Diabetes, with, polyneuropathy E11.42 (peripheral neuropathy: Polyneuropathy)
        ("Type 2 diabetes with diabetic peripheral neuropathy.", "E11.42"),
        ("Peripheral polyneuropathy, idiopathic.", "G62.9"),
        ("Actinic keratoses of the scalp, treated with cryotherapy.", "L57.0"),
        ("Seborrheic keratoses of the back.", "L82.1"),
    ],
)
def test_a_coders_words_name_their_code(assessment: str, expected: str) -> None:
    assert expected in dx_codes(f"Assessment: {assessment}\n", patient=patient(sex="F"))


def test_an_insulin_pump_is_its_presence_not_long_term_insulin_in_type_1() -> None:
    text = "Assessment: type 1 diabetes mellitus, on an insulin pump.\n"
    assert dx_codes(text) == ["E10.9", "Z96.41"]


def test_end_stage_renal_disease_on_hemodialysis_is_dialysis_dependence() -> None:
    text = "Assessment: end stage renal disease, on in-center hemodialysis three times a week.\n"
    assert "Z99.2" in dx_codes(text)


def test_a_diagnostic_statement_titled_within_a_line_is_the_statement() -> None:
    """The diagnoses follow 'Diagnoses:' after other words on the line: a symptom of the
    exam outside them is not coded (IV.D), the diagnoses are."""
    text = (
        "Exam: swelling of the right ankle. MDM: low. Diagnoses: sprain of the right ankle, "
        "initial encounter.\n"
    )
    assert dx_codes(text) == ["S93.401A"]


def test_sepsis_with_its_organism_is_the_organisms_sepsis_code() -> None:
    """Index: Sepsis, Escherichia coli A41.51; severe sepsis (R65.20) codes its infection
    first, which every mention of the sepsis becomes; "E. coli" is one name, its period no
    sentence's end."""
    text = (
        "Discharge diagnoses:\n"
        "1. Severe sepsis due to E. coli, with acute metabolic encephalopathy.\n"
        "2. Urinary tract infection due to E. coli (source of sepsis).\n"
    )
    assert dx_codes(text, encounter_type="inpatient", place_of_service="21") == [
        "A41.51",
        "G93.41",
        "N39.0",
        "R65.20",
    ]


def test_a_stage_of_ckd_documented_with_esrd_is_esrd_only() -> None:
    """I.C.14.a.1: both a stage of CKD and ESRD documented: N18.6 only."""
    text = "Assessment: end stage renal disease (CKD stage 5), on hemodialysis.\n"
    found = dx_codes(text)
    assert "N18.6" in found and "N18.5" not in found


@pytest.mark.parametrize(
    "history",
    ["Last tetanus unknown, more than 10 years.", "Tetanus up to date.", "Due for tetanus."],
)
def test_a_vaccine_preventable_disease_named_for_the_immunization_history(history: str) -> None:
    text = f"HPI: laceration of the left forearm. {history}\n"
    assert "A35" not in dx_codes(text)


@pytest.mark.parametrize(
    "sentence",
    [
        "Immunizations: up to date.",
        "4-year vaccines were given at the health department last month - none due today.",
    ],
)
def test_no_immunization_encounter_without_a_vaccine_given_at_it(sentence: str) -> None:
    """I.C.21.c.2: Z23 is for a vaccine given at this encounter."""
    text = f"Well child visit.\n{sentence}\nAssessment: routine child health examination.\n"
    assert "Z23" not in dx_codes(text)


def test_a_vaccine_given_at_an_outpatient_visit_stays_beside_the_statement() -> None:
    text = (
        "Procedure: simple repair of a 2.5 cm laceration of the left forearm.\n"
        "Tdap 0.5 mL IM given by nursing.\n"
        "Diagnoses: laceration without foreign body of the left forearm, initial encounter.\n"
    )
    found = dx_codes(text, encounter_type="emergency", place_of_service="23")
    assert "Z23" in found


def test_an_exposure_or_another_persons_disease_is_not_the_patients() -> None:
    """I.C.21.c.1: contact with and exposure to a communicable disease is Z20."""
    text = (
        "Her roommate tested positive for COVID-19 two days ago. No fever, no cough.\n"
        "Assessment: exposure to COVID-19, asymptomatic, antigen negative.\n"
    )
    assert dx_codes(text, encounter_type="telehealth", place_of_service="10") == ["Z20.822"]


def test_follow_up_after_completed_cancer_treatment_is_z08_with_the_history() -> None:
    """I.C.21.c.8 and I.C.2.d: the cancer treated and gone is history (Z85), the visit
    Z08; a history of cancer of unspecified site beside the sited one is that one."""
    text = (
        "Assessment: follow-up examination after completed treatment for colon cancer; "
        "personal history of malignant neoplasm of the colon, no evidence of recurrence.\n"
    )
    assert dx_codes(text) == ["Z08", "Z85.038"]


def test_no_history_code_beside_the_same_condition_now() -> None:
    """I.C.21.c.4: history codes are for conditions that no longer exist."""
    text = (
        "HPI: burning with urination for 1 day. Last UTI 3 years ago.\n"
        "Assessment: acute cystitis without hematuria.\n"
    )
    assert dx_codes(text) == ["N30.00"]
    past = "HPI: knee pain. Last UTI 3 years ago.\nAssessment: osteoarthritis, right knee.\n"
    assert "Z87.440" in dx_codes(past)


def test_the_stage_a_7th_character_gives_is_read_from_the_sentence() -> None:
    """I.B.2: glaucoma's 7th character is its stage; 'moderate stage' is 2, not 0."""
    text = "Assessment: primary open-angle glaucoma, bilateral, moderate stage.\n"
    assert dx_codes(text) == ["H40.1132"]


def test_a_lung_cancer_by_its_lobe_and_its_metastases() -> None:
    text = "Assessment: adenocarcinoma of the right upper lobe of the lung, metastatic to bone.\n"
    assert dx_codes(text) == ["C34.11", "C79.51"]


def test_cystitis_in_pregnancy_is_the_chapter_15_code_by_trimester() -> None:
    """I.C.15.a.1 and a.3: O23.1- in pregnancy, the trimester from the weeks."""
    text = "Impression: acute cystitis in pregnancy, first trimester. 10 weeks gestation.\n"
    assert dx_codes(text, encounter_type="emergency", place_of_service="23") == [
        "O23.11",
        "Z3A.10",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Diagnoses: syncope due to orthostatic hypotension from dehydration.", ["E86.0", "I95.1"]),
        ("Assessment: abscess of the buttock with erythema and a tender lump.", ["L02.31"]),
    ],
)
def test_signs_integral_to_the_diagnosis_are_not_coded(text: str, expected: list[str]) -> None:
    """I.B.5: syncope in orthostatic hypotension, the erythema and lump of an abscess."""
    assert dx_codes(text + "\n") == expected


def test_system_acronyms_are_no_conditions() -> None:
    text = (
        "Records reviewed in the HIE. Images saved to PACS.\n"
        "Assessment: effusion of the right knee.\n"
    )
    assert dx_codes(text) == ["M25.461"]


@pytest.mark.parametrize(
    "line",
    [
        "Vaccines due today: MMR, varicella, and hepatitis A #1 given.",
        "Requesting shingles and pneumonia vaccines.",
        "Immunizations: never had HPV; MenB not given.",
    ],
)
def test_the_diseases_a_vaccine_sentence_names_are_not_the_patients(line: str) -> None:
    found = dx_codes(f"{line}\nAssessment: routine child health examination.\n")
    assert not [c for c in found if c[:1] in "BJK"]


def test_suture_removal_planned_in_days_is_not_this_encounters_aftercare() -> None:
    text = (
        "Assessment: laceration without foreign body of the chin, initial encounter.\n"
        "Plan: wound care, suture removal: face 5 days.\n"
    )
    assert "Z48.02" not in dx_codes(text)


def test_a_first_normal_pregnancy_by_trimester_with_its_weeks() -> None:
    text = "G1P0 at 8 weeks 2 days by LMP.\nAssessment: supervision of normal first pregnancy.\n"
    assert dx_codes(text) == ["Z34.01", "Z3A.08"]


def test_an_organism_beside_a_sited_infection_is_its_agent() -> None:
    """I.C.1, A49's Excludes1: MRSA with cellulitis is B95.62, not A49.02."""
    text = "Discharge diagnoses: cellulitis of the left lower leg due to MRSA infection.\n"
    found = dx_codes(text, encounter_type="inpatient", place_of_service="21")
    assert "B95.62" in found and "A49.02" not in found


@pytest.mark.parametrize(
    "plan",
    ["Plan: quad strengthening, weight loss, return in 3 months.", "Lifestyle: weight loss."],
)
def test_weight_loss_the_plan_advises_is_no_symptom(plan: str) -> None:
    text = f"Assessment: primary osteoarthritis of the right knee.\n{plan}\n"
    assert "R63.4" not in dx_codes(text)


def test_a_vaccine_the_patient_declined() -> None:
    text = "Assessment: essential hypertension. Influenza vaccine declined.\n"
    assert dx_codes(text) == ["I10", "Z28.21"]


def test_a_vaccine_named_after_its_disease_in_the_administration_line() -> None:
    text = (
        "MMR 0.5 mL subcut right thigh, varicella (Varivax) 0.5 mL subcut left thigh.\n"
        "Assessment: otitis media of the right ear.\n"
    )
    assert [c for c in dx_codes(text) if c[:1] == "B"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Assessment: acute appendicitis with localized peritonitis; fever.", ["K35.30"]),
        (
            "Assessment: hyperemesis gravidarum with metabolic disturbance, dehydration.",
            ["O21.1"],
        ),
        ("Assessment: dyspnea on exertion, cause not yet determined.", ["R06.09"]),
    ],
)
def test_more_signs_integral_and_dyspnea_on_exertion(text: str, expected: list[str]) -> None:
    """I.B.5: a fever of appendicitis, the dehydration O21.1 names; dyspnea on exertion is
    a form of dyspnea the tabular does not name (R06.09), not shortness of breath."""
    assert [c for c in dx_codes(text + "\n", patient=patient(sex="F")) if c[:3] != "Z3A"] == (
        expected
    )


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Assessment: essential hypertension - continue amlodipine; avoid hypotension.", "I95.9"),
        (
            "Assessment: preoperative examination before elective right total hip "
            "arthroplasty scheduled next month for primary osteoarthritis of the right hip.",
            "Z96.641",
        ),
        (
            "Diagnosis: acute cystitis (bladder infection) in pregnancy, second trimester.",
            "N30.00",
        ),
        ("Images saved to PACS.\nAssessment: effusion of the right knee.", "I49.1"),
    ],
)
def test_what_the_words_do_not_give_the_patient(text: str, absent: str) -> None:
    """What the plan says to avoid; a joint replacement still to come (no Z96 status); a
    genitourinary infection in pregnancy named by its chapter 15 code (I.C.15.a.1); the
    imaging archive."""
    assert absent not in dx_codes(text + "\n", patient=patient(sex="F"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Assessment: chronic diastolic heart failure - mild volume overload, no admission.",
            ["I50.32"],
        ),
        ("Assessment: C. difficile enterocolitis, initial episode.", ["A04.72"]),
        ("Assessment: type 2 diabetes mellitus. Hypoglycemia teaching done.", ["E11.9"]),
    ],
)
def test_overload_of_heart_failure_enterocolitis_and_teaching(
    text: str, expected: list[str]
) -> None:
    """Fluid overload is part of the heart failure (I.B.5); the C. difficile
    enterocolitis is A04.72; what a teaching is about is no condition."""
    assert dx_codes(text + "\n") == expected


def test_synonyms_of_daily_notes_and_nicotine_dependence_anywhere() -> None:
    """'CAP', 'breast ca'; a smoker documented in the social history is coded beside the
    assessment (the tabular's 'use additional code ... tobacco dependence')."""
    assert dx_codes("Assessment: CAP, right lower lobe.\n") == ["J18.9"]
    assert "Z85.3" in dx_codes("Assessment: hx of breast ca s/p mastectomy, no recurrence.\n")
    text = "Social: smokes 1 ppd.\nAssessment: COPD, stable.\n"
    assert dx_codes(text) == ["F17.210", "J44.9"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Assessment: pneumonia of the left lower lobe due to Streptococcus pneumoniae.", ["J13"]),
        ("Assessment: bronchiolitis due to RSV.", ["J21.0"]),
        ("Assessment: cellulitis of right lower extremity.", ["L03.115"]),
        ("Assessment: status post left total knee replacement.", ["Z96.652"]),
        ("Assessment: pneumonia. UTI due to E. coli.", ["B96.20", "J18.9", "N39.0"]),
    ],
)
def test_organisms_limbs_and_a_status_side(text: str, expected: list[str]) -> None:
    """The Index's pneumonia and bronchiolitis by organism (J13, J21.0); a limb called an
    extremity; the side of a joint replacement written as past."""
    assert dx_codes(text + "\n") == expected


def test_a_condition_of_the_stay_its_discharge_diagnoses_call_resolved() -> None:
    """II, III: the stay treated it; 'resolved' there is no past history."""
    text = (
        "Discharge diagnoses:\n1. Acute kidney injury, prerenal, resolved with fluids.\n"
        "2. Mild dementia.\n"
    )
    found = dx_codes(text, encounter_type="inpatient", place_of_service="21")
    assert found == ["F03.A0", "N17.9"]
    past = "Discharge diagnoses:\n1. History of acute kidney injury, resolved.\n2. Gout.\n"
    assert "N17.9" not in dx_codes(past, encounter_type="inpatient", place_of_service="21")

"""Words within a longer name of the same condition, and symptoms a code asks to add
(ICD-10-CM Official Guidelines FY2026 I.B.3, I.B.4-5; N40.1's "use additional code")."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from .factories import patient
from .test_guidelines import coded, codes, mention, noted

TEXT = (
    "Assessment: acute blood loss anemia, anemia; osteoarthritis, right knee, with "
    "osteoarthritis; urinary tract infection; CKD; diabetic CKD; aspirin and clopidogrel; "
    "aspirin; left TKA; TKA; chest pain, pain; BPH with lower urinary tract symptoms, "
    "urinary frequency, nocturia.\n"
)


def m(phrase: str, code: str, **kwargs: object) -> object:
    return mention(phrase, code, text=TEXT, section="assessment", **kwargs)  # type: ignore[arg-type]


def test_shorter_words_of_a_longer_name_are_that_condition() -> None:
    result = coded(
        [
            m("acute blood loss anemia", "D62"),
            m("anemia", "D64.9", occurrence=1),
            m("osteoarthritis, right knee", "M17.11"),
            m("osteoarthritis", "M19.90", occurrence=1),
            m("urinary tract infection", "N39.0"),
            m("infection", "B99.9"),
            m("chest pain", "R07.9"),
            m("pain", "R52", occurrence=1),
            m("left TKA", "Z96.652"),
            m("TKA", "Z96.659", occurrence=1),
        ]
    )
    assert sorted(codes(result)) == ["D62", "M17.11", "N39.0", "R07.9", "Z96.652"]


def test_a_code_of_another_chapter_or_another_drug_stays() -> None:
    """ "CKD" within "diabetic CKD" is the stage E11.22 asks to add; "aspirin" is its own
    long-term drug beside "aspirin and clopidogrel" (the antiplatelet)."""
    result = coded(
        [
            m("diabetic CKD", "E11.22"),
            m("CKD", "N18.9"),
            m("aspirin and clopidogrel", "Z79.02"),
            m("aspirin", "Z79.82", occurrence=1),
        ]
    )
    assert {"E11.22", "N18.9", "Z79.02", "Z79.82"} <= set(codes(result))


def test_symptoms_bph_with_luts_asks_to_add_are_coded() -> None:
    result = coded(
        [
            m("BPH with lower urinary tract symptoms", "N40.1"),
            m("urinary frequency", "R35.0"),
            m("nocturia", "R35.1"),
        ]
    )
    assert sorted(codes(result)) == ["N40.1", "R35.0", "R35.1"]


# --- BMI beside its weight diagnosis (I.B.14) ---------------------------------------------

BMI_NOTE = "Exam: Wt 98 kg, BMI 36.0.\nAssessment: class 2 obesity; hypertension.\n"


def _bmi(text: str, found: list[tuple[str, str]], **overrides: object) -> list[str]:
    mentions = [mention(p, c, text=text, section="assessment") for p, c in found]
    return codes(coded(mentions, text=text, **overrides))


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("19.2", "Z68.1"),
        ("24.9", "Z68.24"),
        ("36.0", "Z68.36"),
        ("41.3", "Z68.41"),
        ("72", "Z68.45"),
    ],
)
def test_an_adults_bmi_is_coded_beside_the_weight_diagnosis(value: str, code: str) -> None:
    text = BMI_NOTE.replace("36.0", value)
    assert _bmi(text, [("class 2 obesity", "E66.812")]) == ["E66.812", code]


def test_no_bmi_code_without_a_weight_diagnosis_or_in_pregnancy() -> None:
    assert _bmi(BMI_NOTE, [("hypertension", "I10")]) == ["I10"]
    pregnant = [("class 2 obesity", "O99.212"), ("hypertension", "I10")]
    assert not any(c.startswith("Z68") for c in _bmi(BMI_NOTE, pregnant))


def test_a_childs_bmi_is_coded_by_its_percentile() -> None:
    text = "Exam: BMI 22.7 - 97th percentile for age.\nAssessment: childhood obesity.\n"
    found = _bmi(
        text, [("childhood obesity", "E66.9")], patient=patient(birth_date=date(2016, 3, 1))
    )
    assert found == ["E66.9", "Z68.54"]


def test_a_bare_acronym_from_the_tabular_is_not_coded() -> None:
    """ "PCP" is the tabular's phencyclidine but in a note the primary care provider; a
    curated synonym ("COPD") is coded."""
    text = "Plan: follow up with PCP. COPD stable.\n"
    found = [
        replace(mention("PCP", "F16.10", text=text, confidence=0.45), rule="tabular"),
        replace(mention("COPD", "J44.9", text=text), rule="synonym"),
    ]
    assert codes(coded(found, text=text)) == ["J44.9"]


def test_a_substance_named_alone_is_no_substance_use_disorder() -> None:
    """The tabular lists "caffeine" and "marijuana" as inclusion terms of F15 and F12: the
    word alone ("two cups of coffee, caffeine") says no use disorder."""
    text = "Limit caffeine. Marijuana on weekends. Cannabis use disorder, mild.\n"
    found = [
        replace(mention("caffeine", "F15.90", text=text, confidence=0.45), rule="tabular"),
        replace(mention("Marijuana", "F12.90", text=text, confidence=0.45), rule="tabular"),
        replace(mention("Cannabis use disorder, mild", "F12.10", text=text), rule="synonym"),
    ]
    assert codes(coded(found, text=text)) == ["F12.10"]


# --- asked and denied, a relative who is there, a questioned history ---------------------


def test_a_condition_asked_about_and_denied_is_not_coded() -> None:
    text = "SH: Former smoker? No - never smoked. Home O2: none. Hypertension: yes.\n"
    found = [
        mention("Former smoker", "Z87.891", "history", text=text),
        mention("Home O2", "Z99.81", text=text),
        mention("Hypertension", "I10", text=text),
    ]
    assert codes(coded(found, text=text)) == ["I10"]


@pytest.mark.parametrize(
    "vitals", ["Vitals: SpO2 91% RA, HR 88.", "Sats 95% on RA.", "O2 sat RA 97%."]
)
def test_ra_after_a_saturation_is_room_air(vitals: str) -> None:
    text = f"{vitals}\nRA on methotrexate, stable.\n"
    first = mention("RA", "M06.9", text=text)  # the first "RA": the vitals'
    later = text.index("RA", text.index("\n"))
    second = replace(first, evidence=replace(first.evidence, start=later, end=later + 2))
    assert codes(coded([first], text=text)) == []
    assert codes(coded([second], text=text)) == ["M06.9"]


def test_a_relative_who_came_with_the_patient_makes_no_family_history() -> None:
    text = (
        "Seen with son and daughter for Alzheimer's disease.\n"
        "Brought by her mother for common warts.\n"
        "Her mother has diabetes.\n"
    )
    found = [
        mention("Alzheimer's disease", "G30.9", "family", text=text),
        mention("common warts", "B07.8", "family", text=text),
        mention("diabetes", "E11.9", "family", text=text),
    ]
    # the mother's diabetes is family history; the patient's Alzheimer's disease brings its
    # dementia code (G30.9 [F02.80])
    assert sorted(codes(coded(found, text=text))) == ["B07.8", "F02.80", "G30.9", "Z83.3"]


def test_a_relatives_condition_on_the_allergy_line_or_questioned() -> None:
    text = "Allergies: NKDA. FH: mother with migraines, father with diabetes? - borderline.\n"
    found = [
        mention("migraines", "G43.909", "family", section="allergies", text=text),
        mention("diabetes", "E11.9", "family", section="allergies", text=text),
    ]
    assert codes(coded(found, text=text)) == ["Z82.0"]


def test_a_name_within_a_longer_name_of_another_chapter() -> None:
    """The shorter words go unless the tabular pairs the two codes ("code first")."""
    text = (
        "Assessment: vitamin B12 deficiency anemia due to intrinsic factor deficiency; "
        "COVID-19 pneumonia; primary osteoarthritis, right knee.\n"
    )
    pairs = [
        ("vitamin B12 deficiency anemia due to intrinsic factor deficiency", "D51.0"),
        ("vitamin B12 deficiency", "E53.8"),
        ("COVID-19 pneumonia", "J12.82"),
        ("COVID-19", "U07.1"),
        ("primary osteoarthritis", "M19.91"),
        ("osteoarthritis, right knee", "M17.11"),
    ]
    found = [mention(p, c, text=text, section="assessment") for p, c in pairs]
    assert sorted(codes(coded(found, text=text))) == ["D51.0", "J12.82", "M17.11", "U07.1"]


def test_the_disease_a_vaccine_is_named_after_is_not_coded() -> None:
    text = "Fluzone influenza vaccine given; immunization against hepatitis B. Influenza A.\n"
    found = [
        mention("influenza", "J11.1", text=text),
        mention("hepatitis B", "B19.10", text=text),
        mention("Influenza A", "J10.1", text=text),
    ]
    assert codes(coded(found, text=text)) == ["J10.1"]


def test_external_cause_codes_are_not_reported_without_a_mandate() -> None:
    """I.C.20: no national requirement for chapter 20 codes."""
    text = "Dog bite of the right hand after a mechanical fall.\n"
    found = [
        mention("Dog bite", "W54.0XXA", text=text),
        mention("mechanical fall", "W19.XXXA", text=text),
        mention("bite of the right hand", "S61.451A", text=text),
    ]
    assert codes(coded(found, text=text)) == ["S61.451A"]


@pytest.mark.parametrize(
    ("clause", "kept"),
    [
        ("Plan: start apixaban 5 mg BID after discussing bleeding risk.", False),
        ("Continue prednisone 40 mg daily (day 2 of 5).", False),
        ("oxycodone 2.5 mg q6h prn x 5 days.", False),
        ("Basal insulin while inpatient.", False),
        ("Prednisone completed.", False),
        ("On apixaban, started 3 years ago for atrial fibrillation.", True),
        ("Attempt prednisone taper to 2.5 mg over 4 weeks.", True),
        ("Continue apixaban 5 mg BID.", True),
    ],
)
def test_a_drug_started_now_or_for_a_course_is_no_long_term_therapy(
    clause: str, kept: bool
) -> None:
    """I.C.21.c.3: Z79 is for continuous long-term use, not a drug started at the
    encounter, given for a course or only while inpatient."""
    drug = next(
        w for w in ("apixaban", "prednisone", "oxycodone", "insulin") if w in clause.lower()
    )
    start = clause.lower().index(drug)
    found = mention(clause[start : start + len(drug)], "Z79.01", text=clause)
    assert (codes(coded([found], text=clause)) == ["Z79.01"]) is kept


def test_unspecified_pain_is_not_coded_beside_a_diagnosis() -> None:
    """I.B.5: 'ibuprofen for pain' with otitis media is the otitis's pain; alone it is R52."""
    text = "Acute otitis media of the left ear; ibuprofen for pain.\n"
    found = [mention("Acute otitis media", "H66.92", text=text), mention("pain", "R52", text=text)]
    assert codes(coded(found, text=text)) == ["H66.92"]
    assert codes(coded([mention("pain", "R52", text=text)], text=text)) == ["R52"]


def test_unspecified_pain_stays_beside_a_diagnosis_that_is_not_painful_itself() -> None:
    """I.B.5 drops only what the condition routinely brings: diabetes and hypertension do
    not explain a patient's pain, a fracture does."""
    text = "Type 2 diabetes and hypertension, stable. Complains of pain.\n"
    found = [
        mention("Type 2 diabetes", "E11.9", text=text),
        mention("hypertension", "I10", text=text),
        mention("pain", "R52", text=text),
    ]
    assert sorted(codes(coded(found, text=text))) == ["E11.9", "I10", "R52"]
    text = "Closed fracture of the left radius; pain controlled.\n"
    found = [
        mention("fracture of the left radius", "S52.92XA", text=text),
        mention("pain", "R52", text=text),
    ]
    assert codes(coded(found, text=text)) == ["S52.92XA"]


def test_a_plural_acronym_from_the_tabular_is_not_coded() -> None:
    text = "ECG: occasional PACs.\n"
    found = [replace(mention("PACs", "F15.10", text=text, confidence=0.45), rule="tabular")]
    assert codes(coded(found, text=text)) == []


@pytest.mark.parametrize(
    ("text", "phrase", "code"),
    [
        ("Guidance: fever precautions after vaccines.\n", "fever", "R50.9"),
        ("Start apixaban after discussing stroke and bleeding risk.\n", "stroke", "I63.9"),
        ("Enoxaparin for DVT prophylaxis.\n", "DVT", "I82.409"),
        ("Counseled on the risk of falls at home.\n", "falls", "W19.XXXA"),
        ("Screening mammogram is due; order placed.\n", "Screening mammogram", "Z12.31"),
    ],
)
def test_what_an_instruction_guards_against_is_not_coded(text: str, phrase: str, code: str) -> None:
    assert codes(coded([mention(phrase, code, text=text)], text=text)) == []


def test_an_uncertain_inpatient_diagnosis_ruled_out_later_on_its_line() -> None:
    text = "3. Pneumonia was suspected on admission; pneumonia ruled out, antibiotics stopped.\n"
    found = [mention("Pneumonia", "J18.9", "possible", text=text)]
    assert codes(coded(found, text=text, encounter_type="inpatient")) == []


def test_a_code_whose_title_another_of_its_category_holds_is_part_of_it() -> None:
    text = "Assessment: acute on chronic diastolic heart failure (HFpEF).\n"
    found = [
        mention("acute on chronic diastolic heart failure", "I50.33", text=text),
        mention("HFpEF", "I50.32", text=text),
    ]
    assert codes(coded(found, text=text)) == ["I50.33"]


def test_a_diet_named_after_a_condition_is_no_condition() -> None:
    text = "Plan: amlodipine, low-sodium diet.\n"
    assert codes(coded([mention("low-sodium", "E87.1", text=text)], text=text)) == []


@pytest.mark.parametrize(
    ("extent", "code"),
    [("burns of less than 10% of body surface area", "T31.0"), ("about 14% TBSA", "T31.10")],
)
def test_the_extent_of_burns_beside_the_burn_by_site(extent: str, code: str) -> None:
    """I.C.19.d.6: T31 with the site codes; T30 (unspecified region) not beside them."""
    text = f"Diagnosis: second-degree burn of the right forearm; burn care; {extent}.\n"
    found = [
        mention("second-degree burn of the right forearm", "T22.211A", text=text),
        mention("burn", "T30.0", text=text, occurrence=1),
    ]
    assert codes(coded(found, text=text)) == ["T22.211A", code]


@pytest.mark.parametrize(("with_finding", "expected"), [(False, "Z01.419"), (True, "Z01.411")])
def test_a_well_woman_visit_is_the_gynecological_examination(
    with_finding: bool, expected: str
) -> None:
    """I.C.21.c.13: Z01.41- for the annual gynecological exam; its counseling is part of it."""
    text = "35 y/o here for annual well-woman exam. Assessment: vaginitis. Counseling given.\n"
    found = [mention("Counseling", "Z71.9", text=text)]
    if with_finding:
        found.append(mention("vaginitis", "N76.0", text=text, section="assessment"))
    visit = noted(
        text=text, encounter_type="preventive", patient=patient(birth_date=date(1991, 2, 3))
    )
    result = coded(found, visit)
    assert codes(result) == [expected, *(["N76.0"] if with_finding else [])]


def test_the_nihss_score_beside_an_acute_ischemic_stroke() -> None:
    """I.C.18.i: R29.7- with I63, the first score documented."""
    text = "NIHSS on arrival 8, NIHSS 3 at 24 h.\nAssessment: acute ischemic stroke.\n"
    stroke = mention("acute ischemic stroke", "I63.9", text=text, section="assessment")
    assert codes(coded([stroke], text=text)) == ["I63.9", "R29.708"]
    other = mention("NIHSS", "R51.9", text=text)
    assert codes(coded([other], text=text)) == ["R51.9"]


def test_a_code_also_written_on_its_own_stays_beside_the_longer_name() -> None:
    text = "Diagnosis: hypertensive urgency in a patient with essential hypertension.\n"
    found = [
        mention("hypertensive", "I10", text=text, section="diagnoses"),
        mention("hypertensive urgency", "I16.0", text=text, section="diagnoses"),
        mention("essential hypertension", "I10", text=text, section="diagnoses"),
    ]
    assert sorted(codes(coded(found, text=text))) == ["I10", "I16.0"]


def test_diabetes_words_without_a_type_take_the_documented_type() -> None:
    """I.C.4.a.2: E11 is the default only when the type is not documented."""
    text = "Principal diagnosis: diabetic ketoacidosis in type 1 diabetes. DKA resolved.\n"
    found = [
        mention("diabetic ketoacidosis in type 1 diabetes", "E10.10", text=text),
        mention("DKA", "E11.10", text=text),
    ]
    result = coded(found, text=text)
    assert codes(result) == ["E10.10"]
    assert not result.reasons


def test_a_neoplasm_of_unspecified_site_beside_one_whose_site_is_given() -> None:
    text = "Colonoscopy: tubular adenoma of the sigmoid colon; benign neoplasm, removed.\n"
    found = [
        mention("tubular adenoma of the sigmoid colon", "D12.5", text=text),
        mention("benign neoplasm", "D36.9", text=text),
    ]
    assert codes(coded(found, text=text)) == ["D12.5"]
    alone = [mention("benign neoplasm", "D36.9", text=text)]
    assert codes(coded(alone, text=text)) == ["D36.9"]

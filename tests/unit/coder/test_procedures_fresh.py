"""Procedure rules written from the fresh dev cases of src/dev/12_proc_fresh.jsonl: the same
drug into two joints told in sentences of their own, current vaccine products (three-strain
influenza, COVID-19 by maker and age, PCV21), a generic vaccine mention replaced by its
product, and a drug billed by the code of its strength."""

from __future__ import annotations

from datetime import date

from services.coder.domain import ClinicalNote, Coded, ServiceLine
from services.coder.domain.encounter import PrintedField

from .factories import encounter, outcome_of, patient


def lines_of(outcome: object) -> list[ServiceLine]:
    if isinstance(outcome, Coded):
        return list(outcome.service_lines)
    return list(outcome.proposed_service_lines)  # type: ignore[attr-defined]


def lines(text: str, kind: str = "procedure", **overrides: object) -> list[ServiceLine]:
    notes = (ClinicalNote("n1", kind, text),)
    return lines_of(outcome_of(encounter(notes=notes, **overrides)))


def coded(text: str, kind: str = "procedure", **overrides: object) -> list[str]:
    return [line.code for line in lines(text, kind, **overrides)]


def _units(got: list[ServiceLine], code: str) -> int:
    return next(line.units for line in got if line.code == code)


# --- the same drug into two joints, each told in its own sentence ---------------------------


def test_the_same_drug_into_each_knee_told_apart_is_one_bilateral_injection_and_both_doses() -> (
    None
):
    text = (
        "Right knee: prepped with chlorhexidine, superolateral approach with a 22 g needle; "
        "triamcinolone acetonide 40 mg with 4 mL 1% lidocaine injected.\n"
        "Left knee: prepped in the same way; triamcinolone acetonide 40 mg with 4 mL 1% "
        "lidocaine was injected."
    )
    got = lines(text)
    assert [(line.code, line.modifiers) for line in got if line.code == "20610"] == [
        ("20610", ("50",))
    ]
    assert _units(got, "J3301") == 8
    assert "96372" not in [line.code for line in got]


def test_the_same_drug_into_another_joint_is_that_joint_s_injection_too() -> None:
    text = (
        "Right knee: triamcinolone 40 mg injected into the joint.\n"
        "Left wrist: triamcinolone 20 mg injected into the joint."
    )
    got = lines(text)
    assert {"20610", "20605"} <= {line.code for line in got}
    assert _units(got, "J3301") == 6


def test_a_joint_injection_told_again_for_the_same_knee_is_the_same_dose() -> None:
    text = (
        "Right knee injection: triamcinolone 40 mg injected.\n"
        "Impression: right knee osteoarthritis, triamcinolone 40 mg injected into the right knee."
    )
    got = lines(text)
    assert [line.code for line in got].count("20610") == 1
    assert _units(got, "J3301") == 4


# --- vaccine products of the date of service ----------------------------------------------

_FALL = date(2026, 9, 20)


def test_a_flu_vaccine_named_by_no_product_is_the_three_strain_vaccine_since_2024() -> None:
    text = "Influenza vaccine 0.5 mL IM left deltoid given by the nurse."
    assert "90656" in coded(text, "other", date_of_service=_FALL)
    assert "90686" not in coded(text, "other", date_of_service=_FALL)
    assert "90686" in coded(text, "other", date_of_service=date(2023, 10, 2))


def test_a_cell_culture_flu_vaccine_named_before_its_parenthesis_is_its_own_code() -> None:
    text = (
        "Administered: Flucelvax (influenza vaccine, cell culture-derived, trivalent, "
        "preservative-free) 0.5 mL IM, left deltoid."
    )
    got = coded(text, "other", date_of_service=_FALL)
    # Flucelvax is three-strain since the 2024-2025 season: ccIIV3, 90661 (90674 is ccIIV4)
    assert "90661" in got and "90674" not in got and "90656" not in got and "90471" in got


def test_a_covid_vaccine_is_its_maker_s_code_for_the_age_and_its_own_administration() -> None:
    text = "Spikevax (Moderna COVID-19 vaccine, 2025-2026 formula) 0.5 mL IM right deltoid given."
    adult = coded(text, "other", date_of_service=_FALL)
    assert "91322" in adult and "90480" in adult and "90471" not in adult
    child = coded(
        text, "other", date_of_service=_FALL, patient=patient(birth_date=date(2019, 5, 1))
    )
    assert "91321" in child and "91322" not in child
    pfizer = "Comirnaty 0.3 mL IM given today."
    assert "91319" in coded(pfizer, "other", patient=patient(birth_date=date(2018, 1, 1)))


def test_a_covid_vaccine_beside_another_vaccine_leaves_the_other_its_administration() -> None:
    text = (
        "Vaccines given today: Spikevax 0.5 mL IM right deltoid; Fluarix trivalent 0.5 mL IM "
        "left deltoid."
    )
    got = coded(text, "other", date_of_service=_FALL)
    assert {"91322", "90480", "90656", "90471"} <= set(got)
    assert "90472" not in got


def test_a_generic_pneumonia_vaccine_is_the_product_the_note_names_later() -> None:
    text = (
        "71 y/o man here for his flu shot and pneumonia vaccine.\n"
        "1) Fluzone High-Dose 0.5 mL IM right deltoid.\n"
        "2) Prevnar 20 0.5 mL IM left deltoid."
    )
    medicare = (PrintedField("coverages[0].payer_name", "the payer", "Medicare Part B"),)
    got = coded(text, "other", printed_demographics=medicare, date_of_service=_FALL)
    assert "90732" not in got and "90677" in got and "90662" in got
    assert got.count("G0009") == 1 and got.count("G0008") == 1
    alone = coded("Pneumonia vaccine 0.5 mL IM given.", "other", printed_demographics=medicare)
    assert "90732" in alone


def test_a_21_valent_pneumococcal_conjugate_vaccine_is_pcv21() -> None:
    got = coded("Capvaxive 0.5 mL IM left deltoid given.", "other")
    assert "90684" in got and "90732" not in got


# --- a drug billed by the code of its strength ---------------------------------------------


def test_methylprednisolone_acetate_80_mg_is_its_80_mg_code_not_two_40s() -> None:
    text = "Right knee injected with methylprednisolone acetate 80 mg and 3 mL lidocaine."
    got = lines(text)
    assert _units(got, "J1040") == 1 and "J1030" not in [line.code for line in got]
    forty = coded("Right knee injected with methylprednisolone acetate 40 mg.")
    assert "J1030" in forty
    succinate = coded("Solu-Medrol 40 mg IV push given.", "progress")
    assert "J2920" in succinate and "J2930" not in succinate


# --- the words after a service that make it its fuller code --------------------------------


def test_the_descriptor_s_added_words_make_the_fuller_code() -> None:
    chole = "Procedure: laparoscopic cholecystectomy. A cholangiogram was performed: free flow."
    assert "47563" in coded(chole, "operative") and "47562" not in coded(chole, "operative")
    plain = "Procedure: laparoscopic cholecystectomy. No cholangiogram was needed."
    assert "47562" in coded(plain, "operative")
    tap = "Paracentesis performed; pocket marked under real-time ultrasound, 5 L removed."
    assert "49083" in coded(tap) and "49082" not in coded(tap)
    assert "49082" in coded("Paracentesis performed at the bedside, 3 L removed.")
    spiro = "Spirometry before and after bronchodilator performed in the office today."
    assert "94060" in coded(spiro, "progress") and "94010" not in coded(spiro, "progress")
    assert "94010" in coded("Spirometry performed in the office today.", "progress")
    abscess = "Procedure: incision and drainage, complicated abscess of the upper back."
    assert "10061" in coded(abscess) and "10060" not in coded(abscess)
    assert "10060" in coded("Procedure: incision and drainage, uncomplicated abscess of the back.")


# --- vaccines: charted as given, by age, and counselled on today -----------------------------

_TODDLER = dict(encounter_type="preventive", patient=patient(birth_date=date(2025, 1, 10)))


def test_a_vaccine_charted_with_its_dose_route_and_site_under_an_assessment_was_given() -> None:
    text = (
        "Assessment: well child, normal growth and development.\n"
        "Immunizations: reviewed benefits and risks of each vaccine component with the "
        "parents, questions answered by me.\n"
        "- DTaP (Daptacel) #4, 0.5 mL IM right thigh\n"
        "- Hepatitis A pediatric (Havrix 720) #2, 0.5 mL IM left thigh"
    )
    got = coded(text, "progress", date_of_service=date(2026, 7, 14), **_TODDLER)
    assert {"90700", "90633", "90460", "90461"} <= set(got) and "90471" not in got
    planned = "Assessment: well child.\nImmunizations: DTaP #5 due at 4 years."
    assert "90700" not in coded(planned, "progress", **_TODDLER)


def test_hepatitis_vaccines_named_without_their_presentation_are_billed_by_age() -> None:
    child = dict(patient=patient(birth_date=date(2014, 1, 1)))
    assert "90633" in coded("Hepatitis A vaccine 0.5 mL IM given today.", "other", **child)
    assert "90632" in coded("Hepatitis A vaccine 1 mL IM given today.", "other")
    assert "90744" in coded("Hepatitis B vaccine 0.5 mL IM given today.", "other", **child)


def test_counselling_at_another_visit_is_not_today_s_vaccine_counselling() -> None:
    teen = dict(patient=patient(birth_date=date(2011, 3, 1)))
    text = (
        "Nurse-only visit for catch-up vaccines; seen for her well visit last month "
        "(counseling done then by the physician).\n"
        "HPV 9-valent (Gardasil 9), dose 2, 0.5 mL IM left deltoid given by RN."
    )
    got = coded(text, "other", **teen)
    assert "90471" in got and "90460" not in got
    today = "Counseled on the HPV vaccine by me. Gardasil 9 0.5 mL IM left deltoid given."
    assert "90460" in coded(today, "other", **teen)


# --- counts told where the service is done; what a sentence names as something else ---------


def test_lesions_named_first_without_a_count_are_coded_by_the_count_where_destroyed() -> None:
    text = (
        "Returns for treatment of actinic keratoses of the scalp and hands.\n"
        "Procedure: liquid nitrogen cryotherapy, 2 freeze-thaw cycles: all 16 actinic keratoses "
        "destroyed; the 2 warts destroyed with cryotherapy as well."
    )
    got = coded(text)
    assert "17004" in got and "17000" not in got and "17003" not in got
    assert "17110" in got  # the warts of their own sentence are benign lesions, not AKs


def test_a_test_the_diagnosis_says_confirmed_it_is_a_past_result() -> None:
    text = "Left carpal tunnel syndrome (EMG-confirmed, mild) wanted an injection."
    assert "95886" not in coded(text, "progress")


def test_a_drug_infused_in_the_plan_was_given_and_its_diluent_is_no_fluid_of_its_own() -> None:
    text = (
        "Assessment: community-acquired pneumonia.\n"
        "Treatment in office: ceftriaxone 1 g in 50 mL normal saline infused IV over 30 "
        "minutes (start 10:05, stop 10:35)."
    )
    outcome = outcome_of(encounter(notes=(ClinicalNote("n1", "progress", text),)))
    got = [line.code for line in lines_of(outcome)]
    assert {"J0696", "96365"} <= set(got) and "J7030" not in got
    assert isinstance(outcome, Coded)


def test_a_central_line_told_with_its_vein_first_is_the_central_line() -> None:
    text = "Central venous catheter, right internal jugular, triple lumen, placed by me."
    assert "36556" in coded(text, "emergency", encounter_type="emergency", place_of_service="23")


def test_corns_pared_are_counted_and_nails_pared_are_no_callus_paring() -> None:
    text = (
        "Procedure: debridement of 7 mycotic nails with nippers and burr; paring of 2 "
        "hyperkeratotic lesions (corns) with a 15 blade."
    )
    got = coded(text)
    assert {"11721", "11056"} <= set(got)
    assert not {"11055", "11056"} & set(coded("Paring of the toenails done today."))


# --- E/M data: each rapid test is its own unique test ----------------------------------------


def test_rapid_strep_influenza_and_covid_antigens_are_three_unique_tests() -> None:
    from services.coder.domain.mdm import score_mdm

    text = (
        "Point-of-care tests done in our lab: rapid strep antigen negative; rapid influenza A "
        "and B antigen: influenza A positive, B negative; COVID-19 antigen negative."
    )
    finding = score_mdm([("notes[0]", text, False)])
    assert finding is not None and finding.data.label == "moderate"
    assert "influenza test" in finding.data.reason and "covid test" in finding.data.reason


# --- devices supplied with their insertion; Medicare's own screening codes --------------------

_MEDICARE = (PrintedField("coverages[0].payer_name", "the payer", "Medicare Part B"),)


def test_a_device_inserted_is_billed_with_its_product_and_a_device_only_named_is_not() -> None:
    assert {"58300", "J7298"} <= set(coded("IUD (Mirena) inserted today without complications."))
    kyleena = "Procedure: Kyleena IUD insertion. Uterus sounded to 7 cm, Kyleena placed."
    assert {"58300", "J7296"} <= set(coded(kyleena))
    assert {"11981", "J7307"} <= set(coded("Nexplanon inserted in the left upper arm."))
    assert "J7307" not in coded("Nexplanon removed from the right arm.")
    assert "J7298" not in coded("Has a Mirena IUD, no problems; here for sinusitis.", "progress")


def test_a_screening_pap_and_pelvic_exam_are_medicare_s_q0091_and_g0101_only() -> None:
    text = "Pap smear collected and pelvic and breast exam performed."
    assert {"Q0091", "G0101"} <= set(coded(text, "progress", printed_demographics=_MEDICARE))
    assert not {"Q0091", "G0101"} & set(coded(text, "progress"))


def test_office_procedures_told_in_other_common_words() -> None:
    assert "69209" in coded("Cerumen impaction right ear removed by irrigation.", "progress")
    assert "29075" in coded("Short arm fiberglass cast applied for the buckle fracture.")
    assert "30901" in coded("Epistaxis: right anterior septum cauterized with silver nitrate.")


# --- initial hospital care is the stay's first visit, new or established ---------------------


def _em(text: str, kind: str, title: str | None = None, **overrides: object) -> str | None:
    notes = (ClinicalNote("n1", kind, text, title=title),)
    fields = dict(encounter_type="inpatient", place_of_service="21", mdm_level=None)
    outcome = outcome_of(encounter(notes=notes, **(fields | overrides)))
    em = outcome.em if isinstance(outcome, Coded) else None
    return em.code if em is not None else None


_ADMISSION = (
    "Admitted for COPD exacerbation with pneumonia.\nAssessment and plan:\n1. Acute on chronic "
    "hypercapnic respiratory failure - BiPAP, ICU.\nTotal time 80 minutes on the unit today."
)


def test_an_admission_h_and_p_of_an_established_patient_is_initial_hospital_care() -> None:
    assert _em(_ADMISSION, "history_and_physical", "Admission H&P") == "99223"
    assert _em(_ADMISSION, "consult", "Pulmonology consultation") == "99223"
    assert _em(_ADMISSION, "progress", "Hospital day 2 progress note") == "99233"


def test_a_newborn_admission_exam_is_the_first_day_s_newborn_care() -> None:
    text = (
        "Term male infant, exam at 14 hours of life: normal newborn.\nPlan: routine newborn care."
    )
    born = patient(birth_date=date(2026, 3, 10))
    assert _em(text, "history_and_physical", "Newborn admission exam", patient=born) == "99460"
    assert _em(text, "progress", "Newborn progress note", patient=born) == "99462"


# --- tests sent out, draws, guidance written as absent ----------------------------------------


def test_a_draw_sent_to_an_outside_lab_is_the_draw_and_a_sent_panel_is_not_ours() -> None:
    got = coded("Plan: CEA drawn in the office today and sent to the outside lab.", "progress")
    assert "36415" in got
    assert "36415" not in coded("Will have blood drawn before the next visit.", "progress")
    assert "85025" not in coded("Labs today (sent): CBC - ANC 1.3, Hgb 11.4.", "progress")


def test_an_office_inr_by_fingerstick_is_the_inr_not_the_stick() -> None:
    got = coded("INR in office today (fingerstick): 2.6.", "progress")
    assert "85610" in got and "36416" not in got


def test_a_joint_injection_without_ultrasound_guidance_is_not_the_guided_code() -> None:
    text = "Right knee injected with triamcinolone 40 mg without ultrasound guidance."
    got = coded(text)
    assert "20610" in got and "20611" not in got


def test_a_drug_given_iv_or_sent_home_with_is_prescription_drug_management() -> None:
    from services.coder.domain.mdm import score_mdm

    given = "ED course: 2 L lactated Ringer's, ondansetron IV; tolerated oral fluids."
    home = "Plan: discharged with ondansetron ODT and small frequent meals."
    for text in (given, home):
        finding = score_mdm([("notes[0]", text, False)])
        assert finding is not None and finding.risk.label == "moderate", text
    none = score_mdm([("notes[0]", "Plan: discharged home with small frequent meals.", False)])
    assert none is None or none.risk.label != "moderate"


def test_the_problem_a_minor_procedure_treats_does_not_level_the_visit_beside_it() -> None:
    from services.coder.domain.mdm import MINOR_PROCEDURE, score_mdm

    text = (
        "A/P:\n1. Primary osteoarthritis, right knee, with effusion - aspirated and injected as "
        "above; quadriceps exercises.\n2. Essential hypertension - well controlled; lisinopril "
        "20 mg renewed for 1 year."
    )
    alone = score_mdm([("notes[0]", text, False)])
    beside = score_mdm([("notes[0]", text, False)], frozenset({MINOR_PROCEDURE}))
    assert alone is not None and alone.problems.label == "moderate"  # two chronic illnesses
    assert beside is not None and beside.problems.label == "low" and beside.level == "low"


def test_a_foreign_body_told_removed_from_a_site_is_that_site_s_removal() -> None:
    ed = dict(encounter_type="emergency", place_of_service="23")
    ear = "Foreign body (bead) removed from the right ear canal with alligator forceps by me."
    assert "69200" in coded(ear, "emergency", **ed)
    assert "10120" in coded("Fishhook removed from the right index finger by advance-and-cut.")
    assert "30300" in coded("Foreign body removed from the left nostril with a hook.")
    assert "10120" not in coded("Glass removed from the foot at the outside ED two days ago.")
    assert "65222" not in coded(
        "Patient reports a foreign body removed from the eye last year at urgent care."
    )


def test_a_dose_given_today_then_scheduled_is_today_s_and_early_pregnancy_bleeding_a_problem() -> (
    None
):
    text = (
        "1. Vitamin B12 deficiency anemia - cyanocobalamin 1,000 mcg IM given in the office "
        "today (right deltoid), then weekly x 4 and monthly."
    )
    got = coded(text, "progress")
    assert {"J3420", "96372"} <= set(got)
    assert "J3420" not in coded("B12 injections monthly at home.", "progress")
    from services.coder.domain.mdm import score_mdm

    finding = score_mdm([("notes[0]", "Impression: threatened miscarriage at 8 weeks.", False)])
    assert finding is not None and finding.problems.label == "moderate"


def test_one_condition_named_in_words_of_two_is_one_problem() -> None:
    from services.coder.domain.mdm import score_mdm

    one = score_mdm([("notes[0]", "Assessment: vitamin B12 deficiency anemia, stable.", False)])
    assert one is not None and one.problems.reason == "1 stable chronic illness"
    two = score_mdm([("notes[0]", "Assessment:\nHypertension\nHyperlipidemia", False)])
    assert two is not None and two.problems.reason == "2 stable chronic illnesses"


def test_a_vaccine_named_generically_then_by_its_brand_is_the_brand() -> None:
    got = coded("Hepatitis B vaccine (Heplisav-B) 0.5 mL IM given, dose 1 of 2.", "other")
    assert "90739" in got and "90746" not in got
    combo = coded("Pediarix (DTaP-HepB-IPV) 0.5 mL IM given today.", "other", **_TODDLER)
    assert "90723" in combo and not {"90700", "90744", "90713"} & set(combo)


def test_an_operation_the_visit_comes_after_is_not_today_s() -> None:
    text = "Postoperative visit 2 weeks after laparoscopic cholecystectomy. Incisions healed."
    assert "47562" not in coded(text, "progress")
    assert "44970" not in coded("Seen s/p laparoscopic appendectomy, doing well.", "progress")
    assert "47562" in coded("Procedure: laparoscopic cholecystectomy.", "operative")


# --- excisions, repairs beside them, debridement, nails, hemorrhoids -------------------------


def test_an_excision_with_words_between_is_sized_and_its_repair_has_its_own_length() -> None:
    cyst = (
        "Procedure: excision of a 1.2 cm benign-appearing cyst of the back, excised diameter "
        "1.8 cm, layered closure 2.5 cm."
    )
    assert {"11402", "12031"} <= set(coded(cyst))
    bcc = (
        "Procedure: excision of basal cell carcinoma of the nose, excised diameter 1.1 cm "
        "including margins, intermediate repair 2.0 cm."
    )
    got = coded(bcc)
    assert {"11642", "12051"} <= set(got) and "12052" not in got


def test_skin_tags_debridement_toenail_and_hemorrhoid_in_other_words() -> None:
    assert "11200" in coded("Removal of 12 skin tags from the neck and axillae with scissors.")
    ulcer = "Debridement of a diabetic foot ulcer to subcutaneous tissue, 3 sq cm."
    assert "11042" in coded(ulcer)
    nail = coded("Toenail removal: left great toe total avulsion under digital block.")
    assert "11730" in nail and "64450" not in nail
    assert "46320" in coded("Thrombosed external hemorrhoid excision under local.")


def test_screening_services_of_the_payer_and_the_age() -> None:
    medicare = coded("Annual depression screening PHQ-9 score 2, 10 minutes.", "progress",
                     printed_demographics=_MEDICARE)  # fmt: skip
    assert "G0444" in medicare and "96127" not in medicare
    infant = dict(patient=patient(birth_date=date(2026, 1, 2)), encounter_type="preventive")
    got = coded("Edinburgh postnatal depression scale completed, score 4.",
                "progress", **infant)  # fmt: skip
    assert "96161" in got and "96127" not in got
    assert "99188" in coded("Fluoride varnish applied to teeth.", "progress")
    assert "85018" in coded("Hemoglobin fingerstick 11.8 in office.", "progress")


def test_common_emergency_problems_are_read_at_their_level() -> None:
    from services.coder.domain.mdm import score_mdm

    def problems(words: str) -> str:
        finding = score_mdm([("notes[0]", f"Assessment: {words}.", False)])
        assert finding is not None, words
        return finding.problems.reason

    assert (
        problems("left ureteral stone with hydronephrosis")
        == "acute illness with systemic symptoms"
    )
    assert problems("pelvic inflammatory disease") == "acute illness with systemic symptoms"
    assert problems("croup") == "acute uncomplicated illness or injury"
    assert problems("insect sting") == "acute uncomplicated illness or injury"
    assert problems("atrial fibrillation with RVR").startswith("chronic illness with exacerbation")


def test_a_transvaginal_ultrasound_of_a_pregnancy_is_the_obstetric_one() -> None:
    got = coded("Transvaginal ultrasound in office at 8 weeks: single IUP with cardiac activity.",
                "progress")  # fmt: skip
    assert "76817" in got and "76830" not in got
    assert "76830" in coded(
        "Transvaginal ultrasound in office: 3 cm left ovarian cyst.", "progress"
    )


def test_a_nebulized_dose_given_twice_is_billed_by_the_total_amount() -> None:
    text = (
        "Treatment in clinic: albuterol 2.5 mg by nebulizer, repeated after 20 minutes "
        "(2 treatments)."
    )
    got = lines(text, "progress")
    assert _units(got, "J7613") == 5
    once = lines("Albuterol 2.5 mg by nebulizer given in clinic.", "progress")
    assert _units(once, "J7613") == 3


def test_a_dose_with_its_site_that_the_sentence_schedules_is_not_given() -> None:
    for text in (
        "Assessment: contraception, Depo-Provera 150 mg IM right deltoid every 12 weeks.",
        "Assessment: well child.\nMMR 0.5 mL SC left thigh at the 12 month visit.",
        "Assessment: hypertension.\nFlu vaccine 0.5 mL IM deltoid in October.",
    ):
        assert not {"J1050", "90707", "90656", "96372", "90471"} & set(coded(text, "progress"))


def test_an_illness_with_a_new_need_for_oxygen_threatens_bodily_function() -> None:
    from services.coder.domain.mdm import score_mdm

    text = "Impression: COVID-19 pneumonia, requiring supplemental oxygen."
    finding = score_mdm([("notes[0]", text, False)])
    assert finding is not None and finding.problems.label == "high"
    plain = score_mdm([("notes[0]", "Impression: community-acquired pneumonia.", False)])
    assert plain is not None and plain.problems.label == "moderate"


def test_an_observation_stay_told_as_admitted_this_morning_and_discharged_tonight_is_same_day() -> (
    None
):
    text = (
        "Placed in observation this morning for chest pain. Troponins negative x2, stress test "
        "negative this afternoon.\nAssessment: chest pain, noncardiac.\nPlan: discharged home "
        "this evening, PCP follow-up.\nTotal time 75 minutes."
    )
    obs = dict(encounter_type="observation", place_of_service="22")
    assert _em(text, "history_and_physical", "Observation H&P", **obs) == "99235"
    stated = "Admitted to observation. Discharged home the same day.\nTotal time 75 minutes."
    assert _em(stated, "history_and_physical", "Observation H&P", **obs) == "99235"


def test_allergy_skin_tests_are_billed_per_allergen_tested() -> None:
    text = "Percutaneous allergy skin testing to 40 allergens performed today; positive to cat."
    assert _units(lines(text, "progress"), "95004") == 40


def test_the_decision_for_a_90_day_closed_reduction_levels_the_visit_and_takes_modifier_57() -> (
    None
):
    from services.coder.domain.mdm import MAJOR_PROCEDURE, MINOR_PROCEDURE, score_mdm

    text = (
        "X-rays: anterior glenohumeral dislocation. Closed reduction performed by me.\n"
        "Diagnosis: anterior dislocation of the right humerus, initial encounter."
    )
    major = score_mdm([("notes[0]", text, False)], frozenset({MAJOR_PROCEDURE}))
    minor = score_mdm([("notes[0]", text, False)], frozenset({MINOR_PROCEDURE}))
    assert major is not None and major.risk.label == "moderate" and major.level == "moderate"
    assert minor is None or minor.risk.label != "moderate"
    note = (
        "Anterior shoulder dislocation, right.\nClosed reduction of the right shoulder "
        "dislocation performed by me under sedation.\nDiagnosis: anterior dislocation of the "
        "right humerus."
    )
    got = lines(
        note, "emergency", encounter_type="emergency", place_of_service="23", mdm_level="moderate"
    )
    em = next(line for line in got if line.code.startswith("992"))
    assert (
        "23650" in [line.code for line in got] and "57" in em.modifiers and "25" not in em.modifiers
    )


def test_an_emergency_visit_counts_the_decision_for_its_minor_procedure() -> None:
    from services.coder.domain.mdm import EMERGENCY_PROCEDURE, MINOR_PROCEDURE, score_mdm

    text = (
        "Procedure: simple repair of the 3 cm scalp laceration with staples.\n"
        "Impression: scalp laceration; concussion without loss of consciousness."
    )
    office = score_mdm([("notes[0]", text, False)], frozenset({MINOR_PROCEDURE}))
    ed = score_mdm([("notes[0]", text, False)], frozenset({MINOR_PROCEDURE, EMERGENCY_PROCEDURE}))
    assert office is not None and office.risk.label == "minimal"
    assert ed is not None and ed.risk.label == "low" and ed.level == "low"


def test_guideline_directed_therapy_held_at_target_doses_is_drug_management() -> None:
    from services.coder.domain.mdm import score_mdm

    text = "Assessment: chronic systolic heart failure - euvolemic, on GDMT at target doses."
    finding = score_mdm([("notes[0]", text, False)])
    assert finding is not None and finding.risk.label == "moderate"


def test_the_welcome_to_medicare_visit_is_the_preventive_visit_and_its_ecg_g0403() -> None:
    text = (
        "Initial preventive physical examination (Welcome to Medicare visit). ECG performed "
        "today for screening, interpreted by me: normal.\nAssessment: IPPE."
    )
    got = coded(
        text,
        "progress",
        encounter_type="preventive",
        patient=patient(birth_date=date(1958, 3, 1)),
        printed_demographics=_MEDICARE,
        mdm_level=None,
    )
    assert {"G0402", "G0403"} <= set(got)
    assert not {"99397", "93000"} & set(got)

"""Procedure and E/M rules written for documentation the dev cases had not shown: tests the
practitioner reports on their own lines, wider time statements, lesion and abscess counts,
joint sizes, doses written before the drug, vaccines counselled on, and the like."""

from __future__ import annotations

from datetime import date

from services.coder.domain import ClinicalNote, Coded, ServiceLine
from services.coder.domain.em_notes import documented_minutes
from services.coder.domain.mdm import reported_tests, score_mdm

from .factories import encounter, outcome_of, patient


def lines_of(outcome: object) -> list[ServiceLine]:
    if isinstance(outcome, Coded):
        return list(outcome.service_lines)
    return list(outcome.proposed_service_lines)  # type: ignore[attr-defined]


def coded(text: str, kind: str = "progress", **overrides: object) -> list[str]:
    notes = (ClinicalNote("n1", kind, text),)
    return [line.code for line in lines_of(outcome_of(encounter(notes=notes, **overrides)))]


# --- MDM: a test reported on its own line is not data for the E/M ----------------------------

_PALPITATIONS = (
    "Palpitations for 2 months.\n"
    "ECG performed today, my interpretation: sinus rhythm, normal intervals.\n"
    "Assessment: palpitations.\n"
    "Plan: echocardiogram ordered."
)


def test_a_test_the_practitioner_reports_with_its_reading_is_not_counted_in_the_data() -> None:
    counted = score_mdm([("notes[0]", _PALPITATIONS, False)])
    reported = score_mdm([("notes[0]", _PALPITATIONS, False)], reported_tests(["93000"]))
    assert counted is not None and reported is not None
    assert counted.data.label == "moderate"  # ECG + echo, and the reading of the ECG
    assert reported.data.label == "minimal"  # the echo alone
    assert "ecg" not in reported.data.reason and "interpretation" not in reported.data.reason


def test_imaging_and_spirometry_codes_name_their_tests() -> None:
    assert reported_tests(["73630", "71046", "94010", "99213", "81002"]) == {
        "x ray",
        "chest x ray",
        "pulmonary function",
    }


def test_an_option_of_observation_weighed_against_going_home_is_a_hospitalization_decision() -> (
    None
):
    plan = "Assessment: chest pain.\nPlan: discussed observation versus outpatient stress test."
    finding = score_mdm([("notes[0]", plan, False)])
    assert finding is not None and finding.risk.label == "high"


def test_a_problem_whose_cause_is_not_yet_determined_is_undiagnosed() -> None:
    finding = score_mdm([("notes[0]", "Assessment: dizziness, cause not yet determined.", False)])
    assert finding is not None and finding.problems.label == "moderate"


def test_an_ambulatory_ecg_monitor_is_its_own_test_not_the_ecg() -> None:
    text = "Plan: 14-day ambulatory ECG monitor ordered."
    finding = score_mdm([("notes[0]", text, False)], reported_tests(["93000"]))
    assert finding is not None and "monitoring" in finding.data.reason


# --- E/M time: what the total holds written between "total time" and its minutes -----------


def test_a_total_time_that_lists_what_it_holds_before_its_minutes_is_read() -> None:
    text = (
        "Total time spent on the date of the visit, including record review, examination, "
        "counseling and documentation: 80 minutes."
    )
    stated = documented_minutes((ClinicalNote("n1", "progress", text),))
    assert stated is not None and stated.value == 80


def test_a_long_sentence_that_only_mentions_time_is_no_total() -> None:
    text = "Time of onset uncertain, the family was not sure when the weakness began, 30 minutes."
    assert documented_minutes((ClinicalNote("n1", "progress", text),)) is None


# --- vaccines ---------------------------------------------------------------------------------

_TODDLER = dict(encounter_type="preventive", patient=patient(birth_date=date(2025, 7, 1)))


def test_vaccines_each_named_with_its_product_in_parentheses_are_each_billed() -> None:
    text = (
        "Risks and benefits of each vaccine discussed with parents by me. MMR (M-M-R II) 0.5 mL "
        "subcut right thigh, varicella (Varivax) 0.5 mL subcut left thigh, Hep A (Havrix "
        "pediatric) 0.5 mL IM left thigh."
    )
    got = coded(text, **_TODDLER)
    assert {"90707", "90716", "90633", "90460", "90461"} <= set(got)
    assert "90471" not in got


def test_a_product_spelled_out_in_parentheses_is_one_vaccine() -> None:
    got = coded("Kinrix (DTaP-IPV) 0.5 mL IM given today.", **_TODDLER)
    assert got.count("90696") == 1 and "90700" not in got and "90713" not in got


# --- joint injections by the joint's size, doses written before the drug ---------------------


def test_a_joint_injection_is_sized_by_the_joint_its_words_name() -> None:
    text = (
        "Procedure 1: left subacromial bursa injection, 40 mg triamcinolone + 3 mL 1% lidocaine.\n"
        "Procedure 2: right radiocarpal (wrist) joint injection, 40 mg triamcinolone + 1 mL 1% "
        "lidocaine.\nConsent, time-out, sterile prep for each. No complications."
    )
    got = coded(text, "procedure")
    assert "20610" in got and "20605" in got and "J3301" in got


def test_a_major_joint_aspirated_under_ultrasound_is_the_guided_code() -> None:
    text = "Procedure: right knee arthrocentesis under ultrasound guidance; 45 mL aspirated."
    assert "20611" in coded(text, "procedure")


def test_a_dose_written_before_the_drug_gives_its_units_but_not_a_carrier_s_volume() -> None:
    shot = outcome_of(
        encounter(notes=(ClinicalNote("n1", "procedure", "Injected 40 mg triamcinolone IM."),))
    )
    assert [(line.code, line.units) for line in lines_of(shot) if line.code == "J3301"] == [
        ("J3301", 4)
    ]
    infusion = "Iron sucrose 200 mg in 100 mL normal saline infused IV over 35 minutes."
    assert "J7030" not in coded(infusion, "procedure")


# --- counts: abscesses, lesions, services told of the past ------------------------------------


def test_the_incision_and_drainage_of_two_abscesses_is_the_multiple_code() -> None:
    text = (
        "Two separate fluctuant abscesses of the buttocks. Procedure: incision and drainage of "
        "both abscesses, packed with iodoform gauze."
    )
    got = coded(text, "procedure")
    assert "10061" in got and "10060" not in got
    single = coded("Procedure: incision and drainage of the abscess, packed.", "procedure")
    assert "10060" in single and "10061" not in single


def test_a_biopsy_told_again_for_another_lesion_is_the_add_on() -> None:
    text = (
        "Lesion A: 4 mm punch biopsy, closed with one suture.\n"
        "Lesion B: 4 mm punch biopsy, closed with one suture."
    )
    got = coded(text, "procedure")
    assert got.count("11104") == 1 and got.count("11105") == 1


def test_a_service_the_history_says_was_last_done_a_year_ago_is_not_today_s() -> None:
    text = (
        "Known actinic keratoses, last treated a year ago.\n"
        "Procedure: cryotherapy with liquid nitrogen to all 5 actinic keratoses."
    )
    got = outcome_of(encounter(notes=(ClinicalNote("n1", "procedure", text),)))
    lines = [(line.code, line.units) for line in lines_of(got) if line.code[:2] == "17"]
    assert lines == [("17000", 1), ("17003", 4)]


# --- infusions timed by their start and stop ----------------------------------------------------


def test_hydration_timed_by_its_start_and_stop_after_a_push_is_the_secondary_hydration() -> None:
    text = (
        "Peripheral IV placed. Ondansetron 4 mg IV push at 10:12. Normal saline 1,000 mL IV "
        "infused from 10:10 to 11:25."
    )
    got = outcome_of(encounter(notes=(ClinicalNote("n1", "procedure", text),)))
    lines = {line.code: line.units for line in lines_of(got)}
    assert lines.get("96374") == 1 and lines.get("96361") == 1 and "96360" not in lines
    assert lines.get("J2405") == 4 and lines.get("J7030") == 1


def test_clock_times_that_are_no_range_give_no_minutes() -> None:
    text = "Normal saline 1,000 mL IV infused, started at 10:10. Rechecked at 11:25."
    got = outcome_of(encounter(notes=(ClinicalNote("n1", "procedure", text),)))
    assert not {"96360", "96361"} & {line.code for line in lines_of(got)}


def test_capillary_refill_is_an_exam_finding_not_a_prescription_refilled() -> None:
    text = "Exam: swelling of the right foot, cap refill normal.\nA/P: contusion; ice, rest."
    finding = score_mdm([("notes[0]", text, False)])
    assert finding is not None and finding.risk.label != "moderate"


def test_an_x_ray_named_before_its_site_is_the_site_s_x_ray_with_its_views() -> None:
    text = "X-ray right foot, 3 views, taken in our office and read by me: no fracture."
    assert "73630" in coded(text)
    assert "73620" in coded("X-ray of the left foot, 2 views, done in the office: normal.")
    assert "73630" not in coded("X-ray of the right foot ordered at the imaging center.")


# --- point-of-care tests: their fingerstick, a nurse visit beside them --------------------------


def test_the_fingerstick_of_a_point_of_care_test_is_not_billed_on_its_own() -> None:
    got = coded("POC HbA1c (fingerstick, in-office analyzer): 7.1 %.")
    assert "83036" in got and "36416" not in got
    sent = coded("Heel stick for the newborn screen; specimen sent to the state laboratory.")
    assert "36416" in sent


def test_a_nurse_visit_beside_a_laboratory_test_is_billed_but_not_beside_an_injection() -> None:
    visit = "Anticoagulation nurse visit (RN, per protocol). POC INR (fingerstick): 2.4. In range."
    got = coded(visit, "other", mdm_level=None)
    assert "99211" in got and "85610" in got
    shot = "Nurse visit. Ceftriaxone 1 g IM given in the right gluteus."
    got = coded(shot, "other", mdm_level=None)
    assert "99211" not in got and "96372" in got


def test_a_limb_s_pain_as_the_tabular_writes_it_is_a_problem_and_rx_sent_a_prescription() -> None:
    finding = score_mdm(
        [("notes[0]", "Assessment/Plan: pain of left knee - naproxen 500 mg (Rx sent).", False)]
    )
    assert finding is not None
    assert finding.problems.label == "low" and finding.risk.label == "moderate"


# --- wounds listed one by one, repaired as one class -------------------------------------------


def test_wounds_listed_at_sites_of_two_groups_and_closed_as_one_class_add_up_by_group() -> None:
    text = (
        "Wounds: (1) left hand, dorsum, 2.0 cm linear laceration; (2) left forearm, 1.5 cm "
        "laceration; (3) chin, 1.0 cm laceration.\n"
        "Procedure: hand and forearm closed with 4-0 nylon simple interrupted sutures; chin "
        "closed with 6-0 nylon. All simple closures."
    )
    got = coded(text, "procedure")
    assert "12002" in got and "12011" in got and "12001" not in got


def test_wounds_listed_in_one_group_are_summed_as_before() -> None:
    text = (
        "Wounds: (1) left hand 2.0 cm laceration; (2) left forearm 1.5 cm laceration.\n"
        "Procedure: both closed with simple interrupted sutures."
    )
    got = coded(text, "procedure")
    assert got.count("12002") == 1 and "12011" not in got


def test_a_service_the_patient_requests_is_not_one_given_until_the_note_says_so() -> None:
    got = coded("52 y/o woman requesting shingles and pneumonia vaccines. No fever today.")
    assert not {"90732", "90750", "90471"} & set(got)
    given = coded("Requesting a flu shot. Influenza vaccine 0.5 mL IM given in the left deltoid.")
    assert "90471" in given


# --- laboratory tests drawn here: run here or sent to a laboratory -----------------------------


def test_a_test_drawn_here_without_words_that_it_was_run_here_is_only_the_draw() -> None:
    got = coded("Labs drawn in the office today (CBC, CMP) for methotrexate monitoring.")
    assert "36415" in got and not {"85025", "80053"} & set(got)
    ran = coded("Labs drawn in the office today (in-house lab): CBC with differential normal.")
    assert "85025" in ran and "36415" in ran


def test_packs_per_day_are_no_tuberculin_skin_test() -> None:
    assert "86580" not in coded("Still smoking about 1 ppd cigarettes; contemplating quitting.")
    assert "86580" in coded("PPD placed on the left forearm today; read in 48-72 hours.")


def test_results_a_title_s_aside_calls_reviewed_and_devices_already_on_are_not_today_s() -> None:
    labs = "Labs (dialysis unit, reviewed): Hgb 9.6, ferritin 410, PTH 640."
    assert "82728" not in coded(labs)
    elsewhere = (
        "Fracture managed at an outside urgent care with closed reduction and a sugar-tong "
        "splint placed there. Exam: short arm cast intact, fingers warm."
    )
    got = coded(elsewhere)
    assert not {"29125", "29075", "25605"} & set(got)
    assert "29125" in coded("Procedure: short arm splint applied by me; neurovascularly intact.")


# --- the same services in other words -----------------------------------------------------------


def test_abbreviations_and_word_orders_of_common_office_procedures() -> None:
    assert "10060" in coded("Incision & drainage of 2 cm abscess of the left thigh performed.")
    assert "10060" in coded("I and D of a right forearm abscess done under local.")
    assert "81002" in coded("UA dip in clinic: negative.")
    assert "17110" in coded("LN2 applied to 3 warts on the right hand.")
    assert "20610" in coded("Aspirated 30 mL of straw-colored fluid from the right knee.")
    assert "20605" in coded("Aspiration of the left elbow olecranon bursa: 10 mL aspirated.")
    assert "20610" not in coded("Will consider aspiration of the knee if the swelling persists.")


def test_a_laboratory_result_cited_without_words_it_was_done_here_is_not_billed() -> None:
    assert "83036" not in coded("DM2 follow-up. A1c 9.2 (up from 7.8). Poorly controlled.")
    assert "83036" in coded("POC A1c in clinic today: 9.2.")
    assert "87880" in coded("Rapid strep test positive.")  # a rapid test is read at the visit


def test_office_procedures_told_as_what_was_done_to_the_part() -> None:
    assert "11730" in coded(
        "Digital block with 2% lidocaine, then the nail was removed completely."
    )
    assert "11740" in coded("Subungual hematoma of the right thumb drained by trephination.")
    assert "69200" in coded("Foreign body removed from the right ear canal with forceps.")
    assert "46083" in coded("Hemorrhoid thrombectomy: external thrombosed hemorrhoid incised.")
    assert "58300" in coded("IUD (Mirena) inserted without difficulty.")
    assert "11982" in coded("Nexplanon removed from the left arm.")
    assert "11730" not in coded("Nail removal was discussed but deferred.")


def test_weight_loss_advised_is_no_undiagnosed_problem_and_yrs_ago_is_the_past() -> None:
    advice = "Assessment: GERD, healing - continue PPI. Lifestyle: weight loss, avoid late meals."
    finding = score_mdm([("notes[0]", advice, False)])
    assert finding is not None and finding.problems.label == "low"
    assert "99406" not in coded("S: feels well. Quit smoking 20 yrs ago.")


def test_a_drug_given_at_each_of_two_sites_is_billed_by_the_total() -> None:
    def units(text: str) -> int:
        notes = (ClinicalNote("n1", "procedure", text),)
        got = lines_of(outcome_of(encounter(notes=notes)))
        return next(line.units for line in got if line.code == "J3301")

    assert units("Bilateral knee injections with 40 mg triamcinolone each knee.") == 8
    assert units("40 mg triamcinolone injected into each knee joint (80 mg total).") == 8
    assert units("Right knee injection with 40 mg triamcinolone.") == 4


def test_a_lac_repaired_is_a_simple_repair() -> None:
    assert "12001" in coded("1.5 cm simple lac of the left index finger, repaired with 3 sutures.")


def test_two_joints_injected_in_one_sentence_are_a_line_each_with_its_side() -> None:
    text = "Right knee and left shoulder injections, each with 40 mg Kenalog."
    got = lines_of(outcome_of(encounter(notes=(ClinicalNote("n1", "procedure", text),))))
    joints = sorted((line.code, line.modifiers) for line in got if line.code == "20610")
    assert joints == [("20610", ("LT",)), ("20610", ("RT",))]
    one = coded("Right radiocarpal (wrist) joint injection with 40 mg triamcinolone.", "procedure")
    assert one.count("20605") == 1


def test_vaccines_offered_or_counselled_on_are_not_given_and_an_oral_drug_has_no_j_code() -> None:
    assert "90656" not in coded("Flu vaccine offered; parents declined.")
    assert "90656" in coded("Flu vaccine offered and given IM today.")  # three-strain since 2024
    got = coded("Counseled on MenB and flu vaccines; Bexsero #2 given IM.")
    assert "90620" in got and not {"90621", "90656", "90686"} & set(got)
    drugs = coded("Ketorolac 60 mg IM and ondansetron 4 mg ODT given in clinic.")
    assert "J1885" in drugs and "J2405" not in drugs


def test_a_service_attempted_without_success_or_opted_against_is_not_billed() -> None:
    assert "94010" not in coded("Spirometry attempted but the patient could not perform it.")
    got = coded("Laceration repair: patient opted for no repair.", "procedure")
    assert not [code for code in got if code.startswith("120")]


def test_a_total_time_in_hours_is_read_in_minutes() -> None:
    stated = documented_minutes((ClinicalNote("n1", "progress", "Total time: 1.5 hours."),))
    assert stated is not None and stated.value == 90
    assert documented_minutes((ClinicalNote("n1", "progress", "Symptoms for 1 hour."),)) is None


def test_a_dislocation_reduced_in_other_words_is_its_closed_treatment() -> None:
    ed = dict(encounter_type="emergency", place_of_service="23")
    assert "24640" in coded(
        "Nursemaid's elbow, right. Reduced by me with supination-flexion.", "emergency", **ed
    )
    assert "26770" in coded(
        "Finger dislocation (PIP, right index) reduced by me under digital block.",
        "emergency",
        **ed,
    )
    assert "23650" not in coded(
        "Shoulder dislocation on X-ray. Orthopedics to reduce in the OR.", "emergency", **ed
    )


def test_silver_nitrate_in_the_nose_controls_a_nosebleed() -> None:
    got = coded("Epistaxis. Silver nitrate cautery of the left anterior septum by me.")
    assert "30901" in got and "17250" not in got


def test_a_chronic_illness_improving_but_not_at_goal_is_not_stable() -> None:
    text = "Assessment: psoriasis vulgaris, improving on topical therapy.\nPlan: continue."
    finding = score_mdm([("notes[0]", text, False)])
    assert finding is not None and finding.problems.label == "moderate"


def test_common_chronic_conditions_are_problems_addressed() -> None:
    for condition in ("prediabetes", "carpal tunnel syndrome", "aortic stenosis", "rosacea"):
        finding = score_mdm([("notes[0]", f"Assessment and plan:\n{condition}, stable.\n", False)])
        assert finding is not None and finding.problems.label == "low", condition


def test_common_acute_problems_and_symptoms_are_problems_addressed() -> None:
    for condition in ("ingrown toenail", "herpes zoster", "dog bite", "dysuria", "bunion"):
        finding = score_mdm([("notes[0]", f"Assessment and plan:\n{condition}.\n", False)])
        assert finding is not None and finding.problems.label == "low", condition


def test_a_preventive_visit_s_other_problems_addressed_today_are_a_problem_visit() -> None:
    text = (
        "Annual physical. Exam normal.\nOther problems addressed today: left shoulder pain x 2 "
        "weeks. Assessment: shoulder impingement. Plan: meloxicam 15 mg daily (Rx sent)."
    )
    got = coded(text, encounter_type="preventive", mdm_level=None)
    assert "99213" in got
    plain = "Annual physical. Exam normal. Also discussed diet and exercise."
    assert "99213" not in coded(plain, encounter_type="preventive", mdm_level=None)


def test_a_drug_given_iv_over_more_than_15_minutes_is_an_infusion_not_a_push() -> None:
    got = coded("Ceftriaxone 1 g in 100 mL NS IV over 30 minutes.", "procedure")
    assert "96365" in got and "96374" not in got
    longer = coded("Infliximab 400 mg IV infusion from 09:00 to 11:15.", "procedure")
    assert "96365" in longer and "96366" in longer
    assert "96374" in coded("Methylprednisolone 125 mg IV push given.", "procedure")


def test_a_fingerstick_hemoglobin_is_the_hemoglobin_and_a_point_of_care_a1c_the_a1c() -> None:
    got = coded("Hemoglobin by fingerstick 11.2.")
    assert "85018" in got and "36416" not in got
    a1c = coded("Point of care hemoglobin A1c 7.2 today.")
    assert "83036" in a1c and "85018" not in a1c


def test_an_imaging_finding_cited_without_words_it_was_taken_here_is_not_billed() -> None:
    assert "71046" not in coded("Chest X-ray: no infiltrate.")
    assert "73610" not in coded("X-ray of the left ankle: will obtain if not improving.")
    assert "73610" in coded("Right ankle radiographs, 3 views, taken in the office: no fracture.")


def test_bipap_is_a_threat_to_bodily_function_and_admitted_to_icu_a_hospitalization() -> None:
    text = "Assessment: COPD exacerbation, hypoxic; BiPAP started.\nPlan: admitted to ICU."
    finding = score_mdm([("notes[0]", text, False)])
    assert finding is not None and finding.level == "high"


def test_biopsies_by_two_techniques_are_one_primary_and_the_other_s_add_on() -> None:
    got = coded(
        "Shave biopsy of a lesion on the nose; separately, punch biopsy of a lesion on the back."
    )
    assert sorted(c for c in got if c.startswith("111")) == ["11103", "11104"]


def test_two_repairs_of_different_classes_in_one_sentence_are_each_coded() -> None:
    text = (
        "Simple repair of a 2 cm laceration of the right hand and intermediate layered repair "
        "of a 4 cm laceration of the left thigh."
    )
    got = coded(text, "procedure")
    assert "12032" in got and "12001" in got
    both = "Hand 2 cm and forearm 1.5 cm lacerations closed with simple interrupted sutures."
    assert "12002" in coded(both, "procedure")


def test_simple_and_running_sutures_are_a_simple_repair() -> None:
    assert "12011" in coded("2 cm laceration of the chin closed with simple running sutures.")


def test_a_progress_note_for_a_minor_procedure_alone_bills_the_procedure_not_an_e_m() -> None:
    visit = "Here for wart treatment. Cryotherapy with liquid nitrogen to 3 warts, tolerated well."
    got = coded(visit, mdm_level=None)
    assert "17110" in got and not [code for code in got if code.startswith("992")]
    both = (
        "Follow-up of diabetes and hypertension; increase metformin to 1000 mg BID; lisinopril, "
        "continue. Also: wart on the left finger frozen with liquid nitrogen today."
    )
    assert "99214" in coded(both, mdm_level=None)

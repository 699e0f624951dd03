"""Procedure rules: units by dose and by time, wound repair sums, administration codes,
procedures in notes (negated, planned, declined, past: not billed), repeat modifiers."""

from __future__ import annotations

from datetime import date

import pytest

from services.coder.domain import ClinicalNote, Coded, NeedsReview, ServiceLine
from services.coder.domain.administration import (
    INFUSION,
    INJECTION,
    PUSH,
    Given,
    drug_administration,
    vaccine_administration,
)
from services.coder.domain.encounter import DocumentedProcedure
from services.coder.domain.procedure_units import (
    added_hours,
    documented_dose,
    dose_units,
    eight_minute_rule,
    lengths_cm,
    timed_units,
)
from services.coder.domain.results import Evidence
from services.coder.domain.wound_repair import code_repair

from .factories import REFERENCE, diagnosis, encounter, outcome_of, patient, procedure

LEXICON = REFERENCE.lexicon
EVIDENCE = Evidence("notes[0]", "x", 0, 1)


def coded_lines(outcome: object) -> list[ServiceLine]:
    lines = outcome.service_lines if isinstance(outcome, Coded) else outcome.proposed_service_lines  # type: ignore[union-attr]
    return [line for line in lines if not line.rule.startswith("EM-")]


def codes(outcome: object) -> list[tuple[str, int]]:
    return [(line.code, line.units) for line in coded_lines(outcome)]


def with_note(text: str, **overrides: object) -> object:
    return outcome_of(encounter(notes=(ClinicalNote("n1", "progress", text),), **overrides))


# --- units by dose -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "dose", "units"),
    [
        ("J1100", "10 mg", 10),  # dexamethasone per 1 mg
        ("J0696", "1 g", 4),  # ceftriaxone per 250 mg
        ("J0696", "500 mg", 2),
        ("J2550", "25 mg", 1),  # promethazine up to 50 mg: rounded up
        ("J1885", "30 mg", 2),
        ("J7613", "2.5 mg", 3),
        ("J3420", "1,000 mcg", 1),
        ("J1815", "12 units", 3),
    ],
)
def test_drug_units_are_the_dose_over_the_unit_rounded_up(code: str, dose: str, units: int) -> None:
    entry = LEXICON.get(code)
    amount = documented_dose(dose)
    assert entry is not None and amount is not None
    assert dose_units(entry, amount) == units


def test_a_dose_in_other_units_gives_no_units() -> None:
    entry, amount = LEXICON.get("J1885"), documented_dose("2 mL")
    assert entry is not None and amount is not None and dose_units(entry, amount) is None


def test_an_order_with_one_unit_takes_the_units_of_its_documented_dose() -> None:
    outcome = outcome_of(encounter(procedures=[procedure("J0696", "Ceftriaxone 1 g IM")]))
    assert ("J0696", 4) in codes(outcome)
    assert isinstance(outcome, Coded)
    assert any(e.rule == "UNITS-DOSE" for e in outcome.edits)


def test_a_quantity_that_disagrees_with_the_dose_goes_to_review() -> None:
    outcome = outcome_of(
        encounter(procedures=[procedure("J1885", "Ketorolac 60 mg IM", quantity=2)])
    )
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.reasons] == ["PROC-UNITS"]


# --- units by time -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "units"), [(7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (53, 4)]
)
def test_the_8_minute_rule_for_one_timed_service(minutes: int, units: int) -> None:
    assert timed_units(minutes) == units
    assert eight_minute_rule([minutes]) == [units]


def test_the_8_minute_rule_shares_the_day_s_units_by_the_largest_remainder() -> None:
    # CMS example: 33 minutes of exercise and 7 of ultrasound, 40 minutes: 3 units
    assert eight_minute_rule([33, 7]) == [2, 1]
    assert eight_minute_rule([7, 7]) == [1, 0]  # 14 minutes: one unit, the first tie wins
    assert sum(eight_minute_rule([20, 20, 5])) == timed_units(45)


def test_timed_orders_are_billed_by_their_minutes() -> None:
    documented = [
        DocumentedProcedure(text="Therapeutic exercise", code="97110", minutes=33),
        DocumentedProcedure(text="Ultrasound therapy", code="97035", minutes=7),
    ]
    assert codes(outcome_of(encounter(procedures=documented))) == [("97110", 2), ("97035", 1)]


@pytest.mark.parametrize(("minutes", "units"), [(60, 0), (90, 0), (91, 1), (150, 1), (151, 2)])
def test_an_additional_hour_counts_past_30_minutes(minutes: int, units: int) -> None:
    assert added_hours(minutes) == units


# --- wound repair ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "site", "length", "expected"),
    [
        ("repair_simple", "hand", 2.5, [("12001", 1)]),
        ("repair_simple", "arm", 2.6, [("12002", 1)]),
        ("repair_simple", "cheek", 4.0, [("12013", 1)]),
        ("repair_intermediate", "leg", 8.0, [("12034", 1)]),
        ("repair_intermediate", "hand", 3.0, [("12042", 1)]),
        ("repair_complex", "trunk", 12.0, [("13101", 1), ("13102", 1)]),
        ("repair_complex", "trunk", 12.6, [("13101", 1), ("13102", 2)]),
        ("repair_complex", "scalp", 0.8, [("12031", 1)]),  # 1 cm or less: not complex
    ],
)
def test_a_repair_is_coded_by_class_anatomic_group_and_length(
    family: str, site: str, length: float, expected: list[tuple[str, int]]
) -> None:
    coded, reason = code_repair(LEXICON, family, site, length)
    assert reason is None
    assert [(entry.code, units) for entry, units in coded] == expected


def test_wounds_of_one_class_and_group_are_added_up() -> None:
    note = (
        "Laceration 2 cm of the left forearm and 3 cm of the left hand, both repaired with "
        "simple interrupted sutures. Wound edges approximated well."
    )
    outcome = with_note(note)
    assert codes(outcome) == [("12002", 1)]  # 5 cm, trunk and limbs group
    assert isinstance(outcome, Coded)
    assert any(e.rule == "REPAIR-SUM" for e in outcome.edits) is False  # one sentence, one wound


def test_separate_repairs_of_two_classes_are_two_lines() -> None:
    note = (
        "3 cm laceration of the scalp: layered closure with deep sutures.\n"
        "1.5 cm laceration of the chin: simple repair with sutures."
    )
    assert sorted(codes(with_note(note))) == [("12011", 1), ("12032", 1)]


def test_a_repair_without_its_length_goes_to_review_with_the_group_s_codes() -> None:
    outcome = with_note("Laceration of the right knee repaired with sutures.")
    assert isinstance(outcome, NeedsReview)
    (reason,) = [r for r in outcome.reasons if r.rule == "PROC-REPAIR"]
    assert reason.candidates == ("12001", "12002", "12004", "12005", "12006", "12007")


def test_lengths_are_read_in_cm_and_mm() -> None:
    assert lengths_cm("a 2.5 cm and a 15 mm wound") == [2.5, 1.5]


# --- administration ----------------------------------------------------------------------------


def test_the_initial_service_follows_the_hierarchy_infusion_push_hydration() -> None:
    given = [
        Given(PUSH, EVIDENCE),
        Given(INFUSION, EVIDENCE, minutes=95),
        Given(PUSH, EVIDENCE),
        Given(INFUSION, EVIDENCE, minutes=60, hydration=True),
    ]
    lines = [(f.entry.code, f.units) for f in drug_administration(given, LEXICON)]
    assert lines == [("96365", 1), ("96366", 1), ("96375", 2), ("96361", 1)]


def test_a_short_infusion_is_a_push_and_short_hydration_is_not_billed() -> None:
    given = [
        Given(INFUSION, EVIDENCE, minutes=10),
        Given(INFUSION, EVIDENCE, minutes=20, hydration=True),
    ]
    assert [f.entry.code for f in drug_administration(given, LEXICON)] == ["96374"]
    assert [
        f.entry.code for f in drug_administration([Given(INJECTION, EVIDENCE)] * 2, LEXICON)
    ] == ["96372"]


def vaccines(*codes: str) -> list[tuple[object, Evidence]]:
    return [(LEXICON.get(code), EVIDENCE) for code in codes]


def test_vaccine_administration_by_age_counselling_route_and_payer() -> None:
    def admin(*args: object, **kw: object) -> list[tuple[str, int]]:
        return [
            (f.entry.code, f.units) for f in vaccine_administration(*args, lexicon=LEXICON, **kw)
        ]  # type: ignore[misc]

    # a child counselled: 90460 per vaccine, 90461 per further component (MMR 3, Tdap 3)
    assert admin(vaccines("90707", "90715", "90686"), 11, True) == [("90460", 3), ("90461", 4)]
    assert admin(vaccines("90707", "90715"), 30, True) == [("90471", 1), ("90472", 1)]
    assert admin(vaccines("90681", "90700"), 1, False) == [("90471", 1), ("90474", 1)]
    assert admin(vaccines("90672"), 30, False) == [("90473", 1)]
    assert admin(vaccines("90662", "90677", "90750"), 70, False, medicare=True) == [
        ("G0008", 1), ("G0009", 1), ("90471", 1)
    ]  # fmt: skip


def test_a_vaccine_in_a_note_brings_its_administration() -> None:
    outcome = with_note("Tdap vaccine given IM in the left deltoid today, tolerated well.")
    assert codes(outcome) == [("90715", 1), ("90471", 1)]


def test_a_drug_given_in_the_office_brings_units_and_administration() -> None:
    outcome = with_note("Ketorolac 60 mg IM given in clinic for pain.")
    assert codes(outcome) == [("J1885", 4), ("96372", 1)]


def test_a_drug_injected_into_a_joint_is_the_joint_injection() -> None:
    outcome = with_note("Right knee prepped, injected triamcinolone 40 mg, no ultrasound guidance.")
    assert sorted(codes(outcome)) == [("20610", 1), ("J3301", 4)]
    (joint,) = [line for line in coded_lines(outcome) if line.code == "20610"]
    assert joint.modifiers == ("RT",)


@pytest.mark.parametrize(
    "text",
    [
        "Continue albuterol inhaler 2 puffs q4h prn.",  # home use
        "Ondansetron 4 mg ODT given.",  # oral: no J-code
        "Ketorolac IM was offered; patient declined.",
    ],
)
def test_drugs_not_given_here_are_not_billed(text: str) -> None:
    assert codes(with_note(text)) == []


def test_in_a_hospital_the_practitioner_bills_the_procedures_and_the_ecg_reading() -> None:
    note = (
        "ECG (my read): sinus rhythm. Ondansetron 4 mg IV push given. CBC drawn. "
        "I&D of abscess performed."
    )
    outcome = with_note(
        note, encounter_type="emergency", place_of_service="23", mdm_level="moderate"
    )
    assert sorted(c for c, _ in codes(outcome)) == ["10060", "93010"]


# --- procedures in notes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "No ECG today.",
        "Will schedule MRI of the lumbar spine.",
        "Patient declined flu vaccine.",
        "Flu vaccine deferred to next visit.",
        "Chest x-ray not needed today.",
        "EGD in May by GI showed esophagitis.",
        "If symptoms persist, obtain an ankle x-ray.",
        "Repeat BMP in 3 months.",
        "Past Surgical History: colonoscopy 2019.",
        "Plan: lipid panel at the next visit.",
    ],
)
def test_negated_planned_declined_and_past_procedures_are_not_billed(text: str) -> None:
    assert codes(with_note(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12-lead ECG performed in the office today.", [("93000", 1)]),
        ("Rapid strep test positive.", [("87880", 1)]),
        ("Plan: flu vaccine given today.", [("90656", 1), ("90471", 1)]),  # three-strain since 2024
        ("Influenza vaccine, high-dose, given IM.", [("90662", 1), ("90471", 1)]),
        # drawn here and run by the practice's own lab; drawn alone, only the draw is ours
        (
            "Fasting lipid panel drawn and run in the office lab today.",
            [("80061", 1), ("36415", 1)],
        ),
        ("Fasting lipid panel drawn in the office today.", [("36415", 1)]),
        ("Meds: lisinopril.\n\nPOC hemoglobin A1c done in clinic today: 7.1%.", [("83036", 1)]),
    ],
)
def test_procedures_done_are_billed_from_the_note(
    text: str, expected: list[tuple[str, int]]
) -> None:
    assert codes(with_note(text)) == expected


def test_an_ordered_procedure_the_note_also_tells_is_billed_once() -> None:
    outcome = outcome_of(
        encounter(
            procedures=[procedure("93000", "12-lead ECG")],
            notes=(ClinicalNote("n1", "progress", "ECG obtained: normal sinus rhythm."),),
        )
    )
    assert codes(outcome) == [("93000", 1)]
    assert coded_lines(outcome)[0].evidence.source == "procedures[0]"


def test_evidence_from_a_note_is_its_text_span() -> None:
    text = (
        "Exam unremarkable.\n\nRapid strep test positive; left ear: cerumen removal with curette."
    )
    outcome = with_note(text)
    lines = coded_lines(outcome)
    assert [line.code for line in lines] == ["87880", "69210"]
    for line in lines:
        evidence = line.evidence
        assert evidence.source == "notes[0]" and evidence.start is not None
        assert text[evidence.start : evidence.end] == evidence.text
    assert lines[1].modifiers == ("LT",)


# --- repeat modifiers -----------------------------------------------------------------------------


def test_a_repeated_service_takes_76_a_repeated_lab_91() -> None:
    ecgs = [procedure("93000", "ECG"), procedure("93000", "ECG at 2 hours")]
    assert [line.modifiers for line in coded_lines(outcome_of(encounter(procedures=ecgs)))] == [
        (),
        ("76",),
    ]
    labs = [procedure("85025", "CBC"), procedure("85025", "CBC repeat")]
    assert [line.modifiers for line in coded_lines(outcome_of(encounter(procedures=labs)))] == [
        (),
        ("91",),
    ]


def test_another_physician_s_repeat_takes_77() -> None:
    notes = (
        ClinicalNote("n1", "emergency", "ECG obtained: sinus tachycardia.", author="dr-a"),
        ClinicalNote(
            "n2", "emergency", "Repeat ECG at 1 hour: normal sinus rhythm.", author="dr-b"
        ),
    )
    outcome = outcome_of(encounter(notes=notes))
    assert [(line.code, line.modifiers) for line in coded_lines(outcome)] == [
        ("93000", ()), ("93000", ("77",))
    ]  # fmt: skip


def test_the_patient_s_age_is_read_on_the_date_of_service() -> None:
    child = encounter(
        patient=patient(birth_date=date(2015, 6, 1)),
        notes=(ClinicalNote("n1", "progress", "Counseled on each vaccine; MMR vaccine given."),),
    )
    assert codes(outcome_of(child)) == [("90707", 1), ("90460", 1), ("90461", 2)]


def test_an_inline_history_title_covers_its_line_only() -> None:
    note = (
        "Social history: never smoked.\nVitals: normal.\n"
        "Performed today: rapid strep test, positive."
    )
    assert codes(with_note(note)) == [("87880", 1)]
    assert codes(with_note("Past surgical history:\ncolonoscopy, normal")) == []


def test_a_wound_told_in_the_progress_and_the_procedure_note_is_one_wound() -> None:
    notes = (
        ClinicalNote("n1", "progress", "Procedures: simple repair of hand laceration, 2.5 cm."),
        ClinicalNote("n2", "procedure", "Laceration of the hand, 2.5 cm, closed with sutures."),
    )
    assert codes(outcome_of(encounter(notes=notes))) == [("12001", 1)]


def test_each_vaccine_of_a_list_is_billed_and_a_product_s_parts_are_not() -> None:
    note = (
        "Vaccines given today after counseling the parents on each vaccine:\n"
        "- DTaP-hepatitis B-IPV combination (Pediarix), IM right thigh\n"
        "- Hib (PRP-OMP, PedvaxHIB), IM left thigh\n"
        "- Pneumococcal conjugate 20-valent, IM left thigh\n"
    )
    infant = encounter(
        patient=patient(birth_date=date(2025, 12, 1)),
        notes=(ClinicalNote("n1", "progress", note),),
    )
    assert codes(outcome_of(infant)) == [
        ("90723", 1), ("90647", 1), ("90677", 1), ("90460", 3), ("90461", 4)
    ]  # fmt: skip


def test_an_ordered_repair_is_not_coded_again_from_the_note() -> None:
    outcome = outcome_of(
        encounter(
            procedures=[procedure(None, "Simple repair of a 2 cm laceration of the hand")],
            notes=(ClinicalNote("n1", "procedure", "2 cm hand laceration repaired with sutures."),),
        )
    )
    assert codes(outcome) == [("12001", 1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Smoking cessation advised.", []),  # a time-based code needs its minutes
        ("Tobacco cessation counseling, 8 minutes.", [("99406", 1)]),
        ("Tobacco cessation counseling for 15 minutes.", [("99407", 1)]),
        ("Depression screening recommended yearly.", []),
        ("PHQ-9 administered and scored: 4.", [("96127", 1)]),
    ],
)
def test_time_based_and_screening_codes_need_their_time_or_score(
    text: str, expected: list[tuple[str, int]]
) -> None:
    assert codes(with_note(text)) == expected


def test_preservative_free_is_not_a_negation_and_a_vis_is_not_counselling() -> None:
    note = "Vaccine: influenza, inactivated, trivalent, preservative-free, IM. VIS given to mother."
    child = encounter(
        patient=patient(birth_date=date(2022, 1, 5)), notes=(ClinicalNote("n1", "progress", note),)
    )
    assert codes(outcome_of(child)) == [("90656", 1), ("90471", 1)]


def test_units_stay_within_what_a_claim_line_holds() -> None:
    outcome = outcome_of(encounter(procedures=[procedure("J0585", "Botox 2000 units")]))
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.reasons] == ["PROC-UNITS", "MUE-3"]
    assert codes(outcome) == [("J0585", 999)]
    short = [DocumentedProcedure(text="Therapeutic exercise", code="97110", minutes=6)]
    outcome = outcome_of(encounter(procedures=short))
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.reasons] == ["UNITS-TIME"]
    assert codes(outcome) == []


# --- results brought to the visit, others' procedures, bundles, senses -----------------------


@pytest.mark.parametrize(
    "text",
    [
        "RUQ ultrasound 6/30: diffusely echogenic liver, no mass.",
        "Kidney function normal, urine albumin normal (labs reviewed).",
        "ECG from PCP office reviewed: sinus rhythm with LVH voltage.",
        "ABI today by the vascular lab (report reviewed): left 0.68.",
        "Gynecology is evaluating; pelvic ultrasound showed no fibroids.",
        "CBC and ferritin 4 weeks after the last dose.",
        "PSA rising again on androgen deprivation.",
        "Contraception: partner vasectomy.",
        "33 y/o at 28 weeks 3 days by first trimester ultrasound.",
        "Orders: CBC, CMP, lipid panel, TSH.",
        "Labs to check: CBC, CMP.",
        "Urine culture pending.",
        "Chest X-ray (done at urgent care yesterday): no infiltrate.",
        "Influenza vaccine: given this season at the pharmacy.",
        "Referral placed for echocardiogram.",
        "Pulse oximetry 98% on room air.",
        "Fingerstick glucose log reviewed.",
        "Nebulizer at home as needed.",
        "Flu vaccine: patient declines.",
        "Patient brought her glucometer.",
    ],
)
def test_results_from_elsewhere_and_other_people_s_procedures_are_not_billed(text: str) -> None:
    assert codes(with_note(text)) == []


def test_a_finding_told_with_the_words_of_this_visit_is_still_billed() -> None:
    assert codes(with_note("Rapid strep test performed today showed a positive result.")) == [
        ("87880", 1)
    ]


def test_words_inside_a_procedure_s_name_do_not_hide_it() -> None:
    outcome = with_note(
        "Procedure: closed reduction of the right distal radius fracture under hematoma block.",
        encounter_type="emergency",
        place_of_service="23",
        mdm_level="moderate",
    )
    assert [(line.code, line.modifiers) for line in coded_lines(outcome)] == [("25605", ("RT",))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the first splint is part of the fracture care (CPT Musculoskeletal guidelines)
        (
            "Closed reduction of the distal radius fracture by me. Sugar-tong splint applied.",
            ["25605"],
        ),
        # control of nasal hemorrhage includes its cautery (30901: cautery and/or packing)
        (
            "Silver nitrate cautery of the septal vessel; anterior nasal packing placed.",
            ["30901"],
        ),
        # a wet mount includes the KOH preparation (87210)
        ("Wet mount/KOH prep performed and read in the office: yeast.", ["87210"]),
    ],
)
def test_a_service_included_in_another_is_not_its_own_line(text: str, expected: list[str]) -> None:
    assert sorted(c for c, _ in codes(with_note(text))) == expected


def test_starting_the_iv_is_part_of_the_infusion() -> None:
    note = "Peripheral IV placed. Iron sucrose 200 mg in 100 mL NS infused IV over 30 minutes."
    outcome = with_note(note, diagnoses=(diagnosis("D50.0", "Iron deficiency anemia"),))
    assert sorted(codes(outcome)) == [("96365", 1), ("J1756", 200)]
    assert isinstance(outcome, Coded)  # 200 mg is within the MUE of a 1 mg unit code


@pytest.mark.parametrize(
    "text",
    [
        "Temporal clear corneal incision 2.4 mm, paracentesis, viscoelastic.",
        "Scope advanced to the cecum; terminal ileum intubated briefly.",
    ],
)
def test_a_keyword_s_other_sense_is_not_the_service(text: str) -> None:
    assert codes(with_note(text)) == []


def test_a_delivery_by_the_practice_that_gave_the_prenatal_care_is_the_global_package() -> None:
    ours = "Followed in our practice for all of her prenatal care. Procedure: cesarean section."
    theirs = "Prenatal care was provided by the health department. Procedure: cesarean section."
    young = {"patient": patient(birth_date=date(1995, 2, 1))}
    assert [c for c, _ in codes(with_note(ours, **young))] == ["59510"]
    assert [c for c, _ in codes(with_note(theirs, **young))] == ["59514"]


def test_a_discharge_summary_s_procedures_were_billed_on_their_days() -> None:
    summary = "Hospital course: EGD 7/17 with clips. Paracentesis of 3 L on day 2."
    outcome = outcome_of(
        encounter(
            notes=(ClinicalNote("n1", "discharge_summary", summary),),
            encounter_type="inpatient",
            place_of_service="21",
        )
    )
    assert codes(outcome) == []


def test_counselling_the_note_says_was_not_given_is_not_counselling() -> None:
    note = (
        "Vaccine: influenza, inactivated, trivalent, IM. Counseling: the nurse reviewed the "
        "VIS; no physician counseling was provided at this nurse visit."
    )
    child = encounter(
        patient=patient(birth_date=date(2022, 1, 5)), notes=(ClinicalNote("n1", "progress", note),)
    )
    assert codes(outcome_of(child)) == [("90656", 1), ("90471", 1)]


def test_a_dose_written_with_a_thousands_comma_and_a_technique_s_using() -> None:
    b12 = with_note("Cyanocobalamin 1,000 mcg IM given in the right deltoid by the nurse.")
    assert sorted(codes(b12)) == [("96372", 1), ("J3420", 1)]
    knee = with_note(
        "Using a lateral approach, injected triamcinolone acetonide 40 mg into the right knee."
    )
    assert sorted(codes(knee)) == [("20610", 1), ("J3301", 4)]


def test_a_procedure_another_team_did_is_not_billed() -> None:
    note = "General anesthesia induced and the patient intubated by anesthesia."
    assert codes(with_note(note)) == []


def test_moderate_sedation_by_the_emergency_physician_is_billed_with_its_minutes() -> None:
    ed = {"encounter_type": "emergency", "place_of_service": "23", "mdm_level": "moderate"}
    timed = "Procedural sedation by me, propofol IV; intraservice time 18 minutes."
    assert [c for c, _ in codes(with_note(timed, **ed))] == ["99152"]
    assert codes(with_note("Procedural sedation by me with propofol IV.", **ed)) == []


def test_an_excision_is_coded_by_the_pathology_the_excised_diameter_and_the_lesion_s_site() -> None:
    note = (
        "Biopsy-proven basal cell carcinoma.\n"
        "Lesion: 0.8 cm pearly papule, left mid-cheek.\n"
        "Procedure: elliptical excision with 4 mm margins; excised diameter 1.6 cm. The wound "
        "was undermined and closed in layers - intermediate layered repair, length 2.4 cm."
    )
    outcome = outcome_of(encounter(notes=(ClinicalNote("n1", "procedure", note),)))
    assert sorted(c for c, _ in codes(outcome)) == ["11642", "12051"]


def test_a_list_item_s_repair_takes_the_length_on_its_own_line() -> None:
    note = (
        "Chin: 1.5 cm superficial laceration.\n"
        "1. Left forearm: irrigation; layered closure with 4-0 Vicryl. Intermediate repair, "
        "4.0 cm.\n"
        "2. Chin: single-layer closure with 6-0 nylon. Simple repair, 1.5 cm."
    )
    assert sorted(c for c, _ in codes(with_note(note))) == ["12011", "12032"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Endometrial biopsy performed with a Pipelle, 2 passes.", ["58100"]),
        ("Shave removal of a 0.8 cm pigmented lesion of the left cheek.", ["11311"]),
        ("Shave removal of a 1.5 cm seborrheic keratosis of the back.", ["11302"]),
        ("Right trigger finger release (A1 pulley) under local anesthesia.", ["26055"]),
        ("Open umbilical hernia repair of a 2 cm fascial defect, primary suture.", ["49591"]),
        ("Colposcopy with cervical biopsies at 12 and 3 o'clock; no ECC.", ["57455"]),
        ("Colposcopy with biopsy at 6 o'clock and endocervical curettage.", ["57454"]),
        ("Boxer's fracture care: ulnar gutter splint applied, no reduction needed.", ["26600"]),
        ("Intravitreal injection of aflibercept, left eye, after povidone-iodine.", ["67028"]),
    ],
)
def test_office_and_outpatient_procedures_of_the_lexicon(text: str, expected: list[str]) -> None:
    assert sorted(c for c, _ in codes(with_note(text))) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Procedure: distal radius fracture, closed reduction, right.", [("25605", ("RT",))]),
        ("Procedure performed: hernia repair, umbilical, open; 2 cm defect.", [("49591", ())]),
        ("Procedure: cholecystectomy, laparoscopic.", [("47562", ())]),
    ],
)
def test_a_procedure_note_s_title_line_in_another_word_order(
    title: str, expected: list[tuple[str, tuple[str, ...]]]
) -> None:
    note = ClinicalNote("n1", "procedure", f"{title}\nTolerated well, no complications.")
    outcome = outcome_of(encounter(notes=(note,)))
    assert [(line.code, line.modifiers) for line in coded_lines(outcome)] == expected


def test_a_title_line_naming_two_services_is_not_guessed() -> None:
    note = ClinicalNote("n1", "procedure", "Procedure: repair of hernia and excision of cyst.")
    assert codes(outcome_of(encounter(notes=(note,)))) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the matrixectomy includes the avulsion of the nail plate
        ("Partial nail avulsion of the lateral border with phenol matrixectomy.", ["11750"]),
        # tests sent to an outside laboratory: only the draw is the practice's
        (
            "TSH, CBC and BMP drawn here today by venipuncture and sent to the reference "
            "laboratory.",
            ["36415"],
        ),
        ("TSH receptor antibody level to the reference laboratory.", []),
        # an abscess incised and drained in other words; its digital block is part of it
        (
            "Digital block with 2% lidocaine, the nail fold was incised with an 11 blade and "
            "drained of pus.",
            ["10060"],
        ),
        ("Allergen injections given today: vial 1 grass, vial 2 trees, subcutaneous.", ["95117"]),
        ("Allergy immunotherapy injection, 0.3 mL subcutaneous.", ["95115"]),
    ],
)
def test_what_the_practice_did_and_what_it_did_not(text: str, expected: list[str]) -> None:
    assert sorted(c for c, _ in codes(with_note(text))) == expected


def test_an_ecg_only_reviewed_in_the_hospital_is_no_reading() -> None:
    hospital = {"encounter_type": "inpatient", "place_of_service": "21", "mdm_level": "high"}
    assert codes(with_note("ECG personally reviewed: atrial fibrillation.", **hospital)) == []
    assert codes(with_note("ECG (my interpretation): atrial fibrillation.", **hospital)) == [
        ("93010", 1)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Procedure: total laparoscopic hysterectomy with bilateral salpingectomy.", "58571"),
        ("Procedure: left hip hemiarthroplasty (bipolar) for a femoral neck fracture.", "27236"),
        ("Procedure: port-a-cath placement, right internal jugular vein.", "36561"),
        ("Procedure: EGD. Findings: Schatzki ring, balloon dilation to 18 mm performed.", "43249"),
        ("Procedure: EGD. Findings: dilated esophagus with food debris, no stricture.", "43235"),
        ("Procedure: lumbar epidural steroid injection at L4-5 under fluoroscopy.", "62323"),
    ],
)
def test_operations_and_procedures_of_the_lexicon(text: str, expected: str) -> None:
    note = ClinicalNote("n1", "operative", text)
    assert [line.code for line in coded_lines(outcome_of(encounter(notes=(note,))))] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Urine pregnancy test negative.", ["81025"]),
        ("Rapid flu A/B negative.", ["87804"]),
        ("Mono spot negative.", ["86308"]),
        ("No rapid strep done; negative exam.", []),
        ("Urine culture before the procedure negative.", []),
        (
            "Laceration repaired with 4-0 nylon, 3 interrupted sutures, 2 cm on the left hand.",
            ["12001"],
        ),
        ("Sutures removed from the right hand, wound healed.", []),
    ],
)
def test_a_result_is_no_negation_of_the_test_and_a_culture_s_result_was_taken_before(
    text: str, expected: list[str]
) -> None:
    assert sorted(c for c, _ in codes(with_note(text))) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DuoNeb x1 given in clinic.", ["94640", "J7620"]),
        ("Continue DuoNeb at home every 6 hours as needed.", []),
        ("Cerumen disimpaction with curette, left ear.", ["69210"]),
        ("Right knee aspirated, 40 mL straw-colored fluid.", ["20610"]),
        ("UA in office: negative.", ["81002"]),
    ],
)
def test_services_told_with_their_product_s_name_or_a_participle(
    text: str, expected: list[str]
) -> None:
    assert sorted(c for c, _ in codes(with_note(text))) == expected


def test_counselling_the_plan_says_was_spent_today_is_billed() -> None:
    note = (
        "Plan: fluids.\nTobacco cessation counseling: 7 minutes spent today discussing a quit date."
    )
    assert codes(with_note(note)) == [("99406", 1)]
    assert codes(with_note("Plan: tobacco cessation counseling at the next visit.")) == []


def test_an_annual_wellness_visit_s_elements_are_not_lines_of_their_own() -> None:
    note = (
        "Subsequent annual wellness visit. Health risk assessment reviewed (completed in the "
        "portal). PHQ-2 score 0."
    )
    awv = with_note(note, encounter_type="preventive", place_of_service="11")
    assert [c for c, _ in codes(awv)] == ["G0439"]
    office = with_note("Health risk assessment administered: score 3. PHQ-2 score 0.")
    assert sorted(c for c, _ in codes(office)) == ["96127", "96160"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a test named in a diagnosis, a value cited in passing, a review of results
        ("Assessment:\n1. Rheumatoid arthritis with rheumatoid factor, moderately active.", []),
        ("Diabetes with peripheral angiopathy (ABI 0.7 right, vascular surgery following).", []),
        ("Here for PSA review and his leuprolide plan.", []),
        # today's value with an earlier one beside it; a title's own aside
        ("POC A1c today 9.4% (6 months ago 7.8%).", ["83036"]),
        (
            "- Tdap booster due (last tetanus at age 12): Tdap given IM left deltoid today.",
            ["90471", "90715"],
        ),
    ],
)
def test_tests_named_in_passing_and_tests_done_today(text: str, expected: list[str]) -> None:
    assert sorted(c for c, _ in codes(with_note(text))) == expected


def test_liquid_nitrogen_after_actinic_keratoses_is_their_destruction_counted() -> None:
    note = (
        "Actinic keratoses: 4 gritty erythematous scaly papules (right temple x2, nose x1, left "
        "cheek x1). Destroyed with liquid nitrogen cryotherapy, 2 cycles each."
    )
    assert codes(with_note(note)) == [("17000", 1), ("17003", 3)]
    assert codes(with_note("Cryotherapy of actinic keratoses x3 on the scalp.")) == [
        ("17000", 1),
        ("17003", 2),
    ]
    assert [c for c, _ in codes(with_note("Wart on the finger treated with liquid nitrogen."))] == [
        "17110"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Splint applied by nursing: posterior short leg splint.", []),
        ("Posterior splint applied by me to the right ankle.", ["29515"]),
        ("Central line placed by me in the right IJ under ultrasound guidance.", ["36556"]),
    ],
)
def test_in_a_hospital_what_its_staff_did_is_the_facility_s(text: str, expected: list[str]) -> None:
    ed = {"encounter_type": "emergency", "place_of_service": "23", "mdm_level": "moderate"}
    assert sorted(c for c, _ in codes(with_note(text, **ed))) == expected


def test_a_list_of_vaccines_is_not_the_combination_its_names_spell() -> None:
    listed = with_note("Vaccines administered: MMR, DTaP, IPV (left and right thighs).")
    assert sorted(c for c, _ in codes(listed) if not c.startswith("904")) == [
        "90700",
        "90707",
        "90713",
    ]
    assert [c for c, _ in codes(with_note("DTaP-IPV given today."))] == ["90696", "90471"]
    named = with_note("Rotavirus vaccine, pentavalent, 3-dose schedule (RotaTeq), oral.")
    assert [c for c, _ in codes(named)][0] == "90680"


def test_staff_words_elsewhere_in_the_sentence_leave_the_practitioner_s_service() -> None:
    ed = {"encounter_type": "emergency", "place_of_service": "23", "mdm_level": "moderate"}
    note = (
        "The left forearm was prepped and draped by nursing in the usual sterile fashion, and "
        "laceration repair 3 cm simple was done by me."
    )
    assert [c for c, _ in codes(with_note(note, **ed))] == ["12002"]


def test_a_standing_order_s_service_given_is_billed() -> None:
    note = "Per standing order: Tdap 0.5 mL IM given in the left deltoid."
    assert [c for c, _ in codes(with_note(note))] == ["90715", "90471"]

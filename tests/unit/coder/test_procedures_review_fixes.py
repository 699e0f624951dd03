"""Foreign body removals a review found over-coded: each site's own code, and an
incision-and-removal (10120) only where an incision was made."""

from __future__ import annotations

from datetime import date

from .factories import patient
from .test_procedures_fresh import coded, lines


def test_a_splinter_lifted_out_without_an_incision_is_no_incision_and_removal() -> None:
    text = "Splinter removed from the right palm with tweezers, no incision needed."
    assert "10120" not in coded(text)
    incised = "Splinter removed from the right palm through a 3 mm incision under lidocaine."
    assert "10120" in coded(incised)


def test_an_earlobe_is_no_ear_canal_and_an_eyelid_no_conjunctiva() -> None:
    assert "69200" not in coded("Glass removed from the right earlobe with forceps.")
    assert "65205" not in coded("Foreign body removed from the left upper eyelid margin.")
    assert "65205" in coded(
        "Foreign body removed from the conjunctiva of the left eye with a swab."
    )


def test_an_obstetric_history_is_no_pregnancy_for_the_ultrasound() -> None:
    text = (
        "54 yo G3P3 with postmenopausal bleeding. Transvaginal ultrasound in office: "
        "endometrial stripe 9 mm."
    )
    got = coded(text, "progress")
    assert "76830" in got and "76817" not in got


def test_a_first_dose_charted_with_its_site_was_given() -> None:
    """'first dose' numbers the dose in its series; 'if fever' is another drug's
    instruction: neither schedules the dose charted with its route and site."""
    text = "Assessment: well child.\nHepatitis A vaccine, first dose, 0.5 mL IM right thigh."
    child = patient(birth_date=date(2019, 5, 1))
    assert {"90633", "90471"} <= set(coded(text, "progress", patient=child))


def test_the_decision_for_a_major_procedure_is_57_beside_a_minor_one() -> None:
    from services.coder.domain.modifiers import em_modifiers

    from .factories import encounter

    visit = encounter(encounter_type="emergency", place_of_service="23")
    modifiers, edits = em_modifiers(visit, "99284", ["23650", "12001"])
    assert modifiers == ["57"] and "23650" in edits[0].detail
    assert em_modifiers(visit, "99284", ["12001"])[0] == ["25"]


def test_a_count_of_positive_results_is_not_the_count_of_allergens_tested() -> None:
    text = (
        "Percutaneous allergy skin testing performed today: 2 positive tests of 40 allergens "
        "(cat, dust mite)."
    )
    got = lines(text, "progress")
    assert next(line.units for line in got if line.code == "95004") == 40


def test_botulinum_toxin_for_chronic_migraine_is_the_chemodenervation_not_an_injection() -> None:
    """CPT 64615 (chemodenervation for chronic migraine, both sides) includes giving the
    drug: the toxin's units (J0585) stand beside it, and no 96372."""
    text = (
        "Chronic migraine, intractable. OnabotulinumtoxinA 155 units injected per the PREEMPT "
        "protocol, 31 sites. Tolerated well."
    )
    got = coded(text, "procedure")
    assert "64615" in got and "J0585" in got and "96372" not in got, got


def test_a_procedure_planned_for_the_morning_is_not_done_today() -> None:
    text = "Upper GI bleed. Pantoprazole IV given; GI consulted - EGD in the morning."
    assert "43235" not in coded(text, "emergency")
    done = "EGD performed in the morning; findings of gastritis, biopsies taken."
    assert "43239" in coded(done)


def test_screening_tests_of_a_well_child_visit_are_the_screening_codes() -> None:
    """A pure tone audiometry *screening* is 92551, not the threshold test 92552; a
    photoscreener read on site is 99177, not the remote analysis 99174."""
    text = (
        "Screening done today: vision by instrument-based ocular photoscreener with on-site "
        "analysis - pass both eyes; pure tone audiometry screening - pass both ears at 20 dB."
    )
    got = coded(text, "progress")
    assert {"99177", "92551"} <= set(got) and not {"99174", "92552"} & set(got), got


def test_a_vaccine_s_strength_in_parentheses_is_no_value_cited() -> None:
    """ "hepatitis A (Havrix 1440)" names the adult product by its strength; a number after
    a test's name in parentheses ("(ABI 0.7 right)") is a value cited in passing."""
    text = (
        "Heplisav-B dose 1 IM right deltoid and hepatitis A (Havrix 1440) dose 1 IM left "
        "deltoid today, VIS given."
    )
    got = coded(text, "progress")
    assert {"90739", "90632", "90471", "90472"} <= set(got), got

"""Codes a review of the day's synonyms found wrong: each by the Index's own entry."""

from __future__ import annotations

import pytest

from .test_words_unseen import dx_codes


def test_anisocoria_is_its_own_code() -> None:
    """Anisocoria H57.02, not the unspecified anomaly of pupillary function H57.00."""
    assert "H57.02" in dx_codes("Assessment: anisocoria, physiologic, 1 mm difference.\n")


def test_a_follow_up_after_treatment_is_z09_unless_a_cancer_was_treated() -> None:
    """Examination, follow-up, following treatment Z09; Z08 only after the treatment of a
    malignant neoplasm (the rule of guidelines_statement.py with the Z85 history)."""
    plain = (
        "Assessment: follow-up exam after completed treatment of community-acquired "
        "pneumonia; lungs clear.\n"
    )
    assert "Z08" not in dx_codes(plain)
    cancer = (
        "Assessment: follow-up exam after completed treatment; personal history of "
        "malignant neoplasm of the colon, no evidence of recurrence.\n"
    )
    assert "Z08" in dx_codes(cancer)


@pytest.mark.parametrize(
    ("drug", "code"),
    [
        ("naproxen", "T39.315A"),  # propionic acid derivatives
        ("ibuprofen", "T39.315A"),
        ("meloxicam", "T39.395A"),  # other NSAID
        ("tramadol", "T40.425A"),  # its own code since FY2023
        ("doxycycline", "T36.4X5A"),  # tetracyclines
        ("azithromycin", "T36.3X5A"),  # macrolides
        ("spironolactone", "T50.0X5A"),  # mineralocorticoid antagonists
    ],
)
def test_an_adverse_effect_is_the_drugs_class_in_the_table_of_drugs(drug: str, code: str) -> None:
    text = (
        f"Discharge diagnoses:\n1. Acute gastritis due to {drug}, adverse effect of the drug "
        "taken as prescribed.\n"
    )
    assert code in dx_codes(text, kind="discharge_summary")


@pytest.mark.parametrize("product", ["e-cigarettes", "e-cigarette", "vape pens"])
def test_nicotine_dependence_on_e_cigarettes_is_another_product(product: str) -> None:
    """Index: Dependence, nicotine, specified product NEC (e-cigarettes) F17.29-."""
    text = f"Assessment: nicotine dependence, uses {product} daily; counseled to quit.\n"
    found = dx_codes(text)
    assert not any(code.startswith("F17.21") for code in found), found


def test_alcoholic_cirrhosis_takes_in_its_ascites_but_not_a_malignant_one() -> None:
    assert dx_codes("Assessment: alcoholic cirrhosis of liver with ascites.\n") == ["K70.31"]
    found = dx_codes(
        "Assessment: alcoholic cirrhosis of liver. Malignant ascites from metastatic ovarian "
        "cancer.\n"
    )
    assert "R18.0" in found and "K70.31" not in found


def test_a_sinusitis_is_acute_when_its_own_words_say_so() -> None:
    assert "J01.00" in dx_codes("Assessment: acute left maxillary sinusitis.\n")
    other = dx_codes("Assessment: acute bronchitis with maxillary sinusitis.\n")
    assert "J01.00" not in other and "J32.0" in other


def test_a_combination_code_keeps_the_encounter_of_the_code_it_replaces() -> None:
    """I.C.19.a: the 7th character is the encounter's; the combination table's row names
    the initial one (T78.01XA), a subsequent encounter's is T78.01XD."""
    text = "Assessment: anaphylaxis due to peanut allergy, subsequent encounter; stable.\n"
    assert dx_codes(text) == ["T78.01XD"]


def test_a_drug_induced_cataract_or_hypertensive_retinopathy_is_not_diabetic() -> None:
    steroid = dx_codes("Assessment: type 2 diabetes with steroid-induced cataract.\n")
    assert "H26.30" in steroid and "E11.36" not in steroid, steroid
    retina = dx_codes("Assessment: type 2 diabetes with hypertensive retinopathy of both eyes.\n")
    assert "E11.319" not in retina, retina


def test_only_a_cataract_of_no_named_cause_is_presumed_diabetic() -> None:
    """I.A.15 "with": the Index's Diabetes, with, cataract (E11.36) presumes the link unless
    the documentation names another cause; an age-related (senile) cataract names one, so
    it is H25.- beside E11.9, while a cataract of no stated kind is the combination."""
    aged = dx_codes(
        "Assessment: age-related nuclear cataract, bilateral. Type 2 diabetes mellitus "
        "without retinopathy.\n"
    )
    assert "H25.13" in aged and "E11.9" in aged and "E11.36" not in aged, aged
    plain = dx_codes("Assessment: cataract of the right eye. Type 2 diabetes mellitus.\n")
    assert "E11.36" in plain and "E11.9" not in plain, plain


def test_a_condition_named_as_what_a_test_looks_for_is_not_coded() -> None:
    """I.C.1.a: B20 only for confirmed HIV disease; "HIV, HBV serologies drawn" names the
    tests ordered, not the patient's conditions. A result that confirms one stands."""
    ordered = dx_codes(
        "Assessment: chronic hepatitis C, untreated - HCV RNA quant, hepatic panel, CBC, "
        "INR, HIV, HBV serologies drawn here today.\n"
    )
    assert ordered == ["B18.2"], ordered
    assert dx_codes("Assessment: fatigue; Lyme titers sent.\n") == ["R53.83"]
    confirmed = dx_codes("Assessment: hepatitis B serologies positive, chronic hepatitis B.\n")
    assert confirmed == ["B18.1"], confirmed
    # only the item right before the test name, and one-word items before it, are tests
    assert dx_codes("Assessment: HIV disease, hepatitis serologies ordered.\n") == ["B20"]
    assert dx_codes("Assessment: Chronic hepatitis C, hepatitis B serologies drawn.\n") == ["B18.2"]
    assert dx_codes("Assessment: Rheumatoid arthritis, RF titers elevated.\n") == ["M06.9"]
    assert dx_codes("Assessment: Hepatitis C serologies were positive.\n") == ["B18.2"]
    assert "B97.7" not in dx_codes("Assessment: well visit. Pap/HPV cotest collected and sent.\n")
    assert "B97.7" in dx_codes("Assessment: HPV positive on cotest, colposcopy referral.\n")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("lumbar disc herniation with left L5 radiculopathy", "M51.16"),
        ("lumbar degenerative disc disease with right sciatica", "M51.16"),
        ("cervical disc herniation with cervical radiculopathy", "M50.10"),
        ("cervical radiculopathy; cervical degenerative disc disease", "M50.10"),
    ],
)
def test_a_disc_disorder_with_radiculopathy_of_its_region_is_one_code(text: str, code: str) -> None:
    """Excludes1 at M54.1, M54.3 and M54.4 and the Index (Disorder, disc, with
    radiculopathy): the disc disorder with radiculopathy, not the displacement or
    degeneration beside the radiculopathy or sciatica; the shorter name inside the
    combined one ("disc disease") is no second code."""
    assert dx_codes(f"Assessment: {text}.\n") == [code]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("chronic migraine", "G43.709"),
        ("chronic migraine without aura, intractable, no status migrainosus", "G43.719"),
        ("refractory chronic migraine", "G43.719"),
        ("migraine without aura, not intractable", "G43.009"),
        ("migraine, poorly controlled on topiramate", "G43.919"),
        ("migraine", "G43.909"),
    ],
)
def test_a_migraine_is_intractable_or_in_status_only_as_its_sentence_says(
    text: str, code: str
) -> None:
    """G43's Tabular note: intractable is pharmacoresistant, treatment resistant, refractory
    or poorly controlled; unstated, not intractable and without status migrainosus."""
    assert dx_codes(f"Assessment: {text}.\n") == [code]


@pytest.mark.parametrize("line", ["Tetanus: Tdap 2023.", "Tetanus toxoid given.", "Tetanus 2019."])
def test_a_tetanus_immunization_line_is_no_tetanus(line: str) -> None:
    """A35 is the disease; a wound note's tetanus line tells the patient's immunization."""
    found = dx_codes(f"Assessment: laceration of left forearm. {line}\n", "emergency")
    assert "A35" not in found, found
    assert "A35" in dx_codes("Assessment: generalized tetanus after a puncture wound.\n")


def test_return_precautions_name_no_condition_but_a_follow_up_or_isolation_does() -> None:
    for line in (
        "Return precautions for fever or flank pain.",
        "Return with fever.",
        "Return for fever.",
    ):
        found = dx_codes(f"Assessment: acute cystitis.\n{line}\n", "emergency")
        assert not any(code.startswith(("R50", "R10")) for code in found), (line, found)
    assert "A04.72" in dx_codes("Assessment: contact precautions for C. difficile colitis.\n")
    assert "L03.115" in dx_codes(
        "Assessment: here to return for follow-up of cellulitis of the right leg.\n"
    )


def test_an_injury_of_no_stated_site_beside_the_same_injury_of_a_site_is_that_one() -> None:
    """I.B.3 and I.C.19.b: "laceration" told again without its site is the finger's
    laceration, neither T14.8 (unspecified region) nor the hand's unspecified code."""
    text = (
        "HPI: cut his finger on a box cutter, laceration bleeding.\n"
        "Assessment: laceration of right index finger with damage to the nail.\n"
    )
    found = dx_codes(text, "emergency")
    assert found == ["S61.310A"], found


def test_a_trimalleolar_fracture_is_its_own_code() -> None:
    """Index: Fracture, ankle, trimalleolar S82.85-; not S82.899 (other fracture)."""
    found = dx_codes("Assessment: trimalleolar fracture of the ankle.\n", "emergency")
    assert len(found) == 1 and found[0].startswith("S82.85"), found


def test_a_probability_of_deterioration_names_no_condition() -> None:
    """A critical care attestation's risk ("high probability of life-threatening
    deterioration (cardiac arrest)") is no cardiac arrest (I46.9)."""
    text = (
        "Impression: severe hyperkalemia.\nCritical care time 40 minutes; high probability "
        "of life-threatening deterioration (cardiac arrest).\n"
    )
    assert "I46.9" not in dx_codes(text, "emergency")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("right hip primary OA", "M16.11"),
        ("primary OA of the left knee", "M17.12"),
    ],
)
def test_primary_osteoarthritis_abbreviated_is_coded_by_its_joint(text: str, code: str) -> None:
    """No "primary OA" of no joint: an unspecified site would stand for a joint the words
    name but the matcher does not join ("primary OA of both knees")."""
    assert dx_codes(f"Assessment: {text}.\n") == [code]
    assert "M19.91" not in dx_codes("Assessment: primary OA of both knees.\n")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("influenza A with pharyngitis and cough", "J10.1"),
        ("influenza A with pneumonia", "J10.00"),
        ("type B influenza", "J10.1"),
        ("influenza", "J11.1"),
        ("influenza-like illness; flu A/B negative", "J11.1"),
    ],
)
def test_influenza_of_a_named_type_is_due_to_an_identified_virus(text: str, code: str) -> None:
    """I.C.10.c: "influenza A" names the virus (J10.-); influenza alone, or beside a
    negative test, is of an unidentified virus (J11.-)."""
    assert dx_codes(f"Assessment: {text}.\n") == [code]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("metastatic left breast cancer (UOQ)", "C50.412"),
        ("right breast cancer, LIQ", "C50.311"),
        ("left breast mass, UOQ", "N63.21"),
    ],
)
def test_a_breast_quadrant_abbreviated_is_its_site(text: str, code: str) -> None:
    assert code in dx_codes(f"Assessment: {text}.\n")


def test_a_denied_qualifier_is_not_the_condition_s() -> None:
    """ "no acute chest syndrome" beside a sickle cell crisis says the crisis has none: the
    crisis is D57.00, not D57.01 (with acute chest syndrome)."""
    text = (
        "Assessment: Hb-SS disease with vaso-occlusive pain crisis (no acute chest "
        "syndrome, no splenic sequestration).\n"
    )
    assert dx_codes(text) == ["D57.00"]


def test_a_migraine_s_qualifiers_are_its_own_and_an_influenza_test_negative_names_no_type() -> None:
    assert dx_codes("Assessment: migraine without aura, refractory hypertension.\n")[0] == (
        "G43.009"
    )
    assert dx_codes("Assessment: migraine without aura or status migrainosus.\n") == ["G43.009"]
    negative = "Assessment: influenza, rapid influenza A PCR negative, treat empirically.\n"
    assert dx_codes(negative) == ["J11.1"]
    probable = dx_codes(
        "Discharge diagnoses: probable influenza A, dehydration.\n", "discharge_summary"
    )
    assert "J11.1" in probable and "J10.1" not in probable, probable


def test_a_year_dates_a_disease_other_than_the_toxoid_ones() -> None:
    assert dx_codes("Assessment: chronic hepatitis B (2015) on entecavir.\n") == ["B18.1"]
    assert dx_codes("Assessment: herpes zoster 2023 of the right flank.\n") == ["B02.9"]


def test_an_unspecified_site_or_region_stands_beside_another_side_or_another_injury() -> None:
    both = dx_codes(
        "Assessment: invasive ductal carcinoma of the left breast. Invasive lobular carcinoma "
        "of the upper outer quadrant of the right breast.\n"
    )
    assert {"C50.411", "C50.912"} <= set(both), both
    assert "T14.91XA" in dx_codes(
        "Assessment: laceration of left index finger; suicide attempt.\n", "emergency"
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("left 6th rib fracture", "S22.32XA"),
        ("left rib fractures (ribs 6-7), closed", "S22.42XA"),
        ("fractured ribs on the right", "S22.41XA"),
        ("rib fracture, subsequent encounter", "S22.39XD"),
    ],
)
def test_a_rib_fracture_is_one_rib_or_several_by_its_words(text: str, code: str) -> None:
    """Index: Fracture, rib S22.3- (one rib), multiple S22.4-; not S22.9 (bony thorax, part
    unspecified)."""
    assert dx_codes(f"Assessment: {text}.\n", "emergency") == [code]

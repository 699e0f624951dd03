"""The MDM scorer: each element's level from the words, context, two of three, evidence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.coder.domain.em_text import sections
from services.coder.domain.mdm import MdmFinding, score_mdm


def scored(text: str, *, whole: bool = False) -> MdmFinding:
    finding = score_mdm([("notes[0]", text, whole)])
    assert finding is not None, text
    return finding


def element(text: str, name: str) -> tuple[str, int]:
    found = getattr(scored(text), name)
    return found.label, len(found.evidence)


@pytest.mark.parametrize(
    ("plan", "label"),
    [
        ("Common cold.", "minimal"),
        ("Insect bite. Cerumen impaction.", "low"),
        ("Hypertension, stable.", "low"),
        ("Acute sinusitis.", "low"),
        ("Hypertension and hyperlipidemia, both at goal.", "moderate"),
        ("COPD exacerbation.", "moderate"),
        ("Type 2 diabetes, poorly controlled, A1c above goal.", "moderate"),
        ("Community acquired pneumonia.", "moderate"),
        ("Closed fracture of the left distal radius.", "moderate"),
        ("New breast lump, imaging to follow.", "moderate"),
        ("Acute decompensated heart failure.", "high"),
        ("NSTEMI.", "high"),
        ("Sepsis from a urinary source.", "high"),
    ],
)
def test_problems_level_by_number_and_acuity(plan: str, label: str) -> None:
    assert element(f"Assessment and plan:\n{plan}\n", "problems")[0] == label


@pytest.mark.parametrize(
    "plan",
    [
        "No evidence of pneumonia.",
        "Pneumonia was ruled out.",
        "Denies chest pain.",
        "Family history of diabetes.",
        "History of stroke.",
        "Return if chest pain.",
        "Return for weakness or confusion.",
    ],
)
def test_negated_historical_family_and_hypothetical_problems_do_not_count(plan: str) -> None:
    finding = score_mdm([("notes[0]", f"Assessment:\n{plan}\n", False)])
    assert finding is None or finding.problems.evidence == ()


def test_problems_count_where_addressed_not_in_history_sections() -> None:
    text = (
        "HPI: seen for COPD exacerbation last year.\n"
        "Past medical history: heart failure, NSTEMI.\n"
        "Assessment: hypertension, stable.\n"
    )
    assert element(text, "problems") == ("low", 1)


def test_without_an_assessment_section_problems_count_anywhere_but_history() -> None:
    assert element("Seen today for COPD exacerbation.\nPMH: NSTEMI\n", "problems")[0] == (
        "moderate"
    )


def test_an_injury_seen_again_as_it_heals_is_uncomplicated() -> None:
    text = (
        "Assessment: radius fracture, subsequent encounter, routine healing.\n"
        "DEXA ordered given the fracture."
    )
    assert element(text, "problems")[0] == "low"


def test_a_history_heading_is_not_a_history_of() -> None:
    text = "History of present illness: COPD exacerbation, started prednisone 40 mg."
    assert (scored(text).problems.label, scored(text).risk.label) == ("moderate", "moderate")


def test_a_cancer_screening_is_not_a_cancer() -> None:
    finding = score_mdm([("notes[0]", "Plan: offered lung cancer screening.", False)])
    assert finding is None or finding.problems.evidence == ()


def test_the_same_problem_counts_once() -> None:
    # HTN and hypertension are one stable chronic illness, not two
    assert element("Assessment: Hypertension. HTN at goal.", "problems") == ("low", 1)


def test_a_chronic_illness_named_stable_and_worse_is_worse() -> None:
    text = "Assessment: asthma, stable last visit. Asthma worsening this week."
    assert scored(text).problems.reason.startswith("chronic illness with exacerbation")


@pytest.mark.parametrize(
    ("plan", "label"),
    [
        ("CBC ordered.", "minimal"),
        ("CBC and BMP ordered.", "limited"),
        ("History per mother.", "limited"),
        ("CBC, BMP and troponin ordered.", "moderate"),
        ("CBC, BMP, history per mother.", "moderate"),
        ("Discussed with cardiology.", "moderate"),
        ("ECG: my interpretation sinus rhythm.", "moderate"),
        ("CBC, BMP, troponin. Chest x-ray, my interpretation: no infiltrate.", "extensive"),
        ("ECG my interpretation. Case discussed with the hospitalist.", "extensive"),
    ],
)
def test_data_categories(plan: str, label: str) -> None:
    assert element(f"Plan: {plan}", "data")[0] == label


def test_a_panel_and_its_components_are_one_test() -> None:
    assert element("Labs: CBC reviewed, hemoglobin 12. WBC normal.", "data") == ("minimal", 1)


@pytest.mark.parametrize("plan", ["No labs today.", "Consider CT if worse.", "Declined x-ray."])
def test_tests_not_ordered_do_not_count(plan: str) -> None:
    finding = score_mdm([("notes[0]", f"Plan: {plan}", False)])
    assert finding is None or finding.data.evidence == ()


@pytest.mark.parametrize(
    ("plan", "label", "reason"),
    [
        ("Start lisinopril 10 mg daily.", "moderate", "prescription drug management"),
        ("Continue metformin.", "moderate", "prescription drug management"),
        ("Increase atorvastatin to 40 mg.", "moderate", "prescription drug management"),
        ("Start ibuprofen as needed.", "low", "over-the-counter drugs"),
        ("Will consider surgery.", "moderate", "decision regarding major surgery"),
        ("Patient declined surgery.", "moderate", "decision regarding major surgery"),
        ("Laparoscopic cholecystectomy recommended.", "moderate", "decision regarding major"),
        ("Not a surgical candidate.", "moderate", "decision regarding major surgery"),
        ("Admit to telemetry.", "high", "decision regarding hospitalization"),
        ("DNR per discussion with family.", "high", "decision not to resuscitate"),
        ("Heparin drip per protocol.", "high", "drug therapy requiring intensive monitoring"),
        ("Morphine 4 mg IV now.", "high", "parenteral controlled substances"),
        ("Unable to afford the inhaler.", "moderate", "diagnosis or treatment"),
        ("Incision and drainage today.", "low", "decision regarding minor surgery"),
        ("Ibuprofen/acetaminophen as needed.", "low", "over-the-counter drugs"),
        ("Omeprazole 40 mg daily before breakfast.", "moderate", "prescription drug management"),
        ("Controlled on losartan, continue.", "moderate", "prescription drug management"),
        ("Amoxicillin-clavulanate for 7 days.", "moderate", "prescription drug management"),
        ("Add clobetasol shampoo.", "moderate", "prescription drug management"),
        (
            "Polymyxin B/trimethoprim drops 1 drop each eye QID x 7 days.",
            "moderate",
            "prescription drug management",
        ),
        ("Loperamide 2 mg BID as needed.", "low", "over-the-counter drugs"),
        ("Diet and exercise reviewed.", "low", "low risk treatment"),
    ],
)
def test_risk_of_management(plan: str, label: str, reason: str) -> None:
    risk = scored(f"Assessment and plan: {plan}").risk
    assert risk.label == label
    assert risk.reason.startswith(reason)


@pytest.mark.parametrize(
    "plan",
    [
        "S/p cholecystectomy.",
        "If no improvement, admit.",
        "Start walking daily.",
        "Lisinopril was stopped by cardiology last year. Doing well.",
        "Check blood sugar twice daily.",
        "Follow up with surgery in 2 weeks.",
        "Morphine 15 mg by mouth.",
    ],
)
def test_no_management_decision(plan: str) -> None:
    finding = score_mdm([("notes[0]", f"Plan: {plan}", False)])
    assert finding is None or finding.risk.label in ("minimal",)


def test_past_surgical_history_is_not_a_decision() -> None:
    finding = score_mdm([("notes[0]", "Past surgical history: appendectomy, hysterectomy.", False)])
    assert finding is None


def test_two_of_three_elements_decide() -> None:
    finding = scored("Assessment and plan: COPD exacerbation, start prednisone 40 mg daily.")
    assert (finding.problems.label, finding.data.label, finding.risk.label) == (
        "moderate", "minimal", "moderate"
    )  # fmt: skip
    assert finding.level == "moderate" and finding.confident
    assert finding.summary() == (
        "MDM 2/3: problems moderate (chronic illness with exacerbation, progression or side "
        "effects), risk moderate (prescription drug management)"
    )
    assert finding.evidence.text == "COPD exacerbation"


def test_the_middle_element_sets_the_level() -> None:
    finding = scored("Assessment: NSTEMI. Troponin and CBC reviewed. Supportive care.")
    assert (finding.problems.label, finding.data.label, finding.risk.label) == (
        "high", "limited", "low"
    )  # fmt: skip
    assert finding.level == "low"


def test_one_documented_element_is_not_confident() -> None:
    finding = scored("Assessment: COPD exacerbation.")
    assert finding.level == "straightforward"
    assert not finding.confident


def test_nothing_found_is_no_finding() -> None:
    assert score_mdm([("notes[0]", "Patient seen. Doing well.", False)]) is None


def test_sections_are_found_by_title() -> None:
    text = "CC: cough\nPast Medical History: COPD\nASSESSMENT AND PLAN\n1. COPD\n"
    groups = [(part.group, text[part.start : part.end].strip()) for part in sections(text)]
    assert groups == [
        ("other", "cough"),
        ("history", "COPD"),
        ("assessment", "1. COPD"),
    ]


def test_offsets_hold_with_characters_whose_lower_case_is_longer() -> None:
    text = "İİ Assessment: COPD exacerbation; start prednisone."
    finding = scored(text)
    for found in finding.elements:
        for span in found.evidence:
            assert text[span.start : span.end] == span.text


_SNIPPETS = [
    "Assessment and plan:\n",
    "Past medical history: ",
    "COPD exacerbation. ",
    "denies chest pain, ",
    "start lisinopril 20 mg. ",
    "CBC, BMP and troponin reviewed. ",
    "ECG my interpretation: NSR. ",
    "history per mother. ",
    "Discussed with Dr. Lee. ",
    "admit to medicine. ",
    "x-ray of the left wrist: fracture. ",
    "Hypertension, well controlled; ",
    "if worse return. ",
    "İ ",
    "\n",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_SNIPPETS), max_size=25), st.text(max_size=40))
def test_every_span_is_the_text_at_its_offsets(parts: list[str], noise: str) -> None:
    text = noise.join(parts)
    finding = score_mdm([("notes[0]", text, False), ("assessment_plan", text, True)])
    if finding is None:
        return
    levels = sorted(e.level for e in finding.elements)
    assert finding.level == ("straightforward", "low", "moderate", "high")[levels[1]]
    for found in finding.elements:
        for span in found.evidence:
            assert span.start is not None and span.end is not None
            assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("plan", "name", "label"),
    [
        ("Chest pain. Plan: EMS called, transferred to the emergency department.", "risk", "high"),
        ("Cellulitis. Plan: direct admission for IV antibiotics.", "risk", "high"),
        ("NSTEMI. Plan: heparin started, admitted to the cardiac ICU.", "risk", "high"),
        ("Gastroenteritis. Given ondansetron 4 mg IV.", "risk", "moderate"),
        ("Renal colic. Given morphine 4 mg IV.", "risk", "high"),  # parenteral controlled
        ("Cystitis. Plan: discharged on nitrofurantoin.", "risk", "moderate"),
        ("Abdominal pain, unclear etiology, improved.", "problems", "moderate"),
    ],
)
def test_decisions_and_problems_told_in_emergency_and_referral_words(
    plan: str, name: str, label: str
) -> None:
    assert element(plan, name)[0] == label

"""E/M from the notes: documented time and MDM, derived MDM, discharge, prolonged, review."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.coder.domain import (
    ClinicalNote,
    Coded,
    NeedsReview,
    PrintedField,
    ReviewReason,
    ServiceLine,
)
from services.coder.domain.em_coding import code_em
from services.coder.domain.evaluation import EmChoice, select_em
from services.coder.domain.results import Evidence

from .factories import encounter, outcome_of

COPD_VISIT = (
    "Chief complaint: cough.\n"
    "HPI: 67 year old with COPD, 4 days of worsening dyspnea. Denies chest pain.\n"
    "Past medical history: COPD, hypertension, prior appendectomy.\n"
    "Medications: lisinopril 20 mg daily, albuterol inhaler.\n"
    "Assessment and plan:\n"
    "1. COPD exacerbation - start prednisone 40 mg daily for 5 days.\n"
    "2. Hypertension, well controlled - continue lisinopril.\n"
)


def with_notes(*texts: str, kind: str = "progress", **overrides: Any) -> Any:
    notes = tuple(ClinicalNote(f"N{i}", kind, text) for i, text in enumerate(texts))
    fields: dict[str, Any] = {"mdm_level": None, "total_time_minutes": None, "notes": notes}
    return encounter(**(fields | overrides))


def chosen(enc: Any) -> EmChoice:
    result = select_em(enc)
    assert isinstance(result, EmChoice), result
    return result


def spans_hold(enc: Any, em: EmChoice) -> None:
    if em.evidence.start is not None:
        source = enc.notes[int(em.evidence.source[6:-1])].text
        assert source[em.evidence.start : em.evidence.end] == em.evidence.text


@pytest.mark.parametrize(
    ("sentence", "minutes", "code"),
    [
        ("Total time spent on the date of the encounter: 32 minutes.", 32, "99214"),
        ("I spent 45 minutes with the patient today.", 45, "99215"),
        ("Total time: 22 min.", 22, "99213"),
        ("25 minutes were spent in counseling and coordination of care.", 25, "99213"),
        ("I personally spent more than 30 minutes on this visit.", 31, "99214"),
    ],
)
def test_time_documented_in_a_note_counts_as_total_time(
    sentence: str, minutes: int, code: str
) -> None:
    enc = with_notes(f"Seen for follow up.\n{sentence}\n")
    em = chosen(enc)
    assert (em.code, em.basis, em.total_time_minutes) == (code, "time", minutes)
    assert em.evidence.source == "notes[0]"
    spans_hold(enc, em)


@pytest.mark.parametrize(
    "sentence",
    [
        "Sedation time 40 minutes.",
        "Symptoms began 30 minutes after lunch.",
        "Chest pain lasting 30 minutes.",
        "Procedure time 40 minutes.",
    ],
)
def test_other_minutes_are_not_visit_time(sentence: str) -> None:
    result = select_em(with_notes(sentence))
    assert isinstance(result, ReviewReason) and result.rule == "EM-UNSUPPORTED"


@pytest.mark.parametrize(
    ("sentence", "minutes"),
    [
        (
            "Total visit time 28 minutes, of which 7 were counseling (E/M time 21 minutes).",
            21,
        ),
        ("Time excluding the injection: 30 minutes.", 30),
        ("Discharge day management time: 38 minutes.", 38),
    ],
)
def test_the_visit_s_own_time_is_read(sentence: str, minutes: int) -> None:
    assert chosen(with_notes(sentence)).total_time_minutes == minutes


def test_structured_time_wins_over_a_note_time() -> None:
    em = chosen(with_notes("I spent 45 minutes.", total_time_minutes=22))
    assert (em.code, em.total_time_minutes, em.evidence.source) == (
        "99213", 22, "total_time_minutes"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("Medical decision making: moderate complexity.", "99214"),
        ("MDM: high.", "99215"),
        ("This visit involved low complexity medical decision making.", "99213"),
    ],
)
def test_mdm_level_stated_in_a_note(sentence: str, code: str) -> None:
    enc = with_notes(sentence)
    em = chosen(enc)
    assert (em.code, em.basis) == (code, "mdm")
    spans_hold(enc, em)


def test_mdm_derived_from_the_note_levels_the_visit() -> None:
    enc = with_notes(COPD_VISIT)
    coding = code_em(enc, ())
    assert coding.em is not None and coding.reasons == ()
    assert (coding.em.code, coding.em.basis, coding.em.mdm_level) == ("99214", "mdm", "moderate")
    line = coding.lines[0]
    assert line.rule == (
        "MDM 2/3: problems moderate (chronic illness with exacerbation, progression or side "
        "effects), risk moderate (prescription drug management)"
    )
    assert line.evidence.text == "COPD exacerbation"
    spans_hold(enc, coding.em)
    detail = coding.edits[0]
    assert detail.rule == "EM-MDM" and "derived from the notes" in detail.detail


def test_a_derived_mdm_higher_than_the_time_is_reported() -> None:
    # AMA CPT 2021: whichever of time and MDM supports the higher level
    enc = with_notes(COPD_VISIT + "Total time 22 minutes.\n")
    em = chosen(enc)
    assert (em.code, em.basis, em.total_time_minutes) == ("99214", "mdm", 22)
    assert "total time 22 min would give 99213" in em.detail


def test_a_stated_mdm_higher_than_time_is_reported() -> None:
    em = chosen(with_notes("Medical decision making: moderate.", total_time_minutes=22))
    assert (em.code, em.basis) == ("99214", "mdm")


def test_time_higher_than_derived_mdm_is_reported() -> None:
    em = chosen(with_notes(COPD_VISIT, total_time_minutes=42))
    assert (em.code, em.basis) == ("99215", "time")


def test_documented_mdm_field_is_not_second_guessed() -> None:
    em = chosen(with_notes(COPD_VISIT, mdm_level="low"))
    assert (em.code, em.evidence.source) == ("99213", "mdm_level")


def test_an_unconfirmed_level_goes_to_review_with_its_candidate_proposed() -> None:
    enc = with_notes("Assessment: COPD exacerbation.")
    coding = code_em(enc, ())
    assert coding.em is None
    (reason,) = coding.reasons
    assert (reason.rule, reason.candidates) == ("EM-UNSUPPORTED", ("99212",))
    assert "COPD" not in reason.message  # offsets, never the note's words
    assert [line.code for line in coding.lines] == ["99212"]
    outcome = outcome_of(enc)
    assert isinstance(outcome, NeedsReview)
    assert "99212" in [line.code for line in outcome.proposed_service_lines]


def test_a_note_with_nothing_to_level_goes_to_review_as_before() -> None:
    result = select_em(with_notes("Patient seen. Doing well.", diagnoses=[]))
    assert isinstance(result, ReviewReason) and result.candidates == ()


ED_NOTE = (
    "Chief complaint: chest pain.\n"
    "ED course: troponin, CBC, BMP and chest x-ray ordered. ECG my interpretation: sinus "
    "rhythm, no ST changes. Discussed with cardiology.\n"
    "Assessment: chest pain, rule out acute coronary syndrome.\n"
    "Plan: admit to telemetry, heparin drip.\n"
)


def test_emergency_visit_by_derived_mdm() -> None:
    enc = with_notes(ED_NOTE, kind="emergency", encounter_type="emergency",
                     place_of_service="23")  # fmt: skip
    em = chosen(enc)
    assert (em.code, em.basis, em.mdm_level) == ("99285", "mdm", "high")


def test_emergency_time_in_a_note_is_not_a_level() -> None:
    enc = with_notes("I spent 60 minutes.", kind="emergency", encounter_type="emergency",
                     place_of_service="23")  # fmt: skip
    assert isinstance(select_em(enc), ReviewReason)


def test_telehealth_from_notes_keeps_modifier_95() -> None:
    enc = with_notes(COPD_VISIT, encounter_type="telehealth", place_of_service="10")
    coding = code_em(enc, ())
    assert (coding.lines[0].code, coding.lines[0].modifiers) == ("99214", ("95",))


def inpatient(*texts: str, **overrides: Any) -> Any:
    return with_notes(*texts, kind="discharge_summary", encounter_type="inpatient",
                      place_of_service="21", **overrides)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "code", "minutes"),
    [
        ("Admission date: 03/07/2026\nDischarge date: 03/10/2026\nStable.", "99238", None),
        ("Discharged home. Total time on discharge: 25 minutes.", "99238", 25),
        ("Discharged home. I spent 45 minutes on discharge planning.", "99239", 45),
        ("Discharged home. I spent more than 30 minutes on the discharge.", "99239", 31),
    ],
)
def test_discharge_day_management_by_time(text: str, code: str, minutes: int | None) -> None:
    em = chosen(inpatient(text))
    assert (em.code, em.basis, em.total_time_minutes) == (code, "time", minutes)


def test_discharge_with_structured_time() -> None:
    assert chosen(inpatient("Discharged home.", total_time_minutes=35)).code == "99239"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ("Medical decision making: low.", "99234"),
        ("Medical decision making: moderate.", "99235"),
        ("Medical decision making: high.", "99236"),
        ("Total time 72 minutes.", "99235"),
    ],
)
def test_admitted_and_discharged_the_same_day(extra: str, code: str) -> None:
    text = f"Admission date: 03/10/2026\nDischarge date: 03/10/2026\n{extra}\n"
    assert chosen(inpatient(text, patient_status="new")).code == code


def test_an_inpatient_progress_note_is_subsequent_care() -> None:
    enc = with_notes("Medical decision making: moderate.", encounter_type="inpatient",
                     place_of_service="21")  # fmt: skip
    assert chosen(enc).code == "99232"


@pytest.mark.parametrize(
    ("status", "minutes", "mdm", "units"),
    [
        ("new", 74, None, None),
        ("new", 75, None, 1),
        ("new", 89, None, 1),
        ("new", 90, None, 2),
        ("new", 105, "high", 3),  # a tie at the top level is reported by time
        ("established", 54, None, None),
        ("established", 55, None, 1),
        ("established", 70, None, 2),
    ],
)
def test_prolonged_service_99417_per_full_15_minutes(
    status: str, minutes: int, mdm: str | None, units: int | None
) -> None:
    coding = code_em(
        encounter(patient_status=status, total_time_minutes=minutes, mdm_level=mdm), ()
    )
    codes = [(line.code, line.units) for line in coding.lines]
    top = "99205" if status == "new" else "99215"
    assert codes == ([(top, 1)] if units is None else [(top, 1), ("99417", units)])
    if units is not None:
        assert coding.edits[-1].rule == "EM-PROLONGED"


MEDICARE = (PrintedField("coverages[0].payer_name", "the payer", "Medicare Part B"),)


@pytest.mark.parametrize(
    ("status", "minutes", "units"),
    [("established", 68, None), ("established", 69, 1), ("established", 84, 2), ("new", 89, 1)],
)
def test_medicare_takes_g2212_from_15_minutes_past_the_range(
    status: str, minutes: int, units: int | None
) -> None:
    coding = code_em(
        encounter(patient_status=status, total_time_minutes=minutes, printed_demographics=MEDICARE),
        (),
    )
    codes = [(line.code, line.units) for line in coding.lines]
    top = "99205" if status == "new" else "99215"
    assert codes == ([(top, 1)] if units is None else [(top, 1), ("G2212", units)])


def test_medicare_counts_99292_from_104_minutes() -> None:
    note = "Critical care time: 95 minutes, exclusive of procedures."
    ed = {"encounter_type": "emergency", "place_of_service": "23"}
    assert [c.code for c in code_em(with_notes(note, **ed), ()).lines] == ["99291", "99292"]
    medicare = with_notes(note, printed_demographics=MEDICARE, **ed)
    assert [c.code for c in code_em(medicare, ()).lines] == ["99291"]


def test_prolonged_service_from_a_time_in_the_note() -> None:
    enc = with_notes("Total time spent today: 80 minutes.", patient_status="new")
    coding = code_em(enc, ())
    assert [(line.code, line.units) for line in coding.lines] == [("99205", 1), ("99417", 1)]


def test_nurse_visit_is_99211() -> None:
    em = chosen(with_notes("Nurse visit for blood pressure check. BP 128/80."))
    assert em.code == "99211"


def test_an_encounter_with_notes_is_levelled_on_the_automatic_path() -> None:
    outcome = outcome_of(with_notes(COPD_VISIT))
    lines = outcome.service_lines if isinstance(outcome, Coded) else outcome.proposed_service_lines
    assert lines[0].code == "99214"
    if isinstance(outcome, NeedsReview):  # other rules may ask for review, never the E/M
        assert not [r for r in outcome.reasons if r.rule.startswith("EM-")]


def emergency(text: str) -> Any:
    return with_notes(text, kind="emergency", encounter_type="emergency", place_of_service="23")


def line(code: str) -> ServiceLine:
    return ServiceLine(code, "CPT", "a procedure", Evidence("procedures[0]", "as documented"),
                       "provided", "PROC-PROVIDED")  # fmt: skip


@pytest.mark.parametrize(
    ("minutes", "units"), [(30, None), (74, None), (75, 1), (104, 1), (105, 2)]
)
def test_critical_care_by_its_time(minutes: int, units: int | None) -> None:
    enc = emergency(f"ED course: resuscitation.\nCritical care time {minutes} minutes.")
    codes = [(x.code, x.units) for x in code_em(enc, ()).lines]
    assert codes == [("99291", 1)] + ([] if units is None else [("99292", units)])


def test_under_30_minutes_is_not_critical_care() -> None:
    enc = emergency("Critical care time 20 minutes. Medical decision making: high.")
    assert chosen(enc).code == "99285"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Subsequent annual wellness visit, Medicare beneficiary.", "G0439"),
        ("Initial annual wellness visit today.", "G0438"),
        ("Routine physical examination.", "99396"),
    ],
)
def test_medicare_annual_wellness_visit(text: str, code: str) -> None:
    enc = with_notes(text, encounter_type="preventive")
    coding = code_em(enc, ())
    assert coding.lines[0].code == code
    assert coding.lines[0].code_system == ("HCPCS" if code.startswith("G") else "CPT")


def test_a_service_the_procedures_already_found_is_not_repeated() -> None:
    enc = with_notes("Subsequent annual wellness visit.", encounter_type="preventive")
    assert code_em(enc, (line("G0439"),)).lines == ()


def newborn(text: str, **overrides: Any) -> Any:
    from datetime import timedelta

    from .factories import DATE_OF_SERVICE, patient

    baby = patient(birth_date=DATE_OF_SERVICE - timedelta(days=1))
    return with_notes(text, encounter_type="inpatient", place_of_service="21", patient=baby,
                      **overrides)  # fmt: skip


@pytest.mark.parametrize(
    ("status", "text", "code"),
    [
        ("new", "Normal newborn nursery admission.", "99460"),
        ("established", "Newborn, day 2 in the nursery.", "99462"),
        ("new", "Newborn admitted and discharged home on the same day.", "99463"),
    ],
)
def test_normal_newborn_care(status: str, text: str, code: str) -> None:
    assert chosen(newborn(text, patient_status=status)).code == code


def test_a_newborn_s_discharge_is_discharge_day_management() -> None:
    enc = newborn("Newborn discharged home.", kind="discharge_summary")
    assert chosen(enc).code == "99238"


@pytest.mark.parametrize("kind", ["procedure", "operative", "other"])
def test_procedure_notes_alone_bill_the_procedure_not_an_em(kind: str) -> None:
    enc = with_notes("Assessment: COPD exacerbation. Start prednisone. CBC and BMP.", kind=kind)
    coding = code_em(enc, (line("96372"),))
    assert (coding.em, coding.lines, coding.reasons) == (None, (), ())
    assert [edit.rule for edit in coding.edits] == ["EM-INCLUDED"]


def test_an_operative_note_alone_asks_nothing_of_the_em() -> None:
    # what the procedures found (or failed to find) decides; no E/M reason is added
    coding = code_em(with_notes("Laparoscopic cholecystectomy.", kind="operative"), ())
    assert (coding.lines, coding.reasons) == ((), ())


def test_a_progress_note_beside_a_procedure_is_levelled() -> None:
    coding = code_em(with_notes(COPD_VISIT), (line("96372"),))
    assert coding.lines[0].code == "99214"


def test_a_nurse_visit_that_gives_a_vaccine_is_not_99211() -> None:
    # even when the vaccine's codes were not found: the administration is the service
    enc = with_notes("Nurse visit. Influenza vaccine 0.5 mL given IM left deltoid.", kind="other")
    assert code_em(enc, ()).lines == ()


def test_a_nurse_visit_with_an_injection_is_the_injection_only() -> None:
    enc = with_notes("Nurse visit: B12 injection given.", kind="other")
    assert code_em(enc, (line("96372"),)).lines == ()


def test_same_day_stay_in_the_words_of_an_admission_note() -> None:
    enc = with_notes(
        "Observation care, admitted 07:40 and discharged 18:10 on the same date.\n"
        "MDM: moderate (acute illness with systemic symptoms).",
        kind="history_and_physical", encounter_type="observation", place_of_service="22",
        patient_status="new",
    )  # fmt: skip
    assert chosen(enc).code == "99235"


def test_an_admission_note_and_a_discharge_summary_are_a_same_day_stay() -> None:
    notes = (
        ClinicalNote("N0", "history_and_physical", "Admitted to observation for syncope."),
        ClinicalNote("N1", "discharge_summary", "Discharged home. MDM: moderate."),
    )
    enc = encounter(encounter_type="observation", place_of_service="22", patient_status="new",
                    mdm_level=None, notes=notes)  # fmt: skip
    assert chosen(enc).code == "99235"


def test_admission_and_discharge_dates_that_differ_are_a_discharge_day() -> None:
    notes = (
        ClinicalNote("N0", "history_and_physical", "Admitted for pneumonia."),
        ClinicalNote(
            "N1", "discharge_summary", "Admission date: 3/7/2026\nDischarge date: 3/10/2026"
        ),
    )
    enc = encounter(encounter_type="inpatient", place_of_service="21", mdm_level=None, notes=notes)
    assert chosen(enc).code == "99238"


_PIECES = [
    "Assessment and plan:\n",
    "COPD exacerbation, start prednisone 40 mg daily. ",
    "Total time 35 minutes. ",
    "I spent more than 30 minutes. ",
    "Critical care time 50 minutes. ",
    "MDM: high - ",
    "Admission date: 3/9/2026\nDischarge date: 3/10/2026\n",
    "admitted and discharged the same day. ",
    "Newborn nursery. ",
    "Nurse visit. ",
    "Subsequent annual wellness visit. ",
    "CBC, BMP, troponin; ECG my interpretation. ",
    "İ",
    "\n",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=12),
    st.sampled_from(["progress", "emergency", "discharge_summary", "procedure", "other"]),
    st.sampled_from(
        ["office", "telehealth", "emergency", "inpatient", "observation", "preventive"]
    ),
    st.sampled_from(["new", "established"]),
)
def test_any_note_gives_a_level_or_a_reason_with_true_spans(
    pieces: list[str], kind: str, encounter_type: str, status: str
) -> None:
    text = "".join(pieces)
    enc = with_notes(text, kind=kind, encounter_type=encounter_type, patient_status=status)
    coding = code_em(enc, ())
    assert coding.lines or coding.reasons or [e.rule for e in coding.edits] == ["EM-INCLUDED"]
    for found in coding.lines:
        span = found.evidence
        if span.start is not None:
            sources = {"notes[0]": text, "diagnoses[0]": enc.diagnoses[0].text}
            assert sources[span.source][span.start : span.end] == span.text


def test_without_notes_the_assessment_and_plan_alone_levels_nothing_as_before() -> None:
    # encounters without notes code exactly as they did: structured fields only
    enc = encounter(mdm_level=None, assessment_plan="COPD exacerbation. Start prednisone 40 mg.")
    coding = code_em(enc, ())
    assert coding.lines == ()
    assert [(r.rule, r.candidates) for r in coding.reasons] == [("EM-UNSUPPORTED", ())]


def test_an_observation_stay_admitted_and_discharged_the_same_date_is_99234_99236() -> None:
    note = "Observation admission and discharge, same date. MDM: moderate."
    enc = with_notes(note, encounter_type="observation", place_of_service="22",
                     patient_status="new")  # fmt: skip
    assert chosen(enc).code == "99235"


WELL_CHILD = (
    "Well child visit, age 10. Growth and development normal. Immunizations up to date.\n"
    "Anticipatory guidance given for age 10.\n"
)
EAR = (
    "Left ear pain since yesterday, fever 101.2. Exam: left tympanic membrane bulging.\n"
    "Assessment: acute otitis media of the left ear - amoxicillin prescribed for 10 days."
)


def test_a_problem_set_apart_in_a_preventive_note_is_its_own_e_m_with_25() -> None:
    from .factories import patient

    child = {"encounter_type": "preventive", "patient": patient(birth_date=date(2016, 1, 5))}
    both = code_em(
        with_notes(WELL_CHILD + "Separate problem, brought up today: " + EAR, **child), ()
    )
    assert [(line.code, line.modifiers) for line in both.lines] == [
        ("99393", ()),
        ("99213", ("25",)),
    ]
    alone = code_em(with_notes(WELL_CHILD + EAR, **child), ())
    assert [line.code for line in alone.lines] == ["99393"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("45 min total time today.", "99215"),
        ("Spent 42 minutes on this visit, including record review.", "99215"),
        ("Symptoms for 45 minutes total before arrival.", None),
    ],
)
def test_visit_time_in_more_words(text: str, code: str | None) -> None:
    result = select_em(with_notes(text, diagnoses=[]))
    if code is None:
        assert not (isinstance(result, EmChoice) and result.basis == "time")
    else:
        assert isinstance(result, EmChoice) and (result.code, result.basis) == (code, "time")


def test_critical_care_and_discharge_time_in_more_words() -> None:
    ed = {"encounter_type": "emergency", "place_of_service": "23"}
    assert chosen(with_notes("CRITICAL CARE: 45 min.", kind="emergency", **ed)).code == "99291"
    summary = with_notes(
        "Discharged to rehab. Greater than 30 minutes spent on discharge.",
        kind="discharge_summary", encounter_type="inpatient", place_of_service="21",
    )  # fmt: skip
    assert chosen(summary).code == "99239"


@pytest.mark.parametrize(
    "text",
    [
        "Blood pressure check visit. BP 134/82 on amlodipine, continue. Signed: L. Ortiz, LPN.",
        "BP recheck with the nurse: 128/80. No changes.",
    ],
)
def test_a_blood_pressure_check_by_the_nurse_is_99211(text: str) -> None:
    coding = code_em(with_notes(text, kind="other"), ())
    assert [line.code for line in coding.lines] == ["99211"]

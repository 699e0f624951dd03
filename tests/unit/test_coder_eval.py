"""medbill/coder_eval.py: the scores, the edit check and the evidence check of `medbill coder
eval`, each on cases whose answer is known."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medbill.coder_eval import Tally, _dx_code, edit_failures, evidence_problems, source_text
from schemas.coding import EncounterCoded, Evidence
from schemas.encounter import ClinicalNote, Documentation, DocumentedDiagnosis
from services.coder import wire
from services.coder.domain import Coded
from tests.unit.coder.factories import REFERENCE, closed, outcome_of

NOTE = "Assessment: type 2 diabetes with CKD stage 3a. Denies chest pain."
DOCS = Documentation(
    diagnoses=[DocumentedDiagnosis(text="HTN", code="I10", code_system="ICD-10-CM")],
    assessment_plan="Continue lisinopril.",
    notes=[ClinicalNote(note_id="N1", kind="progress", text=NOTE)],
)


def test_micro_f1_counts_every_code_once_per_case():
    tally = Tally()
    tally.add(Counter(["I10", "E11.9"]), Counter(["I10", "E11.22", "N18.31"]))
    tally.add(Counter(["J20.9"]), Counter(["J20.9"]))
    assert (tally.tp, tally.fp, tally.fn) == (2, 1, 2)
    assert tally.precision == pytest.approx(2 / 3) and tally.recall == pytest.approx(0.5)
    assert tally.f1 == pytest.approx(4 / 7)


def test_a_code_billed_twice_must_be_expected_twice():
    tally = Tally()
    tally.add(Counter(["96372", "96372"]), Counter(["96372"]))
    assert (tally.tp, tally.fp, tally.fn) == (1, 1, 0)


def test_nothing_expected_and_nothing_found_is_perfect_and_nothing_found_is_zero():
    assert Tally().f1 == 1.0
    missed = Tally()
    missed.add(Counter(), Counter(["I10"]))
    assert (missed.f1, missed.precision, missed.recall) == (0.0, 0.0, 0.0)


@given(
    st.lists(st.sampled_from(["I10", "E11.9", "J20.9", "R05.9"]), max_size=4),
    st.lists(st.sampled_from(["I10", "E11.9", "J20.9", "R05.9"]), max_size=4),
)
def test_f1_is_between_zero_and_one_and_one_only_when_exact(predicted, expected):
    tally = Tally()
    tally.add(Counter(predicted), Counter(expected))
    assert 0.0 <= tally.f1 <= 1.0
    assert (tally.f1 == 1.0) == (Counter(predicted) == Counter(expected))


@pytest.mark.parametrize(
    ("raw", "code"),
    [("e119", "E11.9"), (" E11.9 ", "E11.9"), ("I10", "I10"), ("s52501a", "S52.501A")],
)
def test_expected_codes_are_read_with_or_without_the_dot(raw, code):
    assert _dx_code(raw) == code


def test_sources_name_the_documentation_texts():
    assert source_text(DOCS, "notes[0]") == NOTE
    assert source_text(DOCS, "diagnoses[0]") == "HTN"
    assert source_text(DOCS, "assessment_plan") == "Continue lisinopril."
    assert source_text(DOCS, "notes[1]") is None
    assert source_text(DOCS, "mdm_level") is None


def span(source: str, text: str, start: int | None, end: int | None) -> list[str]:
    return list(
        evidence_problems(DOCS, [("dx", Evidence(source=source, text=text, start=start, end=end))])
    )


def test_evidence_that_is_its_sources_characters_is_fine():
    start = NOTE.index("type 2")
    assert span("notes[0]", "type 2 diabetes", start, start + 15) == []
    assert span("diagnoses[0]", "HTN", 0, 3) == []
    assert span("mdm_level", "moderate", None, None) == []  # no span claimed
    assert span("diagnoses[0]", "HTN", None, None) == []


@pytest.mark.parametrize(
    ("source", "text", "start", "end", "problem"),
    [
        ("notes[0]", "type 2 diabetes", 0, 15, "is not the evidence text"),
        ("notes[0]", "pain", 60, 200, "outside notes[0]"),
        ("notes[0]", "pain", 5, None, "outside notes[0]"),
        ("notes[3]", "pain", 0, 4, "no text of the documentation"),
        ("time", "25", 0, 2, "no text of the documentation"),
        ("notes[0]", "type 2 diabetes", None, None, "has no offsets"),
    ],
)  # fmt: skip
def test_evidence_that_does_not_show_its_words_is_reported(source, text, start, end, problem):
    (found,) = span(source, text, start, end)
    assert problem in found


def coded_with(*codes: str) -> EncounterCoded:
    data = closed()
    outcome = outcome_of(wire.encounter(data))
    assert isinstance(outcome, Coded)
    cause = EncounterCoded.create(
        wire.encounter_coded(outcome, data), source="t", correlation_id="x"
    )
    d = cause.data
    first = d.diagnoses[0]
    diagnoses = [
        first.model_copy(update={"code": c, "sequence": n}) for n, c in enumerate(codes, 1)
    ]
    return cause.model_copy(update={"data": d.model_copy(update={"diagnoses": diagnoses})})


def failures(event: EncounterCoded) -> list[str]:
    return list(edit_failures(event, closed(), REFERENCE))


def test_the_edit_check_passes_billable_codes_that_go_together():
    assert failures(coded_with("I10", "E11.9")) == []


def test_the_edit_check_finds_a_category_an_unknown_code_and_an_excludes1_pair():
    found = failures(coded_with("E11", "Q99.99", "R73.03", "E11.9"))
    assert "ICD10CM-NOT-BILLABLE E11" in found, found
    assert "ICD10CM-UNKNOWN Q99.99" in found, found
    assert any(f.startswith("ICD10CM-EXCLUDES1") for f in found), found


def test_the_edit_check_finds_a_sex_conflict_and_a_missing_seventh_character():
    # the factories' patient is a woman; N40.0 (prostate) is for male patients only
    found = failures(coded_with("I10", "N40.0", "S93.401"))
    assert "ICD10CM-SEX N40.0" in found, found
    assert "ICD10CM-7TH-CHARACTER S93.401" in found, found


def with_lines(event: EncounterCoded, *lines: tuple[str, int, list[str]]) -> EncounterCoded:
    base = event.data.service_lines[0]
    service_lines = [
        base.model_copy(update={"line_number": n, "code": code, "units": units, "modifiers": mods})
        for n, (code, units, mods) in enumerate(lines, 1)
    ]
    return event.model_copy(
        update={"data": event.data.model_copy(update={"service_lines": service_lines})}
    )


def test_the_edit_check_finds_an_ncci_pair_that_no_modifier_bypasses_and_units_over_the_mue():
    event = with_lines(coded_with("I10"), ("11056", 1, []), ("11055", 1, ["XS"]), ("10060", 2, []))
    found = failures(event)
    assert "NCCI-PTP-0 11055" in found, found
    assert "MUE-2 10060" in found, found


def test_the_edit_check_finds_a_pointer_to_no_diagnosis():
    event = coded_with("I10")
    line = event.data.service_lines[0].model_copy(update={"diagnosis_pointers": [1, 2]})
    event = event.model_copy(
        update={"data": event.data.model_copy(update={"service_lines": [line]})}
    )
    (failure,) = failures(event)
    assert failure.startswith("DIAGNOSIS-POINTER line 1")

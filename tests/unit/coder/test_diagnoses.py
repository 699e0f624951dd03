"""Diagnosis coding through code_encounter: validation, sequencing and what goes to review."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.coder.domain import Coded, DocumentedDiagnosis, NeedsReview

from .factories import diagnosis, encounter, outcome_of


def reasons(outcome: object) -> list[tuple[str, str | None]]:
    assert isinstance(outcome, NeedsReview), outcome
    return [(r.rule, r.subject) for r in outcome.reasons]


def test_provided_billable_codes_are_coded_with_evidence() -> None:
    outcome = outcome_of(
        encounter(diagnoses=[diagnosis("E119", "Type 2 diabetes, diet controlled")])
    )
    assert isinstance(outcome, Coded)
    (dx,) = outcome.diagnoses
    assert (dx.code, dx.method, dx.confidence, dx.rule) == ("E11.9", "provided", 1.0, "DX-PROVIDED")
    assert dx.description == "Type 2 diabetes mellitus without complications"
    assert (dx.evidence.source, dx.evidence.text) == (
        "diagnoses[0]",
        "Type 2 diabetes, diet controlled",
    )
    assert ("ICD10CM-BILLABLE", "E11.9 is a valid, billable FY2026 code") in [
        (e.rule, e.detail) for e in outcome.edits
    ]


@pytest.mark.parametrize(
    ("documented", "rule", "subject"),
    [
        (diagnosis("E11", "Type 2 diabetes"), "ICD10CM-NOT-BILLABLE", "E11"),
        (diagnosis("S52501", "Radius fracture"), "ICD10CM-7TH-CHARACTER", "S52.501"),
        (diagnosis("Z99.999", "Home oxygen"), "ICD10CM-UNKNOWN", "Z99.999"),
        (diagnosis("NOT-A-CODE", "Garbled"), "ICD10CM-UNKNOWN", "NOT-A-CODE"),
        (diagnosis("38341003", "Hypertension", system="SNOMED-CT"), "DX-UNCODED", "diagnoses[1]"),
        (diagnosis(None, "Chest pain"), "DX-UNCODED", "diagnoses[1]"),
    ],
)
def test_codes_a_person_must_look_at(
    documented: DocumentedDiagnosis, rule: str, subject: str
) -> None:
    second = replace(documented, rank=2)
    outcome = outcome_of(encounter(diagnoses=[diagnosis("I10"), second]))
    assert reasons(outcome) == [(rule, subject)]
    assert isinstance(outcome, NeedsReview)
    assert [d.code for d in outcome.proposed_diagnoses] == ["I10"]
    assert [line.code for line in outcome.proposed_service_lines] == ["99213"]
    assert outcome.encounter_id == "ENC-100234"


def test_no_diagnosis_documented() -> None:
    outcome = outcome_of(encounter(diagnoses=[]))
    assert reasons(outcome) == [("DX-NONE", "diagnoses")]
    assert isinstance(outcome, NeedsReview)
    # A ServiceLine needs a diagnosis pointer, so nothing can be proposed without one.
    assert outcome.proposed_service_lines == ()


def test_sequenced_by_rank_and_deduplicated() -> None:
    outcome = outcome_of(
        encounter(
            diagnoses=[
                diagnosis("E78.5", "Hyperlipidemia", rank=3),
                diagnosis("I10", "Hypertension", rank=2),
                diagnosis("J02.0", "Strep throat", rank=1),
                diagnosis("I10", "High blood pressure again", rank=4),
            ]
        )
    )
    assert isinstance(outcome, Coded)
    assert [d.code for d in outcome.diagnoses] == ["J02.0", "I10", "E78.5"]
    assert outcome.diagnoses[1].evidence.source == "diagnoses[1]"


def test_excludes1_pair_goes_to_review() -> None:
    outcome = outcome_of(
        encounter(diagnoses=[diagnosis("E11.9", "Type 2"), diagnosis("E10.9", "Type 1", rank=2)])
    )
    assert reasons(outcome) == [("ICD10CM-EXCLUDES1", "E11.9")]
    assert isinstance(outcome, NeedsReview)
    assert "E10.9" in outcome.reasons[0].message
    assert [d.code for d in outcome.proposed_diagnoses] == ["E11.9", "E10.9"]


def test_at_most_twelve_diagnoses_on_a_claim() -> None:
    codes = ["I10", "E78.5", "E03.9", "E66.9", "K21.9", "F41.1", "F32.A", "J45.909",
             "I48.91", "I25.10", "D64.9", "G47.33", "F17.210", "Z23"]  # fmt: skip
    documented = [diagnosis(code, f"condition {n}", rank=n) for n, code in enumerate(codes, 1)]
    outcome = outcome_of(encounter(diagnoses=documented))
    assert isinstance(outcome, Coded)
    assert [d.code for d in outcome.diagnoses] == codes[:12]
    (dropped,) = [e for e in outcome.edits if e.rule == "DX-MAX-12"]
    assert "F17.210, Z23" in dropped.detail


@pytest.mark.parametrize(
    ("day", "label", "noted"),
    [("2025-10-01", "FY2026", False), ("2026-09-30", "FY2026", False),
     ("2026-10-01", "FY2027", True), ("2025-09-30", "FY2025", True)],
)  # fmt: skip
def test_code_set_label_by_date_of_service(day: str, label: str, noted: bool) -> None:
    outcome = outcome_of(encounter(date_of_service=date.fromisoformat(day)))
    assert isinstance(outcome, Coded)
    # the set actually used (the loaded FY2026), and the year in force beside it
    assert outcome.code_set == "FY2026"
    assert outcome.code_set_choice is not None
    assert (outcome.code_set_choice.in_force, outcome.code_set_choice.covers) == (label, not noted)
    notes = [e.detail for e in outcome.edits if e.rule == "ICD10CM-VERSION"]
    assert bool(notes) is noted
    if noted:
        assert "FY2026 (April 2026)" in notes[0] and label in notes[0]

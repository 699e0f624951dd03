"""Diagnosis coding through code_encounter: validation, sequencing and what goes to review."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.encounter import DocumentedDiagnosis
from services.coder.domain import Coded, NeedsReview, code_encounter

from .factories import diagnosis, encounter


def reasons(outcome: object) -> list[tuple[str, str | None]]:
    assert isinstance(outcome, NeedsReview), outcome
    return [(r.rule, r.subject) for r in outcome.data.reasons]


def test_provided_billable_codes_are_coded_with_evidence() -> None:
    outcome = code_encounter(
        encounter(diagnoses=[diagnosis("E119", "Type 2 diabetes, diet controlled")])
    )
    assert isinstance(outcome, Coded)
    (dx,) = outcome.data.diagnoses
    assert (dx.sequence, dx.code, dx.method, dx.confidence) == (1, "E11.9", "provided", 1.0)
    assert dx.description == "Type 2 diabetes mellitus without complications"
    assert (dx.evidence.source, dx.evidence.text) == (
        "diagnoses[0]",
        "Type 2 diabetes, diet controlled",
    )
    assert ("ICD10CM-BILLABLE", "E11.9 is a valid, billable FY2026 code") in [
        (e.edit, e.detail) for e in outcome.data.edits
    ]


@pytest.mark.parametrize(
    ("documented", "rule", "subject"),
    [
        (diagnosis("E11", "Type 2 diabetes"), "ICD10CM-NOT-BILLABLE", "E11"),
        (diagnosis("S52501", "Radius fracture"), "ICD10CM-NOT-BILLABLE", "S52.501"),
        (diagnosis("Z99.999", "Home oxygen"), "ICD10CM-UNKNOWN", "Z99.999"),
        (diagnosis("NOT-A-CODE", "Garbled"), "ICD10CM-UNKNOWN", "NOT-A-CODE"),
        (diagnosis("38341003", "Hypertension", system="SNOMED-CT"), "DX-UNCODED", "diagnoses[1]"),
        (diagnosis(None, "Chest pain"), "DX-UNCODED", "diagnoses[1]"),
    ],
)
def test_codes_a_person_must_look_at(
    documented: DocumentedDiagnosis, rule: str, subject: str
) -> None:
    second = documented.model_copy(update={"rank": 2})
    outcome = code_encounter(encounter(diagnoses=[diagnosis("I10"), second]))
    assert reasons(outcome) == [(rule, subject)]
    assert isinstance(outcome, NeedsReview)
    assert [d.code for d in outcome.data.proposed_diagnoses] == ["I10"]
    assert [line.code for line in outcome.data.proposed_service_lines] == ["99213"]
    assert outcome.data.encounter_id == "ENC-100234"
    assert outcome.data.patient_id == "MRN-0042"


def test_no_diagnosis_documented() -> None:
    outcome = code_encounter(encounter(diagnoses=[]))
    assert reasons(outcome) == [("DX-NONE", "diagnoses")]
    assert isinstance(outcome, NeedsReview)
    # A ServiceLine needs a diagnosis pointer, so nothing can be proposed without one.
    assert outcome.data.proposed_service_lines == []


def test_sequenced_by_rank_and_deduplicated() -> None:
    outcome = code_encounter(
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
    assert [(d.sequence, d.code) for d in outcome.data.diagnoses] == [
        (1, "J02.0"),
        (2, "I10"),
        (3, "E78.5"),
    ]
    assert outcome.data.diagnoses[1].evidence.source == "diagnoses[1]"


def test_excludes1_pair_goes_to_review() -> None:
    outcome = code_encounter(
        encounter(diagnoses=[diagnosis("E11.9", "Type 2"), diagnosis("E10.9", "Type 1", rank=2)])
    )
    assert reasons(outcome) == [("ICD10CM-EXCLUDES1", "E11.9")]
    assert isinstance(outcome, NeedsReview)
    assert "E10.9" in outcome.data.reasons[0].message
    assert [d.code for d in outcome.data.proposed_diagnoses] == ["E11.9", "E10.9"]


def test_at_most_twelve_diagnoses_on_a_claim() -> None:
    codes = ["I10", "E78.5", "E03.9", "E66.9", "K21.9", "F41.1", "F32.A", "J45.909",
             "I48.91", "I25.10", "D64.9", "G47.33", "F17.210", "Z23"]  # fmt: skip
    documented = [diagnosis(code, f"condition {n}", rank=n) for n, code in enumerate(codes, 1)]
    outcome = code_encounter(encounter(diagnoses=documented))
    assert isinstance(outcome, Coded)
    assert [d.code for d in outcome.data.diagnoses] == codes[:12]
    (dropped,) = [e for e in outcome.data.edits if e.edit == "DX-MAX-12"]
    assert "F17.210, Z23" in dropped.detail


@pytest.mark.parametrize(
    ("day", "label", "noted"),
    [("2025-10-01", "FY2026", False), ("2026-09-30", "FY2026", False),
     ("2026-10-01", "FY2027", True), ("2025-09-30", "FY2025", True)],
)  # fmt: skip
def test_code_set_label_by_date_of_service(day: str, label: str, noted: bool) -> None:
    outcome = code_encounter(encounter(date_of_service=date.fromisoformat(day)))
    assert isinstance(outcome, Coded)
    assert outcome.data.icd10cm_version == label
    notes = [e.detail for e in outcome.data.edits if e.edit == "ICD10CM-VERSION"]
    assert bool(notes) is noted
    if noted:
        assert "FY2026 (April 2026)" in notes[0] and label in notes[0]

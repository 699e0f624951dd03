"""apply_review: a human coder's decision, validated again and coded as "reviewed"."""

from __future__ import annotations

from datetime import date

import pytest

from services.coder.domain import (
    Coded,
    CodingOutcome,
    Encounter,
    NeedsReview,
    ReviewDecision,
    ReviewedProcedure,
    apply_review,
)

from .factories import REFERENCE, diagnosis, encounter, outcome_of, patient, procedure, review


def reviewed(closed: Encounter, decision: ReviewDecision) -> CodingOutcome:
    return apply_review(closed, decision, REFERENCE)


NEEDS_A_CODER = encounter(
    diagnoses=[diagnosis("E11", "Type 2 diabetes", rank=1), diagnosis("I10", "HTN", rank=2)],
    procedures=[procedure("20610", "Knee injection", laterality="right")],
)


def test_the_encounter_needed_review_in_the_first_place() -> None:
    assert isinstance(outcome_of(NEEDS_A_CODER), NeedsReview)


def test_reviewed_codes_become_the_final_coding() -> None:
    decision = review(
        ["E11.9", "I10"],
        [
            ReviewedProcedure(code="20610", modifiers=("RT",)),
            ReviewedProcedure(code="J3301", units=4),
        ],
        em_code="99214",
        note="A1c in range, no complications documented",
    )
    outcome = reviewed(NEEDS_A_CODER, decision)
    assert isinstance(outcome, Coded)
    coded = outcome
    assert [(d.code, d.method, d.confidence, d.rule) for d in coded.diagnoses] == [
        ("E11.9", "reviewed", 1.0, "DX-REVIEWED"),
        ("I10", "reviewed", 1.0, "DX-REVIEWED"),
    ]
    # I10 was documented with that code, so its evidence is the record; E11.9 is the coder's.
    assert coded.diagnoses[1].evidence.source == "diagnoses[1]"
    assert coded.diagnoses[0].evidence.source == "review"
    assert "A1c in range" in coded.diagnoses[0].evidence.text
    assert [(s.code, s.modifiers, s.units, s.method) for s in coded.service_lines] == [
        ("99214", ("25",), 1, "reviewed"),
        ("20610", ("RT",), 1, "reviewed"),
        ("J3301", (), 4, "reviewed"),
    ]
    assert coded.service_lines[1].evidence.source == "procedures[0]"
    assert coded.em is not None and coded.em.basis == "mdm"
    assert {"REVIEWED", "MOD-25", "EM-MDM"} <= {e.rule for e in coded.edits}


def test_reviewer_confirming_the_documented_level_keeps_its_evidence() -> None:
    outcome = reviewed(encounter(mdm_level="moderate"), review(em_code="99214"))
    assert isinstance(outcome, Coded)
    line = outcome.service_lines[0]
    assert (line.code, line.method, line.evidence.source) == ("99214", "reviewed", "mdm_level")


@pytest.mark.parametrize(
    ("codes", "procedures", "em", "rules"),
    [
        (["E11"], [], "99213", ["ICD10CM-NOT-BILLABLE"]),
        (["Z99.999", "I10"], [], "99213", ["ICD10CM-UNKNOWN"]),
        (["I10"], [ReviewedProcedure(code="99999")], "99213", ["PROC-UNKNOWN"]),
        (["I10"], [], "99499", ["EM-UNKNOWN", "NO-SERVICE"]),
        (["I10"], [], None, ["NO-SERVICE"]),
    ],
)
def test_still_invalid_goes_back_to_review(
    codes: list[str], procedures: list[ReviewedProcedure], em: str | None, rules: list[str]
) -> None:
    outcome = reviewed(NEEDS_A_CODER, review(codes, procedures, em_code=em))
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.reasons] == rules


def test_reviewer_may_keep_an_excludes1_pair() -> None:
    outcome = reviewed(NEEDS_A_CODER, review(["E11.9", "E10.9"]))
    assert isinstance(outcome, Coded)
    (kept,) = [e for e in outcome.edits if e.rule == "ICD10CM-EXCLUDES1"]
    assert kept.detail.startswith("kept by the reviewer")


def test_telehealth_review_still_gets_95() -> None:
    outcome = reviewed(encounter(encounter_type="telehealth", place_of_service="10"), review())
    assert isinstance(outcome, Coded)
    assert outcome.service_lines[0].modifiers == ("95",)


def test_a_decision_for_another_encounter_goes_back_to_review() -> None:
    outcome = reviewed(NEEDS_A_CODER, review(encounter_id="ENC-OTHER"))
    assert isinstance(outcome, NeedsReview)
    assert [(r.rule, r.subject) for r in outcome.reasons] == [("REVIEW-MISMATCH", "encounter_id")]
    assert outcome.encounter_id == NEEDS_A_CODER.encounter_id


def test_a_decision_cannot_bill_implausible_demographics() -> None:
    # the hospital must re-send the encounter with corrected demographics
    unborn = encounter(patient=patient(birth_date=date(2026, 3, 11)))
    outcome = reviewed(unborn, review())
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.reasons] == ["DEMOGRAPHICS-BIRTH-DATE"]

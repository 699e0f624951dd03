"""apply_review: a human coder's decision, validated again and coded as "reviewed"."""

from __future__ import annotations

import pytest

from schemas.coding import ReviewedProcedure
from services.coder.domain import (
    Coded,
    CoderError,
    NeedsReview,
    ReviewMismatchError,
    apply_review,
    code_encounter,
)

from .factories import diagnosis, encounter, procedure, review

NEEDS_A_CODER = encounter(
    diagnoses=[diagnosis("E11", "Type 2 diabetes", rank=1), diagnosis("I10", "HTN", rank=2)],
    procedures=[procedure("20610", "Knee injection", laterality="right")],
)


def test_the_encounter_needed_review_in_the_first_place() -> None:
    assert isinstance(code_encounter(NEEDS_A_CODER), NeedsReview)


def test_reviewed_codes_become_the_final_coding() -> None:
    decision = review(
        ["E11.9", "I10"],
        [
            ReviewedProcedure(code="20610", modifiers=["RT"]),
            ReviewedProcedure(code="J3301", units=4),
        ],
        evaluation_and_management="99214",
        note="A1c in range, no complications documented",
    )
    outcome = apply_review(NEEDS_A_CODER, decision)
    assert isinstance(outcome, Coded)
    coded = outcome.data
    assert [(d.code, d.method, d.confidence) for d in coded.diagnoses] == [
        ("E11.9", "reviewed", 1.0),
        ("I10", "reviewed", 1.0),
    ]
    # I10 was documented with that code, so its evidence is the record; E11.9 is the coder's.
    assert coded.diagnoses[1].evidence.source == "diagnoses[1]"
    assert coded.diagnoses[0].evidence.source == "review"
    assert "A1c in range" in coded.diagnoses[0].evidence.text
    assert [(s.code, s.modifiers, s.units, s.method) for s in coded.service_lines] == [
        ("99214", ["25"], 1, "reviewed"),
        ("20610", ["RT"], 1, "reviewed"),
        ("J3301", [], 4, "reviewed"),
    ]
    assert coded.service_lines[1].evidence.source == "procedures[0]"
    assert coded.evaluation_and_management is not None
    assert coded.evaluation_and_management.basis == "mdm"
    assert {"REVIEWED", "MOD-25", "EM-MDM"} <= {e.edit for e in coded.edits}


def test_reviewer_confirming_the_documented_level_keeps_its_evidence() -> None:
    outcome = apply_review(
        encounter(mdm_level="moderate"), review(evaluation_and_management="99214")
    )
    assert isinstance(outcome, Coded)
    line = outcome.data.service_lines[0]
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
    outcome = apply_review(NEEDS_A_CODER, review(codes, procedures, evaluation_and_management=em))
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.data.reasons] == rules


def test_reviewer_may_keep_an_excludes1_pair() -> None:
    outcome = apply_review(NEEDS_A_CODER, review(["E11.9", "E10.9"]))
    assert isinstance(outcome, Coded)
    (kept,) = [e for e in outcome.data.edits if e.edit == "ICD10CM-EXCLUDES1"]
    assert kept.detail.startswith("kept by the reviewer")


def test_telehealth_review_still_gets_95() -> None:
    outcome = apply_review(encounter(encounter_type="telehealth", place_of_service="10"), review())
    assert isinstance(outcome, Coded)
    assert outcome.data.service_lines[0].modifiers == ["95"]


def test_review_for_another_encounter_is_refused() -> None:
    with pytest.raises(ReviewMismatchError) as raised:
        apply_review(NEEDS_A_CODER, review(encounter_id="ENC-OTHER"))
    assert isinstance(raised.value, CoderError)

"""The problem a minor procedure treats does not level the E/M beside it; a problem whose
clause only uses the same verbs of a prescription or an exam still does."""

from __future__ import annotations

import pytest

from services.coder.domain.mdm import MINOR_PROCEDURE, score_mdm


def _problems(text: str) -> str:
    found = score_mdm([("notes[0]", text, False)], frozenset({MINOR_PROCEDURE}))
    assert found is not None
    return found.problems.label


@pytest.mark.parametrize(
    "treated",
    [
        "aspirated and injected as above",
        "injected with 40 mg triamcinolone",
        "2 warts destroyed with cryotherapy",
        "foreign body removed with forceps",
        "3 warts removed by shave",
        "dislocation was reduced",
    ],
)
def test_a_problem_the_procedure_treated_is_left_out(treated: str) -> None:
    text = (
        f"A/P:\n1. Primary osteoarthritis, right knee - {treated}.\n"
        "2. Essential hypertension - well controlled; lisinopril 20 mg renewed for 1 year."
    )
    assert _problems(text) == "low"


@pytest.mark.parametrize(
    "prescribed",
    [
        "amlodipine dose reduced to 5 mg",
        "insulin removed from the regimen",
        "metformin was reduced to 500 mg twice daily",
    ],
)
def test_the_same_verbs_of_a_prescription_leave_the_problem_in(prescribed: str) -> None:
    text = (
        "A/P:\n1. Type 2 diabetes mellitus without complications, on oral agents - "
        f"{prescribed}.\n2. Essential hypertension - well controlled; lisinopril 20 mg "
        "renewed for 1 year."
    )
    assert _problems(text) == "moderate"  # two chronic illnesses


def test_a_chronic_hypoxemia_is_no_threat_to_bodily_function() -> None:
    """A new need for oxygen threatens breathing; a known nocturnal or chronic hypoxemia on
    home oxygen is the chronic illness it is."""
    acute = score_mdm([("notes[0]", "Impression: pneumonia with acute hypoxemia.", False)])
    assert acute is not None and acute.problems.label == "high"
    chronic = score_mdm(
        [("notes[0]", "Impression: COPD with chronic hypoxemia, stable on home oxygen.", False)]
    )
    assert chronic is not None and chronic.problems.label != "high"


def test_a_reduction_said_not_needed_tells_no_decision_for_one() -> None:
    from services.coder.domain.mdm import _REDUCTION_TOLD

    assert _REDUCTION_TOLD.search("Closed reduction performed under sedation.")
    assert _REDUCTION_TOLD.search("Shoulder relocated with traction.")
    assert not _REDUCTION_TOLD.search("Nondisplaced; no reduction needed, splinted.")

"""Fresh notes' words read end to end (helper dx, 2026-12-01): context, coordination and
the Index-style names a coder looks up (ICD-10-CM FY2026)."""

from __future__ import annotations

import pytest

from services.coder.domain import ClinicalNote, Coded, NeedsReview

from .factories import encounter, outcome_of, patient


def dx_codes(text: str, kind: str = "progress", **overrides: object) -> list[str]:
    visit = encounter(
        diagnoses=[],
        notes=(ClinicalNote(note_id="n1", kind=kind, text=text),),
        **overrides,
    )
    outcome = outcome_of(visit)
    found = outcome.diagnoses if isinstance(outcome, Coded) else outcome.proposed_diagnoses
    assert isinstance(outcome, Coded | NeedsReview)
    return sorted(d.code for d in found)


@pytest.mark.parametrize(
    "status", ["ER+/PR+/HER2-negative", "HER2 negative", "triple negative", "Rh negative"]
)
def test_a_markers_negative_status_does_not_negate_the_condition(status: str) -> None:
    text = f"Assessment: left breast cancer, {status}; continue follow-up with oncology.\n"
    assert "C50.912" in dx_codes(text, patient=patient(sex="F"))

"""The whole automatic path: the coding, and when nothing can be billed."""

from __future__ import annotations

from services.coder.domain import Coded, NeedsReview

from .factories import diagnosis, encounter, outcome_of, procedure


def test_coded_outcome_carries_lines_em_and_edits() -> None:
    outcome = outcome_of(
        encounter(
            patient_status="new",
            total_time_minutes=47,
            mdm_level="low",
            diagnoses=[diagnosis("J02.0", "Strep pharyngitis"), diagnosis("I10", "HTN", rank=2)],
            procedures=[procedure("87880", "Rapid strep test")],
        )
    )
    assert isinstance(outcome, Coded)
    assert (outcome.encounter_id, outcome.code_set) == ("ENC-100234", "FY2026")
    assert [line.code for line in outcome.service_lines] == ["99204", "87880"]
    em_line = outcome.service_lines[0]
    assert (em_line.method, em_line.units, em_line.evidence.source, em_line.rule) == (
        "inferred", 1, "total_time_minutes", "EM-TIME"
    )  # fmt: skip
    assert outcome.em is not None
    assert (outcome.em.code, outcome.em.basis) == ("99204", "time")
    assert (outcome.em.total_time_minutes, outcome.em.mdm_level) == (47, "low")
    assert [e.rule for e in outcome.edits] == ["ICD10CM-BILLABLE", "ICD10CM-BILLABLE", "EM-TIME"]


def test_preventive_visit_is_a_line_chosen_by_age() -> None:
    outcome = outcome_of(
        encounter(encounter_type="preventive", total_time_minutes=30, mdm_level=None,
                  diagnoses=[diagnosis("Z00.00", "Annual exam")])
    )  # fmt: skip
    assert isinstance(outcome, Coded)
    assert outcome.service_lines[0].code == "99396"
    assert outcome.em is not None and outcome.em.basis == "age"
    assert [e.rule for e in outcome.edits][-1] == "EM-AGE"


def test_nothing_billable_goes_to_review() -> None:
    outcome = outcome_of(encounter(total_time_minutes=None, mdm_level=None))
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.reasons] == ["EM-UNSUPPORTED", "NO-SERVICE"]
    assert outcome.proposed_service_lines == ()
    assert [d.code for d in outcome.proposed_diagnoses] == ["I10"]


def test_procedure_alone_is_billable_without_an_em() -> None:
    outcome = outcome_of(
        encounter(total_time_minutes=None, mdm_level=None, procedures=[procedure("36415", "Draw")])
    )
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.reasons] == ["EM-UNSUPPORTED"]
    assert [line.code for line in outcome.proposed_service_lines] == ["36415"]


def test_all_reasons_are_reported_together() -> None:
    outcome = outcome_of(
        encounter(
            mdm_level=None,
            diagnoses=[diagnosis("E11", "Diabetes"), diagnosis(None, "Fatigue", rank=2)],
            procedures=[procedure("99999", "Unknown")],
        )
    )
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.reasons] == [
        "ICD10CM-NOT-BILLABLE",
        "DX-UNCODED",
        "EM-UNSUPPORTED",
        "PROC-UNKNOWN",
        "NO-SERVICE",
    ]
    assert outcome.encounter_id == "ENC-100234"


def test_same_encounter_codes_the_same_way_twice() -> None:
    closed = encounter(procedures=[procedure(None, "Rapid flu test")])
    assert outcome_of(closed) == outcome_of(closed)

"""The whole automatic path: the encounter.coded payload and when nothing can be billed."""

from __future__ import annotations

from services.coder.domain import Coded, NeedsReview, code_encounter

from .factories import diagnosis, encounter, procedure


def test_coded_payload_carries_lines_em_edits_and_billing_context() -> None:
    closed = encounter(
        patient_status="new",
        total_time_minutes=47,
        mdm_level="low",
        diagnoses=[diagnosis("J02.0", "Strep pharyngitis"), diagnosis("I10", "HTN", rank=2)],
        procedures=[procedure("87880", "Rapid strep test")],
    )
    outcome = code_encounter(closed)
    assert isinstance(outcome, Coded)
    coded = outcome.data
    assert (coded.encounter_id, coded.icd10cm_version) == ("ENC-100234", "FY2026")
    assert [(line.line_number, line.code) for line in coded.service_lines] == [
        (1, "99204"),
        (2, "87880"),
    ]
    em_line = coded.service_lines[0]
    assert (em_line.method, em_line.units, em_line.evidence.source) == (
        "inferred", 1, "total_time_minutes"
    )  # fmt: skip
    assert coded.evaluation_and_management is not None
    assert coded.evaluation_and_management.model_dump() == {
        "code": "99204",
        "basis": "time",
        "total_time_minutes": 47,
        "mdm_level": "low",
    }
    assert [e.edit for e in coded.edits] == ["ICD10CM-BILLABLE", "ICD10CM-BILLABLE", "EM-TIME"]
    billing = coded.billing
    assert billing.patient == closed.patient
    assert billing.coverages == closed.coverages
    assert (billing.encounter_type, billing.place_of_service, billing.date_of_service) == (
        "office", "11", closed.date_of_service
    )  # fmt: skip


def test_preventive_visit_is_a_line_but_not_a_time_or_mdm_em() -> None:
    outcome = code_encounter(
        encounter(encounter_type="preventive", total_time_minutes=30, mdm_level=None,
                  diagnoses=[diagnosis("Z00.00", "Annual exam")])
    )  # fmt: skip
    assert isinstance(outcome, Coded)
    assert outcome.data.service_lines[0].code == "99396"
    assert outcome.data.evaluation_and_management is None
    assert [e.edit for e in outcome.data.edits][-1] == "EM-AGE"


def test_nothing_billable_goes_to_review() -> None:
    outcome = code_encounter(encounter(total_time_minutes=None, mdm_level=None))
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.data.reasons] == ["EM-UNSUPPORTED", "NO-SERVICE"]
    assert outcome.data.proposed_service_lines == []
    assert [d.code for d in outcome.data.proposed_diagnoses] == ["I10"]


def test_procedure_alone_is_billable_without_an_em() -> None:
    outcome = code_encounter(
        encounter(total_time_minutes=None, mdm_level=None, procedures=[procedure("36415", "Draw")])
    )
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.data.reasons] == ["EM-UNSUPPORTED"]
    assert [line.code for line in outcome.data.proposed_service_lines] == ["36415"]


def test_all_reasons_are_reported_together() -> None:
    outcome = code_encounter(
        encounter(
            mdm_level=None,
            diagnoses=[diagnosis("E11", "Diabetes"), diagnosis(None, "Fatigue", rank=2)],
            procedures=[procedure("99999", "Unknown")],
        )
    )
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.data.reasons] == [
        "ICD10CM-NOT-BILLABLE",
        "DX-UNCODED",
        "EM-UNSUPPORTED",
        "PROC-UNKNOWN",
        "NO-SERVICE",
    ]
    assert outcome.data.date_of_service == encounter().date_of_service


def test_same_encounter_codes_the_same_way_twice() -> None:
    closed = encounter(procedures=[procedure(None, "Rapid flu test")])
    assert code_encounter(closed) == code_encounter(closed)

"""services/coder/wire.py: encounter.closed in, encounter.coded / coding.review-requested out,
the same contract as before (the biller and the notifier read it)."""

from __future__ import annotations

import json
from datetime import date

from schemas.coding import (
    CodingReviewCompletedData,
    CodingReviewRequested,
    EncounterCoded,
    ReviewedProcedure,
)
from schemas.encounter import DocumentedDiagnosis, DocumentedProcedure, EncounterClosed
from schemas.parties import Address, Coverage
from services.coder import wire
from services.coder.domain import Coded, NeedsReview

from .factories import closed, outcome_of, wire_patient


def test_the_domain_encounter_holds_what_coding_needs() -> None:
    data = closed(
        total_time_minutes=47,
        diagnoses=[DocumentedDiagnosis(text="HTN", code="I10", code_system="ICD-10-CM", rank=2)],
        procedures=[DocumentedProcedure(text="Knee", code="20610", laterality="left", quantity=2)],
    )
    encounter = wire.encounter(data)
    assert (encounter.encounter_id, encounter.encounter_type, encounter.patient_status) == (
        "ENC-100234", "office", "established"
    )  # fmt: skip
    assert (encounter.total_time_minutes, encounter.mdm_level) == (47, "low")
    assert (encounter.patient.patient_id, encounter.patient.birth_date) == (
        "MRN-0042", date(1961, 4, 9)
    )  # fmt: skip
    (dx,) = encounter.diagnoses
    assert (dx.text, dx.code, dx.code_system, dx.rank) == ("HTN", "I10", "ICD-10-CM", 2)
    (proc,) = encounter.procedures
    assert (proc.code, proc.laterality, proc.quantity) == ("20610", "left", 2)


def test_printed_demographics_are_the_fields_a_claim_or_an_email_prints() -> None:
    data = closed(
        patient=wire_patient(
            email="ana@example.org",
            address=Address(
                line1="12 Elm", line2="Apt 3", city="Springfield", state="IL", postal_code="62704"
            ),
        ),  # fmt: skip
        coverages=[Coverage(payer_id="1", payer_name="P", member_id="W1", group_number="G1")],
    )
    paths = [f.path for f in wire.encounter(data).printed_demographics]
    assert paths == [
        "patient.patient_id",
        "patient.account_number",
        "patient.first_name",
        "patient.last_name",
        "patient.address.line1",
        "patient.address.line2",
        "patient.address.city",
        "patient.email",
        "coverages[0].member_id",
        "coverages[0].group_number",
        "coverages[0].payer_name",
        "rendering_provider.name",
        "billing_provider.name",
        "facility.name",
        "facility.address.line1",
        "facility.address.city",
    ]


def test_a_nul_in_a_name_on_the_wire_is_a_review_reason() -> None:
    data = closed(patient=wire_patient(last_name="Lo\x00pez"))
    data = data.model_copy(
        update={"facility": data.facility.model_copy(update={"name": "Clinic\x00"})}
    )
    outcome = outcome_of(wire.encounter(data))
    assert isinstance(outcome, NeedsReview)
    requested = wire.review_requested(outcome, data)
    assert [(r.rule, r.subject) for r in requested.reasons] == [
        ("DEMOGRAPHICS-CONTROL-CHARACTER", "patient.last_name"),
        ("DEMOGRAPHICS-CONTROL-CHARACTER", "facility.name"),
    ]
    assert "\x00" not in requested.model_dump_json() and "pez" not in requested.model_dump_json()


def test_encounter_coded_numbers_lines_and_carries_billing_through() -> None:
    data = closed(
        procedures=[DocumentedProcedure(text="Rapid strep antigen test")],
        diagnoses=[
            DocumentedDiagnosis(text="Strep", code="J02.0", code_system="ICD-10-CM"),
            DocumentedDiagnosis(text="HTN", code="I10", code_system="ICD-10-CM", rank=2),
        ],
    )
    outcome = outcome_of(wire.encounter(data))
    assert isinstance(outcome, Coded)
    coded = wire.encounter_coded(outcome, data)
    assert [(d.sequence, d.code, d.rule) for d in coded.diagnoses] == [
        (1, "J02.0", "DX-PROVIDED"),
        (2, "I10", "DX-PROVIDED"),
    ]
    assert [(s.line_number, s.code, s.diagnosis_pointers, s.rule) for s in coded.service_lines] == [
        (1, "99213", [1, 2], "EM-MDM"),
        (2, "87880", [1, 2], "PROC-MATCHED"),
    ]
    assert coded.service_lines[1].confidence == 0.8
    assert coded.service_lines[1].evidence.model_dump() == {
        "source": "procedures[0]", "text": "Rapid strep", "start": 0, "end": 11
    }  # fmt: skip
    assert coded.evaluation_and_management is not None
    assert coded.evaluation_and_management.model_dump() == {
        "code": "99213", "basis": "mdm", "total_time_minutes": None, "mdm_level": "low"
    }  # fmt: skip
    assert (coded.encounter_id, coded.icd10cm_version) == ("ENC-100234", "FY2026")
    billing = coded.billing
    assert (billing.patient, billing.coverages, billing.facility) == (
        data.patient, data.coverages, data.facility
    )  # fmt: skip
    assert (billing.rendering_provider, billing.billing_provider) == (
        data.rendering_provider, data.billing_provider
    )  # fmt: skip
    assert (billing.encounter_type, billing.place_of_service, billing.date_of_service) == (
        "office", "11", data.date_of_service
    )  # fmt: skip
    assert "billing" not in wire.coding_json(coded) and "Lopez" not in wire.coding_json(coded)


def test_a_preventive_visit_has_no_time_or_mdm_em_block() -> None:
    data = closed(
        encounter_type="preventive",
        mdm_level=None,
        diagnoses=[DocumentedDiagnosis(text="Exam", code="Z00.00", code_system="ICD-10-CM")],
    )
    outcome = outcome_of(wire.encounter(data))
    assert isinstance(outcome, Coded)
    coded = wire.encounter_coded(outcome, data)
    assert coded.evaluation_and_management is None
    assert (coded.service_lines[0].code, coded.service_lines[0].rule) == ("99396", "EM-AGE")


def test_review_requested_names_the_patient_id_and_date_of_service() -> None:
    data = closed(mdm_level=None)
    outcome = outcome_of(wire.encounter(data))
    assert isinstance(outcome, NeedsReview)
    requested = wire.review_requested(outcome, data)
    assert (requested.encounter_id, requested.patient_id, requested.date_of_service) == (
        "ENC-100234", "MRN-0042", data.date_of_service
    )  # fmt: skip
    assert [r.rule for r in requested.reasons] == ["EM-UNSUPPORTED", "NO-SERVICE"]
    assert requested.queue == "coding"


def test_review_requested_carries_the_candidate_codes() -> None:
    data = closed(procedures=[DocumentedProcedure(text="Simple laceration repair of forearm")])
    outcome = outcome_of(wire.encounter(data))
    assert isinstance(outcome, NeedsReview)
    (reason,) = wire.review_requested(outcome, data).reasons
    # the length decides the code: without it, every simple repair of that site is a candidate
    assert reason.rule == "PROC-REPAIR"
    assert {"12001", "12002"} <= set(reason.candidates)
    assert all(code.startswith("120") for code in reason.candidates)
    assert json.loads(wire.reasons_json(outcome))[0]["candidates"] == list(reason.candidates)


def test_the_events_emitted_declare_every_field_they_carry() -> None:
    """Strict writer: what the coder emits parses with extra="forbid" (no undeclared field)."""
    cause = EncounterClosed.create(closed(), source="tests/ehr", correlation_id="ENC-100234")
    for data in (closed(), closed(mdm_level=None)):
        event = wire.outcome_event(outcome_of(wire.encounter(data)), data, cause)
        model = EncounterCoded if isinstance(event, EncounterCoded) else CodingReviewRequested
        parsed = model.model_validate_json(event.model_dump_json(), extra="forbid")
        assert parsed == event
        assert (event.causation_id, event.correlation_id) == (cause.event_id, "ENC-100234")
        assert event.source == "medbill/coder"


def test_review_decision_from_the_wire() -> None:
    decision = wire.review_decision(
        CodingReviewCompletedData(
            encounter_id="ENC-1",
            reviewer_id="coder-17",
            diagnoses=["E11.9", "I10"],
            procedures=[ReviewedProcedure(code="20610", modifiers=["RT"], units=2)],
            evaluation_and_management="99214",
            note="reviewed",
        )
    )
    assert (decision.encounter_id, decision.reviewer_id, decision.diagnoses) == (
        "ENC-1", "coder-17", ("E11.9", "I10")
    )  # fmt: skip
    assert [(p.code, p.modifiers, p.units) for p in decision.procedures] == [("20610", ("RT",), 2)]
    assert (decision.em_code, decision.note) == ("99214", "reviewed")

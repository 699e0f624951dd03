"""The event contract: committed schema files agree with the models, every event survives the
wire, and the value types keep their promises (money as two-place strings, UTC times)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest
from pydantic import ValidationError

from medbill.contract import GENERATED_DIR, all_files, json_schemas
from schemas import EVENT_MODELS, Envelope
from schemas.billing import (
    Adjustment,
    ClaimDenied,
    ClaimDeniedData,
    ClaimLine,
    ClaimRejected,
    ClaimRejectedData,
    ClaimSubmitted,
    ClaimSubmittedData,
    PaymentPosted,
    PaymentPostedData,
    RemittanceClaim,
    RemittanceReceived,
    RemittanceReceivedData,
    StatementIssued,
    StatementVoided,
    StatementVoidedData,
)
from schemas.coding import (
    BillingContext,
    CodingReviewCompleted,
    CodingReviewCompletedData,
    CodingReviewRequested,
    EditApplied,
    EncounterCoded,
    EncounterCodedData,
    EvaluationAndManagement,
    ReviewedProcedure,
)
from schemas.encounter import EncounterClosed
from schemas.notifications import (
    NotificationFailed,
    NotificationFailedData,
    NotificationSent,
    NotificationSentData,
)
from schemas.topics import topic_for
from tests.support.samples import sample_encounter
from tests.unit.notifier.factories import (
    coded_diagnosis,
    review_requested_data,
    service_line,
    statement_issued_data,
)

EXPORT_COMMAND = ".venv/bin/medbill schemas export"
ENCOUNTER = "ENC-100234"
CLAIM_ID = UUID("5d1c3c1e-8d0c-4c43-a1f1-2f0c9b1e7a10")
CAUSE = UUID("8a6e0804-2bd0-4672-b79d-d97027f9071a")
AT = datetime(2026, 11, 2, 15, 4, 5, 123456, tzinfo=UTC)
DOS = date(2026, 10, 14)


# --- the committed files ----------------------------------------------------------------------


def test_committed_contract_files_match_the_models():
    expected = all_files()
    committed = {
        path.relative_to(GENERATED_DIR).as_posix(): path.read_text()
        for path in GENERATED_DIR.rglob("*.json")
    }
    missing = sorted(set(expected) - set(committed))
    stale = sorted(set(committed) - set(expected))
    changed = sorted(n for n in expected.keys() & committed.keys() if expected[n] != committed[n])
    assert not (missing or stale or changed), (
        f"schemas/generated/ disagrees with the event models (missing: {missing}, "
        f"stale: {stale}, changed: {changed}); run `{EXPORT_COMMAND}` and commit the result"
    )


def test_every_event_has_a_json_schema_with_its_envelope_and_data():
    schemas = json_schemas()
    assert len(schemas) == len(EVENT_MODELS)
    for model in EVENT_MODELS:
        schema = schemas[f"{model.TYPE}.v{model.VERSION}.json"]
        properties = schema["properties"]
        assert "data" in properties
        assert "data" in schema["required"]
        assert properties["event_type"]["const"] == model.TYPE
        assert properties["schema_version"]["const"] == model.VERSION
        # tolerant readers: a newer producer's optional fields are allowed, at any depth
        assert schema["additionalProperties"] is True
        for name, definition in schema.get("$defs", {}).items():
            if definition.get("type") == "object":
                assert definition["additionalProperties"] is True, f"{model.TYPE}: {name}"
        assert "schema_version" in schema["description"]
        for name in ("event_id", "occurred_at", "source", "correlation_id", "causation_id"):
            assert properties[name].get("description"), f"{model.TYPE}: {name} undocumented"


# --- one instance of every event --------------------------------------------------------------


def _encounter_coded() -> EncounterCoded:
    closed = sample_encounter(1, self_pay=False)
    d = closed.data
    data = EncounterCodedData(
        encounter_id=d.encounter_id,
        icd10cm_version="FY2026",
        diagnoses=[coded_diagnosis()],
        service_lines=[service_line()],
        evaluation_and_management=EvaluationAndManagement(
            code="99214", basis="time", total_time_minutes=35
        ),
        edits=[EditApplied(edit="ICD10CM-BILLABLE", detail="all diagnosis codes are leaves")],
        billing=BillingContext(
            encounter_type=d.encounter_type,
            place_of_service=d.place_of_service,
            date_of_service=d.date_of_service,
            patient=d.patient,
            rendering_provider=d.rendering_provider,
            billing_provider=d.billing_provider,
            facility=d.facility,
            coverages=d.coverages,
        ),
    )
    return EncounterCoded.create(
        data, source="medbill/coder", correlation_id=d.encounter_id, causation_id=closed.event_id
    )


def _claim_submitted() -> ClaimSubmitted:
    line = ClaimLine(
        line_number=1,
        code="99214",
        modifiers=["25"],
        units=1,
        charge=Decimal("150"),
        diagnosis_pointers=[1],
        date_of_service=DOS,
    )
    data = ClaimSubmittedData(
        claim_id=CLAIM_ID,
        encounter_id=ENCOUNTER,
        patient_id="MRN-0042",
        patient_account="ACCT-0042",
        payer_id="60054",
        payer_name="Aetna",
        member_id="W123456789",
        billing_provider_npi="1234567893",
        rendering_provider_npi="1234567893",
        place_of_service="11",
        diagnoses=["E11.9"],
        lines=[line],
        total_charge=Decimal("150.00"),
        submitted_at=AT,
    )
    return ClaimSubmitted.create(data, source="medbill/biller", correlation_id=ENCOUNTER)


def _remittance_received() -> RemittanceReceived:
    data = RemittanceReceivedData(
        remittance_id="EFT-0001",
        payer_id="60054",
        payer_name="Aetna",
        payment_date=date(2026, 11, 20),
        total_paid=Decimal("100.00"),
        claims=[
            RemittanceClaim(
                claim_id=str(CLAIM_ID),
                status_code="1",
                charge=Decimal("150.00"),
                paid=Decimal("100.00"),
                patient_responsibility=Decimal("20.00"),
                adjustments=[
                    Adjustment(group_code="CO", reason_code="45", amount=Decimal("30.00")),
                    Adjustment(group_code="PR", reason_code="2", amount=Decimal("20.00")),
                ],
            )
        ],
    )
    return RemittanceReceived.create(data, source="adapter/x12-835", correlation_id="EFT-0001")


def _notification(failed: bool) -> NotificationSent | NotificationFailed:
    common = {
        "notification_id": UUID("0b7e6a64-3c52-4f0b-9a43-7f6f3d0c9a12"),
        "channel": "email",
        "audience": "patient",
        "template": "statement-ready",
        "recipient": "a***@example.org",
        "subject_event_id": CAUSE,
        "subject_event_type": "statement.issued",
        "attempts": 2,
    }
    if failed:
        data = NotificationFailedData(**common, failed_at=AT, error="SMTP 451", permanent=False)
        return NotificationFailed.create(
            data, source="medbill/notifier", correlation_id=ENCOUNTER, causation_id=CAUSE
        )
    return NotificationSent.create(
        NotificationSentData(**common, sent_at=AT),
        source="medbill/notifier",
        correlation_id=ENCOUNTER,
        causation_id=CAUSE,
    )


BUILDERS: dict[type[Envelope], Callable[[], Envelope]] = {
    EncounterClosed: lambda: sample_encounter(7),
    EncounterCoded: _encounter_coded,
    CodingReviewRequested: lambda: CodingReviewRequested.create(
        review_requested_data(), source="medbill/coder", correlation_id=ENCOUNTER
    ),
    CodingReviewCompleted: lambda: CodingReviewCompleted.create(
        CodingReviewCompletedData(
            encounter_id=ENCOUNTER,
            reviewer_id="coder-17",
            diagnoses=["E11.9", "I10"],
            procedures=[ReviewedProcedure(code="20610", modifiers=["RT"])],
            evaluation_and_management="99213",
            note="confirmed",
        ),
        source="coding-ui",
        correlation_id=ENCOUNTER,
    ),
    ClaimSubmitted: _claim_submitted,
    ClaimRejected: lambda: ClaimRejected.create(
        ClaimRejectedData(encounter_id=ENCOUNTER, stage="scrubber", reasons=["no coverage"]),
        source="medbill/biller",
        correlation_id=ENCOUNTER,
    ),
    RemittanceReceived: _remittance_received,
    PaymentPosted: lambda: PaymentPosted.create(
        PaymentPostedData(
            claim_id=CLAIM_ID,
            encounter_id=ENCOUNTER,
            patient_account="ACCT-0042",
            remittance_id="EFT-0001",
            payer_paid=Decimal("100"),
            contractual_adjustment=Decimal("30"),
            patient_responsibility=Decimal("20"),
            account_balance=Decimal("20"),
        ),
        source="medbill/biller",
        correlation_id=ENCOUNTER,
    ),
    ClaimDenied: lambda: ClaimDenied.create(
        ClaimDeniedData(
            claim_id=CLAIM_ID,
            encounter_id=ENCOUNTER,
            remittance_id="EFT-0001",
            payer_id="60054",
            denied_amount=Decimal("150.00"),
            reason_codes=["CO-50"],
        ),
        source="medbill/biller",
        correlation_id=ENCOUNTER,
    ),
    StatementIssued: lambda: StatementIssued.create(
        statement_issued_data(), source="medbill/biller", correlation_id=ENCOUNTER
    ),
    StatementVoided: lambda: StatementVoided.create(
        StatementVoidedData(
            statement_id=CLAIM_ID,
            patient_account="ACCT-0042",
            encounter_id=ENCOUNTER,
            voided_at=AT,
            reason="the encounter was corrected by a later coding",
        ),
        source="medbill/biller",
        correlation_id=ENCOUNTER,
    ),
    NotificationSent: lambda: _notification(failed=False),
    NotificationFailed: lambda: _notification(failed=True),
}


def test_there_is_an_instance_of_every_event_model():
    assert set(BUILDERS) == set(EVENT_MODELS)


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.TYPE)
def test_every_event_survives_the_wire(model: type[Envelope]):
    event = BUILDERS[model]()
    assert type(event) is model
    assert event.event_type == model.TYPE
    assert event.schema_version == model.VERSION

    wire = event.model_dump_json()
    assert model.model_validate_json(wire) == event
    # the envelope's attribute names, as other services read them
    assert set(json.loads(wire)) == {
        "event_id",
        "event_type",
        "schema_version",
        "occurred_at",
        "source",
        "correlation_id",
        "causation_id",
        "data",
    }
    assert topic_for(event).key_of(event)


@pytest.mark.parametrize(
    ("model", "key"),
    [
        (ClaimSubmitted, ENCOUNTER.encode()),
        (PaymentPosted, ENCOUNTER.encode()),
        (StatementIssued, b"ACCT-0042"),
        (StatementVoided, b"ACCT-0042"),
        (RemittanceReceived, b"EFT-0001"),
    ],
    ids=lambda v: getattr(v, "TYPE", ""),
)
def test_message_keys_keep_related_events_on_one_partition(model: type[Envelope], key: bytes):
    event = BUILDERS[model]()
    assert topic_for(event).key_of(event) == key


def test_an_event_of_another_type_is_refused():
    wire = json.loads(BUILDERS[ClaimRejected]().model_dump_json())
    with pytest.raises(ValidationError):
        ClaimDenied.model_validate(wire)
    wire["schema_version"] = 2
    with pytest.raises(ValidationError):
        ClaimRejected.model_validate(wire)


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.TYPE)
def test_a_reader_ignores_fields_it_does_not_know_at_any_depth(model: type[Envelope]):
    event = BUILDERS[model]()
    wire = json.loads(event.model_dump_json())
    wire["added_later"] = "envelope"
    wire["data"]["added_later"] = {"nested": True}
    for value in wire["data"].values():  # one level further down, where there is an object
        target = value[0] if isinstance(value, list) and value else value
        if isinstance(target, dict):
            target["added_later"] = 1
            break
    read = model.model_validate_json(json.dumps(wire))
    assert read == event
    assert "added_later" not in read.model_dump_json()  # and never passed on


def test_a_producer_emits_only_declared_fields():
    wire = json.loads(BUILDERS[ClaimRejected]().model_dump_json())
    wire["data"]["surprise"] = 1
    built = ClaimRejected.model_validate(wire)
    assert "surprise" not in built.model_dump_json()
    assert "surprise" not in ClaimRejectedData(**wire["data"]).model_dump_json()


def test_strict_reading_names_each_misspelled_field_with_its_path():
    wire = json.loads(BUILDERS[ClaimRejected]().model_dump_json())
    wire["corelation_id"] = wire.pop("correlation_id")
    wire["data"]["reasonz"] = []
    with pytest.raises(ValidationError) as raised:
        ClaimRejected.model_validate_json(json.dumps(wire), extra="forbid")
    where = {(e["loc"], e["type"]) for e in raised.value.errors()}
    assert (("corelation_id",), "extra_forbidden") in where
    assert (("data", "reasonz"), "extra_forbidden") in where
    assert (("correlation_id",), "missing") in where


# --- value types ------------------------------------------------------------------------------


def test_money_is_a_two_place_string_on_the_wire():
    event = BUILDERS[PaymentPosted]()
    data = json.loads(event.model_dump_json())["data"]
    assert data["payer_paid"] == "100.00"
    assert data["contractual_adjustment"] == "30.00"
    assert event.data.payer_paid == Decimal("100.00")
    assert isinstance(event.data.payer_paid, Decimal)

    line = ClaimLine(
        line_number=1,
        code="99213",
        units=1,
        charge=Decimal("0.5"),
        diagnosis_pointers=[1],
        date_of_service=DOS,
    )
    assert json.loads(line.model_dump_json())["charge"] == "0.50"
    large = ClaimLine.model_validate(line.model_dump() | {"charge": Decimal("1234567.8")})
    assert json.loads(large.model_dump_json())["charge"] == "1234567.80"
    assert ClaimLine.model_validate_json(line.model_dump_json()).charge == Decimal("0.50")


def test_money_refuses_fractions_of_a_cent():
    with pytest.raises(ValidationError, match="charge"):
        ClaimLine(
            line_number=1,
            code="99213",
            units=1,
            charge=Decimal("10.005"),
            diagnosis_pointers=[1],
            date_of_service=DOS,
        )


def test_a_naive_occurred_at_is_refused():
    with pytest.raises(ValidationError) as caught:
        ClaimRejected.create(
            ClaimRejectedData(encounter_id=ENCOUNTER, stage="payer", reasons=["x"]),
            source="medbill/biller",
            correlation_id=ENCOUNTER,
            occurred_at=datetime(2026, 11, 2, 15, 4, 5),
        )
    assert [e["loc"] for e in caught.value.errors()] == [("occurred_at",)]

    wire = json.loads(BUILDERS[ClaimRejected]().model_dump_json())
    wire["occurred_at"] = "2026-11-02T15:04:05"
    with pytest.raises(ValidationError, match="occurred_at"):
        ClaimRejected.model_validate(wire)


def test_an_aware_occurred_at_is_kept_in_utc():
    chicago = timezone(timedelta(hours=-6))
    event = ClaimRejected.create(
        ClaimRejectedData(encounter_id=ENCOUNTER, stage="payer", reasons=["x"]),
        source="medbill/biller",
        correlation_id=ENCOUNTER,
        occurred_at=datetime(2026, 11, 2, 9, 4, 5, tzinfo=chicago),
    )
    assert event.occurred_at == datetime(2026, 11, 2, 15, 4, 5, tzinfo=UTC)
    assert event.occurred_at.utcoffset() == timedelta(0)
    assert json.loads(event.model_dump_json())["occurred_at"].startswith("2026-11-02T15:04:05")

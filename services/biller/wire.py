"""The one translation between the wire contract (schemas/) and the biller's domain types:
encounter.coded in; claim.submitted, statement.issued, statement.voided and claim.rejected
out; and the stored documents (the JSON of the events that announced them) back in."""

from __future__ import annotations

from typing import TypeVar

from schemas import billing as wire
from schemas.coding import EncounterCoded
from schemas.envelope import Envelope
from schemas.parties import Address as WireAddress

from .domain import (
    Address,
    Claim,
    ClaimLine,
    CodedEncounter,
    Coverage,
    Diagnosis,
    Patient,
    Recipient,
    Refusal,
    Service,
    Statement,
    StatementLine,
    StatementVoid,
    Version,
)

SOURCE = "medbill/biller"
E = TypeVar("E", bound=Envelope)


def coded_encounter(event: EncounterCoded) -> CodedEncounter:
    """encounter.coded as the biller needs it; its version is (occurred_at, event_id). The
    consumer keeps only this of each event (runtime.subscribe's `keep`)."""
    data = event.data
    billing = data.billing
    patient = billing.patient
    return CodedEncounter(
        encounter_id=data.encounter_id,
        version=Version(event.occurred_at, event.event_id),
        date_of_service=billing.date_of_service,
        place_of_service=billing.place_of_service,
        patient=Patient(
            patient_id=patient.patient_id,
            account=patient.account_number,
            first_name=patient.first_name,
            last_name=patient.last_name,
            address=_address(patient.address),
            email=patient.email,
            contact_preference=patient.contact_preference,
        ),
        rendering_provider_npi=billing.rendering_provider.npi,
        billing_provider_npi=billing.billing_provider.npi,
        diagnoses=tuple(Diagnosis(d.sequence, d.code) for d in data.diagnoses),
        services=tuple(
            Service(
                line_number=line.line_number,
                code=line.code,
                modifiers=tuple(line.modifiers),
                units=line.units,
                diagnosis_pointers=tuple(line.diagnosis_pointers),
            )
            for line in data.service_lines
        ),
        coverages=tuple(
            Coverage(c.payer_id, c.payer_name, c.member_id, c.priority) for c in billing.coverages
        ),
    )


def _address(address: WireAddress) -> Address:
    return Address(
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        state=address.state,
        postal_code=address.postal_code,
    )


def _wire_address(address: Address) -> WireAddress:
    return WireAddress(
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        state=address.state,
        postal_code=address.postal_code,
    )


def claim_submitted(claim: Claim, cause: CodedEncounter) -> wire.ClaimSubmitted:
    data = wire.ClaimSubmittedData(
        claim_id=claim.claim_id,
        encounter_id=claim.encounter_id,
        patient_id=claim.patient_id,
        patient_account=claim.patient_account,
        payer_id=claim.payer_id,
        payer_name=claim.payer_name,
        member_id=claim.member_id,
        billing_provider_npi=claim.billing_provider_npi,
        rendering_provider_npi=claim.rendering_provider_npi,
        place_of_service=claim.place_of_service,
        diagnoses=list(claim.diagnoses),
        lines=[
            wire.ClaimLine(
                line_number=line.line_number,
                code=line.code,
                modifiers=list(line.modifiers),
                units=line.units,
                charge=line.charge,
                diagnosis_pointers=list(line.diagnosis_pointers),
                date_of_service=line.date_of_service,
            )
            for line in claim.lines
        ],
        total_charge=claim.total_charge,
        submitted_at=claim.submitted_at,
        frequency_code=claim.frequency,
        replaces_claim_id=claim.replaces,
    )
    return _caused_by(wire.ClaimSubmitted, data, cause)


def statement_issued(statement: Statement, cause: CodedEncounter) -> wire.StatementIssued:
    recipient = statement.recipient
    data = wire.StatementIssuedData(
        statement_id=statement.statement_id,
        patient_account=statement.patient_account,
        patient_id=statement.patient_id,
        encounter_ids=list(statement.encounter_ids),
        recipient=wire.StatementRecipient(
            name=recipient.name,
            email=recipient.email,
            address=_wire_address(recipient.address),
            contact_preference=recipient.contact_preference,
        ),
        statement_date=statement.statement_date,
        due_date=statement.due_date,
        lines=[
            wire.StatementLine(
                date_of_service=line.date_of_service,
                description=line.description,
                charges=line.charges,
                insurance_paid=line.insurance_paid,
                adjustments=line.adjustments,
                patient_owes=line.patient_owes,
            )
            for line in statement.lines
        ],
        amount_due=statement.amount_due,
        billing_office_phone=statement.billing_office_phone,
        replaces_statement_id=statement.replaces,
    )
    return _caused_by(wire.StatementIssued, data, cause)


def statement_voided(void: StatementVoid, cause: CodedEncounter) -> wire.StatementVoided:
    data = wire.StatementVoidedData(
        statement_id=void.statement_id,
        patient_account=void.patient_account,
        encounter_id=void.encounter_id,
        voided_at=void.voided_at,
        reason=void.reason,
        replaced_by_statement_id=void.replaced_by,
    )
    return _caused_by(wire.StatementVoided, data, cause)


def claim_rejected(refusal: Refusal, cause: CodedEncounter) -> wire.ClaimRejected:
    data = wire.ClaimRejectedData(
        claim_id=None,
        encounter_id=refusal.encounter_id,
        stage="scrubber",
        reasons=list(refusal.reasons),
        document=refusal.document,
    )
    return _caused_by(wire.ClaimRejected, data, cause)


def _caused_by(model: type[E], data: object, cause: CodedEncounter) -> E:
    """An event caused by the coding `cause` (its encounter.coded event's id)."""
    return model.create(
        data, source=SOURCE, correlation_id=cause.encounter_id, causation_id=cause.event_id
    )


def stored_claim(event_json: str) -> Claim:
    """A claim back from the claim.submitted event stored with it."""
    data = wire.ClaimSubmitted.model_validate_json(event_json).data
    return Claim(
        claim_id=data.claim_id,
        encounter_id=data.encounter_id,
        patient_id=data.patient_id,
        patient_account=data.patient_account,
        payer_id=data.payer_id,
        payer_name=data.payer_name,
        member_id=data.member_id,
        billing_provider_npi=data.billing_provider_npi,
        rendering_provider_npi=data.rendering_provider_npi,
        place_of_service=data.place_of_service,
        diagnoses=tuple(data.diagnoses),
        lines=tuple(
            ClaimLine(
                line_number=line.line_number,
                code=line.code,
                modifiers=tuple(line.modifiers),
                units=line.units,
                charge=line.charge,
                diagnosis_pointers=tuple(line.diagnosis_pointers),
                date_of_service=line.date_of_service,
            )
            for line in data.lines
        ),
        submitted_at=data.submitted_at,
        frequency=data.frequency_code,
        replaces=data.replaces_claim_id,
    )


def stored_statement(event_json: str) -> Statement:
    """A statement back from the statement.issued event stored with it."""
    data = wire.StatementIssued.model_validate_json(event_json).data
    recipient = data.recipient
    return Statement(
        statement_id=data.statement_id,
        patient_account=data.patient_account,
        patient_id=data.patient_id,
        encounter_ids=tuple(data.encounter_ids),
        recipient=Recipient(
            name=recipient.name,
            email=recipient.email,
            address=_address(recipient.address),
            contact_preference=recipient.contact_preference,
        ),
        statement_date=data.statement_date,
        due_date=data.due_date,
        lines=tuple(
            StatementLine(
                date_of_service=line.date_of_service,
                description=line.description,
                charges=line.charges,
                insurance_paid=line.insurance_paid,
                adjustments=line.adjustments,
                patient_owes=line.patient_owes,
            )
            for line in data.lines
        ),
        billing_office_phone=data.billing_office_phone,
        replaces=data.replaces_statement_id,
    )


def stored_refusal(event_json: str) -> Refusal:
    """A refusal back from the claim.rejected event stored with it."""
    data = wire.ClaimRejected.model_validate_json(event_json).data
    return Refusal(data.encounter_id, data.document, tuple(data.reasons))

"""Claims, remittances, payments and statements."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from .envelope import Envelope
from .parties import Address, Model
from .values import CptHcpcsCode, Icd10CmCode, Modifier, Money, NonEmptyStr, UtcDatetime


class ClaimLine(Model):
    line_number: int = Field(ge=1)
    code: CptHcpcsCode
    modifiers: list[Modifier] = Field(default_factory=list, max_length=4)
    units: int = Field(ge=1)
    charge: Money = Field(description="Line charge = unit price x units.")
    diagnosis_pointers: list[int] = Field(min_length=1, max_length=4)
    date_of_service: date


class ClaimSubmittedData(Model):
    claim_id: UUID = Field(description="Biller's claim id (also the 837P patient control number).")
    encounter_id: NonEmptyStr
    patient_id: NonEmptyStr
    patient_account: NonEmptyStr
    payer_id: NonEmptyStr
    payer_name: NonEmptyStr
    member_id: NonEmptyStr
    billing_provider_npi: str
    rendering_provider_npi: str
    place_of_service: str
    diagnoses: list[Icd10CmCode] = Field(min_length=1, max_length=12)
    lines: list[ClaimLine] = Field(min_length=1, max_length=50)
    total_charge: Money
    submitted_at: UtcDatetime
    x12_837p: str | None = Field(
        default=None, description="The 837P file when it is small; else fetch it by claim_id."
    )
    frequency_code: Literal["1", "7", "8"] = Field(
        default="1",
        description=(
            "837P CLM05-3 claim frequency: 1 original, 7 replacement of a prior claim (the"
            " encounter was corrected), 8 void of a prior claim (it is no longer billed to"
            " this payer; its lines are the voided claim's)."
        ),
    )
    replaces_claim_id: UUID | None = Field(
        default=None,
        description="The prior claim a replacement (7) or void (8) refers to (837P REF*F8).",
    )


class ClaimSubmitted(Envelope):
    TYPE: ClassVar[str] = "claim.submitted"
    event_type: Literal["claim.submitted"] = "claim.submitted"
    schema_version: Literal[1] = 1
    data: ClaimSubmittedData


class ClaimRejectedData(Model):
    claim_id: UUID | None = Field(default=None, description="Absent when no claim could be built.")
    encounter_id: NonEmptyStr
    stage: Literal["scrubber", "clearinghouse", "payer"]
    reasons: list[str] = Field(
        min_length=1,
        description="Why, in plain words (codes, lines, rules; no patient values).",
        examples=[["service line 2: code 99499 has no price in the chargemaster"]],
    )
    document: Literal["claim", "statement"] = Field(
        default="claim",
        description=(
            "What could not be built: the payer claim, or the self-pay patient statement"
            " (an uninsured encounter the biller cannot price is refused the same way)."
        ),
    )


class ClaimRejected(Envelope):
    TYPE: ClassVar[str] = "claim.rejected"
    event_type: Literal["claim.rejected"] = "claim.rejected"
    schema_version: Literal[1] = 1
    data: ClaimRejectedData


class Adjustment(Model):
    group_code: Literal["CO", "PR", "OA", "PI", "CR"] = Field(description="CAS group code.")
    reason_code: str = Field(description="CARC code.", examples=["45"])
    amount: Money


class RemittanceClaim(Model):
    claim_id: str = Field(description="CLP01 patient control number as sent on the claim.")
    status_code: str = Field(description="CLP02 claim status code.", examples=["1"])
    charge: Money
    paid: Money
    patient_responsibility: Money
    adjustments: list[Adjustment] = Field(default_factory=list)
    payer_claim_number: str | None = None


class RemittanceReceivedData(Model):
    remittance_id: NonEmptyStr = Field(description="Check or EFT trace number (TRN02).")
    payer_id: NonEmptyStr
    payer_name: str
    payment_date: date
    total_paid: Money
    claims: list[RemittanceClaim] = Field(min_length=1)


class RemittanceReceived(Envelope):
    TYPE: ClassVar[str] = "remittance.received"
    event_type: Literal["remittance.received"] = "remittance.received"
    schema_version: Literal[1] = 1
    data: RemittanceReceivedData


class PaymentPostedData(Model):
    claim_id: UUID
    encounter_id: NonEmptyStr
    patient_account: NonEmptyStr
    remittance_id: NonEmptyStr
    payer_paid: Money
    contractual_adjustment: Money
    patient_responsibility: Money
    account_balance: Money


class PaymentPosted(Envelope):
    TYPE: ClassVar[str] = "payment.posted"
    event_type: Literal["payment.posted"] = "payment.posted"
    schema_version: Literal[1] = 1
    data: PaymentPostedData


class ClaimDeniedData(Model):
    claim_id: UUID
    encounter_id: NonEmptyStr
    remittance_id: NonEmptyStr
    payer_id: NonEmptyStr
    denied_amount: Money
    reason_codes: list[str] = Field(min_length=1, description="CARC codes.", examples=[["CO-50"]])


class ClaimDenied(Envelope):
    TYPE: ClassVar[str] = "claim.denied"
    event_type: Literal["claim.denied"] = "claim.denied"
    schema_version: Literal[1] = 1
    data: ClaimDeniedData


class StatementRecipient(Model):
    name: NonEmptyStr
    email: str | None = None
    address: Address
    contact_preference: Literal["email", "mail", "sms", "none"]


class StatementLine(Model):
    date_of_service: date
    description: str = Field(
        description="Plain-language service description without clinical detail.",
        examples=["Clinic visit"],
    )
    charges: Money
    insurance_paid: Money
    adjustments: Money
    patient_owes: Money


class StatementIssuedData(Model):
    statement_id: UUID
    patient_account: NonEmptyStr
    patient_id: NonEmptyStr
    encounter_ids: list[str] = Field(min_length=1)
    recipient: StatementRecipient
    statement_date: date
    due_date: date
    lines: list[StatementLine] = Field(min_length=1)
    amount_due: Money
    billing_office_phone: str | None = None
    replaces_statement_id: UUID | None = Field(
        default=None,
        description="The statement this one is reissued for (the encounter was corrected).",
    )


class StatementIssued(Envelope):
    TYPE: ClassVar[str] = "statement.issued"
    event_type: Literal["statement.issued"] = "statement.issued"
    schema_version: Literal[1] = 1
    data: StatementIssuedData


class StatementVoidedData(Model):
    statement_id: UUID = Field(description="The statement that no longer stands.")
    patient_account: NonEmptyStr
    encounter_id: NonEmptyStr
    voided_at: UtcDatetime
    reason: str = Field(examples=["the encounter was corrected by a later coding"])
    replaced_by_statement_id: UUID | None = Field(
        default=None, description="The statement reissued in its place, if any."
    )


class StatementVoided(Envelope):
    TYPE: ClassVar[str] = "statement.voided"
    event_type: Literal["statement.voided"] = "statement.voided"
    schema_version: Literal[1] = 1
    data: StatementVoidedData

"""What the biller issues: claims to payers, statements to patients, and refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from .encounter import Address, ContactPreference
from .money import ZERO

ClaimFrequency = Literal["1", "7", "8"]
"""837P CLM05-3 claim frequency type code (NUBC): 1 original, 7 replacement of a prior claim,
8 void/cancel of a prior claim."""
ORIGINAL: ClaimFrequency = "1"
REPLACEMENT: ClaimFrequency = "7"
VOID: ClaimFrequency = "8"


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """An 837P loop 2400 service line: LX01 number, SV101 code and modifiers, SV102 charge,
    SV104 units, SV107 pointers into the claim's diagnoses, DTP*472 date of service."""

    line_number: int
    code: str
    modifiers: tuple[str, ...]
    units: int
    charge: Decimal
    diagnosis_pointers: tuple[int, ...]
    date_of_service: date


@dataclass(frozen=True, slots=True)
class Claim:
    """A professional claim (CMS-1500 / 837P) to the primary payer.

    `frequency` and `replaces` say whether it is an original, a replacement of a released
    claim (7) or the void of one (8); 837P carries the replaced claim in REF*F8.
    """

    claim_id: UUID
    encounter_id: str
    patient_id: str
    patient_account: str
    payer_id: str
    payer_name: str
    member_id: str
    billing_provider_npi: str
    rendering_provider_npi: str
    place_of_service: str
    diagnoses: tuple[str, ...]
    lines: tuple[ClaimLine, ...]
    submitted_at: datetime
    frequency: ClaimFrequency = ORIGINAL
    replaces: UUID | None = None

    @property
    def total_charge(self) -> Decimal:
        """CLM02: the sum of the line charges."""
        return sum((line.charge for line in self.lines), ZERO)

    def billed(self) -> tuple[object, ...]:
        """What this claim asks a payer for, without its identity and timing: two claims
        that bill the same are one bill."""
        return (
            self.encounter_id,
            self.patient_id,
            self.patient_account,
            self.payer_id,
            self.payer_name,
            self.member_id,
            self.billing_provider_npi,
            self.rendering_provider_npi,
            self.place_of_service,
            self.diagnoses,
            self.lines,
        )


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    address: Address
    contact_preference: ContactPreference
    email: str | None = None


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One service on a patient statement, described without clinical detail."""

    date_of_service: date
    description: str
    charges: Decimal
    insurance_paid: Decimal
    adjustments: Decimal
    patient_owes: Decimal


@dataclass(frozen=True, slots=True)
class Statement:
    """A patient statement. `replaces` is the statement it was reissued for, if any."""

    statement_id: UUID
    patient_account: str
    patient_id: str
    encounter_ids: tuple[str, ...]
    recipient: Recipient
    statement_date: date
    due_date: date
    lines: tuple[StatementLine, ...]
    billing_office_phone: str | None = None
    replaces: UUID | None = None

    @property
    def amount_due(self) -> Decimal:
        """What the patient owes: the sum of the lines' patient_owes."""
        return sum((line.patient_owes for line in self.lines), ZERO)

    def billed(self) -> tuple[object, ...]:
        """What this statement asks the patient for (account, encounters, lines): a
        change of address or of the statement date alone is not a new bill."""
        return (self.patient_account, self.patient_id, self.encounter_ids, self.lines)


DocumentKind = Literal["claim", "statement"]


@dataclass(frozen=True, slots=True)
class Refusal:
    """The biller will not bill this coding of an encounter, and why, in plain words that
    name codes, lines and rules but no patient value (no name, member id or amount owed).

    `document` is what could not be built: the payer claim, or the self-pay statement.
    """

    encounter_id: str
    document: DocumentKind
    reasons: tuple[str, ...]

    def billed(self) -> tuple[object, ...]:
        return (self.document, self.reasons)


@dataclass(frozen=True, slots=True)
class StatementVoid:
    """A statement that no longer stands (the encounter was corrected). `replaced_by` is
    the statement reissued in its place, if the correction is still self-pay."""

    statement_id: UUID
    patient_account: str
    encounter_id: str
    voided_at: datetime
    reason: str
    replaced_by: UUID | None = None


Document = Claim | Statement

"""Building the professional claim (CMS-1500 / X12 837P) for an insured encounter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from schemas.billing import ClaimLine, ClaimSubmittedData
from schemas.coding import CodedDiagnosis, EncounterCodedData, ServiceLine
from schemas.parties import Coverage

from .chargemaster import Chargemaster
from .errors import ClaimLineLimitExceeded, ClaimNeedsCoverage, DiagnosisPointerOutOfRange

MAX_CLAIM_LINES = 50
"""837P loop 2400 (service line) repeats at most 50 times per claim."""


def primary_coverage(coverages: Sequence[Coverage]) -> Coverage | None:
    """The coverage billed first: the one marked priority "primary", else the first listed.

    Coordination of benefits (837P loop 2000B SBR01 = "P"): the primary payer is billed
    first; secondary payers are billed later with the primary's remittance.
    """
    for coverage in coverages:
        if coverage.priority == "primary":
            return coverage
    return coverages[0] if coverages else None


def build_claim(
    coded: EncounterCodedData,
    chargemaster: Chargemaster,
    *,
    claim_id: UUID,
    submitted_at: datetime,
) -> ClaimSubmittedData:
    """Price a coded, insured encounter and build its claim to the primary payer.

    - Payer and member id from the primary coverage (see primary_coverage), 837P 2010BB
      and 2010BA.
    - Diagnoses in their coded sequence, codes only (837P HI, CMS-1500 item 21); the
      first is the principal diagnosis (ABK).
    - One claim line per service line, in order, numbered from 1 (837P LX01), with code and
      modifiers (SV101), charge from the chargemaster (SV102), units (SV104) and diagnosis
      pointers (SV107) re-aimed at the sequenced diagnoses; date of service (DTP*472) from
      the billing context.
    - Total charge (CLM02) is the sum of the line charges.

    `claim_id` comes from the caller (claim_id_for(encounter_id)) so a redelivered event
    rebuilds the same claim. Raises ClaimNeedsCoverage for a self-pay encounter,
    UnpricedService for a code with no price, ClaimLineLimitExceeded past 50 lines and
    DiagnosisPointerOutOfRange for a pointer at a diagnosis that is not there.
    """
    billing = coded.billing
    coverage = primary_coverage(billing.coverages)
    if coverage is None:
        raise ClaimNeedsCoverage(coded.encounter_id)
    if len(coded.service_lines) > MAX_CLAIM_LINES:
        raise ClaimLineLimitExceeded(coded.encounter_id, len(coded.service_lines), MAX_CLAIM_LINES)
    diagnoses, pointer_map = sequence_diagnoses(coded.diagnoses)
    lines = [
        ClaimLine(
            line_number=number,
            code=line.code,
            modifiers=list(line.modifiers),
            units=line.units,
            charge=chargemaster.price(line.code, line.modifiers, line.units),
            diagnosis_pointers=_repoint(line, pointer_map),
            date_of_service=billing.date_of_service,
        )
        for number, line in enumerate(coded.service_lines, start=1)
    ]
    return ClaimSubmittedData(
        claim_id=claim_id,
        encounter_id=coded.encounter_id,
        patient_id=billing.patient.patient_id,
        patient_account=billing.patient.account_number,
        payer_id=coverage.payer_id,
        payer_name=coverage.payer_name,
        member_id=coverage.member_id,
        billing_provider_npi=billing.billing_provider.npi,
        rendering_provider_npi=billing.rendering_provider.npi,
        place_of_service=billing.place_of_service,
        diagnoses=[diagnosis.code for diagnosis in diagnoses],
        lines=lines,
        total_charge=sum((line.charge for line in lines), Decimal("0.00")),
        submitted_at=submitted_at,
    )


def sequence_diagnoses(
    diagnoses: Sequence[CodedDiagnosis],
) -> tuple[list[CodedDiagnosis], dict[int, int]]:
    """Diagnoses ordered by their `sequence`, and where each old position (1-based) went.

    Service-line pointers index the diagnoses as listed in the event; the claim lists
    them by sequence (first-listed diagnosis first), so pointers follow them.
    """
    order = sorted(range(len(diagnoses)), key=lambda index: diagnoses[index].sequence)
    moved = {old + 1: new + 1 for new, old in enumerate(order)}
    return [diagnoses[index] for index in order], moved


def _repoint(line: ServiceLine, pointer_map: dict[int, int]) -> list[int]:
    try:
        return [pointer_map[pointer] for pointer in line.diagnosis_pointers]
    except KeyError as missing:
        raise DiagnosisPointerOutOfRange(
            line.line_number, int(missing.args[0]), len(pointer_map)
        ) from None

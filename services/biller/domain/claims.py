"""Building the professional claim (CMS-1500 / X12 837P) for an insured encounter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from .chargemaster import Chargemaster
from .documents import Claim, ClaimLine, Refusal
from .encounter import CodedEncounter, Diagnosis
from .scrub import claim_problems, primary_coverage


def build_claim(
    encounter: CodedEncounter,
    chargemaster: Chargemaster,
    *,
    claim_id: UUID,
    submitted_at: datetime,
) -> Claim | Refusal:
    """Price a coded, insured encounter and build its claim to the primary payer, or refuse.

    - Payer and member id from the primary coverage (scrub.primary_coverage), 837P 2010BB
      and 2010BA.
    - Diagnoses in their coded sequence, codes only (837P HI, CMS-1500 item 21); the
      first is the principal diagnosis (ABK).
    - One claim line per service line, in order, numbered from 1 (837P LX01), with code and
      modifiers (SV101), charge from the chargemaster (SV102), units (SV104) and diagnosis
      pointers (SV107) re-aimed at the sequenced diagnoses; date of service (DTP*472).
    - Total charge (CLM02) is the sum of the line charges.

    `claim_id` comes from the caller (ids.claim_id_for) so a redelivered event rebuilds the
    same claim. A coding that fails a check of scrub.claim_problems (no coverage, an
    unpriced code, too many lines, a pointer at a diagnosis that is not there, ...) gives a
    Refusal with every reason, not an exception.
    """
    problems = claim_problems(encounter, chargemaster)
    coverage = primary_coverage(encounter.coverages)
    if problems or coverage is None:
        return Refusal(encounter.encounter_id, "claim", tuple(problems))
    diagnoses, moved = sequence_diagnoses(encounter.diagnoses)
    lines = tuple(
        ClaimLine(
            line_number=number,
            code=service.code,
            modifiers=tuple(service.modifiers),
            units=service.units,
            charge=chargemaster.price(service.code, service.modifiers, service.units),
            diagnosis_pointers=tuple(moved[pointer] for pointer in service.diagnosis_pointers),
            date_of_service=encounter.date_of_service,
        )
        for number, service in enumerate(encounter.services, start=1)
    )
    return Claim(
        claim_id=claim_id,
        encounter_id=encounter.encounter_id,
        patient_id=encounter.patient.patient_id,
        patient_account=encounter.patient.account,
        payer_id=coverage.payer_id,
        payer_name=coverage.payer_name,
        member_id=coverage.member_id,
        billing_provider_npi=encounter.billing_provider_npi,
        rendering_provider_npi=encounter.rendering_provider_npi,
        place_of_service=encounter.place_of_service,
        diagnoses=tuple(diagnosis.code for diagnosis in diagnoses),
        lines=lines,
        submitted_at=submitted_at.astimezone(UTC),
    )


def sequence_diagnoses(
    diagnoses: Sequence[Diagnosis],
) -> tuple[list[Diagnosis], dict[int, int]]:
    """Diagnoses ordered by their `sequence`, and where each old position (1-based) went.

    Service-line pointers index the diagnoses as listed in the event; the claim lists
    them by sequence (first-listed diagnosis first), so pointers follow them.
    """
    order = sorted(range(len(diagnoses)), key=lambda index: diagnoses[index].sequence)
    moved = {old + 1: new + 1 for new, old in enumerate(order)}
    return [diagnoses[index] for index in order], moved

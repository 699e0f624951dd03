"""The checks a coding must pass before the biller builds a document from it (a claim
scrubber's edits). Each failed check is a reason in plain words: codes, line numbers and
limits, never a patient value."""

from __future__ import annotations

from collections.abc import Sequence

from .chargemaster import Chargemaster
from .encounter import CodedEncounter, Coverage, Service

MAX_CLAIM_LINES = 50
"""837P loop 2400 (service line) repeats at most 50 times per claim."""
MAX_DIAGNOSES = 12
"""837P HI segment: at most 12 diagnosis codes per professional claim (CMS-1500 item 21)."""
MAX_POINTERS = 4
"""837P SV107: one to four diagnosis code pointers per service line."""
MAX_MODIFIERS = 4
"""837P SV101-3..6: at most four procedure modifiers per service line."""


def primary_coverage(coverages: Sequence[Coverage]) -> Coverage | None:
    """The coverage billed first: the one marked priority "primary", else the first listed.

    Coordination of benefits (837P loop 2000B SBR01 = "P"): the primary payer is billed
    first; secondary payers are billed later with the primary's remittance.
    """
    for coverage in coverages:
        if coverage.priority == "primary":
            return coverage
    return coverages[0] if coverages else None


def pricing_problems(encounter: CodedEncounter, chargemaster: Chargemaster) -> list[str]:
    """Why the services cannot be charged: none coded, a code with no chargemaster price,
    units below 1 (837P SV104)."""
    if not encounter.services:
        return ["the encounter has no service lines to charge"]
    problems: list[str] = []
    for service in encounter.services:
        if service.code not in chargemaster:
            problems.append(
                f"service line {service.line_number}: code {service.code} has no price "
                "in the chargemaster"
            )
        if service.units < 1:
            problems.append(f"service line {service.line_number}: units must be at least 1")
    return problems


def claim_problems(encounter: CodedEncounter, chargemaster: Chargemaster) -> list[str]:
    """Why no 837P claim can be built from this coding: the pricing problems, plus no
    coverage or a primary coverage without payer or member id (837P 2010BB/2010BA), no
    diagnosis or more than 12 (HI), more than 50 service lines (loop 2400), a line with no
    pointer, more than four, or one at a diagnosis the encounter does not have (SV107), or
    more than four modifiers (SV101)."""
    problems: list[str] = []
    coverage = primary_coverage(encounter.coverages)
    if coverage is None:
        problems.append("the encounter has no coverage to claim against")
    else:
        if not coverage.payer_id.strip():
            problems.append("the primary coverage has no payer id")
        if not coverage.member_id.strip():
            problems.append("the primary coverage has no member id")
    diagnoses = len(encounter.diagnoses)
    if diagnoses == 0:
        problems.append("the encounter has no diagnosis to support its services")
    if diagnoses > MAX_DIAGNOSES:
        problems.append(f"{diagnoses} diagnoses; a claim carries at most {MAX_DIAGNOSES}")
    if len(encounter.services) > MAX_CLAIM_LINES:
        problems.append(
            f"{len(encounter.services)} service lines; a claim carries at most {MAX_CLAIM_LINES}"
        )
    problems += pricing_problems(encounter, chargemaster)
    for service in encounter.services:
        problems += _line_problems(service, diagnoses)
    return problems


def _line_problems(service: Service, diagnoses: int) -> list[str]:
    line = f"service line {service.line_number}"
    problems = []
    pointers = service.diagnosis_pointers
    if not 1 <= len(pointers) <= MAX_POINTERS:
        problems.append(f"{line}: needs 1 to {MAX_POINTERS} diagnosis pointers")
    problems += [
        f"{line}: points at diagnosis {pointer}; the encounter has {diagnoses}"
        for pointer in pointers
        if not 1 <= pointer <= diagnoses
    ]
    if len(service.modifiers) > MAX_MODIFIERS:
        problems.append(f"{line}: more than {MAX_MODIFIERS} modifiers")
    return problems

"""Billing an encounter, and correcting what was billed when a later coding arrives.

A re-sent encounter (the EHR sent it again, a review was completed again) is a correction,
never a second bill: the newest coding decides what the encounter's one standing document
is, and whatever an older coding billed is undone (a claim replaced or voided, a statement
voided, its ledger charges reversed). A coding older than the one applied changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from .chargemaster import Chargemaster
from .claims import build_claim
from .documents import REPLACEMENT, VOID, Claim, Document, Refusal, Statement, StatementVoid
from .encounter import CodedEncounter, Version
from .ids import claim_id_for, statement_id_for
from .ledger import LedgerEntry, charge_entries, reversal_entries
from .statements import DEFAULT_TERMS, StatementTerms, build_self_pay_statement

CORRECTED = "the encounter was corrected by a later coding"

OutcomeKind = Literal["stale", "unchanged", "billed", "corrected", "refused"]


@dataclass(frozen=True, slots=True)
class Billed:
    """What stands for an encounter: the coding version last applied, the document (or the
    refusal) it gave, and how many documents the encounter has had (ids derive from it)."""

    encounter_id: str
    version: Version
    current: Claim | Statement | Refusal
    documents_issued: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What applying one coding does. `claims` are new claims in the order they go out (a
    void before anything that follows it); a claim that replaces (7) or voids (8) another
    names it in `replaces`. `ledger` holds the reversals of what no longer stands, then
    the new charges."""

    kind: OutcomeKind
    state: Billed
    claims: tuple[Claim, ...] = ()
    statement: Statement | None = None
    voided_statement: StatementVoid | None = None
    refusal: Refusal | None = None
    ledger: tuple[LedgerEntry, ...] = ()


def bill_encounter(
    previous: Billed | None,
    encounter: CodedEncounter,
    chargemaster: Chargemaster,
    *,
    now: datetime,
    terms: StatementTerms = DEFAULT_TERMS,
) -> Outcome:
    """Apply one coding of an encounter to what the biller holds for it (`previous`).

    - Insured: a claim to the primary payer; self-pay: a patient statement; either may be
      refused (scrub.claim_problems, statements.build_self_pay_statement).
    - A coding whose version is not newer than `previous.version` is stale: nothing.
    - A newer coding that bills exactly what stands (same claim content, same statement
      lines, same refusal reasons) changes nothing but the version.
    - Otherwise it corrects: a released claim is replaced by a claim with frequency code 7
      (837P CLM05-3, "replacement of prior claim", REF*F8 the prior claim), or voided with
      frequency code 8 when the encounter is now self-pay or refused; a standing statement
      is voided (and reissued when still self-pay); the charges of what no longer stands
      are reversed; then the new document's charges are posted.
    """
    if previous is not None and encounter.version <= previous.version:
        return Outcome("stale", previous)
    issued = previous.documents_issued if previous is not None else 0
    candidate = _build(encounter, chargemaster, issued, now, terms)
    if previous is not None and _same_bill(previous.current, candidate):
        return Outcome("unchanged", replace(previous, version=encounter.version))

    before = previous.current if previous is not None else None
    claims: list[Claim] = []
    ledger: list[LedgerEntry] = []
    voided: StatementVoid | None = None
    if isinstance(before, Claim | Statement):
        ledger += reversal_entries(charge_entries(before))
    if isinstance(before, Claim):
        if isinstance(candidate, Claim):
            candidate = replace(candidate, frequency=REPLACEMENT, replaces=before.claim_id)
        else:
            claims.append(
                replace(
                    before,
                    claim_id=claim_id_for(encounter.encounter_id, issued),
                    submitted_at=now,
                    frequency=VOID,
                    replaces=before.claim_id,
                )
            )
            issued += 1
            candidate = _renumbered(candidate, encounter, issued)
    if isinstance(before, Statement):
        if isinstance(candidate, Statement):
            candidate = replace(candidate, replaces=before.statement_id)
        voided = StatementVoid(
            statement_id=before.statement_id,
            patient_account=before.patient_account,
            encounter_id=encounter.encounter_id,
            voided_at=now,
            reason=CORRECTED,
            replaced_by=candidate.statement_id if isinstance(candidate, Statement) else None,
        )

    if isinstance(candidate, Refusal):
        state = Billed(encounter.encounter_id, encounter.version, candidate, issued)
        return Outcome("refused", state, tuple(claims), None, voided, candidate, tuple(ledger))
    ledger += charge_entries(candidate)
    state = Billed(encounter.encounter_id, encounter.version, candidate, issued + 1)
    kind: OutcomeKind = "billed" if before is None or isinstance(before, Refusal) else "corrected"
    if isinstance(candidate, Claim):
        claims.append(candidate)
        return Outcome(kind, state, tuple(claims), None, voided, None, tuple(ledger))
    return Outcome(kind, state, tuple(claims), candidate, voided, None, tuple(ledger))


def _build(
    encounter: CodedEncounter,
    chargemaster: Chargemaster,
    revision: int,
    now: datetime,
    terms: StatementTerms,
) -> Document | Refusal:
    if encounter.self_pay:
        return build_self_pay_statement(
            encounter,
            chargemaster,
            statement_id=statement_id_for(
                encounter.patient.account, encounter.encounter_id, revision
            ),
            statement_date=now.date(),
            terms=terms,
        )
    return build_claim(
        encounter,
        chargemaster,
        claim_id=claim_id_for(encounter.encounter_id, revision),
        submitted_at=now,
    )


def _renumbered(
    candidate: Statement | Refusal, encounter: CodedEncounter, revision: int
) -> Statement | Refusal:
    if isinstance(candidate, Refusal):
        return candidate
    statement_id = statement_id_for(encounter.patient.account, encounter.encounter_id, revision)
    return replace(candidate, statement_id=statement_id)


def _same_bill(current: Claim | Statement | Refusal, candidate: Document | Refusal) -> bool:
    return type(current) is type(candidate) and current.billed() == candidate.billed()

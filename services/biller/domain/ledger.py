"""The patient ledger: double entries from which an account's balance is always derived."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args

from schemas.billing import ClaimSubmittedData, StatementIssuedData
from schemas.values import TWO_PLACES

from .errors import ChargesAlreadyClaimed, LedgerAccountMismatch, LedgerEntryInvalid

EntryType = Literal["charge", "payment", "adjustment", "patient_payment"]
ENTRY_TYPES: frozenset[str] = frozenset(get_args(EntryType))

REVENUE = "gl:revenue"
CASH = "gl:cash"
ALLOWANCES = "gl:allowances"

_OFFSET_ACCOUNT: dict[str, str] = {
    "charge": REVENUE,
    "payment": CASH,
    "adjustment": ALLOWANCES,
    "patient_payment": CASH,
}


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One posting to a patient (guarantor) account, recorded as a balanced pair of legs.

    The patient account is a receivable. A `charge` debits it (the patient's side owes
    more) and credits revenue; a `payment` (from a payer, 835 CLP04/SVC03) debits cash
    and credits it; an `adjustment` (a contractual write-off, 835 CAS group CO, or a
    self-pay discount) debits allowances and credits it; a `patient_payment` debits cash
    and credits it. So every entry's debits equal its credits, and the account's balance
    is debits - credits on the receivable. `amount` is never negative: the type gives the
    direction, and a correction is a new entry, never an edit. `reference` is the source
    document (claim, statement or remittance id); `line_number` its line, if any.
    """

    account: str
    entry_type: EntryType
    amount: Decimal
    reference: str
    encounter_id: str | None = None
    line_number: int | None = None

    def __post_init__(self) -> None:
        if not self.account:
            raise LedgerEntryInvalid("a ledger entry needs an account")
        if self.entry_type not in ENTRY_TYPES:
            raise LedgerEntryInvalid(f"unknown entry type {self.entry_type!r}")
        amount = Decimal(self.amount)
        if not amount.is_finite() or amount < 0 or amount != amount.quantize(TWO_PLACES):
            raise LedgerEntryInvalid(
                f"amount {self.amount} must be zero or more with at most two places"
            )
        object.__setattr__(self, "amount", amount.quantize(TWO_PLACES))

    @property
    def debit_account(self) -> str:
        """The account this entry debits: the receivable for a charge, else the offset."""
        return self.account if self.entry_type == "charge" else _OFFSET_ACCOUNT[self.entry_type]

    @property
    def credit_account(self) -> str:
        """The account this entry credits: revenue for a charge, else the receivable."""
        return REVENUE if self.entry_type == "charge" else self.account

    @property
    def receivable_change(self) -> Decimal:
        """What this entry does to the account balance: + for a charge, - for the others."""
        return self.amount if self.entry_type == "charge" else -self.amount


def charge_entries(document: ClaimSubmittedData | StatementIssuedData) -> list[LedgerEntry]:
    """The entries that put a claim's or a self-pay statement's charges on the account.

    A claim posts one charge per claim line (837P SV102). A self-pay statement posts one
    charge per line and, where the line shows a self-pay discount, an adjustment for it,
    so the account balance equals the statement's amount due. A statement that shows
    insurance payments bills charges its claim already posted, and raises
    ChargesAlreadyClaimed rather than posting them twice.
    """
    if isinstance(document, ClaimSubmittedData):
        return [
            LedgerEntry(
                account=document.patient_account,
                entry_type="charge",
                amount=line.charge,
                reference=str(document.claim_id),
                encounter_id=document.encounter_id,
                line_number=line.line_number,
            )
            for line in document.lines
        ]
    if any(line.insurance_paid for line in document.lines):
        raise ChargesAlreadyClaimed(str(document.statement_id))
    encounter_id = document.encounter_ids[0] if len(document.encounter_ids) == 1 else None
    entries: list[LedgerEntry] = []
    for number, line in enumerate(document.lines, start=1):
        amounts: list[tuple[EntryType, Decimal]] = [("charge", line.charges)]
        if line.adjustments:
            amounts.append(("adjustment", line.adjustments))
        entries.extend(
            LedgerEntry(
                account=document.patient_account,
                entry_type=entry_type,
                amount=amount,
                reference=str(document.statement_id),
                encounter_id=encounter_id,
                line_number=number,
            )
            for entry_type, amount in amounts
        )
    return entries


def balance(entries: Iterable[LedgerEntry]) -> Decimal:
    """An account's balance, derived from its entries alone: charges - everything credited.

    Positive: the patient's side still owes; negative: a credit balance (overpayment).
    Raises LedgerAccountMismatch for entries of more than one account.
    """
    total = Decimal("0.00")
    accounts: set[str] = set()
    for entry in entries:
        accounts.add(entry.account)
        total += entry.receivable_change
    if len(accounts) > 1:
        raise LedgerAccountMismatch(accounts)
    return total

"""The patient ledger: double entries from which an account's balance is always derived."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal, get_args

from .documents import Claim, Document, Statement
from .errors import ChargesAlreadyClaimed, LedgerAccountMismatch, LedgerEntryInvalid
from .money import TWO_PLACES, ZERO, is_cents

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
    direction. Entries are never edited or deleted: a `reversal` entry undoes an earlier
    one of the same type, amount and reference by swapping its legs (a reversing entry).
    `reference` is the source document (claim, statement or remittance id); `line_number`
    its line, if any.
    """

    account: str
    entry_type: EntryType
    amount: Decimal
    reference: str
    encounter_id: str | None = None
    line_number: int | None = None
    reversal: bool = False

    def __post_init__(self) -> None:
        if not self.account:
            raise LedgerEntryInvalid("a ledger entry needs an account")
        if self.entry_type not in ENTRY_TYPES:
            raise LedgerEntryInvalid(f"unknown entry type {self.entry_type!r}")
        amount = Decimal(self.amount)
        if not is_cents(amount) or amount < 0:
            raise LedgerEntryInvalid(
                f"amount {self.amount} must be zero or more with at most two places"
            )
        object.__setattr__(self, "amount", amount.quantize(TWO_PLACES))

    @property
    def _increases_receivable(self) -> bool:
        return (self.entry_type == "charge") != self.reversal

    @property
    def debit_account(self) -> str:
        """The account this entry debits: the receivable when it adds to what is owed."""
        return self.account if self._increases_receivable else self._offset

    @property
    def credit_account(self) -> str:
        """The account this entry credits: the receivable when it takes from what is owed."""
        return self._offset if self._increases_receivable else self.account

    @property
    def _offset(self) -> str:
        return _OFFSET_ACCOUNT[self.entry_type]

    @property
    def receivable_change(self) -> Decimal:
        """What this entry does to the account balance: + when it adds to what is owed."""
        return self.amount if self._increases_receivable else -self.amount


def charge_entries(document: Document) -> list[LedgerEntry]:
    """The entries that put a claim's or a self-pay statement's charges on the account.

    A claim posts one charge per claim line (837P SV102); a void (frequency 8) posts
    nothing (the voided claim's charges are reversed instead). A self-pay statement posts
    one charge per line and, where the line shows a self-pay discount, an adjustment for
    it, so the account balance equals the statement's amount due. A statement that shows
    insurance payments bills charges its claim already posted, and raises
    ChargesAlreadyClaimed rather than posting them twice.
    """
    if isinstance(document, Claim):
        if document.frequency == "8":
            return []
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
    return _statement_entries(document)


def _statement_entries(document: Statement) -> list[LedgerEntry]:
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


def reversal_entries(entries: Iterable[LedgerEntry]) -> list[LedgerEntry]:
    """The reversing entries that undo `entries` (each with its legs swapped), so that the
    sum of both is zero on every account and the originals stay as they were posted."""
    return [replace(entry, reversal=not entry.reversal) for entry in entries]


def balance(entries: Iterable[LedgerEntry]) -> Decimal:
    """An account's balance, derived from its entries alone: charges - everything credited,
    with reversals counted against what they reverse.

    Positive: the patient's side still owes; negative: a credit balance (overpayment).
    Raises LedgerAccountMismatch for entries of more than one account.
    """
    total = ZERO
    accounts: set[str] = set()
    for entry in entries:
        accounts.add(entry.account)
        total += entry.receivable_change
    if len(accounts) > 1:
        raise LedgerAccountMismatch(accounts)
    return total

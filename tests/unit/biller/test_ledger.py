from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest

from services.biller.domain import (
    Chargemaster,
    ChargesAlreadyClaimed,
    Claim,
    LedgerAccountMismatch,
    LedgerEntry,
    LedgerEntryInvalid,
    Statement,
    StatementTerms,
    balance,
    build_claim,
    build_self_pay_statement,
    charge_entries,
    reversal_entries,
)

from .factories import coded_encounter, self_pay_encounter, service_line

ACCOUNT = "ACCT-0042"
CLAIM_ID = UUID("00000000-0000-4000-8000-000000000001")
STATEMENT_ID = UUID("00000000-0000-4000-8000-0000000000aa")


def entry(entry_type: str, amount: str, account: str = ACCOUNT) -> LedgerEntry:
    return LedgerEntry(account, entry_type, Decimal(amount), reference="R-1")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry_type", "debit", "credit", "change"),
    [
        ("charge", ACCOUNT, "gl:revenue", "100.00"),
        ("payment", "gl:cash", ACCOUNT, "-100.00"),
        ("adjustment", "gl:allowances", ACCOUNT, "-100.00"),
        ("patient_payment", "gl:cash", ACCOUNT, "-100.00"),
    ],
)
def test_each_entry_is_a_balanced_pair(
    entry_type: str, debit: str, credit: str, change: str
) -> None:
    posted = entry(entry_type, "100.00")
    assert (posted.debit_account, posted.credit_account) == (debit, credit)
    assert posted.receivable_change == Decimal(change)


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([], "0.00"),
        ([("charge", "150.00")], "150.00"),
        ([("charge", "150.00"), ("payment", "90.00"), ("adjustment", "30.00")], "30.00"),
        ([("charge", "150.00"), ("payment", "90.00"), ("adjustment", "30.00"),
          ("patient_payment", "30.00")], "0.00"),
        ([("charge", "50.00"), ("patient_payment", "60.00")], "-10.00"),
        ([("charge", "0.10"), ("charge", "0.20"), ("payment", "0.30")], "0.00"),
    ],
)  # fmt: skip
def test_balance_is_charges_less_credits(entries: list[tuple[str, str]], expected: str) -> None:
    assert balance(entry(t, a) for t, a in entries) == Decimal(expected)


@pytest.mark.parametrize("amount", ["-0.01", "1.005", "NaN", "Infinity"])
def test_bad_amounts_are_refused(amount: str) -> None:
    with pytest.raises(LedgerEntryInvalid):
        entry("charge", amount)


def test_unknown_type_and_empty_account_are_refused() -> None:
    with pytest.raises(LedgerEntryInvalid):
        entry("refund", "1.00")
    with pytest.raises(LedgerEntryInvalid):
        entry("charge", "1.00", account="")


def test_amounts_are_kept_in_cents() -> None:
    assert entry("charge", "5").amount.as_tuple().exponent == -2


def test_balance_is_per_account() -> None:
    with pytest.raises(LedgerAccountMismatch):
        balance([entry("charge", "1.00"), entry("charge", "1.00", account="ACCT-9")])


def test_claim_posts_one_charge_per_line(chargemaster: Chargemaster) -> None:
    claim = build_claim(
        coded_encounter(
            service_lines=[service_line(1, "99213"), service_line(2, "J3301", units=4)]
        ),
        chargemaster,
        claim_id=CLAIM_ID,
        submitted_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    assert isinstance(claim, Claim)
    entries = charge_entries(claim)
    assert [(e.entry_type, e.amount, e.line_number) for e in entries] == [
        ("charge", Decimal("150.00"), 1),
        ("charge", Decimal("33.00"), 2),
    ]
    assert {(e.account, e.reference, e.encounter_id) for e in entries} == {
        (ACCOUNT, str(CLAIM_ID), "ENC-100234")
    }
    assert balance(entries) == claim.total_charge


@pytest.mark.parametrize("rate", ["0", "0.4", "1"])
def test_statement_balance_is_its_amount_due(chargemaster: Chargemaster, rate: str) -> None:
    statement = build_self_pay_statement(
        self_pay_encounter(),
        chargemaster,
        statement_id=STATEMENT_ID,
        statement_date=date(2026, 11, 3),
        terms=StatementTerms(self_pay_discount_rate=Decimal(rate)),
    )
    assert isinstance(statement, Statement)
    entries = charge_entries(statement)
    assert balance(entries) == statement.amount_due
    charges = [e for e in entries if e.entry_type == "charge"]
    assert [e.amount for e in charges] == [line.charges for line in statement.lines]
    adjustments = [e for e in entries if e.entry_type == "adjustment"]
    assert len(adjustments) == (0 if rate == "0" else len(statement.lines))
    assert {e.reference for e in entries} == {str(STATEMENT_ID)}


def test_statement_with_insurance_payments_is_not_posted_again(
    chargemaster: Chargemaster,
) -> None:
    statement = build_self_pay_statement(
        self_pay_encounter(),
        chargemaster,
        statement_id=STATEMENT_ID,
        statement_date=date(2026, 11, 3),
    )
    assert isinstance(statement, Statement)
    first = statement.lines[0]
    paid = replace(first, insurance_paid=Decimal("100.00"), patient_owes=first.charges - 100)
    with pytest.raises(ChargesAlreadyClaimed):
        charge_entries(replace(statement, lines=(paid, *statement.lines[1:])))


@pytest.mark.parametrize(
    ("entry_type", "debit", "credit", "change"),
    [
        ("charge", "gl:revenue", ACCOUNT, "-100.00"),
        ("payment", ACCOUNT, "gl:cash", "100.00"),
        ("adjustment", ACCOUNT, "gl:allowances", "100.00"),
        ("patient_payment", ACCOUNT, "gl:cash", "100.00"),
    ],
)
def test_a_reversal_swaps_the_legs_of_what_it_reverses(
    entry_type: str, debit: str, credit: str, change: str
) -> None:
    original = entry(entry_type, "100.00")
    (reversal,) = reversal_entries([original])
    assert reversal.reversal and not original.reversal
    assert (reversal.entry_type, reversal.amount, reversal.reference) == (
        original.entry_type,
        original.amount,
        original.reference,
    )
    assert (reversal.debit_account, reversal.credit_account) == (debit, credit)
    assert reversal.receivable_change == Decimal(change)
    assert balance([original, reversal]) == 0


def test_reversing_a_void_claim_posts_nothing(chargemaster: Chargemaster) -> None:
    claim = build_claim(
        coded_encounter(),
        chargemaster,
        claim_id=CLAIM_ID,
        submitted_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    assert isinstance(claim, Claim)
    assert charge_entries(replace(claim, frequency="8")) == []

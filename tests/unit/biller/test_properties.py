"""Properties that hold for any mix of priced services and any sequence of postings."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from services.biller.domain import (
    Chargemaster,
    LedgerEntry,
    balance,
    build_claim,
    charge_entries,
    load_chargemaster,
)

from .factories import coded_encounter, service_line

CHARGEMASTER: Chargemaster = load_chargemaster()
CODES = sorted(entry.code for entry in CHARGEMASTER)

priced_lines = st.lists(
    st.tuples(
        st.sampled_from(CODES),
        st.integers(min_value=1, max_value=99),
        st.sampled_from([[], ["50"], ["25"], ["RT"], ["59", "50"]]),
    ),
    min_size=1,
    max_size=50,
    unique_by=lambda line: line[0],
)


@given(priced_lines)
def test_claim_total_is_the_sum_of_its_lines(lines: list[tuple[str, int, list[str]]]) -> None:
    coded = coded_encounter(
        service_lines=[
            service_line(number, code, units=units, modifiers=modifiers)
            for number, (code, units, modifiers) in enumerate(lines, start=1)
        ]
    )
    claim = build_claim(
        coded,
        CHARGEMASTER,
        claim_id=UUID(int=1),
        submitted_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    assert claim.total_charge == sum(line.charge for line in claim.lines)
    for line, (code, units, modifiers) in zip(claim.lines, lines, strict=True):
        assert line.charge == CHARGEMASTER.price(code, modifiers, units)
        assert line.charge.as_tuple().exponent == -2
    assert balance(charge_entries(claim)) == claim.total_charge


cents = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
postings = st.lists(
    st.tuples(st.sampled_from(["charge", "payment", "adjustment", "patient_payment"]), cents),
    max_size=60,
)


@given(postings)
def test_balance_is_charges_less_payments_and_adjustments(
    sequence: list[tuple[str, Decimal]],
) -> None:
    entries = [
        LedgerEntry("ACCT-0042", entry_type, amount, reference=f"R-{n}")  # type: ignore[arg-type]
        for n, (entry_type, amount) in enumerate(sequence)
    ]

    def total(*types: str) -> Decimal:
        return sum((amount for kind, amount in sequence if kind in types), Decimal(0))

    assert balance(entries) == total("charge") - total("payment", "adjustment", "patient_payment")
    debits = sum((e.amount for e in entries if e.debit_account == "ACCT-0042"), Decimal(0))
    credits = sum((e.amount for e in entries if e.credit_account == "ACCT-0042"), Decimal(0))
    assert balance(entries) == debits - credits

"""Properties that hold for any mix of priced services and any sequence of postings, and for
the ledger over any sequence of codings, re-sends and corrections of encounters."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from services.biller.chargemaster_file import load_chargemaster
from services.biller.domain import (
    Billed,
    Chargemaster,
    Claim,
    CodedEncounter,
    Document,
    LedgerEntry,
    Statement,
    StatementTerms,
    Version,
    balance,
    bill_encounter,
    build_claim,
    charge_entries,
)

from .factories import coded_encounter, coverage, patient, service_line

CHARGEMASTER: Chargemaster = load_chargemaster()
CODES = sorted(entry.code for entry in CHARGEMASTER)
NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)

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
    assert isinstance(claim, Claim)
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


# Codings of three encounters drawn from a small pool, so that re-sends with the same
# content, coverage flips (self-pay <-> insured, another payer), a changed account, an
# unpriced code (99499: refused), and late arrivals of older versions all happen often.
COVERAGES = [(), (coverage(),), (coverage(payer_id="62308", payer_name="Cigna", member_id="C1"),)]
LINES = [
    ("99213", "87880"),
    ("99214",),
    ("99213", "99499"),
    ("99203", "69210"),
]
codings = st.lists(
    st.tuples(
        st.sampled_from(["ENC-1", "ENC-2", "ENC-3"]),
        st.integers(min_value=0, max_value=20),  # minutes after the first coding
        st.sampled_from(range(len(COVERAGES))),
        st.sampled_from(range(len(LINES))),
        st.sampled_from(["ACCT-1", "ACCT-2"]),
        st.sampled_from([Decimal(0), Decimal("0.25")]),  # the site's discount may change too
    ),
    min_size=1,
    max_size=25,
)


def coding(
    n: int, encounter_id: str, minute: int, cov: int, lines: int, account: str
) -> CodedEncounter:
    return coded_encounter(
        encounter_id=encounter_id,
        version=Version(NOW + timedelta(minutes=minute), UUID(int=n)),
        coverages=list(COVERAGES[cov]),
        service_lines=[service_line(i, code) for i, code in enumerate(LINES[lines], start=1)],
        patient=patient(account=account),
    )


def owed(document: Document) -> Decimal:
    return document.total_charge if isinstance(document, Claim) else document.amount_due


@given(codings)
def test_the_ledger_always_says_what_the_standing_documents_say(
    drawn: list[tuple[str, int, int, int, str, Decimal]],
) -> None:
    states: dict[str, Billed] = {}
    ledger: list[LedgerEntry] = []
    issued: dict[UUID, Document] = {}
    newest: dict[str, CodedEncounter] = {}
    for n, (encounter_id, minute, cov, lines, account, rate) in enumerate(drawn, start=1):
        encounter = coding(n, encounter_id, minute, cov, lines, account)
        before = states.get(encounter_id)
        outcome = bill_encounter(
            before,
            encounter,
            CHARGEMASTER,
            now=NOW + timedelta(hours=n),
            terms=StatementTerms(self_pay_discount_rate=rate),
        )
        if outcome.kind in ("stale", "unchanged"):
            assert not (outcome.claims or outcome.statement or outcome.refusal or outcome.ledger)
            assert not outcome.voided_statement
        if outcome.kind == "stale":
            assert outcome.state == before
        else:
            newest[encounter_id] = encounter
        states[encounter_id] = outcome.state
        ledger += outcome.ledger
        new = [*outcome.claims, *([outcome.statement] if outcome.statement else [])]
        for document in new:
            key = document.claim_id if isinstance(document, Claim) else document.statement_id
            assert key not in issued  # every document has an id of its own
            issued[key] = document

    standing = [s.current for s in states.values() if isinstance(s.current, Claim | Statement)]
    by_account: dict[str, list[LedgerEntry]] = defaultdict(list)
    for entry in ledger:
        by_account[entry.account].append(entry)
    for account in {"ACCT-1", "ACCT-2"}:
        entries = by_account[account]
        assert balance(entries) == sum((e.receivable_change for e in entries), Decimal(0))
        assert balance(entries) == sum(
            (owed(d) for d in standing if d.patient_account == account), Decimal(0)
        )
    # and what stands is what the newest coding alone bills (the order of arrival is moot)
    for encounter_id, state in states.items():
        assert state.version == newest[encounter_id].version
        alone = bill_encounter(None, newest[encounter_id], CHARGEMASTER, now=NOW)
        alone_current = alone.state.current
        if isinstance(state.current, Statement):
            # a reissue keeps the discount of the terms it was issued under
            assert isinstance(alone_current, Statement)
            assert [line.charges for line in state.current.lines] == [
                line.charges for line in alone_current.lines
            ]
        else:
            assert type(alone_current) is type(state.current)
            assert alone_current.billed() == state.current.billed()

"""The correction rules of domain.billing: one standing document per encounter, the newest
coding decides, and what no longer stands is undone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from services.biller.domain import (
    Billed,
    Chargemaster,
    Claim,
    CodedEncounter,
    Outcome,
    Refusal,
    Statement,
    Version,
    balance,
    bill_encounter,
    claim_id_for,
    statement_id_for,
)

from .factories import CODED_AT, coded_encounter, coverage, lines_for, self_pay_encounter

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
CIGNA = coverage(payer_id="62308", payer_name="Cigna", member_id="C1")


def version(minutes: int, event: int = 1) -> Version:
    return Version(CODED_AT + timedelta(minutes=minutes), UUID(int=event))


def bill(chargemaster: Chargemaster, *codings: CodedEncounter) -> list[Outcome]:
    state: Billed | None = None
    outcomes = []
    for coding in codings:
        outcome = bill_encounter(state, coding, chargemaster, now=NOW)
        state = outcome.state
        outcomes.append(outcome)
    return outcomes


def test_versions_order_by_coding_time_then_event_id() -> None:
    assert version(0, 9) < version(1, 1) < version(1, 2)
    assert version(1, 2) == version(1, 2)


def test_a_first_coding_is_billed_with_the_original_ids(chargemaster: Chargemaster) -> None:
    (claimed,) = bill(chargemaster, coded_encounter())
    (claim,) = claimed.claims
    assert (claimed.kind, claim.claim_id, claim.frequency) == (
        "billed",
        claim_id_for("ENC-100234"),
        "1",
    )
    (stated,) = bill(chargemaster, self_pay_encounter())
    assert stated.statement is not None
    assert stated.statement.statement_id == statement_id_for("ACCT-0042", "ENC-100234")


def test_a_newer_coding_billing_the_same_changes_only_the_version(
    chargemaster: Chargemaster,
) -> None:
    first, again = bill(chargemaster, coded_encounter(), coded_encounter(version=version(5)))
    assert again.kind == "unchanged"
    assert (again.claims, again.ledger) == ((), ())
    assert again.state == Billed("ENC-100234", version(5), first.state.current, 1)


def test_an_older_coding_is_stale(chargemaster: Chargemaster) -> None:
    newer, older = bill(
        chargemaster, coded_encounter(version=version(5)), self_pay_encounter(version=version(1))
    )
    assert older.kind == "stale"
    assert older.state == newer.state
    assert (older.claims, older.statement, older.ledger) == ((), None, ())


def test_a_claim_corrected_is_replaced_with_frequency_7(chargemaster: Chargemaster) -> None:
    first, second = bill(
        chargemaster,
        coded_encounter(),
        coded_encounter(version=version(5), coverages=[CIGNA]),
    )
    (original,) = first.claims
    (replacement,) = second.claims
    assert (replacement.frequency, replacement.replaces) == ("7", original.claim_id)
    assert replacement.claim_id == claim_id_for("ENC-100234", 1)
    assert replacement.payer_id == "62308"
    assert balance([*first.ledger, *second.ledger]) == replacement.total_charge


def test_a_claim_whose_encounter_turns_self_pay_is_voided_with_frequency_8(
    chargemaster: Chargemaster,
) -> None:
    first, second = bill(chargemaster, coded_encounter(), self_pay_encounter(version=version(5)))
    (original,) = first.claims
    (void,) = second.claims
    assert (void.frequency, void.replaces, void.lines) == ("8", original.claim_id, original.lines)
    assert isinstance(second.statement, Statement)
    assert len({original.claim_id, void.claim_id, second.statement.statement_id}) == 3
    assert second.state.documents_issued == 3
    assert balance([*first.ledger, *second.ledger]) == second.statement.amount_due


def test_a_statement_corrected_is_voided_and_reissued(chargemaster: Chargemaster) -> None:
    first, second = bill(
        chargemaster,
        self_pay_encounter(),
        self_pay_encounter(version=version(5), service_lines=lines_for("99214")),
    )
    assert first.statement is not None and second.statement is not None
    assert second.voided_statement is not None
    assert second.voided_statement.statement_id == first.statement.statement_id
    assert second.voided_statement.replaced_by == second.statement.statement_id
    assert second.statement.replaces == first.statement.statement_id
    assert balance([*first.ledger, *second.ledger]) == Decimal("220.00")


def test_a_refused_correction_undoes_what_was_billed(chargemaster: Chargemaster) -> None:
    first, second = bill(
        chargemaster,
        coded_encounter(),
        coded_encounter(version=version(5), service_lines=lines_for("99499")),
    )
    assert second.kind == "refused"
    assert isinstance(second.refusal, Refusal)
    assert [claim.frequency for claim in second.claims] == ["8"]
    assert balance([*first.ledger, *second.ledger]) == 0
    assert isinstance(second.state.current, Refusal)


def test_the_same_refusal_again_is_not_announced_again(chargemaster: Chargemaster) -> None:
    unpriced = lines_for("99499")
    first, second = bill(
        chargemaster,
        coded_encounter(service_lines=unpriced),
        coded_encounter(version=version(5), service_lines=unpriced),
    )
    assert (first.kind, second.kind) == ("refused", "unchanged")
    assert second.refusal is None


def test_a_statement_whose_encounter_turns_insured_is_voided_for_an_original_claim(
    chargemaster: Chargemaster,
) -> None:
    first, second = bill(chargemaster, self_pay_encounter(), coded_encounter(version=version(5)))
    assert second.voided_statement is not None
    assert second.voided_statement.replaced_by is None
    (claim,) = second.claims
    assert isinstance(claim, Claim) and (claim.frequency, claim.replaces) == ("1", None)
    assert balance([*first.ledger, *second.ledger]) == claim.total_charge

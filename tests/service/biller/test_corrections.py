"""Defects of the biller on re-sent encounters (issue 6, item 8), each failing on the code
before the fix: effects exactly once per document whatever a batch holds, and a re-sent
encounter corrects what its earlier coding billed instead of billing it twice."""

from __future__ import annotations

import json
from decimal import Decimal

import asyncpg

from .events import coded_encounter, coded_event, coverage, lines_for, self_pay_encounter

CIGNA = coverage(payer_id="62308", payer_name="Cigna", member_id="C1")


def data_of(message) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(message.value)["data"]


async def charges(conn: asyncpg.Connection) -> Decimal:
    """The account's balance from the columns every version of the ledger has."""
    return await conn.fetchval(
        "SELECT coalesce(sum(CASE WHEN entry_type = 'charge' THEN amount ELSE -amount END"
        " * CASE WHEN coalesce((to_jsonb(l) ->> 'reversal')::boolean, false) THEN -1 ELSE 1 END),"
        " 0) FROM ledger_entries l WHERE patient_account = 'ACCT-0042'"
    )


async def test_two_codings_of_one_self_pay_encounter_in_one_batch_bill_it_once(conn, apply) -> None:
    first = coded_event(self_pay_encounter())
    resent = coded_event(self_pay_encounter(), minutes=1)  # the EHR re-sent it: new event id
    applied = await apply([first, resent])

    assert len(applied.of_topic("statement.issued")) == 1
    assert await charges(conn) == Decimal("188.00")
    assert await conn.fetchval("SELECT count(*) FROM statements") == 1


async def test_two_codings_of_one_insured_encounter_in_one_batch_bill_it_once(conn, apply) -> None:
    first = coded_event(coded_encounter())
    again = coded_event(coded_encounter(), minutes=1)  # a review completed twice
    applied = await apply([first, again])

    assert len(applied.of_topic("claim.submitted")) == 1
    assert await charges(conn) == Decimal("188.00")


async def test_a_self_pay_encounter_re_sent_insured_is_claimed_and_its_statement_voided(
    conn, apply
) -> None:
    await apply([coded_event(self_pay_encounter())])
    applied = await apply([coded_event(coded_encounter(), minutes=10)])

    assert await charges(conn) == Decimal("188.00")  # not 376.00: billed one way only
    assert [m.topic for m in applied.emitted] == ["statement.voided", "claim.submitted"]
    voided, claim = (data_of(m) for m in applied.emitted)
    statement_id = await conn.fetchval("SELECT statement_id FROM statements")
    assert voided["statement_id"] == str(statement_id)
    assert voided["replaced_by_statement_id"] is None
    assert (claim["frequency_code"], claim["replaces_claim_id"]) == ("1", None)
    assert await conn.fetchval("SELECT status FROM statements") == "voided"
    assert await conn.fetchval("SELECT status FROM claims") == "submitted"
    reversals = await conn.fetch(
        "SELECT entry_type, amount, reference FROM ledger_entries WHERE reversal ORDER BY id"
    )
    assert [(r["entry_type"], r["amount"], r["reference"]) for r in reversals] == [
        ("charge", Decimal("150.00"), str(statement_id)),
        ("charge", Decimal("38.00"), str(statement_id)),
    ]


async def test_an_insured_encounter_re_sent_self_pay_voids_its_claim(conn, apply) -> None:
    await apply([coded_event(coded_encounter())])
    original = await conn.fetchval("SELECT claim_id FROM claims")
    applied = await apply([coded_event(self_pay_encounter(), minutes=10)])

    assert await charges(conn) == Decimal("188.00")
    assert [m.topic for m in applied.emitted] == ["claim.submitted", "statement.issued"]
    void = data_of(applied.emitted[0])
    assert (void["frequency_code"], void["replaces_claim_id"]) == ("8", str(original))
    assert (
        void["lines"]
        == json.loads(
            await conn.fetchval("SELECT claim FROM claims WHERE claim_id = $1", original)
        )["data"]["lines"]
    )
    statuses = await conn.fetch("SELECT frequency_code, status FROM claims ORDER BY created_at")
    assert sorted((r["frequency_code"], r["status"]) for r in statuses) == [
        ("1", "voided"),
        ("8", "void"),
    ]
    assert await conn.fetchval("SELECT status FROM statements") == "issued"


async def test_a_released_claim_corrected_gets_a_replacement_claim(conn, apply) -> None:
    await apply([coded_event(coded_encounter())])
    original = await conn.fetchval("SELECT claim_id FROM claims")
    corrected = coded_encounter(coverages=[CIGNA], service_lines=lines_for("99214"))
    applied = await apply([coded_event(corrected, minutes=10)])

    (message,) = applied.emitted
    claim = data_of(message)
    assert (claim["frequency_code"], claim["replaces_claim_id"]) == ("7", str(original))
    assert (claim["payer_id"], claim["total_charge"]) == ("62308", "220.00")
    assert claim["claim_id"] != str(original)
    assert await charges(conn) == Decimal("220.00")
    rows = await conn.fetch("SELECT claim_id, status FROM claims")
    assert {(r["claim_id"] == original, r["status"]) for r in rows} == {
        (True, "replaced"),
        (False, "submitted"),
    }


async def test_a_self_pay_statement_corrected_is_voided_and_reissued(conn, apply) -> None:
    await apply([coded_event(self_pay_encounter())])
    first = await conn.fetchval("SELECT statement_id FROM statements")
    applied = await apply(
        [coded_event(self_pay_encounter(service_lines=lines_for("99214")), minutes=3)]
    )

    assert [m.topic for m in applied.emitted] == ["statement.voided", "statement.issued"]
    voided, issued = (data_of(m) for m in applied.emitted)
    assert voided["replaced_by_statement_id"] == issued["statement_id"]
    assert issued["replaces_statement_id"] == str(first)
    assert issued["amount_due"] == "220.00"
    assert await charges(conn) == Decimal("220.00")


async def test_a_re_send_with_the_same_codes_and_coverage_changes_nothing(conn, apply) -> None:
    await apply([coded_event(coded_encounter())])
    before = await conn.fetch("SELECT * FROM ledger_entries ORDER BY id")
    applied = await apply([coded_event(coded_encounter(), minutes=30)])

    assert applied.emitted == []
    assert await conn.fetch("SELECT * FROM ledger_entries ORDER BY id") == before
    assert await conn.fetchval("SELECT count(*) FROM claims") == 1


async def test_an_older_coding_arriving_late_does_not_undo_a_newer_one(conn, apply) -> None:
    newer = coded_event(coded_encounter(), minutes=10)
    older = coded_event(self_pay_encounter(), minutes=0)
    await apply([newer])
    applied = await apply([older])

    assert applied.emitted == []
    assert await charges(conn) == Decimal("188.00")
    assert await conn.fetchval("SELECT count(*) FROM statements") == 0


async def test_in_one_batch_only_the_newest_coding_is_billed_whatever_the_order(
    conn, apply
) -> None:
    insured = coded_event(coded_encounter(), minutes=5)
    self_pay = coded_event(self_pay_encounter(), minutes=0)
    applied = await apply([insured, self_pay])

    assert [m.topic for m in applied.emitted] == ["claim.submitted"]
    assert await charges(conn) == Decimal("188.00")


async def test_the_balance_is_what_the_standing_documents_say(conn, apply) -> None:
    codings = [
        self_pay_encounter(),
        coded_encounter(),
        coded_encounter(coverages=[CIGNA]),
        coded_encounter(service_lines=lines_for("99499")),
        self_pay_encounter(service_lines=lines_for("99214", "36415")),
    ]
    for minute, coded in enumerate(codings):
        await apply([coded_event(coded, minutes=minute)])
        standing = await conn.fetchval(
            "SELECT coalesce((SELECT sum(total_charge) FROM claims WHERE status = 'submitted'), 0)"
            " + coalesce((SELECT sum(amount_due) FROM statements WHERE status = 'issued'), 0)"
        )
        assert await charges(conn) == standing
        derived = await conn.fetchval(
            "SELECT coalesce(sum(receivable_change), 0) FROM ledger_entries"
        )
        assert derived == standing
    assert standing == Decimal("245.00")

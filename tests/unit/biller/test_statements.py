from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from services.biller.domain import (
    Chargemaster,
    Refusal,
    Statement,
    StatementTerms,
    StatementTermsInvalid,
    build_self_pay_statement,
)

from .factories import (
    CLINICAL_DIAGNOSES,
    DATE_OF_SERVICE,
    address,
    coded_encounter,
    diagnosis,
    lines_for,
    patient,
    self_pay_encounter,
    service_line,
)

STATEMENT_ID = UUID("00000000-0000-4000-8000-0000000000aa")
STATEMENT_DATE = date(2026, 11, 3)

# What the coder documented for each line; the biller's domain never even receives it.
CLINICAL_DESCRIPTIONS = [
    "Established patient visit for sore throat and diabetes",
    "Rapid streptococcus antigen assay",
    "Intramuscular penicillin injection",
    "Ketorolac 30 mg for pain",
    "Tobacco cessation counselling",
    "Cerumen removal",
]
CLINICAL_LINES = [
    service_line(1, "99214", modifiers=["25"], pointers=[1, 2]),
    service_line(2, "87880", pointers=[1]),
    service_line(3, "96372", pointers=[1]),
    service_line(4, "J1885", units=2, pointers=[1]),
    service_line(5, "99406", pointers=[3]),
    service_line(6, "69210", modifiers=["50"], pointers=[1]),
]
CLINICAL_DIAGNOSES_CODED = [
    diagnosis(number, code) for number, (code, _) in enumerate(CLINICAL_DIAGNOSES, start=1)
]


def built(chargemaster: Chargemaster, coded=None, **terms: object) -> Statement | Refusal:  # type: ignore[no-untyped-def]
    return build_self_pay_statement(
        coded
        or self_pay_encounter(service_lines=CLINICAL_LINES, diagnoses=CLINICAL_DIAGNOSES_CODED),
        chargemaster,
        statement_id=STATEMENT_ID,
        statement_date=STATEMENT_DATE,
        terms=StatementTerms(**terms),  # type: ignore[arg-type]
    )


def statement_for(chargemaster: Chargemaster, coded=None, **terms: object) -> Statement:  # type: ignore[no-untyped-def]
    statement = built(chargemaster, coded, **terms)
    assert isinstance(statement, Statement), statement
    return statement


def words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z0-9.\-]+", text.lower()) if len(word) > 2}


def test_one_line_per_service_with_its_label(chargemaster: Chargemaster) -> None:
    statement = statement_for(chargemaster)
    assert [line.description for line in statement.lines] == [
        "Office visit", "Lab test", "Shot", "Drug", "Counseling", "Procedure",
    ]  # fmt: skip
    assert {line.date_of_service for line in statement.lines} == {DATE_OF_SERVICE}


def test_labels_carry_no_clinical_detail(chargemaster: Chargemaster) -> None:
    statement = statement_for(chargemaster)
    clinical_words: set[str] = set()
    for service, description in zip(CLINICAL_LINES, CLINICAL_DESCRIPTIONS, strict=True):
        clinical_words |= words(description) | {service.code}
    for code, text in CLINICAL_DIAGNOSES:
        clinical_words |= words(text) | {code.lower()}
    # "visit" is generic; everything else those descriptions say is clinical.
    clinical_words -= {"visit"}
    for line in statement.lines:
        assert not words(line.description) & clinical_words, line.description
    dumped = repr(statement).lower()
    for code, text in CLINICAL_DIAGNOSES:
        assert code.lower() not in dumped
        assert text.lower() not in dumped


def test_totals_without_discount(chargemaster: Chargemaster) -> None:
    statement = statement_for(chargemaster)
    expected = ["220.00", "38.00", "55.00", "25.50", "40.00", "172.50"]
    assert [line.charges for line in statement.lines] == [Decimal(x) for x in expected]
    assert all(line.insurance_paid == 0 for line in statement.lines)
    assert all(line.adjustments == 0 for line in statement.lines)
    assert [line.patient_owes for line in statement.lines] == [Decimal(x) for x in expected]
    assert statement.amount_due == Decimal("551.00")


@pytest.mark.parametrize(
    ("rate", "adjustments", "amount_due"),
    [
        ("0", ["0.00", "0.00", "0.00", "0.00", "0.00", "0.00"], "551.00"),
        ("0.25", ["55.00", "9.50", "13.75", "6.38", "10.00", "43.13"], "413.24"),
        ("1", ["220.00", "38.00", "55.00", "25.50", "40.00", "172.50"], "0.00"),
    ],
)
def test_self_pay_discount_is_an_adjustment(
    chargemaster: Chargemaster, rate: str, adjustments: list[str], amount_due: str
) -> None:
    statement = statement_for(chargemaster, self_pay_discount_rate=Decimal(rate))
    assert [line.adjustments for line in statement.lines] == [Decimal(x) for x in adjustments]
    for line in statement.lines:
        assert line.patient_owes == line.charges - line.adjustments
    assert statement.amount_due == Decimal(amount_due)
    assert statement.amount_due == sum(line.patient_owes for line in statement.lines)


@pytest.mark.parametrize(("terms_days", "due"), [(30, date(2026, 12, 3)), (0, STATEMENT_DATE),
                                                 (60, date(2027, 1, 2))])  # fmt: skip
def test_due_date_is_statement_date_plus_terms(
    chargemaster: Chargemaster, terms_days: int, due: date
) -> None:
    assert statement_for(chargemaster, days=terms_days).due_date == due


def test_default_terms_are_thirty_days(chargemaster: Chargemaster) -> None:
    assert statement_for(chargemaster).due_date == date(2026, 12, 3)


@pytest.mark.parametrize(
    "options",
    [
        {"self_pay_discount_rate": Decimal("-0.01")},
        {"self_pay_discount_rate": Decimal("1.01")},
        {"days": -1},
    ],
)
def test_terms_out_of_range_are_refused(options: dict) -> None:
    with pytest.raises(StatementTermsInvalid):
        StatementTerms(**options)


def test_recipient_is_the_patient(chargemaster: Chargemaster) -> None:
    home = address(line1="4 Oak Lane", line2="Apt 2", postal_code="627040001")
    coded = self_pay_encounter(
        patient=patient(first_name="Sam", last_name="Okafor", email=None,
                        contact_preference="mail", address=home),
    )  # fmt: skip
    statement = statement_for(chargemaster, coded)
    recipient = statement.recipient
    assert (recipient.name, recipient.email, recipient.contact_preference) == (
        "Sam Okafor",
        None,
        "mail",
    )
    assert recipient.address == home


def test_statement_identifies_account_and_encounter(chargemaster: Chargemaster) -> None:
    statement = statement_for(
        chargemaster, self_pay_encounter(), billing_office_phone="+1-217-555-0199"
    )
    assert statement.statement_id == STATEMENT_ID
    assert (statement.patient_account, statement.patient_id) == ("ACCT-0042", "MRN-0042")
    assert statement.encounter_ids == ("ENC-100234",)
    assert statement.statement_date == STATEMENT_DATE
    assert statement.recipient.email == "ana@example.org"
    assert statement.billing_office_phone == "+1-217-555-0199"


def test_insured_encounter_gets_no_self_pay_statement(chargemaster: Chargemaster) -> None:
    assert built(chargemaster, coded_encounter()) == Refusal(
        "ENC-100234", "statement", ("the encounter has coverage; claim it instead",)
    )


def test_unpriced_service_stops_the_statement(chargemaster: Chargemaster) -> None:
    refusal = built(chargemaster, self_pay_encounter(service_lines=lines_for("99213", "0001A")))
    assert refusal == Refusal(
        "ENC-100234",
        "statement",
        ("service line 2: code 0001A has no price in the chargemaster",),
    )

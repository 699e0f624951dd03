"""The patient's statement email: what it says, and everything it must not say."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.notifier.domain import (
    PATIENT_SAFE_LONG_WORDS,
    OutgoingEmail,
    Undeliverable,
    format_usd,
    mask_account,
    notification_id_for,
    statement_email,
)

from .factories import (
    CLINICAL_WORDS,
    EVENT_ID,
    PATIENT_BIRTH_DATE,
    PATIENT_EMAIL,
    PATIENT_FIRST_NAME,
    PATIENT_LAST_NAME,
    recipient,
    statement_issued_data,
    statement_notice,
)

PORTAL = "https://pay.clinic.test/bill"


def render(**overrides: object) -> OutgoingEmail:
    portal_url = overrides.pop("portal_url", PORTAL)
    email = statement_email(statement_notice(**overrides), portal_url=portal_url)  # type: ignore[arg-type]
    assert isinstance(email, OutgoingEmail)
    return email


def everything(email: OutgoingEmail) -> str:
    return "\n".join([email.subject, email.text_body, email.html_body or ""])


def long_words(email: OutgoingEmail) -> set[str]:
    return {word.lower() for word in re.findall(r"[A-Za-z]{7,}", everything(email))}


VARIANTS = {
    "default": {},
    "no portal": {"portal_url": None},
    "no phone": {"billing_office_phone": None},
    "neither": {"portal_url": None, "billing_office_phone": None},
    "nothing due": {"amount_due": Decimal("0.00")},
    "credit": {"amount_due": Decimal("-12.00")},
    "one service": {"lines": statement_issued_data().lines[:1]},
    "short account": {"patient_account": "A42"},
}


def test_renders_the_facts_a_patient_needs_to_pay() -> None:
    email = render()

    assert email.to == PATIENT_EMAIL
    assert email.audience == "patient"
    assert email.template == "statement-ready"
    assert email.subject == "Your billing statement is ready"
    assert email.subject_event_id == EVENT_ID
    assert email.notification_id == notification_id_for(EVENT_ID, "statement-ready", "patient")
    for body in (email.text_body, email.html_body or ""):
        assert "Hello," in body
        assert "$1,234.50" in body
        assert "Due date: 12/02/2026" in body
        assert "Statement date: 11/02/2026" in body
        assert "****0042" in body
        assert "covers 2 services" in body
        assert "+1-217-555-0100" in body
    assert f"Pay online: {PORTAL}" in email.text_body
    assert f'<a href="{PORTAL}">Pay online</a>' in (email.html_body or "")


@pytest.mark.parametrize("overrides", VARIANTS.values(), ids=VARIANTS.keys())
def test_template_uses_only_short_words_or_the_safe_list(overrides: dict[str, object]) -> None:
    assert long_words(render(**overrides)) <= PATIENT_SAFE_LONG_WORDS


@given(
    amount=st.decimals(min_value=-99_999, max_value=9_999_999, places=2, allow_nan=False),
    account=st.text(min_size=1, max_size=30),
    services=st.integers(min_value=1, max_value=40),
    statement_day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)),
    phone=st.none() | st.from_regex(r"\+?[0-9][0-9 ()-]{6,16}", fullmatch=True),
    portal=st.sampled_from([None, PORTAL, "https://pay.mb.test/?a=1&b=2"]),
)
def test_only_safe_long_words_for_any_statement(
    amount: Decimal,
    account: str,
    services: int,
    statement_day: date,
    phone: str | None,
    portal: str | None,
) -> None:
    line = statement_issued_data().lines[0]
    email = render(
        amount_due=amount,
        patient_account=account,
        lines=[line] * services,
        statement_date=statement_day,
        due_date=statement_day + timedelta(days=30),
        billing_office_phone=phone,
        portal_url=portal,
    )

    assert long_words(email) <= PATIENT_SAFE_LONG_WORDS


@pytest.mark.parametrize("overrides", VARIANTS.values(), ids=VARIANTS.keys())
def test_carries_no_clinical_detail_names_or_record_ids(overrides: dict[str, object]) -> None:
    data = statement_issued_data()
    text = everything(render(**overrides))

    for word in CLINICAL_WORDS:
        assert word not in text.lower(), word
    assert not re.search(r"\b[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?\b", text), "ICD-10-CM-like"
    assert not re.search(r"\b([0-9]{4}[0-9A-Z]|[A-V][0-9]{4})\b", text), "CPT/HCPCS-like"
    for name in (PATIENT_FIRST_NAME, PATIENT_LAST_NAME):
        assert not re.search(rf"\b{name}\b", text, re.IGNORECASE), name
    for record_id in (data.patient_id, *data.encounter_ids, str(data.statement_id), "ACCT-0042"):
        assert record_id not in text
    assert PATIENT_EMAIL not in text


def test_the_only_dates_are_the_statement_and_due_dates() -> None:
    data = statement_issued_data()
    text = everything(render())

    assert set(re.findall(r"\d{2}/\d{2}/\d{4}", text)) == {"11/02/2026", "12/02/2026"}
    assert str(PATIENT_BIRTH_DATE.year) not in text
    for line in data.lines:
        assert line.date_of_service.isoformat() not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)


@pytest.mark.parametrize(
    "preference, email",
    [
        ("mail", PATIENT_EMAIL),
        ("sms", PATIENT_EMAIL),
        ("none", PATIENT_EMAIL),
        ("email", None),
        ("email", ""),
        ("email", "   "),
    ],
)
def test_no_email_when_the_patient_is_not_to_be_emailed(preference: str, email: str | None) -> None:
    notice = statement_notice(recipient=recipient(contact_preference=preference, email=email))

    assert statement_email(notice) is None


@pytest.mark.parametrize(
    "bad", ["ana.lopez", "ana@example", "ana@exa mple.org", "a@b.org\nBcc: x@y.org"]
)
def test_a_malformed_address_is_a_refusal_not_a_silent_skip(bad: str) -> None:
    refusal = statement_email(statement_notice(recipient=recipient(email=bad)))

    assert isinstance(refusal, Undeliverable)
    assert refusal.notification_id == notification_id_for(EVENT_ID, "statement-ready", "patient")
    assert (refusal.audience, refusal.template) == ("patient", "statement-ready")
    assert refusal.subject_event_id == EVENT_ID
    assert "undeliverable" in refusal.reason
    assert bad not in repr(refusal)  # the address is masked
    assert "ana.lopez" not in repr(refusal)


def test_address_whitespace_is_trimmed() -> None:
    assert render(recipient=recipient(email=f"  {PATIENT_EMAIL} ")).to == PATIENT_EMAIL


def test_nothing_due_and_credit_say_so_without_a_due_date() -> None:
    nothing = render(amount_due=Decimal("0.00")).text_body
    credit = render(amount_due=Decimal("-12.00")).text_body

    assert "Amount due: $0.00" in nothing and "No payment is due." in nothing
    assert "Amount due: $0.00" in credit and "Credit on your account: $12.00" in credit
    assert "Due date" not in nothing + credit


def test_one_service_is_singular() -> None:
    assert "covers 1 service." in render(lines=statement_issued_data().lines[:1]).text_body


def test_html_escapes_what_it_is_given() -> None:
    html = render(
        portal_url='https://pay.mb.test/?a=1&b="2"', billing_office_phone="<555>"
    ).html_body

    assert 'href="https://pay.mb.test/?a=1&amp;b=&quot;2&quot;"' in (html or "")
    assert "&lt;555&gt;" in (html or "")


@pytest.mark.parametrize(
    "amount, expected",
    [
        ("0", "$0.00"),
        ("0.5", "$0.50"),
        ("5", "$5.00"),
        ("1234.5", "$1,234.50"),
        ("1234567.891", "$1,234,567.89"),
        ("0.005", "$0.01"),
        ("-12", "-$12.00"),
    ],
)
def test_format_usd(amount: str, expected: str) -> None:
    assert format_usd(Decimal(amount)) == expected


@pytest.mark.parametrize(
    "account, expected",
    [("ACCT-0042", "****0042"), ("12345", "****2345"), ("1234", "****"), ("A", "****")],
)
def test_mask_account_keeps_at_most_the_last_four(account: str, expected: str) -> None:
    assert mask_account(account) == expected

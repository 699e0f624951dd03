"""OutgoingEmail: deterministic ids, and the RFC 5322 message a mail system deduplicates on."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import pytest

from services.notifier.domain import (
    NOTIFICATION_NAMESPACE,
    HeaderNotSingleLine,
    InvalidEmailAddress,
    NaiveTimestamp,
    NotificationIdNotDerived,
    NotifierError,
    OutgoingEmail,
    UnknownAudience,
    notification_id_for,
    review_request_email,
    statement_email,
)

from .factories import EVENT_ID, SENT_AT, review_request, statement_notice

SENDER = "Springfield Billing <billing@hospital.test>"


def patient_email() -> OutgoingEmail:
    email = statement_email(statement_notice())
    assert isinstance(email, OutgoingEmail)
    return email


def test_notification_id_is_pinned() -> None:
    # A changed namespace or key would re-send every notification already sent.
    assert uuid5(NAMESPACE_URL, "urn:medbill:notifier:notification") == NOTIFICATION_NAMESPACE
    assert notification_id_for(EVENT_ID, "statement-ready", "patient") == UUID(
        "4d218503-41a7-5e23-a708-1fbdd191735f"
    )


def test_notification_id_is_deterministic_and_distinct_per_part() -> None:
    other = uuid4()
    ids = {
        notification_id_for(EVENT_ID, "statement-ready", "patient"),
        notification_id_for(other, "statement-ready", "patient"),
        notification_id_for(EVENT_ID, "coding-review-requested", "patient"),
        notification_id_for(EVENT_ID, "statement-ready", "billing_office"),
    }

    assert len(ids) == 4
    assert notification_id_for(other, "statement-ready", "patient") in ids
    assert patient_email().notification_id == patient_email().notification_id


def test_message_headers() -> None:
    email = patient_email()

    message = email.to_message(SENDER, sent_at=SENT_AT)

    assert message["Message-ID"] == f"<{email.notification_id}@medbill>"
    assert message["From"] == SENDER
    assert message["To"] == email.to
    assert message["Subject"] == email.subject
    assert message["Auto-Submitted"] == "auto-generated"
    assert parsedate_to_datetime(message["Date"]) == SENT_AT


def test_the_same_notification_always_has_the_same_message_id() -> None:
    first = patient_email().to_message(SENDER, sent_at=SENT_AT)
    retried = patient_email().to_message(SENDER, sent_at=SENT_AT + timedelta(hours=1))

    assert first["Message-ID"] == retried["Message-ID"]


def test_the_same_email_renders_the_same_bytes() -> None:
    assert patient_email().render(SENDER, sent_at=SENT_AT) == patient_email().render(
        SENDER, sent_at=SENT_AT
    )


def test_date_is_the_time_given_in_utc() -> None:
    chicago = SENT_AT.astimezone(timezone(timedelta(hours=-6)))

    assert (
        parsedate_to_datetime(patient_email().to_message(SENDER, sent_at=chicago)["Date"])
        == SENT_AT
    )


def test_html_makes_a_multipart_alternative_text_first() -> None:
    email = patient_email()

    message = email.to_message(SENDER, sent_at=SENT_AT)

    assert message.get_content_type() == "multipart/alternative"
    text, html = message.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert text.get_content() == email.text_body
    assert html.get_content() == email.html_body
    assert message["MIME-Version"] == "1.0"


def test_text_only_is_a_single_part() -> None:
    email = dataclasses.replace(patient_email(), html_body=None)

    message = email.to_message(SENDER, sent_at=SENT_AT)

    assert message.get_content_type() == "text/plain"
    assert not message.is_multipart()
    assert message.get_content() == email.text_body
    assert message["MIME-Version"] == "1.0"


def test_review_email_is_a_message_too() -> None:
    email = review_request_email(review_request(), coding_team="c@h.test")

    message = email.to_message("medbill@hospital.test", sent_at=SENT_AT)

    assert message["Message-ID"] == f"<{email.notification_id}@medbill>"
    assert message.get_content_type() == "multipart/alternative"


@pytest.mark.parametrize(
    "sender, error",
    [
        ("billing", InvalidEmailAddress),
        ("Billing <billing>", InvalidEmailAddress),
        ("billing@hospital.test\r\nBcc: x@y.org", HeaderNotSingleLine),
    ],
)
def test_a_bad_sender_is_refused(sender: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        patient_email().to_message(sender, sent_at=SENT_AT)


@pytest.mark.parametrize(
    "value", ["x\r\nBcc: all@example.org", "x\nBcc: all@example.org", "x\rBcc: all@example.org"]
)
def test_rendering_refuses_a_line_break_in_any_header(value: str) -> None:
    # the last line of defence against header injection, whatever got past the domain's
    # own checks (a subject is checked at construction; this one is forced in)
    email = patient_email()
    object.__setattr__(email, "subject", value)

    with pytest.raises(HeaderNotSingleLine, match="Subject holds a line break"):
        email.render(SENDER, sent_at=SENT_AT)


def test_a_trailing_carriage_return_is_refused_at_construction() -> None:
    # the stdlib lets a value ending in CR through (as a bare CR before the CRLF)
    with pytest.raises(HeaderNotSingleLine):
        dataclasses.replace(patient_email(), subject="Statement\r")


def test_a_naive_send_time_is_refused() -> None:  # the Date header would be a guess
    with pytest.raises(NaiveTimestamp):
        patient_email().to_message(SENDER, sent_at=datetime(2026, 11, 2, 15, 4, 5))


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"to": "not-an-address"}, InvalidEmailAddress),
        ({"subject": "two\nlines"}, HeaderNotSingleLine),
        ({"audience": "everyone"}, UnknownAudience),
        ({"notification_id": uuid4()}, NotificationIdNotDerived),
        ({"template": "other"}, NotificationIdNotDerived),
    ],
)
def test_construction_checks_its_invariants(
    changes: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        dataclasses.replace(patient_email(), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "error",
    [
        InvalidEmailAddress,
        HeaderNotSingleLine,
        NaiveTimestamp,
        UnknownAudience,
        NotificationIdNotDerived,
    ],
)
def test_every_error_is_a_notifier_error(error: type[Exception]) -> None:
    assert issubclass(error, NotifierError)


def test_rendered_bytes_are_smtp_ready() -> None:
    raw = patient_email().render(SENDER, sent_at=SENT_AT)

    header_block, body = raw.split(b"\r\n\r\n", 1)
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 78 for line in header_block.split(b"\r\n"))
    assert all(len(line) <= 998 for line in body.split(b"\r\n"))  # RFC 5322 2.1.1
    assert b"Content-Transfer-Encoding: 7bit" in raw  # ASCII text needs no encoding


def test_non_ascii_and_long_headers_are_still_encoded_and_folded() -> None:
    email = dataclasses.replace(
        patient_email(), subject="Statement ready for Señora Peña " + "x" * 80
    )
    raw = email.render(SENDER, sent_at=SENT_AT)

    header_block = raw.split(b"\r\n\r\n", 1)[0]
    assert b"=?utf-8?" in header_block  # RFC 2047
    subject_at = header_block.index(b"Subject:")
    assert header_block[subject_at:].split(b"\r\n")[1].startswith((b" ", b"\t"))  # folded
    assert all(len(line) <= 998 for line in header_block.split(b"\r\n"))
    assert email.to_message(SENDER, sent_at=SENT_AT)["Subject"] == email.subject


def test_non_ascii_bodies_are_quoted_printable() -> None:
    email = dataclasses.replace(patient_email(), text_body="Año nuevo: $12.00\n")
    message = email.to_message(SENDER, sent_at=SENT_AT)

    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    assert text["Content-Transfer-Encoding"] == "quoted-printable"
    assert text.get_content() == "Año nuevo: $12.00\n"

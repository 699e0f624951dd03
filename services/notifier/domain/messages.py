"""An email the notifier is about to send, its deterministic id and its RFC 5322 form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.charset import QP, Charset
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache
from typing import Any
from uuid import UUID, uuid5

from .addresses import check_address
from .errors import (
    HeaderNotSingleLine,
    InvalidEmailAddress,
    NaiveTimestamp,
    NotificationIdNotDerived,
    UnknownAudience,
)
from .notices import AUDIENCES, Audience

NOTIFICATION_NAMESPACE = UUID("a74a8095-9472-565e-9001-cc7411fc3bf1")
"""uuid5(NAMESPACE_URL, "urn:medbill:notifier:notification"). Never change it: every
notification id already sent, and every Message-ID a mail system deduplicates on, derives
from it."""

MESSAGE_ID_DOMAIN = "medbill"
_LINE_BREAK = re.compile(r"[\r\n]")


class _Wire(Compat32):
    """How the message is written: the email package's compat32 policy with CRLF line ends
    (its generator costs a third of the modern policy's CPU for the same bytes). A header that
    is ASCII and fits on one line (RFC 5322 2.1.1: 78 characters) is written as it is,
    without the `email.header.Header` round it would otherwise take; anything else is encoded
    and folded by the package as usual."""

    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + 2 + len(value) <= 78
            and not _LINE_BREAK.search(value)
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)  # type: ignore[misc]


_WIRE = _Wire(linesep="\r\n")
_UTF8_QP = Charset("utf-8")
_UTF8_QP.header_encoding = QP
_UTF8_QP.body_encoding = QP


def notification_id_for(subject_event_id: UUID, template: str, audience: str) -> UUID:
    """The id of the one notification about `subject_event_id` with this template and audience.

    Delivery is at-least-once, so the same event may be handled twice; deriving the id
    (uuid5) instead of drawing it makes the second attempt the same notification, which the
    inbox, the notification events and the Message-ID header all deduplicate on.
    """
    return uuid5(NOTIFICATION_NAMESPACE, f"{subject_event_id}:{template}:{audience}")


def message_id_for(notification_id: UUID) -> str:
    """The RFC 5322 Message-ID of a notification (section 3.6.4): the same on every attempt,
    so a receiving system that sees a re-sent copy can drop it. Derived, not drawn with
    `email.utils.make_msgid`, which mixes in the clock and randomness."""
    return f"<{notification_id}@{MESSAGE_ID_DOMAIN}>"


def one_line(value: str) -> str:
    """Collapse line breaks and runs of whitespace to single spaces, for header values built
    from event data (RFC 5322 §2.2)."""
    return " ".join(value.split())


def check_sender(sender: str) -> str:
    """Return `sender` when it is one line holding a valid address, with or without a display
    name ("Billing <billing@hospital.org>"); else raise (a configuration error)."""
    if _LINE_BREAK.search(sender):
        raise HeaderNotSingleLine("sender holds a line break")
    try:
        check_address(parseaddr(sender)[1])
    except InvalidEmailAddress as error:
        raise InvalidEmailAddress(f"sender: {error}") from None
    return sender


@dataclass(frozen=True)
class OutgoingEmail:
    """One email to one recipient, ready to render and hand to an SMTP adapter.

    `notification_id` must be `notification_id_for(subject_event_id, template, audience)`;
    `to` must be a bare address; `subject` must be one line. Construction checks all three.
    """

    notification_id: UUID
    audience: Audience
    template: str
    to: str
    subject: str
    text_body: str
    html_body: str | None
    subject_event_id: UUID

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise UnknownAudience(f"unknown audience {self.audience!r}")
        check_address(self.to)
        if _LINE_BREAK.search(self.subject):
            raise HeaderNotSingleLine("subject holds a line break")
        expected = notification_id_for(self.subject_event_id, self.template, self.audience)
        if self.notification_id != expected:
            raise NotificationIdNotDerived(str(self.notification_id))

    @property
    def message_id(self) -> str:
        return message_id_for(self.notification_id)

    def render(self, sender: str, *, sent_at: datetime) -> bytes:
        """The RFC 5322 message as bytes with CRLF line ends, ready for SMTP DATA (written by
        the standard library's `email` package): From, To, Subject, Date, a Message-ID
        derived from the notification id, Auto-Submitted (RFC 3834, so auto-responders do not
        answer), and multipart/alternative (text then HTML, RFC 2046 5.1.4) when there is an
        HTML body. Non-ASCII headers are RFC 2047 encoded and non-ASCII bodies
        quoted-printable (no 8BITMIME needed). Every header value was checked to be one line
        (construction, `check_sender`): nothing can inject a header.

        `sender` may carry a display name; `sent_at` must be timezone-aware. The same email
        renders the same bytes (the multipart boundary derives from the id).
        """
        from_header = _from_header(sender)
        if sent_at.tzinfo is None or sent_at.utcoffset() is None:
            raise NaiveTimestamp("sent_at must be timezone-aware")
        message: Message
        if self.html_body is None:
            message = _text_part(self.text_body, "plain")
            if "MIME-Version" not in message:
                message["MIME-Version"] = "1.0"  # RFC 2045 4: on the message, not its parts
        else:
            message = MIMEMultipart("alternative", boundary=f"=_{self.notification_id.hex}")
            message.attach(_text_part(self.text_body, "plain"))
            message.attach(_text_part(self.html_body, "html"))
        headers: dict[str, str] = {
            "From": from_header,
            "To": self.to,
            "Subject": self.subject,
            "Date": format_datetime(sent_at.astimezone(UTC), usegmt=True),
            "Message-ID": self.message_id,
            "Auto-Submitted": "auto-generated",
        }
        for field, value in headers.items():
            # the last line of defence against header injection, whatever got past the
            # checks at construction
            if _LINE_BREAK.search(value):
                raise HeaderNotSingleLine(f"{field} holds a line break")
            message[field] = _header(value)  # type: ignore[assignment]  # typeshed: str only
        return message.as_bytes(policy=_WIRE)

    def to_message(self, sender: str, *, sent_at: datetime) -> EmailMessage:
        """What a mail client reads of `render()`'s bytes (for inspection and tests)."""
        raw = self.render(sender, sent_at=sent_at).replace(b"\r\n", b"\n")  # as delivered
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@lru_cache(maxsize=16)
def _from_header(sender: str) -> str:
    """The From header of a (checked) sender: the same few configured senders every time."""
    check_sender(sender)
    return formataddr(parseaddr(sender), charset=_UTF8_QP)


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, _UTF8_QP)


def _text_part(body: str, subtype: str) -> Message:
    """7bit for ASCII, else quoted-printable UTF-8: readable, and safe on a server without
    8BITMIME (RFC 6152). An ASCII part is built from its headers directly: MIMEText's
    charset machinery would arrive at the same three lines at several times the cost."""
    if not body.isascii():
        return MIMEText(body, subtype, _UTF8_QP)  # type: ignore[arg-type]
    part = Message()
    part["Content-Type"] = f'text/{subtype}; charset="us-ascii"'
    part["Content-Transfer-Encoding"] = "7bit"
    part.set_payload(body)
    return part


@dataclass(frozen=True)
class Undeliverable:
    """A notification that cannot be sent because its recipient cannot receive email (a
    malformed address): a business refusal, reported as notification.failed, never
    retried and never "repaired" into someone else's mailbox."""

    notification_id: UUID
    audience: Audience
    template: str
    recipient: str  # masked
    subject_event_id: UUID
    reason: str

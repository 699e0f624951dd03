"""An email the notifier is about to send, its deterministic id and its RFC 5322 form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
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


class _HeaderClasses(HeaderRegistry):
    """The stdlib's header registry, each header class built once: Python 3.11's builds a
    new class for every header it is asked for, a third of the time a message took."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls


_SMTP = policy.SMTP.clone(header_factory=_HeaderClasses())
"""RFC 5322 with CRLF line ends (the stdlib's SMTP policy)."""


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

    def to_message(self, sender: str, *, sent_at: datetime) -> EmailMessage:
        """The RFC 5322 message (the standard library's `email` package, SMTP policy): From,
        To, Subject, Date, a Message-ID derived from the notification id, Auto-Submitted
        (RFC 3834, so auto-responders do not answer), and multipart/alternative (text then
        HTML, RFC 2046 5.1.4) when there is an HTML body. Non-ASCII headers are RFC 2047
        encoded, non-ASCII bodies quoted-printable (no 8BITMIME needed), long headers folded;
        the stdlib refuses any header value holding CR or LF.

        `sender` may carry a display name; `sent_at` must be timezone-aware.
        """
        check_sender(sender)
        if sent_at.tzinfo is None or sent_at.utcoffset() is None:
            raise NaiveTimestamp("sent_at must be timezone-aware")
        message = EmailMessage(policy=_SMTP)
        message["From"] = sender
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Date"] = format_datetime(sent_at.astimezone(UTC), usegmt=True)
        message["Message-ID"] = self.message_id
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(self.text_body, cte=_transfer_encoding(self.text_body))
        if self.html_body is not None:
            # a boundary from the id: the same message renders the same bytes
            message.make_alternative(boundary=f"=_{self.notification_id.hex}")
            message.add_alternative(
                self.html_body, subtype="html", cte=_transfer_encoding(self.html_body)
            )
        return message

    def render(self, sender: str, *, sent_at: datetime) -> bytes:
        """`to_message` as bytes with CRLF line ends, ready for SMTP DATA."""
        return self.to_message(sender, sent_at=sent_at).as_bytes()


def _transfer_encoding(body: str) -> str | None:
    """7bit (the stdlib's choice) for ASCII, else quoted-printable: readable, and safe on a
    server without 8BITMIME (RFC 6152)."""
    return None if body.isascii() else "quoted-printable"


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

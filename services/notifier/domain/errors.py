"""The notifier's domain errors: one base class, each subclass named after the rule it enforces."""

from __future__ import annotations


class NotifierError(Exception):
    """Base class of every error the notifier's domain raises."""


class InvalidEmailAddress(NotifierError, ValueError):
    """An address is not one bare `local@domain.tld` on a single line (RFC 5322 addr-spec).

    Raised rather than guessed at: a malformed address is a permanent failure, reported as
    notification.failed, never retried and never "repaired" into someone else's mailbox.
    """


class HeaderNotSingleLine(NotifierError, ValueError):
    """A header value holds a line break (RFC 5322 §2.2: header fields are one logical line).

    A line break in a header would let event data inject headers such as Bcc.
    """


class NaiveTimestamp(NotifierError, ValueError):
    """A time without a timezone was given where the design requires timezone-aware UTC."""


class UnknownAudience(NotifierError, ValueError):
    """The audience is none of patient, coding team, billing office and subscriber."""


class NotificationIdNotDerived(NotifierError, ValueError):
    """A notification id differs from notification_id_for(event, template, audience); a drawn
    id would defeat deduplication of retried sends."""

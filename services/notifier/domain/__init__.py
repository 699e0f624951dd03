"""The notifier's pure domain: which emails an event calls for, what they say, to whom.

No I/O here: the handlers decide when to send, the SMTP adapter sends `to_message()`.
"""

from .addresses import check_address, mask_address
from .errors import (
    HeaderNotSingleLine,
    InvalidEmailAddress,
    NaiveTimestamp,
    NotificationIdNotDerived,
    NotifierError,
    UnknownAudience,
)
from .messages import (
    NOTIFICATION_NAMESPACE,
    OutgoingEmail,
    message_id_for,
    notification_id_for,
)
from .review import CODING_REVIEW_REQUESTED, review_request_email
from .statement import (
    PATIENT_SAFE_LONG_WORDS,
    STATEMENT_READY,
    format_usd,
    mask_account,
    statement_email,
)

__all__ = [
    "CODING_REVIEW_REQUESTED",
    "NOTIFICATION_NAMESPACE",
    "PATIENT_SAFE_LONG_WORDS",
    "STATEMENT_READY",
    "HeaderNotSingleLine",
    "InvalidEmailAddress",
    "NaiveTimestamp",
    "NotificationIdNotDerived",
    "NotifierError",
    "OutgoingEmail",
    "UnknownAudience",
    "check_address",
    "format_usd",
    "mask_account",
    "mask_address",
    "message_id_for",
    "notification_id_for",
    "review_request_email",
    "statement_email",
]

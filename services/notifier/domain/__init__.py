"""The notifier's pure domain: which emails an event calls for, what they say, to whom, and
what a failed attempt leads to.

No I/O here and no clock: times are passed in. The SMTP adapter sends `render()`'s bytes.
"""

from .addresses import check_address, is_deliverable, mask_address
from .delivery import Failure, after_failure
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
    Undeliverable,
    check_sender,
    message_id_for,
    notification_id_for,
)
from .notices import (
    Audience,
    ProposedDiagnosis,
    ProposedServiceLine,
    ReviewReason,
    ReviewRequest,
    Statement,
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
    "Audience",
    "Failure",
    "HeaderNotSingleLine",
    "InvalidEmailAddress",
    "NaiveTimestamp",
    "NotificationIdNotDerived",
    "NotifierError",
    "OutgoingEmail",
    "ProposedDiagnosis",
    "ProposedServiceLine",
    "ReviewReason",
    "ReviewRequest",
    "Statement",
    "Undeliverable",
    "UnknownAudience",
    "after_failure",
    "check_address",
    "check_sender",
    "format_usd",
    "is_deliverable",
    "mask_account",
    "mask_address",
    "message_id_for",
    "notification_id_for",
    "review_request_email",
    "statement_email",
]

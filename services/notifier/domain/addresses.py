"""Email addresses: the checks before sending and the masked form used in logs and events."""

from __future__ import annotations

import re

from .errors import InvalidEmailAddress

# The same shape as the contract's patient email pattern, so an address the contract accepts
# is accepted here, plus no control characters anywhere.
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MASK = "***"


def is_deliverable(addr: str) -> bool:
    """Whether `addr` is a bare single-line `local@domain.tld` a message can be sent to."""
    return bool(_ADDRESS.fullmatch(addr)) and not _CONTROL.search(addr)


def check_address(addr: str) -> str:
    """Return `addr` when it is a bare single-line `local@domain.tld`, else raise.

    Display names ("Billing <b@x.org>") are not accepted: recipients are mailboxes only.
    """
    if not is_deliverable(addr):
        raise InvalidEmailAddress(f"not a bare email address: {mask_address(addr)}")
    return addr


def mask_address(addr: str) -> str:
    """Mask an email address for logs and notification events: "a***@example.org".

    HIPAA minimum necessary: logs and events name a recipient only well enough for an operator
    to recognise it, never the full address. The first character of the local part is kept
    only when the local part has at least two characters, so the local part itself is never
    returned; the domain is kept. Anything that is not `local@domain` masks to "***".
    """
    local, at, domain = addr.strip().rpartition("@")
    domain = _CONTROL.sub("", domain)
    if not at or not domain:
        return MASK
    head = local[0] if len(local) >= 2 and not _CONTROL.match(local[0]) else ""
    return f"{head}{MASK}@{domain}"

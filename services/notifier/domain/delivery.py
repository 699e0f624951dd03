"""What happens to a notification after a send attempt failed: try again later, or give up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_BACKOFF_S = 300


@dataclass(frozen=True)
class Failure:
    """One failed attempt: the attempt's number, and whether the notification is given up."""

    attempts: int
    error: str
    permanent: bool
    retry_at: datetime | None


def after_failure(
    *, attempts_before: int, error: str, refused: bool, max_attempts: int, now: datetime
) -> Failure:
    """A mail server's 5yz reply (`refused`) is final (RFC 5321 4.2.1: permanent negative
    completion); a 4yz reply or connection trouble is tried again after 2**attempts
    seconds (at most five minutes), until `max_attempts` attempts have been made."""
    attempts = attempts_before + 1
    if refused or attempts >= max_attempts:
        return Failure(attempts, error, permanent=True, retry_at=None)
    delay = timedelta(seconds=min(2**attempts, MAX_BACKOFF_S))
    return Failure(attempts, error, permanent=False, retry_at=now + delay)

"""Retry with backoff: the one place that says how long to wait and when to give up.

Transient failures (the database or the network away for a while) are retried until they
pass; anything else is retried a few times (a bug may depend on timing) and then the caller
stops: see FailurePolicy and services.common.consuming."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from .errors import is_transient
from .logs import log_fields

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """Jittered exponential backoff: initial, doubling, capped at max (seconds)."""

    initial: float = 0.1
    maximum: float = 5.0

    def delays(self) -> Iterator[float]:
        delay = self.initial
        while True:
            yield delay * (0.5 + random.random())
            delay = min(delay * 2, self.maximum)


@dataclass(frozen=True)
class FailurePolicy:
    """How a consumer treats a batch that fails to apply.

    Every failure is retried with backoff, nothing is dead-lettered and no offset is
    committed. After `max_attempts` failures the consumer reports itself unhealthy; a
    transient failure goes on being retried (it passes when the database is back), any other
    halts the consumer until it is restarted (CONSUMER_MAX_ATTEMPTS)."""

    max_attempts: int = 5
    backoff: Backoff = Backoff()


async def pause(seconds: float, stop: asyncio.Event | None) -> None:
    """Sleep, or return at once when `stop` is set."""
    if stop is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def retry_transient(
    operation: Callable[[], Awaitable[T]],
    *,
    what: str,
    stop: asyncio.Event | None = None,
    initial_delay: float = 0.1,
    max_delay: float = 5.0,
) -> T:
    """Run `operation`; on a transient failure wait with jittered exponential backoff and try
    again until it succeeds or `stop` is set (then the last error is raised, so the caller
    does not commit and the message is delivered again). Other errors are raised at once."""
    delays = Backoff(initial_delay, max_delay).delays()
    attempt = 0
    while True:
        try:
            return await operation()
        except Exception as exc:
            if not is_transient(exc) or (stop is not None and stop.is_set()):
                raise
            attempt += 1
            log.warning(
                "transient failure, retrying",
                extra=log_fields(what=what, attempt=attempt, error=type(exc).__name__),
            )
            await asyncio.sleep(next(delays))

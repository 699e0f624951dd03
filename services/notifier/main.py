"""The notifier service: statement.issued and coding.review-requested in, email out,
notification.sent / notification.failed recorded."""

from __future__ import annotations

from pathlib import Path

from services.common.runtime import ServiceRuntime
from services.common.settings import Settings

from .consumers import include
from .dispatcher import Dispatcher

NAME = "notifier"


MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: Settings | None = None, *, lease_s: float = 60.0) -> ServiceRuntime:
    """`lease_s`: how long a claimed notification is kept from other dispatchers (and from a
    restarted one, after a crash)."""
    runtime = ServiceRuntime(
        NAME,
        MIGRATIONS,
        settings,
        extra_workers=[lambda rt: Dispatcher(rt, lease_s=lease_s)],
    )
    include(runtime)
    return runtime

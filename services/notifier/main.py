"""The notifier service: statement.issued and coding.review-requested in, email out,
notification.sent / notification.failed recorded."""

from __future__ import annotations

from pathlib import Path

from services.common.runtime import ServiceRuntime
from services.common.settings import Settings

from .consumers import include
from .dispatcher import Dispatcher

NAME = "notifier"


def build(settings: Settings | None = None) -> ServiceRuntime:
    runtime = ServiceRuntime(
        NAME, Path(__file__).parent / "migrations", settings, extra_workers=[Dispatcher]
    )
    include(runtime)
    return runtime


def app():  # noqa: ANN201 - FastStream entry point
    return build().app()

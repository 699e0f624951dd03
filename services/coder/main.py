"""The coder service: encounter.closed and coding.review-completed in, encounter.coded or
coding.review-requested out."""

from __future__ import annotations

from pathlib import Path

from services.common.runtime import ServiceRuntime
from services.common.settings import Settings

from .consumers import include

NAME = "coder"


def build(settings: Settings | None = None) -> ServiceRuntime:
    runtime = ServiceRuntime(NAME, Path(__file__).parent / "migrations", settings)
    include(runtime)
    return runtime

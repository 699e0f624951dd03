"""The biller service: encounter.coded in, claim.submitted or statement.issued out."""

from __future__ import annotations

from pathlib import Path

from services.common.runtime import ServiceRuntime
from services.common.settings import Settings

from .consumers import include

NAME = "biller"


def build(settings: Settings | None = None) -> ServiceRuntime:
    runtime = ServiceRuntime(NAME, Path(__file__).parent / "migrations", settings)
    include(runtime)
    return runtime

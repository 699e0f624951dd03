"""What the biller consumes, and which handler applies it."""

from __future__ import annotations

from schemas.coding import EncounterCoded
from schemas.topics import (
    CLAIM_REJECTED,
    CLAIM_SUBMITTED,
    ENCOUNTER_CODED,
    STATEMENT_ISSUED,
    STATEMENT_VOIDED,
)
from services.common.runtime import ServiceRuntime

from . import wire
from .chargemaster_file import load_chargemaster
from .handlers import BillerHandlers


def include(runtime: ServiceRuntime) -> None:
    handlers = BillerHandlers(load_chargemaster(runtime.settings.chargemaster_path))
    runtime.subscribe(
        ENCOUNTER_CODED,
        EncounterCoded,
        handlers.on_encounters_coded,
        "encounter-coded",
        keep=wire.coded_encounter,
    )
    runtime.declare_output(CLAIM_SUBMITTED, STATEMENT_ISSUED, STATEMENT_VOIDED, CLAIM_REJECTED)

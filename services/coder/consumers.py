"""What the coder consumes, and which handler applies it."""

from __future__ import annotations

from schemas.coding import CodingReviewCompleted
from schemas.encounter import EncounterClosed
from schemas.topics import ENCOUNTER_CLOSED, ENCOUNTER_CODED, REVIEW_COMPLETED, REVIEW_REQUESTED
from services.common.runtime import ServiceRuntime

from . import reference_data
from .handlers import CoderHandlers


def include(runtime: ServiceRuntime) -> None:
    handlers = CoderHandlers(reference_data.load(runtime.settings.procedure_lexicon_path))
    runtime.subscribe(
        ENCOUNTER_CLOSED, EncounterClosed, handlers.on_encounters_closed, "encounter-closed"
    )
    runtime.subscribe(
        REVIEW_COMPLETED, CodingReviewCompleted, handlers.on_reviews_completed, "review-completed"
    )
    runtime.declare_output(ENCOUNTER_CODED, REVIEW_REQUESTED)

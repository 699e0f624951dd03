"""What the coder consumes, and which handler applies it."""

from __future__ import annotations

from schemas.coding import CodingReviewCompleted
from schemas.encounter import EncounterClosed
from schemas.topics import ENCOUNTER_CLOSED, ENCOUNTER_CODED, REVIEW_COMPLETED, REVIEW_REQUESTED
from services.common.runtime import ServiceRuntime

from . import reference_data
from .handlers import CoderHandlers


def include(runtime: ServiceRuntime) -> None:
    s = runtime.settings
    handlers = CoderHandlers(
        reference_data.load(
            s.procedure_lexicon_path,
            icd10cm_sets=s.icd10cm_sets,
            icd10cm_uncovered=s.icd10cm_uncovered,
            ncci_ptp_path=s.ncci_ptp_path,
            mue_path=s.mue_path,
        )
    )
    runtime.subscribe(
        ENCOUNTER_CLOSED, EncounterClosed, handlers.on_encounters_closed, "encounter-closed"
    )
    runtime.subscribe(
        REVIEW_COMPLETED, CodingReviewCompleted, handlers.on_reviews_completed, "review-completed"
    )
    runtime.declare_output(ENCOUNTER_CODED, REVIEW_REQUESTED)

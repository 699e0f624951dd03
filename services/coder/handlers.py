"""Coder use cases. Each handler runs inside its batch's transaction (opened, with the inbox
and the outbox, by services.common.consuming): translate each event with wire.py, call the
domain, save with the repository, emit with `batch.emit`."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import asyncpg

from schemas.coding import CodingReviewCompleted, EncounterCoded
from schemas.encounter import EncounterClosed, EncounterClosedData
from schemas.envelope import Envelope
from services.common.consuming import Batch

from . import repository, wire
from .domain import CodingOutcome, NeedsReview, ReferenceData, apply_review, code_encounter


@dataclass(frozen=True)
class _Saved:
    """What the coder keeps of an outcome, and the event that announced it."""

    status: str
    coded_json: str | None
    coded_event_id: UUID | None
    review_json: str | None


class CoderHandlers:
    """The coder's handlers, with the reference data loaded at start-up."""

    def __init__(self, reference: ReferenceData) -> None:
        self.reference = reference

    async def on_encounters_closed(
        self, conn: asyncpg.Connection, batch: Batch[EncounterClosed]
    ) -> None:
        """Code each encounter, or send it to review; a re-sent encounter is coded afresh
        and replaces what was stored."""
        rows: dict[str, repository.EncounterRow] = {}
        for event in batch.events:
            closed = event.data
            unstorable = wire.unstorable(closed.encounter_id, closed.patient.patient_id)
            if unstorable is not None:
                batch.reject(event, unstorable)
                continue
            outcome = code_encounter(wire.encounter(closed), self.reference)
            saved = self._emit(batch, outcome, closed, event)
            # one statement cannot upsert a key twice: the later event in the batch wins
            rows[closed.encounter_id] = repository.EncounterRow(
                encounter_id=closed.encounter_id,
                patient_id=closed.patient.patient_id,
                date_of_service=closed.date_of_service,
                closed_event_id=event.event_id,
                # the chart is kept only while a coder needs it (minimum necessary)
                closed_json=batch.raw_value(event).decode() if saved.status == "review" else None,
                status=saved.status,
                coded_json=saved.coded_json,
                coded_event_id=saved.coded_event_id,
                review_json=saved.review_json,
            )
        await repository.save_encounters(conn, list(rows.values()))

    async def on_reviews_completed(
        self, conn: asyncpg.Connection, batch: Batch[CodingReviewCompleted]
    ) -> None:
        """Code each waiting encounter from its coder's decision. A decision for an
        encounter that is not waiting for review (unknown, already coded, or coded by an
        earlier decision in this batch) is a bad message."""
        decisions = []
        for event in batch.events:
            unstorable = wire.unstorable(event.data.encounter_id, event.data.reviewer_id)
            if unstorable is not None:
                batch.reject(event, unstorable)
            else:
                decisions.append(event)
        waiting = await repository.load_closed(conn, [e.data.encounter_id for e in decisions])
        for event in decisions:
            encounter_id = event.data.encounter_id
            stored = waiting.get(encounter_id)
            if stored is None:
                batch.reject(event, f"encounter {encounter_id} is not waiting for review")
                continue
            closed = EncounterClosed.model_validate_json(stored).data
            decision = wire.review_decision(event.data)
            outcome = apply_review(wire.encounter(closed), decision, self.reference)
            saved = self._emit(batch, outcome, closed, event)
            if saved.status == "coded":
                del waiting[encounter_id]
            await repository.record_review_outcome(
                conn,
                encounter_id,
                saved.status,
                saved.coded_json,
                saved.coded_event_id,
                saved.review_json,
            )

    def _emit(
        self, batch: Batch, outcome: CodingOutcome, closed: EncounterClosedData, cause: Envelope
    ) -> _Saved:
        # the reference data names the versions used (lexicon, NCCI and MUE files)
        announced = wire.outcome_event(outcome, closed, cause, self.reference)
        emitted = batch.emit(announced)
        if isinstance(outcome, NeedsReview):
            return _Saved("review", None, None, wire.reasons_json(outcome))
        assert isinstance(announced, EncounterCoded)
        return _Saved("coded", wire.coding_json(announced.data), emitted.event_id, None)

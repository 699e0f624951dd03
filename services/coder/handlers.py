"""Coder use cases: one transaction per batch (opened by services.common.consuming)."""

from __future__ import annotations

import json

import asyncpg

from schemas.coding import (
    CodingReviewCompleted,
    CodingReviewRequested,
    EncounterCoded,
)
from schemas.encounter import EncounterClosed
from schemas.envelope import Envelope
from services.common.consuming import Batch
from services.common.deadletter import describe_error

from . import repository
from .domain import Coded, CodingOutcome, apply_review, code_encounter

SOURCE = "medbill/coder"


def _outcome_event(cause: Envelope, encounter_id: str, outcome: CodingOutcome) -> Envelope:
    if isinstance(outcome, Coded):
        return EncounterCoded.create(
            outcome.data, source=SOURCE, correlation_id=encounter_id, causation_id=cause.event_id
        )
    return CodingReviewRequested.create(
        outcome.data, source=SOURCE, correlation_id=encounter_id, causation_id=cause.event_id
    )


def _status(outcome: CodingOutcome) -> tuple[str, str | None, str | None]:
    """(status, the coding's JSON, the review reasons' JSON). The coding is what
    encounter.coded says less its billing block: the coder keeps the codes and their evidence,
    not the patient's demographics and coverage (minimum necessary)."""
    if isinstance(outcome, Coded):
        return "coded", outcome.data.model_dump_json(exclude={"billing"}), None
    return "review", None, json.dumps([r.model_dump() for r in outcome.data.reasons])


async def on_encounters_closed(conn: asyncpg.Connection, batch: Batch[EncounterClosed]) -> None:
    rows: list[repository.EncounterRow] = []
    for event, outcome in batch.map(lambda e: code_encounter(e.data)):
        data = event.data
        emitted = batch.emit(_outcome_event(event, data.encounter_id, outcome))
        status, coded_json, review_json = _status(outcome)
        rows.append(
            repository.EncounterRow(
                encounter_id=data.encounter_id,
                patient_id=data.patient.patient_id,
                date_of_service=data.date_of_service,
                closed_event_id=event.event_id,
                # the source record is kept only while a coder needs it (minimum necessary);
                closed_json=batch.raw_value(event).decode() if status == "review" else None,
                status=status,
                coded_json=coded_json,
                coded_event_id=emitted.event_id if status == "coded" else None,
                review_json=review_json,
            )
        )
    await repository.save_encounters(conn, _last_per_encounter(rows))


def _last_per_encounter(rows: list[repository.EncounterRow]) -> list[repository.EncounterRow]:
    # one statement cannot upsert the same key twice; the later event in the batch wins
    return list({r.encounter_id: r for r in rows}.values())


async def on_reviews_completed(
    conn: asyncpg.Connection, batch: Batch[CodingReviewCompleted]
) -> None:
    stored = await repository.load_closed(conn, [e.data.encounter_id for e in batch.events])
    for event in batch.events:
        closed_json = stored.get(event.data.encounter_id)
        if closed_json is None:
            batch.reject(event, f"encounter {event.data.encounter_id} is not waiting for review")
            continue
        encounter = EncounterClosed.model_validate_json(closed_json).data
        try:
            outcome = apply_review(encounter, event.data)
        except Exception as exc:
            batch.reject(event, describe_error(exc))
            continue
        emitted = batch.emit(_outcome_event(event, encounter.encounter_id, outcome))
        status, coded_json, review_json = _status(outcome)
        await repository.record_review_outcome(
            conn,
            encounter.encounter_id,
            status,
            coded_json,
            emitted.event_id if status == "coded" else None,
            review_json,
        )

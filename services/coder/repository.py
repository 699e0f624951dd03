"""SQL for the coder's tables. Functions take a connection inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg


@dataclass(frozen=True)
class EncounterRow:
    encounter_id: str
    patient_id: str
    date_of_service: date
    closed_event_id: UUID
    closed_json: str | None
    status: str
    coded_json: str | None
    coded_event_id: UUID | None
    review_json: str | None


SAVE_ENCOUNTERS = """
INSERT INTO encounters AS e (encounter_id, patient_id, date_of_service, closed_event_id, closed,
                             status, coded, coded_event_id, review_reasons, review_requested_at,
                             coded_at)
SELECT u.encounter_id, u.patient_id, u.dos, u.event_id, u.closed::json, u.status,
       u.coded::json, u.coded_event_id, u.review::json,
       CASE WHEN u.status = 'review' THEN now() END,
       CASE WHEN u.status = 'coded' THEN now() END
FROM unnest($1::text[], $2::text[], $3::date[], $4::uuid[], $5::text[], $6::text[], $7::text[],
            $8::uuid[], $9::text[])
     AS u(encounter_id, patient_id, dos, event_id, closed, status, coded, coded_event_id, review)
ON CONFLICT (encounter_id) DO UPDATE SET
    closed_event_id = EXCLUDED.closed_event_id, closed = EXCLUDED.closed,
    status = EXCLUDED.status, coded = EXCLUDED.coded, coded_event_id = EXCLUDED.coded_event_id,
    review_reasons = EXCLUDED.review_reasons,
    review_requested_at = COALESCE(EXCLUDED.review_requested_at, e.review_requested_at),
    coded_at = EXCLUDED.coded_at, updated_at = now()
"""


async def save_encounters(conn: asyncpg.Connection, rows: Sequence[EncounterRow]) -> None:
    """Insert or replace (a re-sent encounter.closed is coded afresh)."""
    if not rows:
        return
    await conn.execute(
        SAVE_ENCOUNTERS,
        [r.encounter_id for r in rows],
        [r.patient_id for r in rows],
        [r.date_of_service for r in rows],
        [r.closed_event_id for r in rows],
        [r.closed_json for r in rows],
        [r.status for r in rows],
        [r.coded_json for r in rows],
        [r.coded_event_id for r in rows],
        [r.review_json for r in rows],
    )


async def load_closed(conn: asyncpg.Connection, encounter_ids: Sequence[str]) -> dict[str, str]:
    """The stored encounter.closed events (JSON text) by encounter id, locked for update
    (the ids drive the join, one index lookup each, whatever the table's statistics say)."""
    rows = await conn.fetch(
        "SELECT encounter_id, e.closed::text AS closed"
        " FROM unnest($1::text[]) AS wanted (encounter_id) JOIN encounters e USING (encounter_id)"
        " WHERE e.closed IS NOT NULL FOR UPDATE OF e",
        list(encounter_ids),
    )
    return {r["encounter_id"]: r["closed"] for r in rows}


async def record_review_outcome(
    conn: asyncpg.Connection,
    encounter_id: str,
    status: str,
    coded_json: str | None,
    coded_event_id: UUID | None,
    review_json: str | None,
) -> None:
    await conn.execute(
        "UPDATE encounters SET status = $2, coded = $3::json, coded_event_id = $5,"
        " closed = CASE WHEN $2 = 'coded' THEN NULL ELSE closed END,"
        " review_reasons = COALESCE($4::json, review_reasons),"
        " coded_at = CASE WHEN $2 = 'coded' THEN now() END,"
        " review_requested_at = CASE WHEN $2 = 'review' THEN now() ELSE review_requested_at END,"
        " updated_at = now() WHERE encounter_id = $1",
        encounter_id,
        status,
        coded_json,
        review_json,
        coded_event_id,
    )

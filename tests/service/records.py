"""Small valid events, and the consumed Kafka records that carry them, for service tests."""

from __future__ import annotations

from schemas.coding import CodingReviewCompleted, CodingReviewCompletedData
from services.common.deadletter import RawRecord

SCHEMA = "svc"
TOPIC = "coding.review-completed"

# The test service's own migration: effects with no unique constraint (an event applied
# twice shows as two rows), and a rule a handler can break for good.
SCRATCH_SQL = """
CREATE TABLE effects (
    id           bigserial PRIMARY KEY,
    event_id     uuid      NOT NULL,
    encounter_id text      NOT NULL CHECK (encounter_id <> 'ENC-VIOLATES-CHECK')
);
"""
JSON_HEADERS: tuple[tuple[str, bytes], ...] = (("content-type", b"application/json"),)


def review_completed(encounter_id: str = "ENC-100234", **data: object) -> CodingReviewCompleted:
    fields: dict[str, object] = {
        "encounter_id": encounter_id,
        "reviewer_id": "coder-17",
        "diagnoses": ["E11.9"],
    }
    return CodingReviewCompleted.create(
        CodingReviewCompletedData(**(fields | data)),
        source="tests/coding-ui",
        correlation_id=encounter_id,
    )


def record_of(
    value: CodingReviewCompleted | bytes,
    offset: int,
    *,
    partition: int = 0,
    topic: str = TOPIC,
    headers: tuple[tuple[str, bytes], ...] = JSON_HEADERS,
) -> RawRecord:
    """A consumed record as aiokafka hands it over: an event's JSON, or any bytes."""
    if isinstance(value, bytes):
        return RawRecord(topic, partition, offset, b"ENC-POISON", value, headers)
    key = value.data.encounter_id.encode()
    return RawRecord(topic, partition, offset, key, value.model_dump_json().encode(), headers)

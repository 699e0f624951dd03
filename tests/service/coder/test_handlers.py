"""The coder's handlers, called directly inside a transaction on the real PostgreSQL: the rows
they store and the events they emit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

import asyncpg

from schemas.coding import (
    CodingReviewCompleted,
    CodingReviewCompletedData,
    CodingReviewRequested,
    EncounterCoded,
)
from schemas.encounter import DocumentedDiagnosis, EncounterClosed
from schemas.envelope import Envelope
from services.coder.handlers import CoderHandlers
from services.common.consuming import Batch
from services.common.deadletter import RawRecord
from tests.unit.coder.factories import closed, wire_patient

E = TypeVar("E", bound=Envelope)
UNBILLABLE = [DocumentedDiagnosis(text="Type 2 diabetes", code="E11", code_system="ICD-10-CM")]


def batch_of(events: Sequence[E]) -> Batch[E]:
    """A consumed batch as the consumption policy hands it to a handler."""
    items = []
    for offset, event in enumerate(events):
        key = event.correlation_id.encode()
        value = event.model_dump_json().encode()
        items.append((RawRecord(event.TYPE, 0, offset, key, value), event))
    return Batch(items)


def encounter_closed(**overrides: Any) -> EncounterClosed:
    data = closed(**overrides)
    return EncounterClosed.create(data, source="tests/ehr", correlation_id=data.encounter_id)


def decision(encounter_id: str = "ENC-100234", **overrides: Any) -> CodingReviewCompleted:
    fields: dict[str, Any] = {
        "encounter_id": encounter_id,
        "reviewer_id": "coder-17",
        "diagnoses": ["E11.9"],
        "evaluation_and_management": "99213",
    }
    return CodingReviewCompleted.create(
        CodingReviewCompletedData(**(fields | overrides)),
        source="tests/coding-ui",
        correlation_id=encounter_id,
    )


async def closed_batch(
    conn: asyncpg.Connection, handlers: CoderHandlers, *events: EncounterClosed
) -> Batch[EncounterClosed]:
    batch = batch_of(events)
    async with conn.transaction():
        await handlers.on_encounters_closed(conn, batch)
    return batch


async def reviews_batch(
    conn: asyncpg.Connection, handlers: CoderHandlers, *events: CodingReviewCompleted
) -> Batch[CodingReviewCompleted]:
    batch = batch_of(events)
    async with conn.transaction():
        await handlers.on_reviews_completed(conn, batch)
    return batch


def emitted(batch: Batch[Any]) -> list[tuple[str, str]]:
    return [(m.topic, json.loads(m.value)["data"]["encounter_id"]) for m in batch.emitted]


async def stored(conn: asyncpg.Connection, encounter_id: str = "ENC-100234") -> asyncpg.Record:
    row = await conn.fetchrow(
        "SELECT status, closed::text, coded::text, coded_event_id, closed_event_id,"
        " review_reasons::text FROM encounters WHERE encounter_id = $1",
        encounter_id,
    )
    assert row is not None
    return row


# --- encounter.closed ----------------------------------------------------------------------------


async def test_encounters_are_coded_or_sent_to_review_stored_and_announced(conn, handlers):
    coded, unsure = encounter_closed(), encounter_closed(encounter_id="ENC-2", diagnoses=UNBILLABLE)
    batch = await closed_batch(conn, handlers, coded, unsure)

    assert emitted(batch) == [
        ("encounter.coded", "ENC-100234"),
        ("coding.review-requested", "ENC-2"),
    ]
    assert batch.rejected == {}
    announced = EncounterCoded.model_validate_json(batch.emitted[0].value)
    assert announced.causation_id == coded.event_id
    assert announced.data.billing.patient == coded.data.patient

    row = await stored(conn)
    assert (row["status"], row["closed"], row["review_reasons"]) == ("coded", None, None)
    assert (row["coded_event_id"], row["closed_event_id"]) == (announced.event_id, coded.event_id)
    kept = json.loads(row["coded"])
    assert kept == json.loads(announced.data.model_dump_json(exclude={"billing"}))
    assert "Lopez" not in row["coded"]  # the coder keeps codes, not demographics

    row = await stored(conn, "ENC-2")
    assert (row["status"], row["coded"], row["coded_event_id"]) == ("review", None, None)
    assert EncounterClosed.model_validate_json(row["closed"]) == unsure
    assert [r["rule"] for r in json.loads(row["review_reasons"])] == ["ICD10CM-NOT-BILLABLE"]


async def test_a_coding_names_the_versions_of_the_reference_data_it_used(conn, handlers):
    batch = await closed_batch(conn, handlers, encounter_closed())
    versions = EncounterCoded.model_validate_json(batch.emitted[0].value).data.versions
    assert versions is not None
    reference = handlers.reference
    assert versions.procedure_lexicon == reference.lexicon.version
    assert (versions.ncci_ptp, versions.mue) == (
        reference.ncci.ptp_version,
        reference.ncci.mue_version,
    )
    assert "none" not in (versions.procedure_lexicon, versions.ncci_ptp, versions.mue)


async def test_implausible_demographics_go_to_review_instead_of_billing(conn, handlers):
    """Issue 6 item 8: a birth date after the date of service, or a NUL in a name, was billed."""
    unborn = encounter_closed(patient=wire_patient(birth_date=date(2026, 3, 11)))
    nul = encounter_closed(encounter_id="ENC-NUL", patient=wire_patient(last_name="Lo\x00pez"))
    batch = await closed_batch(conn, handlers, unborn, nul)

    assert emitted(batch) == [
        ("coding.review-requested", "ENC-100234"),
        ("coding.review-requested", "ENC-NUL"),
    ]
    reasons = {}
    for encounter_id in ("ENC-100234", "ENC-NUL"):
        row = await stored(conn, encounter_id)
        assert row["status"] == "review"
        reasons[encounter_id] = json.loads(row["review_reasons"])
    assert reasons["ENC-100234"] == [
        {
            "rule": "DEMOGRAPHICS-BIRTH-DATE",
            "message": "the patient's birth date is after the date of service",
            "subject": "patient.birth_date",
            "candidates": [],
        }
    ]
    assert [(r["rule"], r["subject"]) for r in reasons["ENC-NUL"]] == [
        ("DEMOGRAPHICS-CONTROL-CHARACTER", "patient.last_name")
    ]
    for message in batch.emitted:
        requested = CodingReviewRequested.model_validate_json(message.value)
        assert "pez" not in requested.model_dump_json()
        assert "2026-03-11" not in json.dumps([r.message for r in requested.data.reasons])


async def test_a_resent_encounter_replaces_the_earlier_one(conn, handlers):
    first, again = encounter_closed(diagnoses=UNBILLABLE), encounter_closed()
    batch = await closed_batch(conn, handlers, first, again)
    assert emitted(batch) == [
        ("coding.review-requested", "ENC-100234"),
        ("encounter.coded", "ENC-100234"),
    ]
    row = await stored(conn)
    assert (row["status"], row["closed_event_id"], row["closed"]) == ("coded", again.event_id, None)

    await closed_batch(conn, handlers, encounter_closed(diagnoses=UNBILLABLE))
    row = await stored(conn)
    assert (row["status"], row["coded"], row["coded_event_id"]) == ("review", None, None)
    assert await conn.fetchval("SELECT count(*) FROM encounters") == 1


async def test_an_id_postgresql_cannot_store_is_a_bad_message_not_a_failure(conn, handlers):
    bad = encounter_closed(encounter_id="ENC-\x00", patient=wire_patient(patient_id="MRN\x00"))
    good = encounter_closed()
    batch = await closed_batch(conn, handlers, bad, good)
    assert batch.rejected == {bad.event_id: "schema-invalid: an id contains a NUL character"}
    assert emitted(batch) == [("encounter.coded", "ENC-100234")]
    assert await conn.fetchval("SELECT count(*) FROM encounters") == 1


# --- coding.review-completed ---------------------------------------------------------------------


async def test_a_decision_codes_the_waiting_encounter_from_its_stored_chart(conn, handlers):
    waiting = encounter_closed(diagnoses=UNBILLABLE)
    await closed_batch(conn, handlers, waiting)
    review = decision()
    batch = await reviews_batch(conn, handlers, review)

    assert batch.rejected == {}
    assert emitted(batch) == [("encounter.coded", "ENC-100234")]
    announced = EncounterCoded.model_validate_json(batch.emitted[0].value)
    assert announced.causation_id == review.event_id
    assert [(d.code, d.method) for d in announced.data.diagnoses] == [("E11.9", "reviewed")]
    assert announced.data.billing.coverages == waiting.data.coverages
    row = await stored(conn)
    assert (row["status"], row["closed"], row["coded_event_id"]) == (
        "coded", None, announced.event_id
    )  # fmt: skip
    assert json.loads(row["coded"])["diagnoses"][0]["code"] == "E11.9"


async def test_a_decision_the_domain_cannot_apply_goes_back_to_review(conn, handlers):
    await closed_batch(conn, handlers, encounter_closed(diagnoses=UNBILLABLE))
    batch = await reviews_batch(conn, handlers, decision(diagnoses=["E11"]))

    assert batch.rejected == {}
    assert emitted(batch) == [("coding.review-requested", "ENC-100234")]
    row = await stored(conn)
    assert (row["status"], row["coded"]) == ("review", None)
    assert row["closed"] is not None  # still waiting, with its chart
    assert [r["rule"] for r in json.loads(row["review_reasons"])] == ["ICD10CM-NOT-BILLABLE"]


async def test_a_decision_for_an_encounter_not_waiting_is_a_bad_message(conn, handlers):
    await closed_batch(conn, handlers, encounter_closed())  # coded: not waiting
    stranger, coded_already = decision("ENC-NOT-HERE"), decision()
    batch = await reviews_batch(conn, handlers, stranger, coded_already)
    assert batch.rejected == {
        stranger.event_id: "encounter ENC-NOT-HERE is not waiting for review",
        coded_already.event_id: "encounter ENC-100234 is not waiting for review",
    }
    assert batch.emitted == []


async def test_a_decision_sent_twice_in_one_batch_codes_the_encounter_once(conn, handlers):
    await closed_batch(conn, handlers, encounter_closed(diagnoses=UNBILLABLE))
    first, twice = decision(), decision()
    batch = await reviews_batch(conn, handlers, first, twice)
    assert emitted(batch) == [("encounter.coded", "ENC-100234")]
    assert batch.rejected == {twice.event_id: "encounter ENC-100234 is not waiting for review"}


async def test_a_chart_with_fields_this_version_does_not_know_is_read_back_at_review(
    conn, handlers
):
    newer = json.loads(encounter_closed(diagnoses=UNBILLABLE).model_dump_json())
    newer["data"]["documentation"]["notes"] = [{"note_id": "n1", "kind": "progress", "text": "x"}]
    newer["data"]["patient"]["pronouns"] = "she/her"
    value = json.dumps(newer).encode()
    event = EncounterClosed.model_validate_json(value)  # as the consumer reads it: tolerant
    batch = Batch([(RawRecord("encounter.closed", 0, 0, b"ENC-100234", value), event)])
    async with conn.transaction():
        await handlers.on_encounters_closed(conn, batch)
    assert json.loads((await stored(conn))["closed"])["data"]["patient"]["pronouns"] == "she/her"

    reviewed = await reviews_batch(conn, handlers, decision())
    assert reviewed.rejected == {}
    assert emitted(reviewed) == [("encounter.coded", "ENC-100234")]

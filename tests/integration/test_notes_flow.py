"""An encounter documented only in a clinical note is coded from the note and billed, through
the real broker and PostgreSQL: every code cites the note's exact words."""

from __future__ import annotations

import json
from datetime import date

import asyncpg

from medbill.migrate import migrate_all
from medbill.publishing import send_all
from schemas.encounter import ClinicalNote, Documentation, EncounterClosed
from services.coder import wire
from services.common.outbox import OutboxMessage
from tests.conftest import eventually
from tests.pipeline import Pipeline
from tests.support.samples import sample_encounter

NOTE = """Chief complaint: blood pressure follow-up.
HPI: Patient returns for follow-up of essential hypertension. Home readings in the 130s over 80s.
Denies chest pain, headache or shortness of breath.
Medications: lisinopril 10 mg daily.
Allergies: NKDA.
Exam: BP 132/82, HR 72. Heart regular rate and rhythm. Lungs clear to auscultation.
Assessment and plan:
1. Essential hypertension, well controlled. Continue lisinopril 10 mg daily.
Total time spent on the date of the encounter: 25 minutes."""


def note_only_encounter() -> EncounterClosed:
    event = sample_encounter(1, seed=78, kind="office", review=False, self_pay=False)
    note = ClinicalNote(note_id="NOTE-1", kind="progress", title="Office visit", text=NOTE)
    adult = event.data.patient.model_copy(update={"birth_date": date(1968, 5, 2)})
    data = event.data.model_copy(
        update={
            "patient": adult,
            "patient_status": "established",
            "total_time_minutes": None,
            "mdm_level": None,
            "documentation": Documentation(notes=[note]),
        }
    )
    # through JSON, so the event is exactly what a hospital would send
    raw = event.model_copy(update={"data": data}).model_dump_json()
    return EncounterClosed.model_validate_json(raw, extra="forbid")


async def test_an_encounter_with_only_a_note_is_coded_and_billed(
    fresh_kafka, database_url, tmp_path
):
    closed = note_only_encounter()
    encounter_id = closed.data.encounter_id
    await migrate_all(database_url)
    pipeline = Pipeline(kafka=fresh_kafka, database_url=database_url, smtp=None, log_dir=tmp_path)
    pipeline.start("coder", "biller")
    conn = await asyncpg.connect(database_url)
    try:
        await send_all(fresh_kafka, [OutboxMessage.of(closed)])

        async def billed() -> int:
            return await conn.fetchval(
                "SELECT count(*) FROM biller.claims WHERE encounter_id = $1", encounter_id
            )

        await eventually(billed, timeout=90)
        row = await conn.fetchrow(
            "SELECT status, coded, review_reasons FROM coder.encounters WHERE encounter_id = $1",
            encounter_id,
        )
        claim = await conn.fetchrow(
            "SELECT claim->'data' AS data FROM biller.claims WHERE encounter_id = $1", encounter_id
        )
        letters = await conn.fetchval(
            "SELECT (SELECT count(*) FROM coder.dead_letters)"
            " + (SELECT count(*) FROM biller.dead_letters)"
        )
    finally:
        await conn.close()
        codes = pipeline.stop()

    assert row is not None, "the coder never recorded the encounter"
    assert row["status"] == "coded", f"sent to review: {row['review_reasons']}"
    assert claim is not None, "coded but not billed"
    assert letters == 0 and codes == {"coder": 0, "biller": 0}

    coded = json.loads(row["coded"])
    first = coded["diagnoses"][0]
    assert first["code"] == "I10"
    evidence = first["evidence"]
    assert evidence["source"] == "notes[0]"
    assert NOTE[evidence["start"] : evidence["end"]] == evidence["text"]
    assert "hypertension" in evidence["text"].lower()
    assert first["confidence"] > 0 and first["rule"]
    lines = {line["code"]: line for line in coded["service_lines"]}
    assert "99213" in lines  # established patient, 25 minutes documented in the note
    for line in coded["service_lines"]:
        e = line["evidence"]
        if e["source"] == "notes[0]":
            assert NOTE[e["start"] : e["end"]] == e["text"]
    assert coded["versions"]["engine"] == wire.ENGINE_VERSION
    assert coded["versions"]["icd10cm"].startswith(coded["icd10cm_version"])

    bill = json.loads(claim["data"])
    assert bill["diagnoses"][0] == "I10"
    assert "99213" in [line["code"] for line in bill["lines"]]

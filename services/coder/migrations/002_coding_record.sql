-- Minimum necessary: a coded encounter keeps its coding (ICD-10-CM version, diagnoses and
-- service lines with their evidence, E/M, edits) and the id of the encounter.coded event
-- that announced it, not the patient's demographics, providers and coverage that the event
-- carries on to the biller.
ALTER TABLE encounters ADD COLUMN coded_event_id uuid;

UPDATE encounters
   SET coded_event_id = (coded->>'event_id')::uuid,
       coded = ((coded::jsonb -> 'data') - 'billing')::json
 WHERE coded IS NOT NULL AND coded::jsonb ? 'event_id';

COMMENT ON COLUMN encounters.coded IS
    'the coding: encounter.coded data without its billing block';
COMMENT ON COLUMN encounters.coded_event_id IS 'event_id of the encounter.coded event';

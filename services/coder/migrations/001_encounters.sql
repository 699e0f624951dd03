CREATE TABLE encounters (
    encounter_id        text        PRIMARY KEY,
    patient_id          text        NOT NULL,
    date_of_service     date        NOT NULL,
    closed_event_id     uuid        NOT NULL,
    closed              json,       -- the encounter.closed event while it waits for review
    status              text        NOT NULL CHECK (status IN ('coded', 'review')),
    coded               json,                   -- the encounter.coded event when coded
    review_reasons      json,
    review_requested_at timestamptz,
    coded_at            timestamptz,
    received_at         timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
-- the two events of an encounter (a few KB) stay inline and uncompressed: pglz on every
-- write costs more CPU than the disk it saves
ALTER TABLE encounters SET (toast_tuple_target = 8160);

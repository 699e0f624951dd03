CREATE TABLE claims (
    claim_id         uuid          PRIMARY KEY,
    encounter_id     text          NOT NULL UNIQUE,
    patient_account  text          NOT NULL,
    payer_id         text          NOT NULL,
    total_charge     numeric(12,2) NOT NULL CHECK (total_charge >= 0),
    status           text          NOT NULL DEFAULT 'submitted',
    claim            json          NOT NULL,  -- the claim.submitted event
    coded_event_id   uuid          NOT NULL,
    created_at       timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE claim_lines (
    claim_id           uuid          NOT NULL REFERENCES claims ON DELETE CASCADE,
    line_number        integer       NOT NULL,
    code               text          NOT NULL,
    modifiers          text[]        NOT NULL DEFAULT '{}',
    units              integer       NOT NULL CHECK (units > 0),
    charge             numeric(12,2) NOT NULL CHECK (charge >= 0),
    diagnosis_pointers integer[]     NOT NULL,
    PRIMARY KEY (claim_id, line_number)
);

CREATE TABLE statements (
    statement_id     uuid          PRIMARY KEY,
    patient_account  text          NOT NULL,
    encounter_id     text          NOT NULL UNIQUE,
    amount_due       numeric(12,2) NOT NULL,
    statement_date   date          NOT NULL,
    due_date         date          NOT NULL,
    statement        json          NOT NULL,  -- the statement.issued event
    created_at       timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX statements_account ON statements (patient_account);
-- events of a few KB stay inline and uncompressed (pglz on every write costs CPU)
ALTER TABLE claims SET (toast_tuple_target = 8160);
ALTER TABLE statements SET (toast_tuple_target = 8160);

-- Double-entry patient ledger: amounts are positive, the entry type gives the side; an
-- account's balance is sum(charge) - sum(payment, adjustment, patient_payment).
CREATE TABLE ledger_entries (
    id               bigserial     PRIMARY KEY,
    patient_account  text          NOT NULL,
    encounter_id     text          NOT NULL,
    entry_type       text          NOT NULL CHECK (entry_type IN
                                     ('charge', 'payment', 'adjustment', 'patient_payment')),
    amount           numeric(12,2) NOT NULL,
    reference        text          NOT NULL,   -- claim or statement id
    line_number      integer,
    source_event_id  uuid          NOT NULL,
    created_at       timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX ledger_account ON ledger_entries (patient_account);

-- Corrections: a re-sent encounter replaces what its earlier coding billed. One document
-- stands per encounter; replaced, voided and void claims and voided statements are kept.

-- claims.status: 'submitted' (stands), 'replaced' (a frequency-7 claim replaced it),
-- 'voided' (a frequency-8 claim voided it), 'void' (this row is that frequency-8 claim)
ALTER TABLE claims DROP CONSTRAINT claims_encounter_id_key;
ALTER TABLE claims
    ADD COLUMN frequency_code    text NOT NULL DEFAULT '1' CHECK (frequency_code IN ('1', '7', '8')),
    ADD COLUMN replaces_claim_id uuid REFERENCES claims,
    ADD CONSTRAINT claims_status CHECK (status IN ('submitted', 'replaced', 'voided', 'void'));
CREATE INDEX claims_encounter ON claims (encounter_id);
CREATE UNIQUE INDEX claims_one_standing ON claims (encounter_id) WHERE status = 'submitted';

-- statements.status: 'issued' (stands) or 'voided'
ALTER TABLE statements DROP CONSTRAINT statements_encounter_id_key;
ALTER TABLE statements
    ADD COLUMN status                text NOT NULL DEFAULT 'issued'
                                     CHECK (status IN ('issued', 'voided')),
    ADD COLUMN replaces_statement_id uuid REFERENCES statements,
    ADD COLUMN voided_at             timestamptz;
CREATE INDEX statements_encounter ON statements (encounter_id);
CREATE UNIQUE INDEX statements_one_standing ON statements (encounter_id) WHERE status = 'issued';

-- Codings the biller refused to bill (each one announced by claim.rejected)
CREATE TABLE claim_rejections (
    rejection_id    uuid        PRIMARY KEY,
    encounter_id    text        NOT NULL,
    document        text        NOT NULL CHECK (document IN ('claim', 'statement')),
    reasons         text[]      NOT NULL,
    rejection       json        NOT NULL,  -- the claim.rejected event
    coded_event_id  uuid        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX claim_rejections_encounter ON claim_rejections (encounter_id);

-- A reversal undoes an earlier entry of the same type, amount and reference (legs swapped);
-- nothing is ever updated or deleted. receivable_change is the entry's effect on the
-- account balance, so a balance is sum(receivable_change).
ALTER TABLE ledger_entries ADD COLUMN reversal boolean NOT NULL DEFAULT false;
ALTER TABLE ledger_entries ADD COLUMN receivable_change numeric(12,2) GENERATED ALWAYS AS (
    CASE WHEN (entry_type = 'charge') <> reversal THEN amount ELSE -amount END
) STORED;

-- What stands for each encounter: the version of the coding last applied (encounter.coded
-- occurred_at, then event id) and its document, or its refusal.
CREATE TABLE encounter_bills (
    encounter_id      text        PRIMARY KEY,
    version_at        timestamptz NOT NULL,
    version_event_id  uuid        NOT NULL,
    documents_issued  integer     NOT NULL CHECK (documents_issued >= 0),
    current_kind      text        NOT NULL CHECK (current_kind IN ('claim', 'statement', 'rejection')),
    current_id        uuid        NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
-- Documents billed before this migration: their coding's time is unknown, so they take the
-- epoch (any coding that arrives from now on is newer: it corrects them, or changes nothing
-- when it bills the same).
INSERT INTO encounter_bills (encounter_id, version_at, version_event_id, documents_issued,
                             current_kind, current_id)
SELECT encounter_id, 'epoch', coded_event_id, 1, 'claim', claim_id FROM claims;
INSERT INTO encounter_bills (encounter_id, version_at, version_event_id, documents_issued,
                             current_kind, current_id)
SELECT encounter_id, 'epoch', '00000000-0000-0000-0000-000000000000', 1, 'statement',
       statement_id
FROM statements
ON CONFLICT (encounter_id) DO NOTHING;

-- What the operator's CLI (`medbill status`) reads of the biller: one row per document (a
-- claim or a patient statement) with its ids, amount and dates; no patient account, no
-- member ids. The CLI reads this view only, so the tables behind it may change as long as
-- the view keeps these columns.
CREATE VIEW billing_status AS
SELECT encounter_id,
       'claim'::text    AS document,
       claim_id         AS document_id,
       payer_id,
       total_charge     AS amount,
       NULL::date       AS due_date,
       status,
       created_at
  FROM claims
UNION ALL
SELECT encounter_id,
       'statement'::text,
       statement_id,
       NULL::text,
       amount_due,
       due_date,
       'issued'::text,
       created_at
  FROM statements;

COMMENT ON VIEW billing_status IS
    'read by medbill status: claims and statements with their ids, amounts and dates';

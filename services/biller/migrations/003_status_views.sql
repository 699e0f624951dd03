-- What the operator's CLI (`medbill status`) reads of the biller: one row per document (a
-- claim, a patient statement, or a refusal to bill announced by claim.rejected) with its
-- ids, amount, state and dates; no patient account, no member ids. The CLI reads this view
-- only, so the tables behind it may change as long as the view keeps these columns.
CREATE VIEW billing_status AS
SELECT encounter_id,
       'claim'::text    AS document,
       claim_id         AS document_id,
       payer_id,
       total_charge     AS amount,
       NULL::date       AS due_date,
       status,          -- 'submitted' (stands), 'replaced', 'voided' or 'void' (002)
       NULL::text[]     AS reasons,
       created_at,
       NULL::timestamptz AS voided_at
  FROM claims
UNION ALL
SELECT encounter_id,
       'statement'::text,
       statement_id,
       NULL::text,
       amount_due,
       due_date,
       status,          -- 'issued' (stands) or 'voided'
       NULL::text[],
       created_at,
       voided_at
  FROM statements
UNION ALL
SELECT encounter_id,
       'rejection'::text,
       rejection_id,
       NULL::text,
       NULL::numeric,
       NULL::date,
       'rejected'::text,
       reasons,         -- the business reasons, in words
       created_at,
       NULL::timestamptz
  FROM claim_rejections;

COMMENT ON VIEW billing_status IS
    'read by medbill status: claims, statements and refusals with ids, amounts, states, dates';

-- What the operator's CLI (`medbill status`) reads of the coder: one row per encounter with
-- its stage, dates, review reasons (their words) and codes; no demographics, no clinical
-- text. The CLI reads this view only, so the table behind it may change as long as the view
-- keeps these columns.
CREATE VIEW encounter_status AS
SELECT encounter_id,
       status,                -- 'coded' or 'review'
       date_of_service,
       received_at,
       review_requested_at,   -- the last time it was sent to a coder, if ever
       coded_at,
       ARRAY(SELECT coalesce(r->>'message', r->>'rule')
               FROM json_array_elements(CASE WHEN json_typeof(review_reasons) = 'array'
                                             THEN review_reasons END) AS r)
           AS review_reasons,
       ARRAY(SELECT d->>'code'
               FROM json_array_elements(CASE WHEN json_typeof(coded->'diagnoses') = 'array'
                                             THEN coded->'diagnoses' END) AS d)
           AS diagnosis_codes,
       ARRAY(SELECT l->>'code'
               FROM json_array_elements(CASE WHEN json_typeof(coded->'service_lines') = 'array'
                                             THEN coded->'service_lines' END) AS l)
           AS procedure_codes
  FROM encounters;

COMMENT ON VIEW encounter_status IS
    'read by medbill status: each encounter''s stage, dates, review reasons and codes';

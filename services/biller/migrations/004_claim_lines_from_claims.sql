-- A claim's lines are written once, in its document (claims.claim, the claim.submitted event
-- that announced it), no longer a second time, row by row, in a table of their own (each
-- row with its foreign-key check): claim_lines becomes a view of the lines each claim's
-- document lists, with the same columns. The table's rows were written from the same lines
-- as the document of their claim, so nothing is lost with it.
DROP TABLE claim_lines;

CREATE VIEW claim_lines AS
SELECT c.claim_id,
       (line ->> 'line_number')::integer                        AS line_number,
       line ->> 'code'                                           AS code,
       ARRAY(SELECT json_array_elements_text(line -> 'modifiers')) AS modifiers,
       (line ->> 'units')::integer                               AS units,
       (line ->> 'charge')::numeric(12,2)                        AS charge,
       ARRAY(SELECT p::integer
               FROM json_array_elements_text(line -> 'diagnosis_pointers') AS p)
                                                                 AS diagnosis_pointers
  FROM claims c
 CROSS JOIN LATERAL json_array_elements(c.claim -> 'data' -> 'lines') AS line;

COMMENT ON VIEW claim_lines IS
    'each claim''s service lines, as its stored claim.submitted event lists them';

-- What the operator's CLI (`medbill status`) reads of the notifier: one row per notification
-- with its template, audience and delivery state; no recipient address, subject or content.
-- The CLI reads this view only, so the table behind it may change as long as the view keeps
-- these columns.
CREATE VIEW notification_status AS
SELECT notification_id,
       correlation_id,   -- the encounter id the event chain carries
       channel,
       audience,
       template,
       status,           -- 'pending', 'sent' or 'failed'
       attempts,
       created_at,
       sent_at
  FROM notifications;

COMMENT ON VIEW notification_status IS
    'read by medbill status: each notification''s template, audience and delivery state';

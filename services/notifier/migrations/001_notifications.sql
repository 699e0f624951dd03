CREATE TABLE notifications (
    notification_id    uuid        PRIMARY KEY,
    channel            text        NOT NULL,
    audience           text        NOT NULL,
    template           text        NOT NULL,
    recipient          text        NOT NULL,
    subject            text        NOT NULL,
    message            bytea       NOT NULL,  -- the RFC 5322 message, rendered once when queued
    subject_event_id   uuid        NOT NULL,
    subject_event_type text        NOT NULL,
    correlation_id     text        NOT NULL,
    status             text        NOT NULL DEFAULT 'pending'
                                   CHECK (status IN ('pending', 'sent', 'failed')),
    attempts           integer     NOT NULL DEFAULT 0,
    last_error         text,
    next_attempt_at    timestamptz NOT NULL DEFAULT now(),
    created_at         timestamptz NOT NULL DEFAULT now(),
    sent_at            timestamptz
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notifications_correlation ON notifications (correlation_id);

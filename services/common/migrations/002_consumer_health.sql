-- What each running instance's consumers are doing, written every few seconds by the
-- instance itself; `medbill health SERVICE` reads the view (a stale row means a dead
-- instance: its consumers count as down).

CREATE TABLE consumer_health (
    instance    text        NOT NULL,  -- host:pid
    consumer    text        NOT NULL,  -- service.purpose
    state       text        NOT NULL CHECK (state IN ('starting', 'ok', 'retrying', 'halted', 'stopped')),
    partitions  integer     NOT NULL DEFAULT 0,  -- partitions the consumer holds now
    failures    integer     NOT NULL DEFAULT 0,  -- consecutive failed attempts of one batch
    detail      text,                             -- error class and code location, never values
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance, consumer)
);

CREATE VIEW service_health AS
SELECT instance, consumer, state, partitions, failures, detail, updated_at,
       updated_at > now() - interval '15 seconds' AS fresh
FROM consumer_health;

-- Inbox, outbox and dead letters: one set per service schema (search_path is the schema).

CREATE TABLE inbox (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

CREATE TABLE outbox (
    id         bigserial   PRIMARY KEY,
    topic      text        NOT NULL,
    key        bytea,
    value      bytea       NOT NULL,
    headers    jsonb       NOT NULL DEFAULT '{}',  -- {"name": "value"}
    event_id   uuid,
    correlation_id text,
    created_at timestamptz NOT NULL DEFAULT now()
);  -- a row lives until the relay has published it
-- rows are short-lived: keep events of a few KB inline and uncompressed (pglz costs CPU)
ALTER TABLE outbox SET (toast_tuple_target = 8160);

CREATE TABLE dead_letters (
    id           bigserial   PRIMARY KEY,
    service      text        NOT NULL,
    topic        text        NOT NULL,
    kafka_partition integer  NOT NULL,
    kafka_offset bigint      NOT NULL,
    key          bytea,
    value        bytea       NOT NULL,
    headers      jsonb       NOT NULL DEFAULT '[]',  -- [["name", "value"], ...] as received
    error        text        NOT NULL,
    failed_at    timestamptz NOT NULL DEFAULT now(),
    replayed_at  timestamptz,
    UNIQUE (topic, kafka_partition, kafka_offset)
);

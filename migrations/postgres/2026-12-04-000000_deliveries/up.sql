-- Subscribers (the institutions alerts are delivered to) and the outbox: one delivery
-- per alert, subscriber and channel, written in the transaction that issues the alert,
-- and every attempt to deliver it (see store/deliveries.rs).
CREATE TABLE subscribers (
    id         text PRIMARY KEY,
    version    integer NOT NULL,
    spec       jsonb NOT NULL,
    secrets    jsonb NOT NULL,
    written_by text NOT NULL,
    written_at timestamptz NOT NULL
);
CREATE TABLE deliveries (
    id              bigint PRIMARY KEY,
    alert_id        bigint NOT NULL,
    subscriber_id   text NOT NULL,
    channel         text NOT NULL,
    message_id      text NOT NULL,
    state           text NOT NULL,
    attempts        integer NOT NULL,
    tries           integer NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    last_error      text,
    UNIQUE (alert_id, subscriber_id, channel)
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_by_subscriber ON deliveries (subscriber_id);
CREATE TABLE delivery_attempts (
    delivery_id bigint NOT NULL,
    number      integer NOT NULL,
    at          timestamptz NOT NULL,
    status      integer,
    latency_ms  double precision NOT NULL,
    error       text,
    PRIMARY KEY (delivery_id, number)
);
-- The feed's cache asks for the last change of any alert.
CREATE INDEX alerts_updated ON alerts (updated_at);

-- Subscribers (the institutions alerts are delivered to) and the outbox: one delivery
-- per alert, subscriber and channel, written in the transaction that issues the alert,
-- and every attempt to deliver it (see store/deliveries.rs).
CREATE TABLE subscribers (
    id         TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    spec       TEXT NOT NULL,
    secrets    TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_at TEXT NOT NULL
);
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    alert_id        INTEGER NOT NULL,
    subscriber_id   TEXT NOT NULL,
    channel         TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    tries           INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT,
    last_error      TEXT,
    UNIQUE (alert_id, subscriber_id, channel)
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_by_subscriber ON deliveries (subscriber_id);
CREATE TABLE delivery_attempts (
    delivery_id INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    at          TEXT NOT NULL,
    status      INTEGER,
    latency_ms  REAL NOT NULL,
    error       TEXT,
    PRIMARY KEY (delivery_id, number)
);
-- The feed's cache asks for the last change of any alert.
CREATE INDEX alerts_updated ON alerts (updated_at);

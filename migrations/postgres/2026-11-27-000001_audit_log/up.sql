-- Who did what and when: every write, and every read of restricted detail.
CREATE TABLE audit_log (
    id     bigserial PRIMARY KEY,
    at     timestamptz NOT NULL,
    actor  text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    detail jsonb NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- Alert rules, every version kept; alerts (CAP 1.2) with their life, found by the rule
-- version and input versions they were drafted from (one draft each: see store/alerts.rs).
CREATE TABLE alert_rules (
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL,
    spec       TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE TABLE alerts (
    id               INTEGER PRIMARY KEY,
    rule_id          TEXT,
    rule_version     INTEGER,
    hazard_layer     TEXT NOT NULL,
    hazard_version   INTEGER NOT NULL,
    exposure_layer   TEXT NOT NULL,
    exposure_version INTEGER NOT NULL,
    state            TEXT NOT NULL,
    doc              TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX alerts_by_inputs ON alerts
    (rule_id, rule_version, hazard_layer, hazard_version, exposure_layer, exposure_version);
CREATE INDEX alerts_state_idx ON alerts (state);

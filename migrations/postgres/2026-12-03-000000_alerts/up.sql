-- Alert rules, every version kept; alerts (CAP 1.2) with their life, found by the rule
-- version and input versions they were drafted from (one draft each: see store/alerts.rs).
CREATE TABLE alert_rules (
    id         text NOT NULL,
    version    integer NOT NULL,
    spec       jsonb NOT NULL,
    written_by text NOT NULL,
    written_at timestamptz NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE TABLE alerts (
    id               bigint PRIMARY KEY,
    rule_id          text,
    rule_version     integer,
    hazard_layer     text NOT NULL,
    hazard_version   integer NOT NULL,
    exposure_layer   text NOT NULL,
    exposure_version integer NOT NULL,
    state            text NOT NULL,
    doc              jsonb NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX alerts_by_inputs ON alerts
    (rule_id, rule_version, hazard_layer, hazard_version, exposure_layer, exposure_version);
CREATE INDEX alerts_state_idx ON alerts (state);

-- sitroom store, PostGIS backend: layers, their versions and features, API tokens.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE layers (
    id              text PRIMARY KEY,
    meta            jsonb NOT NULL,
    current_version integer NOT NULL,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_by      text NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE TABLE layer_versions (
    layer_id      text NOT NULL REFERENCES layers (id) ON DELETE CASCADE,
    version       integer NOT NULL,
    meta          jsonb NOT NULL,
    source_name   text NOT NULL,
    source_sha256 text NOT NULL,
    feature_count bigint NOT NULL,
    west          double precision,
    south         double precision,
    east          double precision,
    north         double precision,
    report        jsonb NOT NULL,
    loaded_by     text NOT NULL,
    loaded_at     timestamptz NOT NULL,
    PRIMARY KEY (layer_id, version)
);

CREATE TABLE features (
    layer_id     text NOT NULL,
    version      integer NOT NULL,
    fid          bigint NOT NULL,
    source_id    text,
    geom         geometry(Geometry, 4326) NOT NULL,
    properties   jsonb NOT NULL,
    name         text,
    code         text,
    population   double precision,
    households   double precision,
    hazard_class text,
    PRIMARY KEY (layer_id, version, fid),
    FOREIGN KEY (layer_id, version) REFERENCES layer_versions (layer_id, version) ON DELETE CASCADE
);
CREATE INDEX features_geom_idx ON features USING gist (geom);

CREATE TABLE api_tokens (
    id            serial PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    token_sha256  text NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz,
    revoked_at    timestamptz
);

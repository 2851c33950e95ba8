-- sitroom store, embedded SQLite backend: layers, their versions and features, API tokens.
-- Geometries are WKB (EPSG:4326) with their bounding box beside them; times are
-- ISO 8601 UTC text; JSON is text.

CREATE TABLE layers (
    id              TEXT PRIMARY KEY NOT NULL,
    meta            TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE layer_versions (
    layer_id      TEXT NOT NULL REFERENCES layers (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    meta          TEXT NOT NULL,
    source_name   TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    feature_count BIGINT NOT NULL,
    west          DOUBLE,
    south         DOUBLE,
    east          DOUBLE,
    north         DOUBLE,
    report        TEXT NOT NULL,
    loaded_by     TEXT NOT NULL,
    loaded_at     TEXT NOT NULL,
    PRIMARY KEY (layer_id, version)
);

CREATE TABLE features (
    layer_id     TEXT NOT NULL,
    version      INTEGER NOT NULL,
    fid          BIGINT NOT NULL,
    source_id    TEXT,
    geom         BLOB NOT NULL,
    west         DOUBLE NOT NULL,
    south        DOUBLE NOT NULL,
    east         DOUBLE NOT NULL,
    north        DOUBLE NOT NULL,
    properties   TEXT NOT NULL,
    name         TEXT,
    code         TEXT,
    population   DOUBLE,
    households   DOUBLE,
    hazard_class TEXT,
    PRIMARY KEY (layer_id, version, fid),
    FOREIGN KEY (layer_id, version) REFERENCES layer_versions (layer_id, version) ON DELETE CASCADE
);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name          TEXT NOT NULL UNIQUE,
    token_sha256  TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    revoked_at    TEXT
);

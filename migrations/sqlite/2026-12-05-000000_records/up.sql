-- Registers of records (losses, …): one per kind, its versions, and each version's
-- records in chunks of compact JSON (see store/records.rs).
CREATE TABLE registers (
    kind            TEXT PRIMARY KEY,
    current_version INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE TABLE register_versions (
    kind          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    source_name   TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    record_count  BIGINT NOT NULL,
    report        TEXT NOT NULL,
    imported_by   TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    PRIMARY KEY (kind, version)
);
CREATE TABLE record_chunks (
    kind    TEXT NOT NULL,
    version INTEGER NOT NULL,
    chunk   INTEGER NOT NULL,
    records TEXT NOT NULL,
    PRIMARY KEY (kind, version, chunk)
);

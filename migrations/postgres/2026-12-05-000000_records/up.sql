-- Registers of records (losses, …): one per kind, its versions, and each version's
-- records in chunks of compact JSON (see store/records.rs).
CREATE TABLE registers (
    kind            text PRIMARY KEY,
    current_version integer NOT NULL,
    updated_by      text NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE TABLE register_versions (
    kind          text NOT NULL,
    version       integer NOT NULL,
    source_name   text NOT NULL,
    source_sha256 text NOT NULL,
    record_count  bigint NOT NULL,
    report        jsonb NOT NULL,
    imported_by   text NOT NULL,
    imported_at   timestamptz NOT NULL,
    PRIMARY KEY (kind, version)
);
CREATE TABLE record_chunks (
    kind    text NOT NULL,
    version integer NOT NULL,
    chunk   integer NOT NULL,
    records text NOT NULL,
    PRIMARY KEY (kind, version, chunk)
);

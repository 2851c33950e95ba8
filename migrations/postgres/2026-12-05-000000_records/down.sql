DROP TABLE record_chunks;
DROP TABLE register_versions;
DROP TABLE registers;

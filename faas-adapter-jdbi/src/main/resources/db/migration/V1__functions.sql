-- One script for PostgreSQL and for H2 in PostgreSQL mode. ${name_collation} is COLLATE "C" on PostgreSQL, so
-- names compare and sort by code point (as FunctionName does) whatever the database's locale; H2 already does.

-- One row per name ever registered; it outlives the name's versions so version numbers are never reused.
CREATE TABLE function_names (
    name         VARCHAR(64) ${name_collation} NOT NULL PRIMARY KEY,
    last_version INT         NOT NULL
);

CREATE TABLE function_versions (
    name          VARCHAR(64)  ${name_collation} NOT NULL REFERENCES function_names (name),
    version       INT          NOT NULL,
    code          TEXT         NOT NULL,
    handler       VARCHAR(128) NOT NULL,
    timeout_ms    BIGINT       NOT NULL,
    memory_mb     INT          NOT NULL,
    max_instances INT          NOT NULL,
    code_sha256   VARCHAR(64)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (name, version)
);

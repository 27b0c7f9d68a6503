-- One script for PostgreSQL and for H2 in PostgreSQL mode. API keys are stored by the SHA-256 of the key (64
-- lower-case hex digits), never the key itself. Rows are never deleted: a revoked key keeps its row, so the same
-- key can never be added again. ${name_collation} (see V1) makes ids sort by code point on PostgreSQL too.
CREATE TABLE api_keys (
    id          VARCHAR(64)  ${name_collation} NOT NULL PRIMARY KEY,
    key_hash    VARCHAR(64)  NOT NULL UNIQUE,
    role        VARCHAR(16)  NOT NULL CHECK (role IN ('admin', 'invoke')),
    description VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE
);

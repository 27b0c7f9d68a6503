-- Secrets, by name, each value sealed by the platform (AES-GCM under FAAS_SECRETS_KEY, base64 of version byte, nonce
-- and ciphertext with tag): the database never holds a value in clear. ${name_collation} (see V1) makes names sort
-- by code point on PostgreSQL too.
CREATE TABLE secrets (
    name         VARCHAR(64) ${name_collation} NOT NULL PRIMARY KEY,
    sealed_value TEXT        NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

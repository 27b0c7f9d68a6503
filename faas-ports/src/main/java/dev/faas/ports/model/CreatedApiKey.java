package dev.faas.ports.model;

import java.util.Objects;

/**
 * A key just created: its record and the key itself, which is shown to its owner this once and never again (only
 * its hash is stored). {@link #toString()} leaves the key out, so the object is safe to log by mistake.
 */
public record CreatedApiKey(ApiKeyRecord record, String key) {

    public CreatedApiKey {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return "CreatedApiKey[record=" + record + ", key=***]";
    }
}

package dev.faas.ports.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An API key as a store holds it: its record and the SHA-256 of the key as 64 lower-case hex digits. The key itself
 * is never stored.
 */
public record StoredApiKey(ApiKeyRecord record, String keyHash) {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public StoredApiKey {
        Objects.requireNonNull(record, "record");
        requireHash(keyHash);
    }

    /** Checks that {@code keyHash} is 64 lower-case hex digits, as every store expects. */
    public static String requireHash(String keyHash) {
        if (keyHash == null || !SHA256_HEX.matcher(keyHash).matches()) {
            throw new IllegalArgumentException("a key hash is a SHA-256 written as 64 lower-case hex digits");
        }
        return keyHash;
    }
}

package dev.faas.ports.model;

import java.time.Instant;
import java.util.Objects;

/**
 * What is known about an API key apart from its secret: its id, role, when it was created, whether it was revoked,
 * and a free-text description (empty when none was given). Never holds the key nor its hash.
 */
public record ApiKeyRecord(ApiKeyId id, AccessRole role, Instant createdAt, boolean revoked,
                           String description) {

    /** The longest description accepted. */
    public static final int MAX_DESCRIPTION_LENGTH = 200;

    public ApiKeyRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
        if (description == null) {
            description = "";
        }
    }

    public ApiKeyRecord asRevoked() {
        return new ApiKeyRecord(id, role, createdAt, true, description);
    }
}

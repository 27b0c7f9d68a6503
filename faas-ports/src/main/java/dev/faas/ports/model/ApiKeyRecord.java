package dev.faas.ports.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What is known about an API key apart from its secret: its id, role, when it was created, whether it was revoked,
 * a free-text description (empty when none was given) and the permissions granted beyond its role (none unless
 * given). Never holds the key nor its hash.
 */
public record ApiKeyRecord(ApiKeyId id, AccessRole role, Instant createdAt, boolean revoked,
                           String description, Set<ApiKeyPermission> permissions) {

    /** The longest description accepted. */
    public static final int MAX_DESCRIPTION_LENGTH = 200;

    public ApiKeyRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
        if (description == null) {
            description = "";
        }
        permissions = ApiKeyPermission.setOf(permissions);
    }

    /** A key without permissions beyond its role. */
    public ApiKeyRecord(ApiKeyId id, AccessRole role, Instant createdAt, boolean revoked, String description) {
        this(id, role, createdAt, revoked, description, Set.of());
    }

    /** Whether the key was granted {@code permission}. */
    public boolean holds(ApiKeyPermission permission) {
        return permissions.contains(permission);
    }

    public ApiKeyRecord asRevoked() {
        return new ApiKeyRecord(id, role, createdAt, true, description, permissions);
    }
}

package dev.faas.ports.model;

import java.util.Objects;
import java.util.Set;

/** Who made a request, as proven by an API key: the key's id, role and the permissions granted to it. */
public record AuthenticatedCaller(ApiKeyId keyId, AccessRole role, Set<ApiKeyPermission> permissions) {

    public AuthenticatedCaller {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(role, "role");
        permissions = ApiKeyPermission.setOf(permissions);
    }

    /** A caller whose key has no permission beyond its role. */
    public AuthenticatedCaller(ApiKeyId keyId, AccessRole role) {
        this(keyId, role, Set.of());
    }

    /** Whether this caller may do what {@code required} allows. */
    public boolean may(AccessRole required) {
        return role.includes(required);
    }

    /** Whether this caller's key was granted {@code permission}; no role implies one. */
    public boolean holds(ApiKeyPermission permission) {
        return permissions.contains(permission);
    }
}

package dev.faas.ports.model;

import java.util.Objects;

/** Who made a request, as proven by an API key: the key's id and role. */
public record AuthenticatedCaller(ApiKeyId keyId, AccessRole role) {

    public AuthenticatedCaller {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(role, "role");
    }

    /** Whether this caller may do what {@code required} allows. */
    public boolean may(AccessRole required) {
        return role.includes(required);
    }
}

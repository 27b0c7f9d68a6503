package dev.faas.domain.access;

import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyPermission;
import java.util.Objects;
import java.util.Set;

/**
 * An API key given in the configuration, with its role, the permissions granted to it beyond its role, and where it
 * was given ({@code FAAS_API_KEYS entry 2}), so messages can point at it without showing it. {@link #toString()} leaves
 * the key out.
 */
public record ConfiguredApiKey(String key, AccessRole role, String source, Set<ApiKeyPermission> permissions) {

    public ConfiguredApiKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(source, "source");
        permissions = ApiKeyPermission.setOf(permissions);
    }

    /** A configured key without permissions beyond its role. */
    public ConfiguredApiKey(String key, AccessRole role, String source) {
        this(key, role, source, Set.of());
    }

    @Override
    public String toString() {
        return "ConfiguredApiKey[" + source + ", role=" + role.wireName()
                + (permissions.isEmpty() ? "" : ", permissions=" + permissions) + ", key=***]";
    }
}

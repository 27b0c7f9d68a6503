package dev.faas.domain.access;

import dev.faas.ports.model.AccessRole;
import java.util.Objects;

/**
 * An API key given in the configuration, with its role and where it was given ({@code FAAS_API_KEYS entry 2}), so
 * messages can point at it without showing it. {@link #toString()} leaves the key out.
 */
public record ConfiguredApiKey(String key, AccessRole role, String source) {

    public ConfiguredApiKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(source, "source");
    }

    @Override
    public String toString() {
        return "ConfiguredApiKey[" + source + ", role=" + role.wireName() + ", key=***]";
    }
}

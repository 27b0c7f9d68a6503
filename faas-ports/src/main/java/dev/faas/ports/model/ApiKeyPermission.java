package dev.faas.ports.model;

import dev.faas.ports.error.InvalidRequestException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * What an API key may do beyond its role, granted key by key. {@link #EGRESS}: register versions with
 * {@code "network": "egress"} on a node started with {@code FAAS_EGRESS=keys}. No role implies a permission, admin
 * included: it is on a key only when the key was created with it.
 */
public enum ApiKeyPermission {
    EGRESS("egress");

    private final String wireName;

    ApiKeyPermission(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used in JSON, the CLI and {@code FAAS_API_KEYS}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses a permission's name (exactly, lower case).
     *
     * @throws InvalidRequestException naming {@code field} when the name is no permission
     */
    public static ApiKeyPermission parse(String field, String text) {
        for (ApiKeyPermission permission : values()) {
            if (permission.wireName.equals(text)) {
                return permission;
            }
        }
        throw new InvalidRequestException(field, "'" + (text == null ? "null" : clip(text))
                + "' is not a permission: the only permission is 'egress'");
    }

    /** An unmodifiable copy of {@code permissions}, empty for null. */
    public static Set<ApiKeyPermission> setOf(Collection<ApiKeyPermission> permissions) {
        if (permissions == null || permissions.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(EnumSet.copyOf(permissions));
    }

    private static String clip(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 32 ? printable : printable.substring(0, 32) + "...";
    }

    @Override
    public String toString() {
        return wireName;
    }
}

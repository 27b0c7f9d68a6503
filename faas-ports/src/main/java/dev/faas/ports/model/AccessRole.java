package dev.faas.ports.model;

import dev.faas.ports.error.InvalidRequestException;
import java.util.Locale;

/**
 * What an API key may do. {@link #INVOKE} calls functions and reads their metadata; {@link #ADMIN} also registers,
 * deletes, reads code and manages keys, and so includes {@link #INVOKE}.
 */
public enum AccessRole {
    INVOKE(Names.INVOKE),
    ADMIN(Names.ADMIN);

    private final String wireName;

    AccessRole(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used in configuration, JSON and {@code SecurityContext.isUserInRole}. */
    public String wireName() {
        return wireName;
    }

    /** Whether a holder of this role may do what {@code required} allows. */
    public boolean includes(AccessRole required) {
        return this == ADMIN || this == required;
    }

    /** Parses {@code admin} or {@code invoke} (any case). */
    public static AccessRole parse(String text) {
        if (text != null) {
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            for (AccessRole role : values()) {
                if (role.wireName.equals(wanted)) {
                    return role;
                }
            }
        }
        throw new InvalidRequestException("role", "a role is 'admin' or 'invoke'");
    }

    @Override
    public String toString() {
        return wireName;
    }

    /** The wire names as constants, for annotations such as {@code @RolesAllowed(AccessRole.Names.ADMIN)}. */
    public static final class Names {

        public static final String INVOKE = "invoke";
        public static final String ADMIN = "admin";

        private Names() {
        }
    }
}

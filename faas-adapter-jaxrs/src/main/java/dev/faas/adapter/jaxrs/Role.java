package dev.faas.adapter.jaxrs;

import java.util.Locale;

/**
 * What a caller may do: {@link #INVOKE} calls functions and reads their metadata; {@link #ADMIN} also registers and
 * deletes them and reads their code. {@link #roleName()} is the name given to
 * {@link jakarta.ws.rs.core.SecurityContext#isUserInRole(String)}.
 */
public enum Role {
    INVOKE,
    ADMIN;

    /** The role's name in a security context: {@code invoke} or {@code admin}. */
    public String roleName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

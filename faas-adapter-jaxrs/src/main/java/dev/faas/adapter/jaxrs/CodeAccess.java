package dev.faas.adapter.jaxrs;

import dev.faas.ports.model.AccessRole;
import jakarta.ws.rs.core.SecurityContext;

/**
 * Decides whether a caller may read a function's code: a caller in the {@link AccessRole#ADMIN} role, which every
 * caller of a server that authenticates nobody is, and any caller when there is no security context at all.
 */
public final class CodeAccess {

    private CodeAccess() {
    }

    public static boolean mayReadCode(SecurityContext security) {
        return security == null || security.isUserInRole(AccessRole.Names.ADMIN);
    }
}

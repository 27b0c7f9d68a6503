package dev.faas.adapter.jaxrs;

import jakarta.ws.rs.core.SecurityContext;

/**
 * Decides whether a caller may read a function's code: a caller in the {@link Role#ADMIN} role, and any caller of a
 * server that authenticates nobody (its security context has no principal).
 */
public final class CodeAccess {

    private CodeAccess() {
    }

    public static boolean mayReadCode(SecurityContext security) {
        return security == null || security.getUserPrincipal() == null
                || security.isUserInRole(Role.ADMIN.roleName());
    }
}

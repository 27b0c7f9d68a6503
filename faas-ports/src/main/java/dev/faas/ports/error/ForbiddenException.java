package dev.faas.ports.error;

import dev.faas.ports.model.AccessRole;
import java.util.Objects;

/** The caller is authenticated, but its key's role does not allow the operation (HTTP 403). */
public class ForbiddenException extends AccessException {

    private final AccessRole requiredRole;

    public ForbiddenException(AccessRole requiredRole) {
        super("this operation needs an API key with the role '"
                + Objects.requireNonNull(requiredRole, "requiredRole").wireName() + "'");
        this.requiredRole = requiredRole;
    }

    public AccessRole requiredRole() {
        return requiredRole;
    }
}

package dev.faas.ports.error;

import dev.faas.ports.model.ApiKeyPermission;
import java.util.Objects;

/**
 * The caller's key tried to grant a permission it does not hold itself (HTTP 403): a key can hand on only what it
 * was given, so no key can raise its own permissions through a key it creates.
 */
public class PermissionNotHeldException extends AccessException {

    private final ApiKeyPermission permission;

    public PermissionNotHeldException(ApiKeyPermission permission) {
        super("only an API key that holds the permission '" + Objects.requireNonNull(permission, "permission")
                .wireName() + "' may create a key with it; ask the operator for such a key (FAAS_API_KEYS"
                + " entry <key>:admin+" + permission.wireName() + ")");
        this.permission = permission;
    }

    public ApiKeyPermission permission() {
        return permission;
    }
}

package dev.faas.adapter.jaxrs;

import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.AuthenticatedCaller;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/**
 * The security context {@link BearerAuthFilter} gives every request: a caller proven by an API key, nobody yet (a
 * public endpoint), or everybody (the server has no key, so it authenticates nobody and allows everything). Jersey's
 * role check ({@link AccessRules}) lets only a request with a principal through, so everybody has one:
 * {@link #ANYONE}.
 */
final class AccessSecurityContext implements SecurityContext {

    /** The principal of every request to a server without keys. */
    static final Principal ANYONE = new KeyPrincipal("anyone");

    private final AuthenticatedCaller caller;
    private final boolean open;
    private final boolean secure;

    private AccessSecurityContext(AuthenticatedCaller caller, boolean open, boolean secure) {
        this.caller = caller;
        this.open = open;
        this.secure = secure;
    }

    static AccessSecurityContext of(AuthenticatedCaller caller, boolean secure) {
        return new AccessSecurityContext(caller, false, secure);
    }

    /** No key is configured: the principal {@link #ANYONE}, and every role is granted. */
    static AccessSecurityContext open(boolean secure) {
        return new AccessSecurityContext(null, true, secure);
    }

    /** Authentication is on but the endpoint is public: no principal, no role. */
    static AccessSecurityContext anonymous(boolean secure) {
        return new AccessSecurityContext(null, false, secure);
    }

    boolean isOpen() {
        return open;
    }

    /** The caller, or null when there is none. */
    AuthenticatedCaller caller() {
        return caller;
    }

    @Override
    public Principal getUserPrincipal() {
        if (open) {
            return ANYONE;
        }
        return caller == null ? null : new KeyPrincipal(caller.keyId().value());
    }

    @Override
    public boolean isUserInRole(String role) {
        if (open) {
            return true;
        }
        if (caller == null || role == null) {
            return false;
        }
        for (AccessRole candidate : AccessRole.values()) {
            if (candidate.wireName().equals(role)) {
                return caller.may(candidate);
            }
        }
        return false;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return caller == null ? null : "Bearer";
    }

    /** The API key's id: what logs and resources may know of the caller. */
    record KeyPrincipal(String getName) implements Principal {
    }
}

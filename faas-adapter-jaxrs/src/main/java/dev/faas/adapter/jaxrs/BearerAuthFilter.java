package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.UnauthenticatedException;
import dev.faas.ports.in.AuthenticateUseCase;
import dev.faas.ports.model.AuthenticatedCaller;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates every request by its {@code Authorization: Bearer <API key>} header, before the request is even
 * matched to a resource, so unknown paths and methods reveal nothing to a caller without a key. The probes
 * ({@code /healthz}, {@code /readyz}) need no key and never wait for the key store. While no key is configured every request passes and every role
 * is granted. {@link AccessRules} then enforces the role the matched method needs. The key is never logged nor
 * put in a message. Thread-safe.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
final class BearerAuthFilter implements ContainerRequestFilter {

    private static final String BEARER = "bearer ";

    private final AuthenticateUseCase authenticate;

    BearerAuthFilter(AuthenticateUseCase authenticate) {
        this.authenticate = Objects.requireNonNull(authenticate, "authenticate");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
        String path = request.getUriInfo().getPath();
        if (PublicPaths.isProbe(path) || PublicPaths.isPage(path)) {
            // Probes and pages never touch the key store, so /healthz answers while the database is down. AccessRules checks
            // again once the request is matched, whatever this path looked like: only @PermitAll methods pass.
            request.setSecurityContext(AccessSecurityContext.anonymous(secure));
            return;
        }
        if (!authenticate.anyKeyConfigured()) {
            request.setSecurityContext(AccessSecurityContext.open(secure));
            return;
        }
        String token = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            throw new UnauthenticatedException(UnauthenticatedException.Reason.NO_CREDENTIALS);
        }
        Optional<AuthenticatedCaller> caller = authenticate.authenticate(token);
        if (caller.isEmpty()) {
            throw new UnauthenticatedException(UnauthenticatedException.Reason.INVALID_CREDENTIALS);
        }
        request.setSecurityContext(AccessSecurityContext.of(caller.get(), secure));
    }

    /** The token of a {@code Bearer} credential (scheme in any case, RFC 9110), or null when there is none. */
    static String bearerToken(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).strip();
        return token.isEmpty() ? null : token;
    }
}

package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.AccessException;
import dev.faas.ports.error.ApiKeyNotFoundException;
import dev.faas.ports.error.ForbiddenException;
import dev.faas.ports.error.UnauthenticatedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Maps refused access (401 with a {@code WWW-Authenticate} challenge, 403) and unknown API keys (404). */
final class AccessErrorMapper implements ExceptionMapper<AccessException> {

    /** The challenge of RFC 6750, with its {@code invalid_token} error when a key was presented. */
    static final String CHALLENGE = "Bearer realm=\"faas\"";

    @Override
    public Response toResponse(AccessException exception) {
        if (exception instanceof UnauthenticatedException unauthenticated) {
            String challenge = unauthenticated.reason() == UnauthenticatedException.Reason.INVALID_CREDENTIALS
                    ? CHALLENGE + ", error=\"invalid_token\"" : CHALLENGE;
            return Problem.of(ProblemType.UNAUTHENTICATED, unauthenticated.getMessage())
                    .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                    .header("Cache-Control", "no-store")
                    .build();
        }
        if (exception instanceof ForbiddenException forbidden) {
            return Problem.of(ProblemType.FORBIDDEN, forbidden.getMessage())
                    .with("requiredRole", forbidden.requiredRole().wireName())
                    .build();
        }
        if (exception instanceof ApiKeyNotFoundException notFound) {
            return Problem.of(ProblemType.NOT_FOUND, notFound.getMessage()).with("keyId", notFound.id().value())
                    .build();
        }
        return UnexpectedErrorMapper.internalError(exception);
    }
}

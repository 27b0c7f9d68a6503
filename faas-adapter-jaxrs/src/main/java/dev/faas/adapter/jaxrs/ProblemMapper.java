package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.ForbiddenException;
import dev.faas.ports.error.UnauthenticatedException;
import dev.faas.ports.model.AccessRole;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.lang.reflect.Method;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.Invocable;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * The one exception mapper: every failure becomes the {@code application/problem+json} answer {@link ProblemTable}
 * gives it. Jersey's refusal by {@link AccessRules} is first told apart: a 401 when the request has no caller, a 403
 * naming the role the method needs otherwise. Thread-safe.
 */
final class ProblemMapper implements ExceptionMapper<Throwable> {

    /** The request being answered; null when the mapper is used outside Jersey. */
    @Inject
    private Provider<ContainerRequestContext> requests;

    @Override
    public Response toResponse(Throwable failure) {
        ContainerRequestContext request = request();
        Throwable reported = failure instanceof jakarta.ws.rs.ForbiddenException ? accessRefusal(request) : failure;
        return ProblemTable.problem(reported, RequestLogFilter.requestId(request)).build();
    }

    private ContainerRequestContext request() {
        try {
            return requests == null ? null : requests.get();
        } catch (IllegalStateException outsideARequest) {
            return null;
        }
    }

    /** What Jersey's role check refused, in the platform's terms. */
    static RuntimeException accessRefusal(ContainerRequestContext request) {
        if (request == null || request.getSecurityContext() == null
                || request.getSecurityContext().getUserPrincipal() == null) {
            return new UnauthenticatedException(UnauthenticatedException.Reason.NO_CREDENTIALS);
        }
        return new ForbiddenException(requiredRole(request));
    }

    private static AccessRole requiredRole(ContainerRequestContext request) {
        if (request.getUriInfo() instanceof ExtendedUriInfo uriInfo) {
            ResourceMethod matched = uriInfo.getMatchedResourceMethod();
            Invocable invocable = matched == null ? null : matched.getInvocable();
            if (invocable != null) {
                Method method = invocable.getDefinitionMethod();
                return AccessRules.requiredRole(invocable.getHandler().getHandlerClass(), method)
                        .orElse(AccessRole.ADMIN);
            }
        }
        return AccessRole.ADMIN;
    }
}

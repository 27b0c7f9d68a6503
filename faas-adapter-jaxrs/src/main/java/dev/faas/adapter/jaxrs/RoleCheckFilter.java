package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.ForbiddenException;
import dev.faas.ports.error.UnauthenticatedException;
import dev.faas.ports.model.AccessRole;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.Invocable;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * Once a request is matched, refuses it unless its caller holds the role the method needs ({@link RequiredRoles}):
 * 401 without a caller, 403 with a caller of too small a role. It reads only the security context
 * {@link BearerAuthFilter} set, and fails closed on any other. Thread-safe.
 */
@Priority(Priorities.AUTHORIZATION)
final class RoleCheckFilter implements ContainerRequestFilter {

    private final Map<Method, Optional<AccessRole>> requiredByMethod = new ConcurrentHashMap<>();

    @Override
    public void filter(ContainerRequestContext request) {
        Optional<AccessRole> required = required(request);
        if (required.isEmpty()) {
            return;
        }
        if (!(request.getSecurityContext() instanceof AccessSecurityContext context)) {
            throw new UnauthenticatedException(UnauthenticatedException.Reason.NO_CREDENTIALS);
        }
        if (context.isOpen()) {
            return;
        }
        if (context.caller() == null) {
            throw new UnauthenticatedException(UnauthenticatedException.Reason.NO_CREDENTIALS);
        }
        if (!context.caller().may(required.get())) {
            throw new ForbiddenException(required.get());
        }
    }

    private Optional<AccessRole> required(ContainerRequestContext request) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo uriInfo)) {
            return Optional.of(AccessRole.ADMIN);
        }
        ResourceMethod matched = uriInfo.getMatchedResourceMethod();
        Invocable invocable = matched == null ? null : matched.getInvocable();
        if (invocable == null) {
            return Optional.of(AccessRole.ADMIN);
        }
        Method method = invocable.getDefinitionMethod();
        Class<?> resourceClass = invocable.getHandler().getHandlerClass();
        return requiredByMethod.computeIfAbsent(method, definition -> RequiredRoles.of(resourceClass, definition));
    }
}

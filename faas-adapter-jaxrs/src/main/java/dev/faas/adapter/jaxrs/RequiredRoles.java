package dev.faas.adapter.jaxrs;

import dev.faas.ports.model.AccessRole;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.Set;

/**
 * Which role a resource method needs: the one its {@link RequiresRole} names; none for the probes
 * ({@code /healthz}, {@code /readyz}), which must answer load balancers without a key; {@link AccessRole#INVOKE} for
 * {@code /metrics} and {@code /openapi.json}; and {@link AccessRole#ADMIN} for any other method, so an endpoint added
 * without the annotation is safe rather than open.
 */
final class RequiredRoles {

    /** Paths anyone may read, relative to the application's root, without slashes around. */
    static final Set<String> PUBLIC_PATHS = Set.of("healthz", "readyz");
    private static final Set<String> INVOKE_PATHS = Set.of("metrics", "openapi.json");

    private RequiredRoles() {
    }

    /** The role {@code method} of {@code resourceClass} needs; empty: it is public. */
    static Optional<AccessRole> of(Class<?> resourceClass, Method method) {
        if (method == null) {
            return Optional.of(AccessRole.ADMIN);
        }
        RequiresRole annotation = method.getAnnotation(RequiresRole.class);
        if (annotation != null) {
            return Optional.of(toAccessRole(annotation.value()));
        }
        String path = path(resourceClass, method);
        if (PUBLIC_PATHS.contains(path)) {
            return Optional.empty();
        }
        return Optional.of(INVOKE_PATHS.contains(path) ? AccessRole.INVOKE : AccessRole.ADMIN);
    }

    static AccessRole toAccessRole(Role role) {
        return switch (role) {
            case INVOKE -> AccessRole.INVOKE;
            case ADMIN -> AccessRole.ADMIN;
        };
    }

    /** Whether a request path (as {@code UriInfo.getPath()} gives it) is one of the public probes. */
    static boolean isPublicPath(String requestPath) {
        return PUBLIC_PATHS.contains(trimSlashes(requestPath));
    }

    /** The path template of the method, class and method {@code @Path} joined, without slashes around. */
    static String path(Class<?> resourceClass, Method method) {
        String classPath = resourceClass == null || resourceClass.getAnnotation(Path.class) == null ? ""
                : trimSlashes(resourceClass.getAnnotation(Path.class).value());
        String methodPath = method.getAnnotation(Path.class) == null ? ""
                : trimSlashes(method.getAnnotation(Path.class).value());
        if (classPath.isEmpty()) {
            return methodPath;
        }
        return methodPath.isEmpty() ? classPath : classPath + "/" + methodPath;
    }

    private static String trimSlashes(String path) {
        if (path == null) {
            return "";
        }
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }
}

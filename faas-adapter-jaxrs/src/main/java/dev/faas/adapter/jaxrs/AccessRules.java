package dev.faas.adapter.jaxrs;

import dev.faas.ports.model.AccessRole;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.glassfish.jersey.server.model.AnnotatedMethod;

/**
 * Who may call which resource method: Jersey's {@link RolesAllowedDynamicFeature} reading {@code @RolesAllowed} and
 * {@code @PermitAll} (role names are {@link AccessRole.Names}), with one rule added: a method that declares neither,
 * nor its class, needs {@link AccessRole#ADMIN}, so an endpoint added without an annotation is closed rather than
 * open. The security context is {@link BearerAuthFilter}'s; Jersey's refusal (a {@code ForbiddenException}) becomes a
 * 401 or 403 problem document in {@link ProblemTable}.
 */
final class AccessRules implements DynamicFeature {

    private final RolesAllowedDynamicFeature rolesAllowed = new RolesAllowedDynamicFeature();

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        rolesAllowed.configure(declaresAccess(resource.getResourceClass(), resource.getResourceMethod()) ? resource
                : new AdminByDefault(resource), context);
    }

    /**
     * The role the method needs, as enforced: the lowest role its {@code @RolesAllowed} (or its class's) names, none
     * for {@code @PermitAll}, {@link AccessRole#ADMIN} when it declares nothing or {@code @DenyAll}.
     */
    static Optional<AccessRole> requiredRole(Class<?> resourceClass, Method method) {
        if (method == null) {
            return Optional.of(AccessRole.ADMIN);
        }
        AnnotatedMethod annotated = new AnnotatedMethod(method);
        if (annotated.isAnnotationPresent(DenyAll.class)) {
            return Optional.of(AccessRole.ADMIN);
        }
        RolesAllowed roles = annotated.getAnnotation(RolesAllowed.class);
        if (roles == null && !annotated.isAnnotationPresent(PermitAll.class) && resourceClass != null) {
            roles = resourceClass.getAnnotation(RolesAllowed.class);
        }
        if (roles == null) {
            return declaresAccess(resourceClass, method) ? Optional.empty() : Optional.of(AccessRole.ADMIN);
        }
        return Optional.of(Arrays.stream(roles.value()).anyMatch(AccessRole.Names.INVOKE::equals)
                ? AccessRole.INVOKE : AccessRole.ADMIN);
    }

    private static boolean declaresAccess(Class<?> resourceClass, Method method) {
        AnnotatedMethod annotated = new AnnotatedMethod(method);
        return annotated.isAnnotationPresent(RolesAllowed.class) || annotated.isAnnotationPresent(PermitAll.class)
                || annotated.isAnnotationPresent(DenyAll.class)
                || resourceClass != null && (resourceClass.isAnnotationPresent(RolesAllowed.class)
                || resourceClass.isAnnotationPresent(PermitAll.class));
    }

    /** A method seen as if its class said {@code @RolesAllowed("admin")}. */
    private record AdminByDefault(ResourceInfo resource) implements ResourceInfo {

        @Override
        public Method getResourceMethod() {
            return resource.getResourceMethod();
        }

        @Override
        public Class<?> getResourceClass() {
            return AdminOnly.class;
        }
    }

    @RolesAllowed(AccessRole.Names.ADMIN)
    private static final class AdminOnly {
    }
}

package dev.faas.adapter.jaxrs;

import dev.faas.ports.in.AuthenticateUseCase;
import dev.faas.ports.in.ManageApiKeysUseCase;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * API key authentication for the Jersey application: the guard that keeps web pages from driving a server without
 * keys ({@link KeylessRequestGuard}), the bearer filter, the role check every resource method goes
 * through ({@link AccessRules}: {@code @RolesAllowed} and {@code @PermitAll}; methods without either need
 * {@code admin}), and {@code /admin/keys}. The problem documents for 401 and 403 are rows of {@link ProblemTable}.
 */
public final class AccessControl {

    private AccessControl() {
    }

    /** Adds access control to {@code application} (from {@link FaasResourceConfig}) and returns it. */
    public static ResourceConfig install(ResourceConfig application, AuthenticateUseCase authenticate,
                                         ManageApiKeysUseCase keys, ApiSettings settings) {
        application.register(new KeylessRequestGuard(authenticate));
        application.register(new BearerAuthFilter(authenticate));
        application.register(new AccessRules());
        application.register(new ApiKeyResource(keys, new RequestBodies(settings)));
        return application;
    }
}

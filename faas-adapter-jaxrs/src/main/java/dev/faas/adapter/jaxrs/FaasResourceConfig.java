package dev.faas.adapter.jaxrs;

import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.in.RegisterFunctionUseCase;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/** The Jersey application: every resource and exception mapper, registered explicitly, around the use cases. */
public final class FaasResourceConfig {

    private FaasResourceConfig() {
    }

    public static ResourceConfig create(RegisterFunctionUseCase register, InvokeFunctionUseCase invoke,
                                        ApiSettings settings) {
        RequestBodies bodies = new RequestBodies(settings);
        ResourceConfig config = new ResourceConfig();
        config.register(new SeedResource(register, invoke, bodies));
        config.register(new HealthResource());
        config.register(new ContentLengthLimitFilter(bodies.maxBytes()));
        config.register(new ClientErrorMapper());
        config.register(new FunctionCodeErrorMapper());
        config.register(new PlatformErrorMapper());
        config.register(new HttpErrorMapper());
        config.register(new UnexpectedErrorMapper());
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        config.property(ServerProperties.BV_FEATURE_DISABLE, true);
        config.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        return config;
    }
}

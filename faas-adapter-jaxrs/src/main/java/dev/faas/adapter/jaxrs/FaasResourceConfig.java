package dev.faas.adapter.jaxrs;

import dev.faas.adapter.jaxrs.metrics.FaasMetrics;
import dev.faas.ports.in.ManageSecretsUseCase;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/** The Jersey application: every resource, filter and exception mapper, registered explicitly, around the use cases. */
public final class FaasResourceConfig {

    private FaasResourceConfig() {
    }

    /**
     * The whole API. The caller may register more providers (an authentication filter, say) on the result before
     * the server starts.
     */
    public static ResourceConfig create(ApiUseCases useCases, FaasMetrics metrics, ApiSettings settings) {
        RequestBodies bodies = new RequestBodies(settings);
        ResourceConfig config = new ResourceConfig();
        CallModes modes = new CallModes(useCases.invoke(), useCases.async());
        config.register(new SeedResource(useCases.register(), modes, bodies));
        config.register(new FunctionsResource(useCases.get(), useCases.delete(), modes, bodies));
        config.register(new ActivationsResource(useCases.activations()));
        config.register(new SchedulesResource(useCases.schedules(), bodies));
        config.register(new HealthResource());
        config.register(new RuntimesResource(useCases.runtimes()));
        config.register(new ReadinessResource(useCases.readiness()));
        config.register(new MetricsResource(metrics));
        config.register(new OpenApiResource());
        config.register(new RequestLogFilter());
        config.register(new ContentLengthLimitFilter(bodies.maxBytes()));
        config.register(new ProblemMapper());
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        config.property(ServerProperties.BV_FEATURE_DISABLE, true);
        config.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        // Location: /activations/{id} as written, right behind any proxy, not resolved against the Host we saw.
        config.property(ServerProperties.LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED, true);
        return config;
    }

    /** Adds {@code /secrets} (admin only) to {@code config}, an application made by {@link #create}. */
    public static ResourceConfig addSecrets(ResourceConfig config, ManageSecretsUseCase secrets, ApiSettings settings) {
        config.register(new SecretsResource(secrets, new RequestBodies(settings)));
        return config;
    }
}

package dev.faas.adapter.jaxrs;

import dev.faas.adapter.jaxrs.metrics.FaasMetrics;
import dev.faas.ports.model.AccessRole;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

/** {@code GET /metrics}: every meter in the Prometheus text exposition format, version 0.0.4. */
@Path("/metrics")
public final class MetricsResource {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final FaasMetrics metrics;

    MetricsResource(FaasMetrics metrics) {
        this.metrics = metrics;
    }

    @GET
    @Produces("text/plain")
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response scrape() {
        return Response.ok(metrics.scrape()).type(CONTENT_TYPE).build();
    }
}

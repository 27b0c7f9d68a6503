package dev.faas.adapter.jaxrs;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /healthz}: the process is alive and serving HTTP. It checks nothing else, so it is also the cheapest endpoint. */
@Path("/healthz")
public final class HealthResource {

    private static final String ALIVE = "{\"status\":\"ok\"}";

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public String alive() {
        return ALIVE;
    }
}

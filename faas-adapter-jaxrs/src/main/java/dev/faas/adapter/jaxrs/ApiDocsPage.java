package dev.faas.adapter.jaxrs;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /docs}: Swagger UI (from its webjar) on this server's own {@code /openapi.json}, fetched with the key the
 * user signed in with on the dashboard.
 */
@Path("/docs")
@PermitAll
public final class ApiDocsPage {

    @GET
    public Response page() {
        return StaticAssets.serve(StaticAssets.OWN + "docs.html");
    }
}

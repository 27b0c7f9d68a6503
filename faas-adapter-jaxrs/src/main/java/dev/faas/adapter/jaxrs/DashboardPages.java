package dev.faas.adapter.jaxrs;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.Set;

/**
 * {@code GET /ui}: the dashboard, one page whose script reads the API with the key the user signs in with (kept in
 * {@code sessionStorage}, sent as a bearer token). Public like every page asset: they are the same files for everyone
 * and hold nothing secret; what the page shows comes from the API, which checks the key.
 */
@Path("/ui")
@PermitAll
public final class DashboardPages {

    /** The project's own files the dashboard loads, besides {@code index.html}. */
    static final Set<String> FILES = Set.of("app.js", "app.css", "docs.js", "docs.css", "favicon.svg");

    @GET
    public Response index() {
        return StaticAssets.serve(StaticAssets.OWN + "index.html");
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String file) {
        if (!FILES.contains(file)) {
            throw new NotFoundException();
        }
        return StaticAssets.serve(StaticAssets.OWN + file);
    }
}
